"""Showing stored answers as text, in the script's words."""

from __future__ import annotations

from datetime import date
from string import Formatter
from typing import Any

from bot.dialog.questions import ChoiceQuestion, DateQuestion, GroupQuestion, ScaleQuestion, YesNoQuestion
from bot.dialog.schema import Script, Words


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


def show(q: Any, value: Any, script: Script) -> str:
    if value is None:
        return ""
    if isinstance(q, ChoiceQuestion):
        labels = {o.id: o.short or o.label for o in q.options}
        if isinstance(value, list):
            return ", ".join(labels.get(v, str(v)) for v in value)
        return labels.get(value, str(value))
    if isinstance(q, YesNoQuestion):
        return script.words.yes[0] if value else script.words.no[0]
    if isinstance(q, DateQuestion):
        try:
            return day(date.fromisoformat(value), script.words)
        except (TypeError, ValueError):
            return str(value)
    if isinstance(q, GroupQuestion):
        return "; ".join(item_title(q, i, item) for i, item in enumerate(value))
    if isinstance(q, ScaleQuestion):  # "4 van 5 (1 = heel weinig, 5 = heel veel)", not a bare 4
        low, high = q.labels.get(q.min, ""), q.labels.get(q.max, "")
        return fmt(script.words.scale_answer, value=value, min=q.min, max=q.max, low=low, high=high)
    return str(value)


def item_title(g: GroupQuestion, index: int, item: dict[str, Any]) -> str:
    first = g.fields[0]
    label = fmt(g.item_label, n=index + 1)
    text = item.get(first.id)
    return f"{label}: {text}" if text else label
