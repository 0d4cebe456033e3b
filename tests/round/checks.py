"""The classes a reader frowns at, checked on everything a round produced.

Each check returns findings as "where: what" lines, so one run lists every case at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tests.round.play import Seen

PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_.]*\}")
# Markdown a reader would see as syntax where the channel does not render it
MARKDOWN = {
    "bold": re.compile(r"\*\*[^*\n]+\*\*"),
    "heading": re.compile(r"^#{1,6} ", re.MULTILINE),
    "table": re.compile(r"^\|.*\|$|\|---", re.MULTILINE),
    "italic": re.compile(r"(?<![\w\\])_[^_\n]+_(?!\w)"),
    "escape": re.compile(r"\\[#*_|`\\-]"),
}
ALLOWED = {  # what each channel's markup may contain of the above
    "plain": set(),
    "html": set(),
    "mrkdwn": {"italic"},  # Slack's _italic_
    "card": set(),
    "pdf": {"heading"},  # the goals table's "#" column
}
HTML_TAG = re.compile(r"</?([a-zA-Z]+)[^>]*>")
TELEGRAM_TAGS = {"b", "i", "u", "s", "code", "pre", "a", "blockquote"}
MONTHS = (
    "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|"
    "January|February|March|April|May|June|July|August|September|October|November|December"
)
NO_YEAR = re.compile(rf"\b\d{{1,2}} ({MONTHS})\b(?!\s+\d{{4}})")
ISO_DATE = re.compile(r"\b20\d\d-\d\d-\d\d\b")
BARE_NUMBERS = re.compile(r"^\s*\d+(\s*,\s*\d+)*\s*$", re.MULTILINE)
CONCEPT = re.compile(r"concept|draft", re.IGNORECASE)
# words only one of the two languages uses (checked after the people's own words are removed)
ENGLISH = {"the", "your", "you", "and", "with", "this", "what", "which", "when", "will", "has", "have"}
DUTCH = {"het", "een", "je", "jij", "jouw", "van", "niet", "wat", "naar", "ook", "ik", "bij", "heeft"}
WORD = re.compile(r"[A-Za-zÀ-ÿ]+")


def placeholders(seen: Iterable[Seen]) -> list[str]:
    return [f"{where(s)}: unfilled {m}" for s in seen for m in set(PLACEHOLDER.findall(s.text))]


def ids(seen: Iterable[Seen], people: Iterable[str], keys: Iterable[str]) -> list[str]:
    out = []
    words = [*people, *keys]
    for s in seen:
        for w in words:
            if re.search(rf"(?<![\w|.-]){re.escape(w)}(?![\w|-])", s.text):
                out.append(f"{where(s)}: shows the id {w!r}")
    return out


def markup(seen: Iterable[Seen]) -> list[str]:
    out = []
    for s in seen:
        if s.markup == "markdown":
            continue
        for name, pattern in MARKDOWN.items():
            if name not in ALLOWED[s.markup] and pattern.search(s.text):
                out.append(f"{where(s)}: Markdown {name} {pattern.search(s.text).group(0)!r}")  # type: ignore[union-attr]
        if s.markup == "html":
            for tag in HTML_TAG.findall(s.text):
                if tag.lower() not in TELEGRAM_TAGS:
                    out.append(f"{where(s)}: tag <{tag}> Telegram does not know")
    return out


def language(seen: Iterable[Seen], typed: Iterable[str]) -> list[str]:
    typed = sorted({" ".join(t.split()) for t in typed}, key=len, reverse=True)
    out = []
    for s in seen:
        text = " ".join(w for w in s.text.split() if "/" not in w)  # a file's path is no sentence
        for t in typed:
            text = text.replace(t, " ")
        words = {w.lower() for w in WORD.findall(text)}
        other = (ENGLISH if s.language == "nl" else DUTCH) & words
        if other:
            out.append(f"{where(s)}: {s.language} text has {sorted(other)}")
    return out


def finals(seen: Iterable[Seen]) -> list[str]:
    return [
        f"{where(s)}: a final document says {CONCEPT.search(s.text + ' ' + s.name).group(0)!r}"  # type: ignore[union-attr]
        for s in seen
        if s.final and CONCEPT.search(s.text + " " + s.name)
    ]


def dates(seen: Iterable[Seen]) -> list[str]:
    out = []
    for s in seen:
        for m in NO_YEAR.finditer(s.text):
            out.append(f"{where(s)}: a date without its year {m.group(0)!r}")
        for m in ISO_DATE.finditer(s.text):
            out.append(f"{where(s)}: an ISO date {m.group(0)!r}")
    return out


def answers(seen: Iterable[Seen]) -> list[str]:
    """An answer shown as bare numbers: a choice by its number, a scale without its words."""
    return [
        f"{where(s)}: an answer shown as {m.group(0).strip()!r}"
        for s in seen
        if s.channel in {"pdf", "export"} or s.markup == "markdown"  # documents; pages count with numbers
        for m in BARE_NUMBERS.finditer(s.text)
    ]


def where(s: Seen) -> str:
    first = s.text.strip().splitlines()[0][:60] if s.text.strip() else ""
    return f"{s.who}/{s.channel}/{s.language} {s.name or first!r}"
