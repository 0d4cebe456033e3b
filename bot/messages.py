"""What crosses the boundary between an adapter and the engine.

The engine sees only these dataclasses, never a platform object. An adapter
keeps the platform payload in `raw` for its own logs; the engine ignores it.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict


@dataclass(frozen=True)
class Incoming:
    """One thing the employee did.

    kind:
      text        — a typed message (commands are recognised from the words)
      choice      — a button press: `question_id` and `option_id` say which
      unsupported — a sticker, photo, voice message… (`text` may name it)
      edited      — an earlier message was edited
    `delivery_id` is the platform's id for the delivery; a second delivery
    with the same id is ignored, so a retry never records an answer twice.
    """

    kind: Literal["text", "choice", "unsupported", "edited"] = "text"
    text: str = ""
    question_id: str | None = None
    option_id: str | None = None
    delivery_id: str | None = None
    raw: Any = field(default=None, compare=False, repr=False)

    @classmethod
    def say(cls, text: str, delivery_id: str | None = None) -> Incoming:
        return cls(kind="text", text=text, delivery_id=delivery_id)

    @classmethod
    def press(cls, question_id: str, option_id: str, delivery_id: str | None = None) -> Incoming:
        return cls(kind="choice", question_id=question_id, option_id=option_id, delivery_id=delivery_id)


@dataclass(frozen=True)
class Option:
    """A choice as a platform shows it: a button or a number."""

    id: str
    label: str


@dataclass(frozen=True)
class Text:
    """A message of plain words (the adapter renders its Markdown for its platform)."""

    text: str


@dataclass(frozen=True)
class Question:
    """A question to show; adapters render options as buttons or numbers."""

    question_id: str
    text: str
    kind: str
    options: tuple[Option, ...] = ()
    hint: str = ""
    current: str = ""  # the present answer, shown when the employee edits
    done_label: str = ""  # multiple choice: the button that confirms the selection
    optional: bool = False  # may be skipped: a card can offer a button for it

    @property
    def ref(self) -> str:
        """A short stand-in for `question_id` where payloads must be small (buttons)."""
        return question_ref(self.question_id)


def question_ref(question_id: str) -> str:
    """A question's short reference for a button (fits the smallest button payload)."""
    return hashlib.sha256(question_id.encode("utf-8")).hexdigest()[:8]


@dataclass(frozen=True)
class Document:
    """A file: the Markdown draft in the chat (text), or a PDF (bytes)."""

    filename: str
    content: str | bytes
    mime: str = "text/markdown"
    caption: str = ""


@dataclass(frozen=True)
class Button:
    """A message with one button that starts an action (e.g. the invitation's "start")."""

    text: str
    label: str
    action: str = "start"


Outgoing = Text | Question | Document | Button

# What a Button's `action` may start ("<kind>:<arguments>"); the engine checks the arguments.
# One list, so an adapter that must name the kinds it listens for (Slack) knows every one.
ACTIONS = (
    "start",
    "prep",
    "agree",
    "interval",
    "note",
    "checkin",
    "evaluate",
    "review",
    "organisation",
    "feasible",
    "returned",
    "response",
    "change",
    "checkin_now",
    "reopen",
    "fullroute",
)


class Part(BaseModel):
    """One stored part of a composed message (so a resumed send sends the same thing)."""

    model_config = ConfigDict(extra="ignore")

    kind: Literal["text", "button", "document"]
    text: str = ""
    label: str = ""  # button
    action: str = ""  # button
    filename: str = ""
    mime: str = ""
    data: str = ""  # document: base64

    @classmethod
    def of(cls, item: Outgoing) -> Part:
        if isinstance(item, Text):
            return cls(kind="text", text=item.text)
        if isinstance(item, Button):
            return cls(kind="button", text=item.text, label=item.label, action=item.action)
        if isinstance(item, Document):
            raw = item.content if isinstance(item.content, bytes) else item.content.encode("utf-8")
            return cls(
                kind="document",
                text=item.caption,
                filename=item.filename,
                mime=item.mime,
                data=base64.b64encode(raw).decode("ascii"),
            )
        raise TypeError(f"the outbox cannot hold {type(item).__name__}")

    def outgoing(self) -> Outgoing:
        """The part as the engine's neutral message again (for a channel to render)."""
        if self.kind == "text":
            return Text(self.text)
        if self.kind == "button":
            return Button(self.text, self.label, self.action)
        return Document(self.filename, base64.b64decode(self.data), mime=self.mime, caption=self.text)
