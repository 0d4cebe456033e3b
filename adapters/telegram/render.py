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

from adapters.text import split_text
from bot.messages import Question

# Telegram's limit is 4,096 characters of message text after entity parsing.
MAX_TEXT = 4096
MAX_CAPTION = 1024
ACTION = "!"  # callback data of an action button: "!start"
UNCHECKED, CHECKED = "☐ ", "☑ "
TOGGLE, DONE = "~", "="


def esc(text: str) -> str:
    return html.escape(text, quote=False)


@dataclass(frozen=True)
class Rendered:
    text: str  # HTML
    keyboard: InlineKeyboardMarkup | None = None


def action_keyboard(label: str, action: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=f"{ACTION}{action}")]])


def question(q: Question) -> list[Rendered]:
    hint = q.hint if q.hint and not q.options else ""  # with buttons the hint about typing is noise
    lines = [q.text, *(x for x in (q.current, hint) if x)]
    markup = keyboard(q) if q.options else None
    if len("\n".join(lines)) > MAX_TEXT:  # only a very long current answer gets here: split, unformatted
        chunks = plain("\n".join(lines))
        return [Rendered(c) for c in chunks[:-1]] + [Rendered(chunks[-1], markup)]
    parts = [f"<b>{esc(q.text)}</b>"]
    if q.current:
        parts.append(esc(q.current))
    if hint:
        parts.append(f"<i>{esc(hint)}</i>")
    return [Rendered("\n".join(parts), markup)]


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


def plain(text: str) -> list[str]:
    """Plain text as HTML chunks that each fit one message."""
    return [esc(chunk) for chunk in split_text(text, MAX_TEXT)]
