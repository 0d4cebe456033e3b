"""The draft POP as a PDF, laid out like the POP form (seed 001 §4.11).

fpdf2 draws it from the same `DraftDoc` as the Markdown, with DejaVu Sans for
text (Latin, Greek, Cyrillic: accents, most symbols) and Noto fonts as
fallbacks for the other scripts people write — Arabic, Hebrew, Devanagari,
Chinese, Japanese, Korean, … — and Noto Color Emoji, so what the employee typed
shows as typed. Only the fallbacks a document needs are loaded, and text is
shaped (HarfBuzz: joined Arabic, right to left, emoji sequences as one) only
when the document holds such text. A character no font has is shown as �,
never dropped silently — and never written to the log.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, fields, is_dataclass, replace
from functools import cache
from itertools import zip_longest
from pathlib import Path
from typing import Any

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.fonts import FontFace

from bot.documents.alignment import AlignmentDoc
from bot.documents.draft import DraftDoc
from bot.documents.font_dirs import FONT_DIRS
from bot.documents.fonts import add_font
from bot.errors import PopbotError

log = logging.getLogger(__name__)

# Fallbacks in the order they are tried (Debian: fonts-noto-core, fonts-noto-cjk,
# fonts-noto-color-emoji). Emoji first: it also holds the joiners (ZWJ, VS16) that keep
# an emoji sequence in one font. (regular, bold) file names; a missing one is skipped.
_FALLBACKS = (
    ("NotoColorEmoji.ttf", "NotoColorEmoji.ttf"),
    ("NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf"),
    ("NotoSansHebrew-Regular.ttf", "NotoSansHebrew-Bold.ttf"),
    ("NotoSansDevanagari-Regular.ttf", "NotoSansDevanagari-Bold.ttf"),
    ("NotoSansBengali-Regular.ttf", "NotoSansBengali-Bold.ttf"),
    ("NotoSansTamil-Regular.ttf", "NotoSansTamil-Bold.ttf"),
    ("NotoSansThai-Regular.ttf", "NotoSansThai-Bold.ttf"),
    ("NotoSansArmenian-Regular.ttf", "NotoSansArmenian-Bold.ttf"),
    ("NotoSansGeorgian-Regular.ttf", "NotoSansGeorgian-Bold.ttf"),
    ("NotoSansEthiopic-Regular.ttf", "NotoSansEthiopic-Bold.ttf"),
    ("NotoSansCJK-Regular.ttc", "NotoSansCJK-Bold.ttc"),
    ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
    ("NotoSansSymbols2-Regular.ttf", "NotoSansSymbols2-Regular.ttf"),
)
MISSING = "\ufffd"  # shown where no font has the character
# The joiners stay out of DejaVu (which has them as empty glyphs), so an emoji sequence is
# one run in the emoji font and HarfBuzz can make it the one picture it stands for.
_JOINERS = (0x200D, 0xFE0F)
_BODY_RANGE = [(0, 0x200C), (0x200E, 0xFE0E), (0xFE10, 0x10FFFF)]


class _NoAnswersInTheLog(logging.Filter):
    """fpdf2 names the characters a font lacks — an answer's characters — in a warning."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "missing the following glyphs" not in str(record.msg)


# On the loggers that emit it: a filter on the parent "fpdf" would not see their records.
for _name in ("fpdf.output", "fpdf.fpdf"):
    logging.getLogger(_name).addFilter(_NoAnswersInTheLog())


@cache
def _cmap(path: Path) -> frozenset[int]:
    """The characters a font file has (the first font of a collection), read once."""
    font = TTFont(str(path), fontNumber=0, lazy=True)
    try:
        return frozenset(font.getBestCmap() or {})
    finally:
        font.close()


@dataclass(frozen=True)
class _Fonts:
    """What one document is drawn with: the fallbacks its text needs, whether to shape."""

    fallbacks: list[tuple[str, Path, Path]]  # (family, regular, bold)
    covered: frozenset[int]
    shape: bool
    joiners: bool  # the text has emoji joiners: keep them out of the body font


