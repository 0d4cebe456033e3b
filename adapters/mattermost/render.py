"""Engine messages as Mattermost posts: Markdown as Mattermost renders it, a question's
options as interactive message buttons whose context popbot signs.

Text from the employee is escaped for Markdown and for mentions (`@channel`, `@all` ping
nobody); a table becomes one short block per row, as on the other chats (a phone's width).
A button's context names the person it was sent to and the value it stands for, signed
with a key only popbot holds (HMAC-SHA256): the server posts it back as it was, and a
forged or another person's context changes nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, field
from typing import Any

from adapters import markup
from adapters.text import split_text
from bot.messages import Button, Document, Outgoing, Question, Text

POST_LIMIT = 16_000  # characters of one post (the server's limit is 16,383)
LABEL_LIMIT = 60
BUTTONS_MAX = 10  # more options than this: numbers to type
TICKS_MAX = 15  # multiple choice: up to this many options ticked by buttons, more typed
TICK, TICKED = "☐", "☑"
_MARKDOWN = re.compile(r"([\\`*_~#|>\[\]])")


def esc(text: str) -> str:
    """Typed text shown as typed: no Markdown, and a mention pings nobody."""
    return _MARKDOWN.sub(r"\\\1", text).replace("@", "@\u200b")


def document_markdown(source: str) -> str:
    """The draft's Markdown in Mattermost's, every word escaped, a table as blocks."""
    lines: list[str] = []
    for b in markup.blocks(source):
        if b.kind == "row":
            lines.append(
                "\n".join(f"**{esc(k)}**: {esc(v)}" if k else f"**{esc(v)}**" for k, v in b.cells if v)
            )
            lines.append("")
            continue
        text = "".join(_span(s, b.kind == "heading") for s in b.spans)
        lines.append(f"- {text}" if b.kind == "item" else text)
        if b.kind != "item":
            lines.append("")
    return "\n".join(lines).strip()


def _span(span: markup.Span, heading: bool) -> str:
    if span.text == "\n" or not span.text.strip():
        return span.text
    if span.bold or heading:
        return f"**{esc(span.text)}**"
    return f"_{esc(span.text)}_" if span.italic else esc(span.text)


def sign(key: bytes, user: str, value: str) -> str:
    return hmac.new(key, f"{user}|{value}".encode(), hashlib.sha256).hexdigest()


def context(key: bytes, user: str, value: str) -> dict[str, str]:
    """What a button carries: for whom, what it means, and popbot's signature over both."""
    return {"u": user, "v": value, "s": sign(key, user, value)}


def checked(key: bytes, user: str, ctx: Any) -> str | None:
    """The value of a pressed button's context if popbot signed it for this very user, else None."""
    if not isinstance(ctx, dict) or not all(isinstance(ctx.get(k), str) for k in ("u", "v", "s")):
        return None
    if ctx["u"] != user or not hmac.compare_digest(ctx["s"], sign(key, user, ctx["v"])):
        return None
    return str(ctx["v"])


@dataclass
class Post:
    """One post to make: its Markdown, its attachments (with buttons), a file to upload."""

    message: str = ""
    attachments: list[dict[str, Any]] = field(default_factory=list)
    file: Document | None = None


def _button(n: int, label: str, value: str, user: str, key: bytes, action_url: str) -> dict[str, Any]:
    """One interactive button: its label, and the signed context the server posts back."""
    return {"id": f"pop{n}", "name": _label(label), "type": "button",
            "integration": {"url": action_url, "context": context(key, user, value)}}  # fmt: skip


def _label(text: str) -> str:
    return text if len(text) <= LABEL_LIMIT else text[: LABEL_LIMIT - 1] + "…"


def posts(out: list[Outgoing], user: str, key: bytes, action_url: str) -> list[Post]:
    """The engine's answer as posts in the person's direct channel."""
    found: list[Post] = []

    def button(n: int, label: str, value: str) -> dict[str, Any]:
        return _button(n, label, value, user, key, action_url)

    for item in out:
        if isinstance(item, Text):
            found.extend(Post(chunk) for chunk in split_text(esc(item.text), POST_LIMIT))
        elif isinstance(item, Question):
            lines = [f"**{esc(item.text)}**", *(f"_{esc(x)}_" for x in (item.current, item.hint) if x)]
            if len(item.options) > (TICKS_MAX if item.kind == "multi" else BUTTONS_MAX):
                lines.insert(1, "\n".join(f"{n}. {esc(o.label)}" for n, o in enumerate(item.options, 1)))
                found.append(Post("\n".join(lines)))  # typed: "3" or "1, 3"
            elif item.options and item.kind == "multi":
                found.append(Post("\n".join(lines), ticks(item, (), user, key, action_url)))
            elif item.options:
                actions = [button(n, o.label, f"{item.ref}|{o.id}") for n, o in enumerate(item.options)]
                found.append(Post("\n".join(lines), [{"text": "", "actions": actions}]))
            else:
                found.append(Post("\n".join(lines)))
        elif isinstance(item, Button):
            start = button(0, item.label, f"act:{item.action}")
            found.append(Post(esc(item.text), [{"text": "", "actions": [start]}]))
        elif isinstance(item, Document) and isinstance(item.content, str):
            body = document_markdown(item.content)
            found.extend(
                Post(chunk) for chunk in split_text(f"**{esc(item.caption)}**\n\n{body}", POST_LIMIT)
            )
        elif isinstance(item, Document):
            found.append(Post(esc(item.caption), file=item))
    return found


def ticks(
    q: Question, ticked: tuple[str, ...], user: str, key: bytes, action_url: str
) -> list[dict[str, Any]]:
    """Multiple choice as buttons that tick and untick (☐/☑), and one that confirms: each
    button's signed context carries what is ticked so far, so nothing is kept meanwhile."""
    chosen = ",".join(ticked)
    actions = [
        _button(n, f"{TICKED if o.id in ticked else TICK} {o.label}", f"{q.ref}|tick|{chosen}|{o.id}",
                user, key, action_url)
        for n, o in enumerate(q.options)
    ]  # fmt: skip
    actions.append(
        _button(len(actions), q.done_label or "✔", f"{q.ref}|done|{chosen}", user, key, action_url)
    )
    return [{"text": "", "actions": actions}]
