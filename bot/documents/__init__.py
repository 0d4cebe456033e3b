"""The documents: the draft POP, the alignment summary, and both as PDFs."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from bot.documents.alignment import AlignmentDoc, build_alignment
from bot.documents.draft import DraftDoc, build_draft, render_draft

if TYPE_CHECKING:
    from bot.documents.pdf import render_alignment_pdf, render_pdf

__all__ = [
    "AlignmentDoc",
    "DraftDoc",
    "build_alignment",
    "build_draft",
    "render_alignment_pdf",
    "render_draft",
    "render_pdf",
]


def __getattr__(name: str) -> Any:
    # The PDF side loads fpdf2 and the fonts' tables (~0.3 s, ~25 MB): only when a PDF is made,
    # not for every process that only needs the draft's text.
    if name in ("render_pdf", "render_alignment_pdf"):
        return getattr(importlib.import_module("bot.documents.pdf"), name)
    raise AttributeError(name)