def _fonts_for(texts: Iterable[str], regular: Path, dirs: tuple[Path, ...]) -> _Fonts:
    body = _cmap(regular) - set(_JOINERS)
    wanted = {ord(ch) for text in texts for ch in text if not ch.isspace() and ord(ch) >= 32}
    rest = wanted - body
    covered, chosen = set(body), []
    for n, (reg_name, bold_name) in enumerate(_FALLBACKS):
        if not rest:
            break
        reg = _find(reg_name, dirs)
        if reg is None:
            continue
        has = _cmap(reg) & rest
        if has:
            chosen.append((f"fallback{n}", reg, _find(bold_name, dirs) or reg))
            covered |= _cmap(reg)
            rest -= has
    # Scripts whose letters join or run right to left need shaping even where DejaVu has them
    # (it has Arabic and Hebrew): unshaped, Arabic prints as unjoined letters, left to right.
    complex_text = any(
        unicodedata.bidirectional(chr(c)) in ("R", "AL") or unicodedata.category(chr(c)) in ("Mn", "Mc")
        for c in wanted
    )
    joiners = bool(wanted & set(_JOINERS))
    return _Fonts(chosen, frozenset(covered), shape=bool(chosen) or complex_text, joiners=joiners)


def _strings(obj: Any) -> Iterator[str]:
    """Every text in a document (a dataclass of strings, lists, tuples and dicts)."""
    if isinstance(obj, str):
        yield obj
    elif is_dataclass(obj):
        for f in fields(obj):
            yield from _strings(getattr(obj, f.name))
    elif isinstance(obj, list | tuple):
        for item in obj:
            yield from _strings(item)
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from _strings(k)
            yield from _strings(v)


def _shown(obj: Any, covered: frozenset[int]) -> Any:
    """The document with every character no font has replaced by a visible �."""
    if isinstance(obj, str):
        ok = covered | set(_JOINERS)
        return "".join(ch if ch.isspace() or ord(ch) < 32 or ord(ch) in ok else MISSING for ch in obj)
    if is_dataclass(obj) and not isinstance(obj, type):
        return replace(obj, **{f.name: _shown(getattr(obj, f.name), covered) for f in fields(obj)})
    if isinstance(obj, list):
        return [_shown(item, covered) for item in obj]
    if isinstance(obj, tuple):
        return tuple(_shown(item, covered) for item in obj)
    if isinstance(obj, dict):
        return {_shown(k, covered): _shown(v, covered) for k, v in obj.items()}
    return obj


def _find(name: str, dirs: tuple[Path, ...]) -> Path | None:
    for folder in dirs:
        path = folder / name
        if path.is_file():
            return path
    return None


def fonts(dirs: tuple[Path, ...] = FONT_DIRS) -> tuple[Path, Path]:
    """The fonts the PDF is set in (found once in the font folders)."""
    regular, bold = _find("DejaVuSans.ttf", dirs), _find("DejaVuSans-Bold.ttf", dirs)
    if regular is None or bold is None:
        raise PopbotError(
            "the PDF needs the DejaVu Sans fonts: 'apt-get install fonts-dejavu-core' "
            "(or set POPBOT_FONT_DIR to a folder holding DejaVuSans.ttf and DejaVuSans-Bold.ttf)"
        )
    return regular, bold


QUICK_FIT = True  # the benchmark's and the comparison test's baseline measures every cell


class _Form(FPDF):
    letterhead: tuple[str, str] = ("", "")  # organisation, "vertrouwelijk"
    logo: Path | None = None

    def header(self) -> None:
        """Every page: the logo and the organisation left, who may read it right."""
        organisation, confidential = self.letterhead
        if not (organisation or confidential or self.logo):
            return
        top = self.get_y()
        x = self.l_margin
        if self.logo is not None:
            self.image(str(self.logo), x=x, y=top - 2, h=9)
            x += 32
        self.set_xy(x, top)
        self.set_font("body", "B", 9)
        self.set_text_color(60)
        self.cell(self.epw / 2, 5, organisation)
        self.set_font("body", size=8)
        self.set_x(self.l_margin + self.epw / 2)
        self.cell(self.epw / 2, 5, confidential, align="R")
        self.set_text_color(0)
        self.set_y(top + 10)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("body", size=8)
        self.set_text_color(120)
        self.cell(0, 6, f"{self.page_no()}/{{nb}}", align="R")


