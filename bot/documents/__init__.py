"""The documents: the draft POP, the alignment summary, and both as PDFs."""

from bot.documents.alignment import AlignmentDoc, build_alignment
from bot.documents.draft import DraftDoc, build_draft, render_draft
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
