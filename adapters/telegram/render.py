"""Engine messages as Telegram messages: HTML-escaped text, inline keyboards.

Every piece of text is escaped for the HTML parse mode, the script's sentences
as well as the employee's answers, so `<b>`, `*_[]` and friends show literally.
Button payloads are `<question ref>|<option>`: short, no personal data, and
checked by the engine against the question on screen.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.messages import Question

# Telegram's limit is 4,096 characters of message text after entity parsing.
MAX_TEXT = 4096
UNCHECKED, CHECKED = "☐ ", "☑ "
TOGGLE, DONE = "~", "="


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Split plain text at paragraph, then line, then word boundaries."""
    chunks: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind("\n\n"), window.rfind("\n"))
        if cut < limit // 2:
            cut = window.rfind(" ")
        if cut < limit // 2:
            cut = limit  # one very long word: cut it
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n ")
    if rest.strip() or not chunks:
        chunks.append(rest)
    return chunks


@dataclass(frozen=True)
class Rendered:
    text: str  # HTML
    keyboard: InlineKeyboardMarkup | None = None


def question(q: Question) -> list[Rendered]:
    parts = [f"<b>{esc(q.text)}</b>"]
    if q.current:
        parts.append(esc(q.current))
    if q.hint and not q.options:  # with buttons the hint about typing is noise
        parts.append(f"<i>{esc(q.hint)}</i>")
    body = "\n".join(parts)
    if not q.options:
        return [Rendered(chunk) for chunk in _split_html(body)]
    return [Rendered(body, keyboard(q))]


def keyboard(q: Question, picked: set[int] | None = None) -> InlineKeyboardMarkup:
    if q.kind == "multi":
        picked = picked or set()
        rows = [
            [
                InlineKeyboardButton(
                    (CHECKED if i in picked else UNCHECKED) + o.label, callback_data=f"{q.ref}|{TOGGLE}{i}"
                )
            ]
            for i, o in enumerate(q.options)
        ]
        rows.append([InlineKeyboardButton(q.done_label, callback_data=f"{q.ref}|{DONE}")])
        return InlineKeyboardMarkup(rows)
    buttons = [InlineKeyboardButton(o.label, callback_data=f"{q.ref}|{o.id}") for o in q.options]
    short = all(len(o.label) <= 12 for o in q.options)  # yes/no, scales: one row
    return InlineKeyboardMarkup([buttons] if short else [[b] for b in buttons])


def _split_html(body: str) -> list[str]:
    # Only question text is bold; a question never comes near the limit, but an
    # answer shown as `current` can, so split the plain parts if needed.
    if len(html.unescape(body)) <= MAX_TEXT:
        return [body]
    return [
        esc(c)
        for c in split_text(
            html.unescape(body.replace("<b>", "").replace("</b>", "").replace("<i>", "").replace("</i>", ""))
        )
    ]


def plain(text: str) -> list[str]:
    """Plain text as HTML chunks that each fit one message."""
    return [esc(chunk) for chunk in split_text(text)]
