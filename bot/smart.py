"""SMART checks on goal fields (seed 001 §2.4.1: Specifiek, Meetbaar, …, Tijdgebonden).

Deliberately light: the bot cannot judge a goal, but it can notice a planning
with no moment in it, or a desired result with nothing to observe, and ask a
friendly follow-up (the wording is HR's, in YAML).
"""

from __future__ import annotations

import re

from bot.schema import Words

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
