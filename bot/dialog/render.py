"""Showing stored answers as text, in the script's words."""

from __future__ import annotations

from datetime import date
from string import Formatter
from typing import Any

from bot.dialog.questions import GroupQuestion
from bot.dialog.schema import Words


class _Keep(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fmt(template: str, **params: Any) -> str:
    """Fill `{name}` placeholders; unknown ones stay as written (HR's typo shows)."""
    try:
        return Formatter().vformat(template, (), _Keep(params))
    except (ValueError, IndexError):
        return template


def asked_text(q: Any, name: str | None) -> str:
    """A question as it was asked: a manager's questions name the employee (`{name}`)."""
    return fmt(q.text, name=name or "")


def day(d: date, words: Words) -> str:
    """A date as the reader's language writes it ("18 januari 2027", "18 January 2027")."""
    return fmt(words.date_format, day=d.day, month=words.months[d.month - 1], year=d.year)


def item_title(g: GroupQuestion, index: int, item: dict[str, Any]) -> str:
    """One item of a group as a title ("Doel 1: Klantgericht werken")."""
    first = g.fields[0]
    label = fmt(g.item_label, n=index + 1)
    text = item.get(first.id)
    return f"{label}: {text}" if text else label
