"""The draft's Markdown in each channel's own markup.

The engine writes documents (the draft POP, a preparation's summary) in Markdown, the one
format with a file to download. A chat renders Markdown rarely and never the same way, so
every adapter shows it in its own markup: Telegram HTML, Slack mrkdwn, plain text in the
terminal. markdown-it-py reads the Markdown (CommonMark with tables) into blocks; the
functions below write those blocks out. A table becomes one short block per row — a label
and its value per line — because no chat shows a seven-column table in a phone's width.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token

# html off: an answer with <b> or <script> is text, shown as typed, never markup
# and no links, autolinks or entities: the draft's words are the employee's, as they typed them
_PARSER = (
    MarkdownIt("commonmark", {"html": False}).enable("table").disable(["autolink", "link", "image", "entity"])
)


@dataclass(frozen=True)
class Span:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass
class Block:
    kind: str  # heading, paragraph, item, row
    spans: list[Span] = field(default_factory=list)
    cells: list[tuple[str, str]] = field(default_factory=list)  # row: (column, value)


def blocks(markdown: str) -> list[Block]:
    """The Markdown as a flat list of blocks (headings, paragraphs, list items, table rows)."""
    tokens = _PARSER.parse(markdown)
    out: list[Block] = []
    kind = "paragraph"
    header: list[str] = []
    row: list[str] | None = None
    in_head = False
    for t in tokens:
        if t.type == "heading_open":
            kind = "heading"
        elif t.type == "list_item_open":
            kind = "item"
        elif (t.type in ("paragraph_open",) and kind not in ("item",)) or t.type == "list_item_close":
            kind = "paragraph"
        elif t.type == "thead_open":
            in_head, header = True, []
        elif t.type == "thead_close":
            in_head = False
        elif t.type == "tr_open":
            row = []
        elif t.type == "tr_close" and row is not None:
            if not in_head:
                out.append(Block("row", cells=list(zip(header, row, strict=False))))
            row = None
        elif t.type == "inline":
            spans = _spans(t)
            if row is not None:
                cell = "".join(s.text for s in spans).strip()
                (header if in_head else row).append(cell)
            else:
                out.append(Block(kind, spans))
                if kind == "heading":
                    kind = "paragraph"
    return out


def _spans(inline: Token) -> list[Span]:
    spans: list[Span] = []
    bold = italic = False
    for c in inline.children or []:
        if c.type == "strong_open":
            bold = True
        elif c.type == "strong_close":
            bold = False
        elif c.type == "em_open":
            italic = True
        elif c.type == "em_close":
            italic = False
        elif c.type in ("softbreak", "hardbreak"):
            spans.append(Span("\n"))
        elif c.type in ("text", "code_inline"):
            spans.append(Span(c.content, bold, italic))
    return spans


def _write(
    markdown: str, escape: Callable[[str], str], bold: Callable[[str], str], italic: Callable[[str], str]
) -> str:
    lines: list[str] = []
    for b in blocks(markdown):
        if b.kind == "row":
            cells = [(k, v) for k, v in b.cells if v]
            lines.append(
                "\n".join(f"{bold(escape(k))}: {escape(v)}" if k else bold(escape(v)) for k, v in cells)
            )
            lines.append("")
            continue

        def styled(span: Span, heading: bool = b.kind == "heading") -> str:
            if span.text == "\n":
                return span.text
            text = escape(span.text)
            return bold(text) if span.bold or heading else italic(text) if span.italic else text

        text = "".join(styled(span) for span in b.spans)
        lines.append(f"• {text}" if b.kind == "item" else text)
        if b.kind != "item":
            lines.append("")
    return "\n".join(lines).strip() + "\n"


def plain(markdown: str) -> str:
    """For a terminal or a plain-text e-mail: no markup at all, the words as they are."""
    return _write(markdown, lambda s: s, lambda s: s, lambda s: s)


def telegram_html(markdown: str) -> str:
    """Telegram's HTML parse mode: <b> and <i>, everything else escaped."""
    return _write(
        markdown, lambda s: html.escape(s, quote=False), lambda s: f"<b>{s}</b>", lambda s: f"<i>{s}</i>"
    )


def slack_mrkdwn(markdown: str) -> str:
    """Slack's mrkdwn: *bold* and _italic_, `&<>` escaped (nobody is pinged)."""

    def esc(s: str) -> str:
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    return _write(
        markdown, esc, lambda s: f"*{s}*" if s.strip() else s, lambda s: f"_{s}_" if s.strip() else s
    )
