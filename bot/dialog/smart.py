"""SMART checks on goal fields (seed 001 §2.4.1: Specifiek, Meetbaar, …, Tijdgebonden).

Deliberately light: the bot cannot judge a goal, but it can notice a planning
with no moment in it, or a desired result with nothing to observe, and ask a
friendly follow-up (the wording is HR's, in YAML).
"""

from __future__ import annotations

import re
from datetime import date

from bot.dialog.schema import Words

_DIGIT = re.compile(r"\d")


def passes(check: str, text: str, words: Words) -> bool:
    if check == "has_date":
        return _has_moment(text, words)
    if check == "observable":
        return _has_observable(text, words)
    raise ValueError(f"unknown SMART check {check!r}")


def _has_moment(text: str, words: Words) -> bool:
    low = text.casefold()
    if _DIGIT.search(low):  # a date, a year, "binnen 3 maanden", "Q2"
        return True
    names = [m.casefold() for m in words.months + words.months_short]
    return any(re.search(rf"\b{re.escape(n)}\b", low) for n in names)


def _has_observable(text: str, words: Words) -> bool:
    # Something countable carries a number; a concrete outcome uses one of the
    # words HR listed as observable ("zelfstandig", "certificaat", …).
    low = text.casefold()
    return bool(_DIGIT.search(low)) or any(w.casefold() in low for w in words.observable)


def last_date(text: str, words: Words, after: date) -> date | None:
    """The latest date a free text names, on or after `after` ("1 mei 2027", "1-5-2027", "1 mei").

    A day and month without a year mean their next occurrence from `after`.
    """
    low = text.casefold()
    months = {m.casefold(): i for i, m in enumerate(words.months, start=1)}
    months |= {m.casefold(): i for i, m in enumerate(words.months_short, start=1)}
    found: list[date] = []
    names = "|".join(sorted((re.escape(m) for m in months), key=len, reverse=True))
    for day, month, year in re.findall(rf"\b(\d{{1,2}})\s+({names})\b(?:\s+(\d{{4}}))?", low):
        found += _valid(int(day), months[month], int(year) if year else None, after)
    for day, month, year in re.findall(r"\b(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\b", low):
        found += _valid(int(day), int(month), int(year), after)
    found = [d for d in found if d >= after]
    return max(found) if found else None


def _valid(day: int, month: int, year: int | None, after: date) -> list[date]:
    try:
        d = date(year or after.year, month, day)
        if year is None and d < after:
            d = date(after.year + 1, month, day)
    except ValueError:
        return []
    return [d]
