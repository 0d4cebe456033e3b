"""SMART checks on goal fields (seed 001 §2.4.1: Specifiek, Meetbaar, Acceptabel,
Realistisch, Tijdgebonden), judged the way an HR advisor reads a POP form.

- *Specifiek* (the goal): something concrete is named — a skill, task, behaviour or object.
  A goal of wishes alone ("meer zelfvertrouwen", "doorgroeien", "beter communiceren") is not.
- *Meetbaar* (the desired result): someone can observe it — a number, a product or
  certificate, who notices what, a task done. A feeling ("ik voel me zekerder") or a direction
  without a criterion ("ik kan beter plannen") is not.
- *Tijdgebonden* (the planning): the moment the goal is *done*, counted from the
  conversation. "Ik begin in maart" names a start, not an end.

Acceptabel is agreed per goal at the vaststelling and Realistisch is the employee's own
answer on time, budget and support (and the manager's per goal); neither is guessed here.

Every list is HR's, in the script's `words` (both languages), and matched as whole words and
phrases, never as substrings ("leidinggeven" does not contain the observable word "geven").
The dates are read from those words too, with dateutil's arithmetic: dateparser reads full
dates and "over 3 maanden", but none of "binnen een half jaar", "voor de zomer", "medio 2027",
"het derde kwartaal" or "dit najaar", reads "Q2 2027" as 18 April, and cannot tell a start
from an end — so a second date mechanism would have covered less than the words do.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

from bot.dialog.questions import ChoiceQuestion, GroupQuestion, TextQuestion
from bot.dialog.schema import Moment, RealisticRule, SmartWords, Words

_WORD = re.compile(r"[\w%]+")
_WORD_OR_MARK = re.compile(r"[\w%]+|[,;:.!?()]")  # a planning keeps its punctuation: clauses
_FULL_DATE = re.compile(r"\b(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\b")
_PLACEHOLDER = re.compile(r"\bfulldate(\d+)\b")
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


def _any(tokens: list[str], phrases: list[str]) -> bool:
    return any(_has(tokens, p) for p in phrases)


def is_specific(text: str, words: Words) -> bool:
    """Something concrete is named: a behaviour and what it is about. Once the vague and
    filler words are gone, at least two words remain ("offertes opstellen", "Excel
    draaitabellen"); one word alone ("Excel", "horizon", "potentieel") names a subject or a
    wish, not yet what the employee will do — worth the question "what exactly?"."""
    content = _content(text, words)
    if len(content) >= 2:
        return True
    # one subject with a behaviour that needs one ("een klantenpanel organiseren")
    return len(content) == 1 and _any(_tokens(text), words.smart.behaviours)


def _content(text: str, words: Words) -> list[str]:
    """The words that name something: not vague, not filler, not an inner state."""
    s = words.smart
    low = " ".join(_tokens(text))
    for phrase in sorted(s.vague + s.inner, key=len, reverse=True):  # "beter worden" before "beter"
        low = re.sub(rf"\b{re.escape(' '.join(_tokens(phrase)))}\b", " ", low)
    ignore = {t for w in s.vague + s.filler for t in _tokens(w)}
    return [t for t in low.split() if t not in ignore and not t.isdigit()]


def _comparative(tokens: list[str], s: SmartWords) -> bool:
    """ "beter", "meer" — or a word of the language's comparative form ("bredere", "hogere")."""
    if _any(tokens, s.comparative):
        return True
    plain = {t for w in s.not_comparative for t in _tokens(w)}
    endings = s.comparative_endings
    return any(t.endswith(e) and len(t) > len(e) + 2 and t not in plain for t in tokens for e in endings)


def is_observable(text: str, words: Words) -> bool:
    """Someone can see it happen: a count, or an observable word ("certificaat", "zelfstandig",
    "feedback van"); otherwise a concrete result with no inner state and no bare "beter"."""
    s = words.smart
    tokens = _tokens(text)
    if _counted(tokens, s) or _any(tokens, words.observable):
        return True
    if _any(tokens, s.inner) or _comparative(tokens, s):
        return False
    return len(_content(text, words)) >= 2  # a result that names what is done, and with what


def _counted(tokens: list[str], s: SmartWords) -> bool:
    """A number: a digit, or a number word of two or more ("een" is mostly an article)."""
    return any(any(c.isdigit() for c in t) for t in tokens) or any(
        v >= 2 and _has(tokens, w) for w, v in s.numbers.items()
    )


# ------------------------------------------------------------------ Tijdgebonden


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    when: date


def deadline(text: str, words: Words, after: date) -> date | None:
    """The moment a planning says the goal is done by, on or after `after` (the
    conversation's date): the latest end it names, never a start.

    "1 mei 2027", "1-5-2027", "1 mei" (its next occurrence), "maart" or "eind maart 2027"
    (the month's last day), "voor juli" (30 June), "medio maart" (the 15th), "Q2 2027" and
    "het derde kwartaal" (the quarter's last day), "medio 2027" (30 June), "binnen een half
    jaar" (six months from `after`), a named moment ("voor de zomer", "dit najaar"), a year
    alone (its last day). "Ik begin in maart" and "vanaf 1 februari" are starts.
    """
    low, full = _normal(text)
    found: list[_Found] = []
    for read in (_year_parts, _day_months, _months, _moments, _relative, _quarters, _years):
        low, more = read(low, words, after)
        found += more
    found += [_Found(m.start(), m.end(), d) for m in _PLACEHOLDER.finditer(low) if (d := full[int(m[1])])]
    ends = [f.when for f in found if f.when >= after and not _is_start(low, f, words.smart)]
    return max(ends) if ends else None


def _normal(text: str) -> tuple[str, list[date | None]]:
    """The planning as lower-case words and marks; "1-5-2027" is read first (the cutting into
    words would split it) and stands in the text as a placeholder word."""
    full: list[date | None] = []

    def take(m: re.Match[str]) -> str:
        full.append(_day(int(m[3]), int(m[2]), int(m[1])))
        return f" fulldate{len(full) - 1} "

    return " ".join(_WORD_OR_MARK.findall(_FULL_DATE.sub(take, text.casefold()))), full


_Reading = tuple[str, list[_Found]]


def _sub(pattern: str, low: str, make: Callable[[re.Match[str]], date | None]) -> _Reading:
    """Each reading blanks what it used (keeping positions), so "1 mei 2027" is not read
    again as "mei" and "2027", and what is left shows the words around each moment."""
    found: list[_Found] = []

    def take(m: re.Match[str]) -> str:
        d = make(m)
        if d is None:
            return m.group(0)
        found.append(_Found(m.start(), m.end(), d))
        return " " * len(m.group(0))

    return re.sub(pattern, take, low), found


def _is_start(low: str, f: _Found, s: SmartWords) -> bool:
    """A moment right after "vanaf"/"per"/"van", or in a clause that says it begins then."""
    starts = _alternatives(s.start_before)
    if starts and re.search(rf"\b(?:{starts}) $", low[: f.start]):  # right before, not past a blank
        return True
    breaks = _alternatives(s.clause_breaks)
    mark = rf"[,;:.!?()]|\b(?:{breaks})\b" if breaks else r"[,;:.!?()]"
    left = [m.end() for m in re.finditer(mark, low[: f.start])]
    right = re.search(mark, low[f.end :])
    clause = low[left[-1] if left else 0 : f.end + right.start() if right else len(low)]
    return _any(_tokens(clause), s.start_words)


def _month_names(words: Words) -> dict[str, int]:
    months = {" ".join(_tokens(m)): i for i, m in enumerate(words.months, start=1)}
    months |= {" ".join(_tokens(m)): i for i, m in enumerate(words.months_short, start=1)}
    return months


def _alternatives(names: list[str]) -> str:
    return "|".join(
        sorted((re.escape(" ".join(_tokens(n))) for n in names if _tokens(n)), key=len, reverse=True)
    )


def _key(phrase: str) -> str:
    return " ".join(_tokens(phrase))


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


def _year_words(s: SmartWords) -> str:
    """A year as written: "2027", "dit jaar", "volgend jaar" (groups: digits, this, next)."""
    this, nxt = _alternatives(s.this_year) or "(?!)", _alternatives(s.next_year) or "(?!)"
    return rf"(?:(\d{{4}})|({this})|({nxt}))"


def _which_year(m: re.Match[str], first: int, after: date) -> int | None:
    if m[first]:
        return int(m[first])
    if m[first + 1]:
        return after.year
    if m[first + 2]:
        return after.year + 1
    return None


def _year_parts(low: str, words: Words, after: date) -> _Reading:
    """ "medio 2027" → 30 June 2027; "begin volgend jaar" → 31 March of the next year."""
    s = words.smart
    parts = {_key(k): v for k, v in s.year_parts.items()}
    if not parts:
        return low, []

    def make(m: re.Match[str]) -> date | None:
        year = _which_year(m, 2, after)
        month, day = (int(x) for x in parts[m[1]].split("-"))
        return _day(year, month, day) if year is not None else None

    return _sub(rf"\b({_alternatives(list(parts))}) {_year_words(s)}\b", low, make)


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
    """A month alone means its last day; "voor juli" the day before it; "medio maart" the
    15th. A month that is also a common word ("may") needs a word before it, a year, or to be
    the whole planning."""
    s = words.smart
    months = _month_names(words)
    names = _alternatives(list(months))
    if not names:
        return low, []
    leads = _alternatives(s.before_month + s.before + list(s.month_parts))
    parts = {_key(k): v for k, v in s.month_parts.items()}
    before = {_key(w) for w in s.before}
    needs_context = {_key(w) for w in s.month_needs_context}
    whole = low.strip()

    def make(m: re.Match[str]) -> date | None:
        lead, month = m[1], months[m[2]]
        year = _which_year(m, 3, after)
        if m[2] in needs_context and not lead and year is None and m.group(0).strip() != whole:
            return None
        if year is None:
            end = _month_end(after.year, month)
            year = after.year if end >= after else after.year + 1
        if lead in before:
            return date(year, month, 1) - relativedelta(days=1)
        if lead in parts:
            return _day(year, month, parts[lead])
        return _month_end(year, month)

    lead = rf"\b(?:({leads}) )?" if leads else r"\b()"
    return _sub(rf"{lead}({names})\b(?: {_year_words(s)}\b)?", low, make)


def _quarters(low: str, words: Words, after: date) -> _Reading:
    """ "Q2 2027", "kwartaal 3", "het derde kwartaal (van 2027)": the quarter's last day."""
    s = words.smart
    names = _alternatives(s.quarter)
    if not names:
        return low, []
    ordinals = {_key(k): v for k, v in s.ordinals.items()}
    spoken = rf"({_alternatives(list(ordinals))}) (?:{names})" if ordinals else "(?!)"
    of = rf"(?:(?:{_alternatives(s.of_year)}) )?" if s.of_year else ""

    def make(m: re.Match[str]) -> date:
        last_month = (ordinals[m[1]] if m[1] else int(m[2])) * 3
        if m[3]:
            return _month_end(int(m[3]), last_month)
        end = _month_end(after.year, last_month)
        return end if end >= after else _month_end(after.year + 1, last_month)

    return _sub(rf"\b(?:{spoken}|(?:{names}) ?([1-4]))\b(?: {of}(\d{{4}})\b)?", low, make)


def _relative(low: str, words: Words, after: date) -> _Reading:
    s = words.smart
    within, numbers, units = (
        _alternatives(s.within),
        _alternatives(list(s.numbers)),
        _alternatives(list(s.units)),
    )
    if not (within and units):
        return low, []
    amounts = {_key(k): v for k, v in s.numbers.items()}
    kinds = {_key(k): v for k, v in s.units.items()}
    number = rf"\d+|{numbers}" if numbers else r"\d+"

    def make(m: re.Match[str]) -> date:
        n = float(m[1]) if m[1].isdigit() else amounts[m[1]]
        unit = kinds[m[2]]
        if unit in _UNIT_DAYS:
            return after + relativedelta(days=round(n * _UNIT_DAYS[unit]))
        return after + relativedelta(months=round(n * _UNIT_MONTHS[unit]))

    return _sub(rf"\b(?:{within}) ({number}) ({units})\b", low, make)


def _moments(low: str, words: Words, after: date) -> _Reading:
    found: list[_Found] = []
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