class _Page:
    """An A4 document with the fonts loaded, and its two text styles."""

    def __init__(
        self,
        title: str,
        using: _Fonts,
        regular: Path,
        bold: Path,
        letterhead: tuple[str, str] = ("", ""),
        logo: Path | None = None,
    ) -> None:
        pdf = self.pdf = _Form(format="A4")
        pdf.letterhead, pdf.logo = letterhead, logo
        pdf.set_title(title)
        pdf.set_creator("popbot")
        # only where it matters: a range makes fpdf2 check every character against it
        body_range = _BODY_RANGE if using.joiners else None
        add_font(pdf, "body", regular, unicode_range=body_range)
        add_font(pdf, "body", bold, "B", unicode_range=body_range)
        for family, reg, bld in using.fallbacks:
            add_font(pdf, family, reg)
            add_font(pdf, family, bld, "B")
        if using.fallbacks:
            pdf.set_fallback_fonts([family for family, _r, _b in using.fallbacks])
        if using.shape:
            pdf.set_text_shaping(True)
        pdf.set_auto_page_break(True, margin=18)
        pdf.add_page()

    @classmethod
    def of(cls, doc: Any, title: str, dirs: tuple[Path, ...], logo: Path | None = None) -> tuple[_Page, Any]:
        """A page for this document, and the document as it will be shown (see `_shown`)."""
        regular, bold = fonts(dirs)
        using = _fonts_for(_strings(doc), regular, dirs)
        shown = _shown(doc, using.covered)
        return cls(title, using, regular, bold, shown.letterhead, _readable(logo)), shown

    def heading(self, text: str, size: float = 13) -> None:
        self.pdf.ln(3)
        self.pdf.set_font("body", "B", size)
        self.pdf.multi_cell(self.pdf.epw, 7, text, new_x="LMARGIN", new_y="NEXT")
        self.pdf.set_font("body", size=10)

    def para(self, text: str, style: str = "", size: float = 10) -> None:
        self.pdf.set_font("body", style, size)
        self.pdf.multi_cell(self.pdf.epw, 5.5, text or "–", new_x="LMARGIN", new_y="NEXT", align="L")

    def header(self, title: str, rows: list[tuple[str, str]]) -> None:
        self.heading(title, 18)
        self.pdf.ln(1)
        # the label column as wide as its longest label (no label breaks mid-word), at most half
        style, size = self.pdf.font_style, self.pdf.font_size_pt
        self.pdf.set_font("body", "B", size)
        longest = max((self.pdf.get_string_width(label) for label, _value in rows), default=0)
        self.pdf.set_font("body", style, size)
        label_width = min(longest + 2 * self.pdf.c_margin + 3, self.pdf.epw / 2)
        widths = (label_width, self.pdf.epw - label_width)
        if not self.fits(widths, [list(r) for r in rows], 5.5):
            for label, value in rows:
                self.para(f"{label}: {value}")
        else:
            with self.pdf.table(
                col_widths=widths, first_row_as_headings=False, borders_layout="NONE"
            ) as table:
                for label, value in rows:
                    row = table.row()
                    row.cell(label, style=FontFace(emphasis="BOLD"))
                    row.cell(value)
        self.pdf.ln(2)

    def fits(self, widths: tuple[float, ...], rows: list[list[str]], line_height: float) -> bool:
        """Does every row of a table fit on one page? fpdf2 cannot split a row across pages and
        refuses the whole document, so a table with a row taller than a page (a long answer, many
        line breaks) is laid out as blocks instead, which flow across pages."""
        pdf, total = self.pdf, sum(widths)
        limit = pdf.eph * 0.8  # room for the heading row and the table's own padding
        widest = 1.5 * pdf.font_size  # no glyph is wider than this (an em, and some margin)
        for cells in rows:
            for width, text in zip(widths, cells, strict=False):
                room = pdf.epw * width / total - 2 * pdf.c_margin - 1
                # Laying a cell out to count its lines costs as much as drawing it. A cheap bound
                # first: wrapped at spaces every line is at least half full (a word longer than
                # half a line starts a line of its own), so a cell has at most its paragraphs
                # plus twice its width in lines. Only a cell that might not fit is measured.
                bound = text.count("\n") + 1 + 2 * len(text) * widest / max(room, 1)
                if QUICK_FIT and bound * line_height <= limit:
                    continue
                lines = pdf.multi_cell(room, line_height, text or "–", dry_run=True, output="LINES")
                assert isinstance(lines, list)  # output="LINES" gives the lines
                if len(lines) * line_height > limit:
                    return False
        return True

    def blocks(self, headings: list[str], rows: list[list[str]], label: Callable[[int], str]) -> None:
        """A table as one block per row: its label, then each column's heading and value."""
        for n, cells in enumerate(rows, start=1):
            if title := label(n):
                self.para(title, "B", 10.5)
            for head, text in zip(headings, cells, strict=False):
                self.para(head, "B")
                self.para(text)
            self.pdf.ln(2)

    def bytes(self) -> bytes:
        return bytes(self.pdf.output())


