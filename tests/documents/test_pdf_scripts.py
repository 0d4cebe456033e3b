"""Issue 13, point 7: every script a Dutch workforce writes in comes out in the PDF — not
blank — emoji sequences stay whole, a character no font has is shown as missing, and no
library's warning carries an answer into the log."""

from __future__ import annotations

import io
import logging

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from bot.documents.draft import QA, DraftDoc
from bot.documents.pdf import MISSING, render_pdf

WRITTEN = {
    "Chinese": "我想学习领导力",
    "Japanese": "リーダーシップを学びたい",
    "Korean": "리더십을 배우고 싶어요",
    "Hebrew": "ללמוד",
    "Devanagari": "सीखना",
    "Tigrinya": "ምምሃር",
    "Dutch": "één café",
}
ARABIC = "أريد أن أتعلم القيادة"
NO_FONT = "\U00016a40"  # Mro: no font popbot knows has it


def draft(answers: list[str]) -> DraftDoc:
    return DraftDoc(
        title="POP",
        header=[("Medewerker", "Anna")],
        complete=True,
        status="compleet",
        missing_label="",
        missing=[],
        sections=[("Antwoorden", [QA(f"Vraag {n}", a) for n, a in enumerate(answers)])],
        goals_title="Doelen",
        goal_columns=["Doel"],
        goal_rows=[[answers[0]]],
        smart_title="",
        smart_hints=[],
        support_title="",
        support=[],
        signatures_title="Handtekeningen",
        signature_lines=["Medewerker"],
    )


def fonts_of(pdf: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def emoji_glyphs(pdf: bytes) -> set[str]:
    """The colour glyphs drawn (fpdf2 embeds a colour font as a Type 3 font, a glyph each)."""
    names: set[str] = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            procs = font.get_object().get("/CharProcs") or {}
            names |= {str(n) for n in procs} - {"/.notdef", "/space"}
    return names


def test_every_script_is_in_the_pdf_and_nothing_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        pdf = render_pdf(draft([*WRITTEN.values(), ARABIC, f"Mro {NO_FONT} eind"]))
    # (pypdf puts a NUL before each two-byte character it extracts)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace("\x00", "")
    for script, words in WRITTEN.items():  # in the text layer: drawn with a font that has them
        assert words in text, script
    used = " ".join(fonts_of(pdf))
    for family in ("NotoSansCJK", "NotoSansDevanagari", "NotoSansEthiopic"):
        assert family in used, used
    assert f"Mro {MISSING} eind" in text  # shown as missing, not dropped
    for record in caplog.records:  # no answer's characters, no missing-glyph warning
        message = record.getMessage()
        assert "missing the following glyphs" not in message
        assert not any(ch in message for ch in (NO_FONT, "领", "ሃ", "ق"))


def glyphs_of(pdf: bytes) -> set[str]:
    """The names of the glyphs embedded for the document's text."""
    names: set[str] = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            descendant = font.get_object()["/DescendantFonts"][0].get_object()
            data = descendant["/FontDescriptor"]["/FontFile2"].get_object().get_data()
            names |= set(TTFont(io.BytesIO(data)).getGlyphOrder())
    return names


def test_arabic_is_shaped_and_emoji_sequences_stay_whole() -> None:
    # shaped: the letters in their joined forms (initial, medial, final: U+FExx), not isolated
    arabic = glyphs_of(render_pdf(draft([ARABIC])))
    assert any(g.startswith("uniFE") for g in arabic), sorted(arabic)
    # a family (three people joined by ZWJ), a skin tone, a flag: one picture each
    for sequence in ("👨\u200d👩\u200d👧", "👍🏽", "🇳🇱"):
        assert len(emoji_glyphs(render_pdf(draft([sequence])))) == 1, sequence
