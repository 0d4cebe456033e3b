"""Fonts parsed once per process, not once per document.

fpdf2 parses a TrueType font for every document that adds it (the character map, the
widths of every glyph: ~30% of a draft's time), and its subsetter then cuts that parsed
font down in place when the document is written — so a parsed font cannot simply be
shared. Here each font is parsed by fpdf2 once (the *template*); a document gets a copy
that shares what is read-only after parsing (character map, widths, glyph ids, the
descriptor) and has fresh what is the document's own: its index, the subset of glyphs
it used, and a fontTools object freshly opened (lazily) on the same bytes for the
subsetter to cut. A test renders every kind of document with and without this cache and
compares the pages' drawing operators: they must be identical.
"""

from __future__ import annotations

import copy
import threading
from io import BytesIO
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.font_type_3 import get_color_font_object
from fpdf.fonts import SubsetMap, TTFFont

Ranges = list[tuple[int, int]]
_templates: dict[tuple[str, str, tuple[tuple[int, int], ...] | None], tuple[TTFFont, bytes]] = {}
_lock = threading.Lock()  # documents are composed in worker threads
ENABLED = True  # the comparison test turns the cache off for its baseline


def add_font(
    pdf: FPDF, family: str, path: Path, style: str = "", unicode_range: Ranges | None = None
) -> None:
    """`pdf.add_font(family, style, fname=path, unicode_range=…)`, parsing `path` once."""
    if not ENABLED:
        pdf.add_font(family, style=style, fname=str(path), unicode_range=unicode_range)
        return
    key = (str(path), style, tuple(unicode_range) if unicode_range else None)
    with _lock:
        found = _templates.get(key)
        if found is None:
            scratch = FPDF()  # parsed in a document of its own: the template is never used
            scratch.add_font("template", style=style, fname=str(path), unicode_range=unicode_range)
            parsed = scratch.fonts[f"template{style}"]
            assert isinstance(parsed, TTFFont)  # a font file, never one of the PDF core fonts
            found = _templates[key] = (parsed, path.read_bytes())
    template, raw = found
    fontkey = f"{family.lower()}{style}"
    font = copy.copy(template)  # shares the read-only tables parsed from the file
    font.i = len(pdf.fonts) + 1
    font.fontkey = fontkey
    font.ttfont = TTFont(
        BytesIO(raw), recalcTimestamp=False, fontNumber=template.collection_font_number, lazy=True
    )
    font._hbfont = None  # opened from the file when shaping needs it
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font.subset = SubsetMap(font)
    font.color_font = get_color_font_object(pdf, font, font.palette_index) if pdf.render_color_fonts else None
    pdf.fonts[fontkey] = font