def _readable(logo: Path | None) -> Path | None:
    """The logo if it is a file fpdf2 can place; a missing or broken one is left out (and
    logged): a wrong path in HR's file never stops a document."""
    if logo is None or not str(logo):
        return None
    try:
        with logo.open("rb") as f:
            head = f.read(8)
    except OSError as exc:
        log.error("the letterhead's logo %s cannot be read (%s): the documents go without it", logo, exc)
        return None
    if not (head.startswith(b"\x89PNG") or head.startswith(b"\xff\xd8")):
        log.error("the letterhead's logo %s is not a PNG or JPEG: the documents go without it", logo)
        return None
    return logo


def render_pdf(doc: DraftDoc, font_dirs: tuple[Path, ...] = FONT_DIRS, logo: Path | None = None) -> bytes:
    """The draft (or the alignment summary) as PDF bytes."""
    page, doc = _Page.of(doc, doc.title, font_dirs, logo)
    pdf, heading, para = page.pdf, page.heading, page.para
    page.header(doc.title, doc.header)
    pdf.set_text_color(0 if doc.complete else 170, 0, 0)
    if doc.status:
        para(doc.status, "B")
    pdf.set_text_color(0)
    if doc.missing:
        para(doc.missing_label)
        for q in doc.missing:
            para(f"•  {q}")

    for title, body in doc.sections:
        heading(title)
        for qa in body:
            para(qa.question, "B")
            para(qa.answer)
            pdf.ln(1.5)

    if doc.goal_columns:
        _goals_table(page, doc)
    if doc.smart_hints:
        pdf.ln(2)
        para(doc.smart_title, "B")
        for hint in doc.smart_hints:
            para(f"•  {hint}")

    if doc.support:
        heading(doc.support_title)
        for qa in doc.support:
            para(qa.question, "B")
            para(qa.answer)
            pdf.ln(1.5)

    heading(doc.signatures_title)
    for label in doc.signature_lines:
        pdf.ln(6)
        para(f"{label}:  {doc.signed.get(label) or '________________________________'}")
    return page.bytes()


GOAL_COLUMNS_PER_TABLE = 5  # the POP form's own five; the rest (term, priority, …) below


def _goals_table(page: _Page, doc: DraftDoc) -> None:
    # Portrait like every other page: a document that turns sideways halfway is awkward to
    # file and to print. The form's five columns make one table, the goal's other columns
    # (term, priority, evaluation, the manager's view) a second; a goal too long for a row
    # becomes a block instead.
    page.heading(doc.goals_title)
    rows = doc.goal_rows or [[doc.empty for _ in doc.goal_columns]]
    step = GOAL_COLUMNS_PER_TABLE
    chunks = [
        (doc.goal_columns[i : i + step], [r[i : i + step] for r in rows])
        for i in range(0, len(doc.goal_columns), step)
    ]
    page.pdf.set_font("body", size=8.5)
    if not all(page.fits(_widths(cols), [["", *r] for r in part], 4.5) for cols, part in chunks):
        # a goal too long for one row of the table: one block per goal, as the form's columns
        page.blocks(doc.goal_columns, rows, lambda n: f"{doc.goals_title} {n}")
        page.pdf.set_font("body", size=10)
        return
    for cols, part in chunks:
        _goal_rows(page, doc, cols, part)
        page.pdf.ln(2)
    page.pdf.set_font("body", size=10)


