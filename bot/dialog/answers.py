"""Turning what the employee typed into an answer, or saying what is wrong.

A problem is returned as a message key of the script plus its parameters, so
every sentence the employee sees comes from the YAML.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from dateutil import parser as dateparser

from bot.dialog.questions import (
    ChoiceQuestion,
    DateQuestion,
    Option,
    ScaleQuestion,
    TextQuestion,
)
from bot.dialog.render import day
from bot.dialog.schema import Words


@dataclass(frozen=True)
class Problem:
    """Why an answer cannot be taken: a message key of the script and what it fills in."""

    key: str  # a key of ScriptMessages / question Messages
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Parsed:
    """An answer taken: its value as stored."""

    value: Any


def clean(text: str) -> str:
    """NFC-normalise and drop control characters other than newlines and tabs."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    return text.strip()


def accept(raw: str, limit: int) -> str | Problem:
    """Typed text as every entrance takes it (every chat platform, edited forms, the
    terminal and the browser console): too long or not valid text is refused, control characters dropped.

    Lone surrogates are what invalid UTF-8 becomes (a terminal's bytes, a JSON `\\ud800`):
    they cannot be stored, so they are refused here, not met as an error while saving."""
    if len(raw) > limit:
        return Problem("too_long", {"max": limit, "length": len(raw)})
    if not valid_text(raw):
        return Problem("invalid_text")
    text = clean(raw)
    if not text:
        return Problem("empty")
    return text


def valid_text(text: str) -> bool:
    """Text that can be written as UTF-8: no lone surrogates."""
    return not any("\ud800" <= ch <= "\udfff" for ch in text)


def has_words(text: str) -> bool:
    """True if the text holds a letter or digit in any script (not only emoji)."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


def text_answer(q: TextQuestion, text: str) -> Parsed | Problem:
    """Typed text as the answer: words in it, within the question's lengths."""
    if not has_words(text):
        return Problem("no_words")
    v = q.validation
    if v.min_length is not None and len(text) < v.min_length:
        return Problem("too_short", {"min": v.min_length})
    if v.max_length is not None and len(text) > v.max_length:
        return Problem("too_long", {"max": v.max_length, "length": len(text)})
    return Parsed(text)


def _norm(s: str) -> str:
    return " ".join(s.casefold().split())


def match_option(options: list[Option], token: str) -> Option | None:
    """An option picked by its number, its label, its id or a synonym."""
    token = _norm(token.rstrip("."))
    if token.isdigit():
        n = int(token)
        return options[n - 1] if 1 <= n <= len(options) else None
    for o in options:
        if token in {_norm(o.label), o.id, *(_norm(s) for s in o.synonyms)}:
            return o
    return None


def choice_answer(q: ChoiceQuestion, text: str) -> Parsed | Problem:
    """One option, by its number, its label, its id or a synonym."""
    o = match_option(q.options, text)
    if o is None:
        return Problem("not_an_option", {"count": len(q.options)})
    return Parsed(o.id)


def multi_answer(q: ChoiceQuestion, text: str, words: Words) -> Parsed | Problem:
    """Several options, separated as the language separates a list ("1, 3 en 5")."""
    whole = match_option(q.options, text)
    if whole is not None:  # a label may itself contain a separator
        tokens = [text]
    else:
        pattern = "|".join(re.escape(s) for s in words.list_separators)
        tokens = [t.strip() for t in re.split(pattern, text) if t.strip()]
        # "1 3 5" is a natural way to type several numbers
        if len(tokens) == 1 and all(p.isdigit() for p in text.split()):
            tokens = text.split()
    picked: list[str] = []
    for t in tokens:
        o = match_option(q.options, t)
        if o is None:
            return Problem("not_an_option", {"count": len(q.options), "answer": t})
        if o.id not in picked:
            picked.append(o.id)
    v = q.validation
    low = v.min_choices if v.min_choices is not None else 1
    if len(picked) < low:
        return Problem("too_few_choices", {"min": low})
    if v.max_choices is not None and len(picked) > v.max_choices:
        return Problem("too_many_choices", {"max": v.max_choices})
    return Parsed(picked)


def yes_or_no(text: str, words: Words) -> bool | None:
    """True for one of the script's yes-words, False for a no-word, else None."""
    t = _norm(text).rstrip("!.")
    if t in {_norm(w) for w in words.yes}:
        return True
    if t in {_norm(w) for w in words.no}:
        return False
    return None


def yesno_answer(text: str, words: Words) -> Parsed | Problem:
    """Yes or no, in the script's words for them."""
    v = yes_or_no(text, words)
    return Problem("not_yes_no") if v is None else Parsed(v)


def scale_answer(q: ScaleQuestion, text: str) -> Parsed | Problem:
    """A number in the scale's range, or a label that names one."""
    t = text.strip().rstrip(".")
    if re.fullmatch(r"[+-]?\d+", t):
        n = int(t)
        if q.min <= n <= q.max:
            return Parsed(n)
    else:  # a label such as "veel" picks its number
        for n, label in q.labels.items():
            if _norm(label) == _norm(t):
                return Parsed(n)
    return Problem("out_of_range", {"min": q.min, "max": q.max})


class _MonthNames(dateparser.parserinfo):
    """dateutil's parser taught the script's month names (any language)."""

    def __init__(self, words: Words) -> None:
        short = words.months_short or [m[:3] for m in words.months]
        self.MONTHS = [(s, m) for s, m in zip(short, words.months, strict=True)]
        super().__init__(dayfirst=True)


def parse_date(text: str, words: Words) -> date | str | None:
    """A full date, None if not a date, or "incomplete" if day/month/year is missing."""
    info = _MonthNames(words)
    try:
        # Parsing against two different defaults shows whether the text gave
        # day, month and year itself: an incomplete date differs between them.
        a = dateparser.parse(text, parserinfo=info, default=datetime(2000, 1, 1))
        b = dateparser.parse(text, parserinfo=info, default=datetime(2001, 2, 2))
    except (ValueError, OverflowError):
        return None
    if a.date() != b.date():
        return "incomplete"
    return a.date()


def date_answer(q: DateQuestion, text: str, words: Words, today: date) -> Parsed | Problem:
    """A whole date (day, month and year), in the future where the question asks so."""
    d = parse_date(text, words)
    if d is None:
        return Problem("not_a_date")
    if d == "incomplete":
        return Problem("date_incomplete")
    assert isinstance(d, date)
    if q.validation.future and d <= today:
        return Problem("date_in_past", {"today": day(today, words)})
    return Parsed(d.isoformat())
