"""Evaluating the script's branching conditions against earlier answers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.dialog.questions import Condition


def holds(cond: Condition | None, values: Mapping[str, Any]) -> bool:
    """Whether a condition holds for these answers (no condition always holds)."""
    if cond is None:
        return True
    if cond.all is not None:
        return all(holds(c, values) for c in cond.all)
    if cond.any is not None:
        return any(holds(c, values) for c in cond.any)
    if cond.not_ is not None:
        return not holds(cond.not_, values)
    assert cond.answer is not None  # the schema guarantees one form
    value = values.get(cond.answer)
    if cond.answered is not None:
        return (value is not None) == cond.answered
    if cond.equals is not None:
        return _same(value, cond.equals)
    if cond.not_equals is not None:
        return not _same(value, cond.not_equals)
    if cond.one_of is not None:
        return any(_same(value, v) for v in cond.one_of)
    if cond.includes is not None:
        return isinstance(value, list) and cond.includes in value
    return False


def asks_about(cond: Condition | None) -> set[str]:
    """The question ids a condition reads."""
    if cond is None:
        return set()
    ids = {cond.answer} if cond.answer is not None else set()
    for sub in (cond.all or []) + (cond.any or []) + ([cond.not_] if cond.not_ else []):
        ids |= asks_about(sub)
    return ids


def describe(cond: Condition) -> str:
    """A short formula for diagrams: `route = volledig`, `not (a = b)`."""
    if cond.all is not None:
        return " and ".join(f"({describe(c)})" if c.all or c.any else describe(c) for c in cond.all)
    if cond.any is not None:
        return " or ".join(f"({describe(c)})" if c.all or c.any else describe(c) for c in cond.any)
    if cond.not_ is not None:
        return f"not ({describe(cond.not_)})"
    if cond.answered is not None:
        return f"{cond.answer} answered" if cond.answered else f"{cond.answer} unanswered"
    if cond.equals is not None:
        return f"{cond.answer} = {cond.equals}"
    if cond.not_equals is not None:
        return f"{cond.answer} ≠ {cond.not_equals}"
    if cond.one_of is not None:
        return f"{cond.answer} in {', '.join(map(str, cond.one_of))}"
    return f"{cond.includes} in {cond.answer}"


def _same(value: Any, expected: Any) -> bool:
    # Scales are stored as int, yes/no as bool; HR may write either as text.
    if isinstance(value, bool) or isinstance(expected, bool):
        return value is expected or str(value).lower() == str(expected).lower()
    return value == expected or str(value) == str(expected)