def _widths(columns: list[str]) -> tuple[float, ...]:
    # each column at least as wide as its heading's longest word: no heading breaks mid-word
    return (3, *(max(8, *(len(w) for w in c.split())) for c in columns))


def _goal_rows(page: _Page, doc: DraftDoc, goal_columns: list[str], rows: list[list[str]]) -> None:
    pdf = page.pdf
    columns = ["#", *goal_columns]
    widths = _widths(goal_columns)
    with pdf.table(
        col_widths=widths,
        headings_style=FontFace(emphasis="BOLD", fill_color=(230, 236, 245)),
        line_height=4.5,
        text_align="LEFT",
        padding=1.5,
    ) as table:
        head = table.row()
        for c in columns:
            head.cell(c)
        for n, cells in enumerate(rows, start=1):
            row = table.row()
            row.cell(str(n) if doc.goal_rows else "–")
            for cell in cells:
                row.cell(cell)


def render_alignment_pdf(
    doc: AlignmentDoc, font_dirs: tuple[Path, ...] = FONT_DIRS, logo: Path | None = None
) -> bytes:
    """Both views side by side per theme, what agrees and differs, goals, kind, agenda."""
    page, doc = _Page.of(doc, doc.title, font_dirs, logo)
    pdf = page.pdf
    page.header(doc.title, doc.header)
    for warning in [*doc.warnings, *([doc.not_prepared] if doc.not_prepared else [])]:
        pdf.set_text_color(170, 0, 0)
        page.para(warning, "B")
        pdf.set_text_color(0)
    for theme in doc.themes:
        page.heading(theme.title)
        if theme.manager and not theme.employee and not theme.heart:
            # the manager's own (the organisation's side, their 🔒 answers): no empty column
            for qa in theme.manager:
                page.para(qa.question, "B", 9.5)
                page.para(qa.answer, "", 9.5)
            continue
        pdf.set_font("body", size=9)
        rows = [
            [f"{qa.question}\n{qa.answer}" if qa else "–" for qa in pair]
            for pair in zip_longest(theme.employee, theme.manager)
        ] or [["–", "–"]]
        if not page.fits((1, 1), rows, 4.6):
            # an answer too long for one row beside the other view: the two views one after another
            pdf.set_font("body", size=10)
            page.blocks([doc.employee_label, doc.manager_label], rows, lambda _n: "")
        else:
            _side_by_side(pdf, doc, rows)
        for finding in theme.findings:
            pdf.ln(1)
            page.para(finding, "B", 9.5)
    page.heading(doc.goals_title)
    for line in doc.goals:
        page.para(f"•  {line}")
    if doc.kind:
        page.heading(doc.matrix_title)
        page.para(doc.kind)
    page.heading(doc.agenda_title)
    for n, point in enumerate(doc.agenda, start=1):
        page.para(f"{n}.  {point}")
    for title, items in ((doc.dos_title, doc.dos), (doc.donts_title, doc.donts)):
        if items:
            page.heading(title)
            for line in items:
                page.para(f"•  {line}")
    return page.bytes()


def _side_by_side(pdf: FPDF, doc: AlignmentDoc, rows: list[list[str]]) -> None:
    with pdf.table(
        col_widths=(1, 1),
        headings_style=FontFace(emphasis="BOLD", fill_color=(230, 236, 245)),
        line_height=4.6,
        text_align="LEFT",
        padding=1.5,
    ) as table:
        head = table.row()
        head.cell(doc.employee_label)
        head.cell(doc.manager_label)
        for cells in rows:
            row = table.row()
            for cell in cells:
                row.cell(cell)
