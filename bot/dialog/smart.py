"""SMART checks on goal fields (seed 001 §2.4.1: Specifiek, Meetbaar, Acceptabel,
Realistisch, Tijdgebonden).

The bot cannot judge a goal, but it can notice a goal that names nothing
concrete, a desired result with nothing to observe, or a planning with no
moment in it, and ask one friendly follow-up (the wording is HR's, in YAML).
Acceptabel is agreed per goal at the vaststelling and Realistisch is the
employee's own answer on time, budget and support; neither is guessed here.

Every list is matched as whole words and phrases, never as substrings
("leidinggeven" does not contain the observable word "geven"). Relative
deadlines ("binnen een half jaar", "Q2 2027", "voor de zomer") resolve to a date
from the conversation: dateparser was tried and reads "over 3 maanden" and full
dates, but none of "binnen …", "een half jaar", "voor de zomer" or "eind
volgend jaar", and reads "Q2 2027" as 18 April — so the words live in YAML and
the arithmetic is dateutil's.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import date

from dateutil.relativedelta import relativedelta

from bot.dialog.questions import ChoiceQuestion, GroupQuestion, TextQuestion
from bot.dialog.schema import Moment, RealisticRule, Words

_WORD = re.compile(r"[\w%]+")
_UNIT_MONTHS = {"month": 1, "quarter": 3, "year": 12}
_UNIT_DAYS = {"day": 1, "week": 7}


def passes(check: str, text: str, words: Words, after: date) -> bool:
    """`after`: the day relative deadlines count from (the conversation, or today)."""
    if check == "specific":
        return is_specific(text, words)
    if check == "observable":
        return is_observable(text, words)
    if check == "has_date":
        return deadline(text, words, after) is not None
    raise ValueError(f"unknown SMART check {check!r}")


def goal_checks(
    g: GroupQuestion, rule: RealisticRule | None, item: dict[str, object], words: Words, after: date
) -> dict[str, bool]:
    """Per SMART check the script names (specific, observable, has_date, realistic), whether
    this goal holds it. A field left empty is not judged (it is missing, not vague)."""
    out: dict[str, bool] = {}
    for f in g.fields:
        value = item.get(f.id)
        if isinstance(f, TextQuestion) and value:
            for c in f.smart:
                out[c.check] = passes(c.check, str(value), words, after)
        if isinstance(f, ChoiceQuestion) and rule is not None and f.id == rule.field and value:
            out["realistic"] = value in rule.holds
    return out


def _tokens(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def _has(tokens: list[str], phrase: str) -> bool:
    want = _tokens(phrase)
    n = len(want)
    return n > 0 and any(tokens[i : i + n] == want for i in range(len(tokens) - n + 1))


def is_specific(text: str, words: Words) -> bool:
    """Something concrete is named: a word that is neither vague nor filler remains."""
    s = words.smart
    low = " ".join(_tokens(text))
    for phrase in sorted(s.vague, key=len, reverse=True):  # "beter worden" before "beter"
        low = re.sub(rf"\b{re.escape(' '.join(_tokens(phrase)))}\b", " ", low)
    ignore = {t for w in s.vague + s.filler for t in _tokens(w)}
    return any(t not in ignore and not t.isdigit() for t in low.split())


def is_observable(text: str, words: Words) -> bool:
    """A number, or one of the phrases HR listed as observable ("zelfstandig", "certificaat")."""
    tokens = _tokens(text)
    return any(any(c.isdigit() for c in t) for t in tokens) or any(_has(tokens, w) for w in words.observable)


def deadline(text: str, words: Words, after: date) -> date | None:
    """The latest moment a planning names, on or after `after` (the conversation's date).

    "1 mei 2027", "1-5-2027", "1 mei" (its next occurrence), "maart" or "eind maart 2027"
    (the month's last day), "Q2 2027" (the quarter's last day), "binnen een half jaar"
    (six months from `after`), a named moment ("voor de zomer"), a year alone (its last day).
    """
    # each reading blanks what it used, so "1 mei 2027" is not read again as "mei" and "2027"
    low, found = _full_dates(text.casefold(), words, after)
    low = " ".join(_tokens(low))
    for read in (_day_months, _moments, _relative, _quarters, _months, _years):
        low, dates = read(low, words, after)
        found += dates
    found = [d for d in found if d >= after]
    return max(found) if found else None


_Reading = tuple[str, list[date]]


def _sub(pattern: str, low: str, make: Callable[[re.Match[str]], date | None]) -> _Reading:
    found: list[date] = []

    def take(m: re.Match[str]) -> str:
        d = make(m)
        if d is not None:
            found.append(d)
            return " "
        return m.group(0)

    return re.sub(pattern, take, low), found


def _month_names(words: Words) -> dict[str, int]:
    months = {" ".join(_tokens(m)): i for i, m in enumerate(words.months, start=1)}
    months |= {" ".join(_tokens(m)): i for i, m in enumerate(words.months_short, start=1)}
    return months


def _alternatives(names: list[str]) -> str:
    return "|".join(
        sorted((re.escape(" ".join(_tokens(n))) for n in names if _tokens(n)), key=len, reverse=True)
    )


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _next(month: int, day: int, after: date) -> date | None:
    d = _day(after.year, month, day)
    if d is not None and d < after:
        d = _day(after.year + 1, month, day)
    return d


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _full_dates(low: str, words: Words, after: date) -> _Reading:
    """ "1-5-2027", "1/5/2027", "1.5.2027" — read before the text is cut into words. An
    impossible one ("31-02-2027") is blanked too: it is not a year 2027 either."""
    found: list[date] = []

    def take(m: re.Match[str]) -> str:
        d = _day(int(m[3]), int(m[2]), int(m[1]))
        found.extend([d] if d is not None else [])
        return " "

    return re.sub(r"\b(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\b", take, low), found


def _day_months(low: str, words: Words, after: date) -> _Reading:
    months = _month_names(words)
    names = _alternatives(list(months))
    if not names:
        return low, []

    def make(m: re.Match[str]) -> date | None:
        day, month = int(m[1]), months[m[2]]
        return _day(int(m[3]), month, day) if m[3] else _next(month, day, after)

    return _sub(rf"\b(\d{{1,2}}) ({names})\b(?: (\d{{4}})\b)?", low, make)


def _months(low: str, words: Words, after: date) -> _Reading:
    """A month alone means its last day — after a word like "in" or "eind", or with a year,
    so that the English "may" in "I may ask" is not read as a deadline."""
    months = _month_names(words)
    names = _alternatives(list(months))
    before = _alternatives(words.smart.before_month)
    if not names:
        return low, []

    def make(m: re.Match[str]) -> date | None:
        month = months[m[2]]
        if m[3]:
            return _month_end(int(m[3]), month)
        if before and not m[1]:
            return None
        end = _month_end(after.year, month)
        return end if end >= after else _month_end(after.year + 1, month)

    lead = rf"\b(?:({before}) )?" if before else r"\b()"
    return _sub(rf"{lead}({names})\b(?: (\d{{4}})\b)?", low, make)


def _quarters(low: str, words: Words, after: date) -> _Reading:
    names = _alternatives(words.smart.quarter)
    if not names:
        return low, []

    def make(m: re.Match[str]) -> date:
        last_month = int(m[1]) * 3
        if m[2]:
            return _month_end(int(m[2]), last_month)
        end = _month_end(after.year, last_month)
        return end if end >= after else _month_end(after.year + 1, last_month)

    return _sub(rf"\b(?:{names}) ?([1-4])\b(?: (\d{{4}})\b)?", low, make)


def _relative(low: str, words: Words, after: date) -> _Reading:
    s = words.smart
    within, numbers, units = (
        _alternatives(s.within),
        _alternatives(list(s.numbers)),
        _alternatives(list(s.units)),
    )
    if not (within and units):
        return low, []
    amounts = {" ".join(_tokens(k)): v for k, v in s.numbers.items()}
    kinds = {" ".join(_tokens(k)): v for k, v in s.units.items()}
    number = rf"\d+|{numbers}" if numbers else r"\d+"

    def make(m: re.Match[str]) -> date:
        n = float(m[1]) if m[1].isdigit() else amounts[m[1]]
        unit = kinds[m[2]]
        if unit in _UNIT_DAYS:
            return after + relativedelta(days=round(n * _UNIT_DAYS[unit]))
        return after + relativedelta(months=round(n * _UNIT_MONTHS[unit]))

    return _sub(rf"\b(?:{within}) ({number}) ({units})\b", low, make)


def _moments(low: str, words: Words, after: date) -> _Reading:
    found: list[date] = []
    for moment in sorted(words.smart.moments, key=lambda m: -max(len(w) for w in m.words)):
        names = _alternatives(moment.words)
        low, dates = _sub(rf"\b(?:{names})\b", low, _always(_moment(moment, after)))
        found += dates
    return low, found


def _always(d: date | None) -> Callable[[re.Match[str]], date | None]:
    return lambda _match: d


def _moment(m: Moment, after: date) -> date | None:
    if m.date is not None:
        month, day = (int(x) for x in m.date.split("-"))
        if m.year is not None:
            return _day(after.year + m.year, month, day)
        return _next(month, day, after)
    return after + relativedelta(days=m.days or 0, months=m.months or 0)


def _years(low: str, words: Words, after: date) -> _Reading:
    return _sub(r"\b(20\d\d)\b", low, lambda m: date(int(m[1]), 12, 31))
