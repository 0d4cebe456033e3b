"""Issue 16: the PDFs are made faster (each font parsed once per process; a table cell laid out
only when it might not fit on a page) and must look exactly as before. Compared: the drawing
operators of every page (where each glyph goes, in which font, at which size — what a viewer
draws) and the text layer, against the same document made the old way in the same test."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
from pypdf import PdfReader

from bot.documents import fonts, pdf
from bot.documents.alignment import AlignmentDoc, ThemeView
from bot.documents.draft import QA, DraftDoc
from tests.documents.test_pdf_scripts import ARABIC, WRITTEN, draft


@pytest.fixture
def the_old_way() -> Iterator[None]:
    fonts.ENABLED, pdf.QUICK_FIT = False, False
    yield
    fonts.ENABLED, pdf.QUICK_FIT = True, True


_SHOWN = re.compile(rb"\((?:\\.|[^\\)])*\) ?Tj|\[(?:\\.|[^\\\]])*\] ?TJ", re.DOTALL)


def pages(data: bytes) -> list[tuple[bytes, list[tuple[Any, ...]]]]:
    """Per page: its drawing operators with the shown strings left out (a string holds glyph
    codes, which are numbered in the order a document first uses each glyph), and every
    piece of text as drawn — decoded, with its font, size and place."""
    out = []
    for page in PdfReader(io.BytesIO(data)).pages:
        drawn: list[tuple[Any, ...]] = []

        def seen(text: str, cm: Any, tm: Any, font: Any, size: float, into: list[Any] = drawn) -> None:
            if text:
                base = str(font.get("/BaseFont")) if font else ""
                into.append((text, base, round(size, 2), tuple(round(x, 2) for x in tm)))

        page.extract_text(visitor_text=seen)
        operators = _SHOWN.sub(b"<text>", page.get_contents().get_data())  # type: ignore[union-attr]
        out.append((operators, drawn))
    return out


def alignment() -> AlignmentDoc:
    long = "Een lang antwoord met veel woorden. " * 60
    view = ThemeView(
        "Thema", [QA("Vraag", long), QA("Kort", "ja")], [QA("Vraag", "nee")], ["Jullie verschillen."]
    )
    return AlignmentDoc(
        title="Afstemming",
        header=[("Medewerker", "Anna")],
        employee_label="Anna",
        manager_label="Jij",
        not_prepared="",
        themes=[view],
        goals_title="Doelen",
        goals=["Klantgericht werken — Specifiek ✓"],
        matrix_title="Soort gesprek",
        kind="Ontwikkelgesprek",
        agenda_title="Agenda",
        agenda=["Hoe functioneert de medewerker?"],
        dos_title="Wel doen:",
        dos=["Benut de talenten."],
        donts_title="Niet doen:",
        donts=["Geen toezeggingen."],
    )


DOCUMENTS = {
    "Dutch": lambda: pdf.render_pdf(draft(["één café", "Plannen en klanten helpen"])),
    "every script": lambda: pdf.render_pdf(draft([*WRITTEN.values(), ARABIC, "👍🏽 🇳🇱"])),
    "a row taller than a page": lambda: pdf.render_pdf(draft(["woord " * 1500, "kort"])),
    "many short lines": lambda: pdf.render_pdf(draft(["regel\n" * 150])),
    "alignment": lambda: pdf.render_alignment_pdf(alignment()),
}


@pytest.mark.parametrize("name", DOCUMENTS)
def test_the_pages_are_drawn_exactly_as_before(name: str, the_old_way: None) -> None:
    make = DOCUMENTS[name]
    before = pages(make())
    fonts.ENABLED, pdf.QUICK_FIT = True, True
    first, again = pages(make()), pages(make())  # the second from the cache's copies
    assert first == before and again == before


def test_a_document_does_not_change_the_fonts_the_next_one_gets() -> None:
    """The subsetter cuts each document's font; the next document must get whole fonts."""
    pdf.render_pdf(draft(["abc"]))
    text = "".join(t for t, *_ in pages(pdf.render_pdf(draft(["xyz één café"])))[0][1])
    assert "xyz één café" in text.replace("\x00", "")


def test_the_same_document_is_not_mistaken(the_old_way: None) -> None:
    """The comparison notices a difference (so the test above can fail)."""
    a = pages(pdf.render_pdf(draft(["één café"])))
    b = pages(pdf.render_pdf(draft(["één cafe"])))
    assert a != b


_ = DraftDoc  # the documents above are built by `draft` (a DraftDoc)
