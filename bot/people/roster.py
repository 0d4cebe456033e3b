"""The roster: who the employees are, who manages whom, and when they meet.

HR keeps a CSV file and runs `popbot roster import FILE`. A file with any
error imports nothing and names every bad line (`roster.csv:12: …`).
Re-importing updates people and never touches their answers; someone left
out of the file is marked inactive (their schedule stops), not deleted —
erasing data is the employee's or HR's explicit choice.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from bot.dialog.answers import valid_text
from bot.errors import PopbotError
from bot.people.accounts import Accounts, person_doc
from bot.people.said import Said, Words
from bot.ports import RosterStore

COLUMNS = (
    "id",
    "name",
    "email",
    "language",
    "manager",
    "platform",
    "handle",
    "conversation",
    "timezone",
    "country",
    "department",
)
REQUIRED = ("id", "name")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
DEFAULT_TIMEZONE = "Europe/Amsterdam"
_DATE_FORMATS = (
    "%Y-%m-%d %H:%M",
    "%d-%m-%Y %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%d-%m-%Y %H:%M:%S",  # Excel adds seconds to a date-time cell
    "%d/%m/%Y %H:%M",
)


@dataclass(frozen=True)
class Person:
    """One employee as HR's roster has them: who, in which language, reached where, managed
    by whom, meeting when."""

    id: str
    name: str
    language: str = "nl"
    email: str = ""
    manager: str = ""
    platform: str = ""  # where they chat: "", the console or a platform's name
    # their handle per platform (`{"<platform>": "<handle>"}`), as the platform spells it
    accounts: dict[str, str] = field(default_factory=dict, hash=False)
    conversation: str = ""  # ISO date-time with offset, in the person's time zone
    timezone: str = DEFAULT_TIMEZONE
    country: str = ""  # whose public holidays count; "" = the schedule's default country
    department: str = ""  # for HR's counts per department (never shown for a small one)
    active: bool = True

    def conversation_at(self) -> datetime | None:
        """The conversation in the person's own time zone (named, so DST is right)."""
        if not self.conversation:
            return None
        return datetime.fromisoformat(self.conversation).astimezone(ZoneInfo(self.timezone))

    @classmethod
    def of(cls, doc: dict[str, Any]) -> Person:
        """A person from the store's document (one written by an earlier release too)."""
        return cls(**normal_doc(doc))


PERSON_FIELDS = frozenset(f.name for f in fields(Person))


def normal_doc(doc: dict[str, Any]) -> dict[str, Any]:
    """A person's stored document in today's shape (`bot.people.accounts.person_doc`)."""
    return person_doc(doc, PERSON_FIELDS)


class RosterError(PopbotError):
    """A roster file that cannot be imported: every problem, each with its file and line."""

    def __init__(self, problems: list[Said]) -> None:
        self.problems = problems
        super().__init__("\n".join(map(str, problems)))


# ---------------------------------------------------------------- reading the file


def read_table(path: Path) -> tuple[list[tuple[int, list[str]]], list[Said]]:
    """The rows of a CSV file as HR's tools write it, each with the line it starts on.

    Excel in Dutch saves with `;` and in Windows-1252 ("CSV (gescheiden door lijstscheidingsteken)");
    "CSV UTF-8" and other tools use `,`. Blank lines and line breaks inside quoted fields
    are counted, so a line number is the line an editor shows.
    Returns the rows and notes on how the file was read.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RosterError([Said("unreadable", {"reason": exc.strerror}, str(path))]) from None
    notes: list[Said] = []
    utf16 = _utf16(raw)
    if utf16 is not None:  # Excel's "Unicode text" (tab-separated UTF-16), or another tool's
        try:
            text = raw.decode(utf16)
        except UnicodeDecodeError:
            raise RosterError([Said("bad_utf16", {}, str(path))]) from None
        notes.append(Said("read_utf16", {}, str(path)))
        return _rows(path, text.removeprefix("\ufeff"), notes)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            line = raw[: exc.start].count(b"\n") + 1
            raise RosterError([Said("not_text", {}, str(path), line)]) from None
        notes.append(Said("read_cp1252", {}, str(path)))
    return _rows(path, text, notes)


def _utf16(raw: bytes) -> str | None:
    """The UTF-16 codec a file is in (by its byte-order mark, or by the zero bytes plain
    ASCII letters have in UTF-16), or None for a file in an 8-bit encoding."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    head = raw[:2000]
    if len(head) >= 4 and head.count(b"\x00") * 3 > len(head):  # no 8-bit text has that many
        return "utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be"
    return None


def _rows(path: Path, text: str, notes: list[Said]) -> tuple[list[tuple[int, list[str]]], list[Said]]:
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(",;\t", key=first.count)
    if delimiter != ",":
        notes.append(
            Said("separated_tabs", {}, str(path))
            if delimiter == "\t"
            else Said("separated_by", {"delimiter": delimiter}, str(path))
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise RosterError([Said("csv_error", {"error": str(exc)}, str(path), reader.line_num)]) from None
    return rows, notes


def parse_roster(
    path: Path,
    languages: Iterable[str],
    *,
    accounts: Accounts,
    now: datetime | None = None,
    warnings: list[Said] | None = None,
) -> list[Person]:
    """Every person in the file, or RosterError naming each bad line.

    `accounts`: the platforms' rules for the `platform` and `handle` columns. `warnings`
    collects what is imported but worth a look (how the file was read, a conversation in a
    clock change's gap or in the past)."""
    table, notes = read_table(path)
    said = warnings if warnings is not None else []
    said.extend(notes)
    header_line, header = table[0] if table else (1, [])
    header = [h.strip().lstrip("\ufeff").lower() for h in header]
    problems: list[Said] = []
    where = str(path)
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    if missing:
        problems.append(Said("missing_columns", {"columns": ", ".join(missing)}, where, header_line))
    if unknown:
        known = ", ".join(COLUMNS)
        problems.append(
            Said("unknown_columns", {"columns": ", ".join(unknown), "known": known}, where, header_line)
        )
    if problems:
        raise RosterError(problems)
    langs = set(languages)
    people: list[Person] = []
    lines: dict[str, int] = {}
    claimed: dict[tuple[str, str], int] = {}  # (what, value) -> the line that has it
    for n, cells in table[1:]:
        row: dict[str, str | None] = dict(zip(header, cells, strict=False))
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            problems.append(Said("too_many_values", {"values": len(cells), "columns": len(header)}, where, n))
            continue
        person, errors = _person(row, langs, accounts)
        problems.extend(replace(e, path=where, line=n) for e in errors)
        if person is None:
            continue
        if person.id in lines:
            problems.append(Said("id_twice", {"id": person.id, "line": lines[person.id]}, where, n))
            continue
        duplicate = False
        for what, value in identities(person):
            first = claimed.setdefault((what, value), n)
            if first != n:
                # one account for two people would show one of them the other's draft
                word = (
                    Said("identity_email")
                    if what == "e-mail"
                    else Said("identity_handle", {"platform": person.platform})
                )
                problems.append(
                    Said("identity_twice", {"what": word, "value": value, "line": first}, where, n)
                )
                duplicate = True
        if duplicate:
            continue
        lines[person.id] = n
        people.append(person)
        said.extend(replace(w, path=where, line=n, warning=True) for w in _doubts(person, now))
    by_id = {p.id: p for p in people}
    for p in people:
        if p.manager and p.manager not in by_id:
            problems.append(Said("manager_missing", {"manager": p.manager}, where, lines[p.id]))
        elif p.manager == p.id:
            problems.append(Said("own_manager", {"id": p.id}, where, lines[p.id]))
    if not problems:
        problems.extend(replace(msg, path=where, line=lines[pid]) for pid, msg in _loops(by_id))
    if problems:
        raise RosterError(problems)
    return people


def _doubts(person: Person, now: datetime | None) -> list[Said]:
    """A conversation that is imported but probably not what HR meant."""
    when = person.conversation_at()
    if when is None:
        return []
    found = []
    wall = datetime.fromisoformat(person.conversation).replace(tzinfo=None)
    there = when.astimezone(ZoneInfo("UTC")).astimezone(ZoneInfo(person.timezone)).replace(tzinfo=None)
    if there != wall:  # the clocks jump over this time (the spring change)
        found.append(
            Said(
                "clock_gap",
                {"when": f"{wall:%Y-%m-%d %H:%M}", "zone": person.timezone, "taken": f"{there:%H:%M}"},
            )
        )
    if now is not None and when < now:
        found.append(Said("in_the_past", {"when": f"{wall:%Y-%m-%d %H:%M}"}))
    return found


def _person(
    row: dict[str, str | None], languages: set[str], accounts: Accounts
) -> tuple[Person | None, list[Said]]:
    v = {k: (row.get(k) or "").strip() for k in COLUMNS}
    errors: list[Said] = []
    v["name"] = " ".join(v["name"].split())  # a name over two lines in Excel: one line
    bad = [k for k, value in v.items() if not valid_text(value) or any(ord(c) < 32 for c in value)]
    if bad:
        return None, [Said("bad_text", {"columns": ", ".join(bad)})]
    if not v["id"]:
        errors.append(Said("empty_id"))
    elif id_problem(v["id"]) is not None:
        errors.append(Said("bad_id", {"id": v["id"].encode("utf-8", "replace").decode("utf-8")[:80]}))
    if not v["name"]:
        errors.append(Said("empty_name"))
    language = v["language"] or "nl"
    if language not in languages:
        errors.append(Said("no_script", {"language": language, "languages": ", ".join(sorted(languages))}))
    if v["email"] and not EMAIL.fullmatch(v["email"]):
        errors.append(Said("bad_email", {"email": v["email"]}))
    platform = v["platform"].lower()
    handle = ""
    if platform not in accounts.choosable():
        choosable = ", ".join(p for p in accounts.choosable() if p)
        errors.append(Said("bad_platform", {"platform": v["platform"], "platforms": choosable}))
    elif platform in accounts and v["handle"]:
        rules = accounts[platform]
        expected = rules.check(v["handle"])
        if expected is not None:
            errors.append(Said("bad_handle", {"handle": v["handle"], "expected": Words(dict(expected))}))
        handle = rules.normal(v["handle"])
    timezone = v["timezone"] or DEFAULT_TIMEZONE
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        errors.append(Said("bad_zone", {"zone": timezone}))
        zone = None
    conversation = ""
    if v["conversation"]:
        when = _datetime(v["conversation"])
        if when is None:
            errors.append(Said("bad_conversation", {"when": v["conversation"]}))
        elif zone is not None:
            conversation = when.replace(tzinfo=zone).isoformat()
    country = v["country"].upper()
    if country and country not in holidays.list_supported_countries():
        errors.append(Said("bad_country", {"country": v["country"]}))
    if errors:
        return None, errors
    person = Person(
        id=v["id"],
        name=v["name"],
        language=language,
        email=v["email"].lower(),
        manager=v["manager"],
        platform=platform,
        accounts={platform: handle} if handle else {},
        conversation=conversation,
        timezone=timezone,
        country=country,
        department=" ".join(v["department"].split())[:100],
    )
    return person, []


ID_PATTERN = re.compile(r"[A-Za-z0-9._@-]{1,64}")


def id_problem(person_id: str) -> str | None:
    """Why this is not a person's id, or None: the one rule for ids at every entrance (the
    roster, the command line, the chat adapters' bindings)."""
    if ID_PATTERN.fullmatch(person_id):
        return None
    shown = person_id.encode("utf-8", "replace").decode("utf-8")[:80]
    return f"id '{shown}' may only hold letters, digits and . _ @ - (at most 64)"


def identities(person: Person) -> list[tuple[str, str]]:
    """Every value that identifies the person on a platform: each must be one person's only.
    An e-mail address matches a chat profile (without case); a handle is per platform, compared
    in the platform's own spelling (`AccountRules.normal`)."""
    found = [("e-mail", person.email)] if person.email else []
    found.extend((f"{platform} handle", handle) for platform, handle in sorted(person.accounts.items()))
    return found


def _datetime(text: str) -> datetime | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def _loops(by_id: dict[str, Person]) -> Iterator[tuple[str, Said]]:
    reported: set[str] = set()
    for start in by_id:
        chain = [start]
        while by_id[chain[-1]].manager:
            nxt = by_id[chain[-1]].manager
            if nxt in chain:
                loop = chain[chain.index(nxt) :]
                if not reported & set(loop):
                    reported.update(loop)
                    yield nxt, Said("manager_loop", {"chain": " → ".join([*loop, nxt])})
                break
            chain.append(nxt)


# ---------------------------------------------------------------- the imported roster


@dataclass(frozen=True)
class ImportResult:
    """What an import changed: who was added, who updated, who is no longer in the roster."""

    added: list[str]
    updated: list[str]
    deactivated: list[str]


class Roster:
    """The imported roster, looked up by id, e-mail or a platform account at a flat cost."""

    def __init__(self, store: RosterStore) -> None:
        self.store = store

    def get(self, person_id: str) -> Person | None:
        """A person by id (someone who left too), or None."""
        doc = self.store.load_person(person_id)
        return Person.of(doc) if doc else None

    def by_email(self, email: str) -> Person | None:
        """The active person with this e-mail address (without case), or None."""
        pid = self.store.find_person(f"email:{email.lower()}") if email else None
        return self.get(pid) if pid else None

    def by_account(self, platform: str, handle: str) -> Person | None:
        """Whose account this is on a platform, by the handle in the platform's own spelling."""
        pid = self.store.find_person(f"{platform}:{handle}") if handle else None
        return self.get(pid) if pid else None

    def everyone(self) -> list[Person]:
        """Everyone in the roster, by id."""
        return sorted((Person.of(d) for d in self.store.people()), key=lambda p: p.id)

    def compare(self, people: list[Person]) -> tuple[ImportResult, list[Person]]:
        """What an import of `people` changes, and the whole roster after it: everyone in the
        file, and who is no longer in it kept as inactive (their history stays theirs)."""
        before = {p.id: p for p in self.everyone()}
        added = [p.id for p in people if p.id not in before]
        updated = [p.id for p in people if p.id in before and before[p.id] != p]
        seen = {p.id for p in people}
        gone = [old for pid, old in before.items() if pid not in seen]
        deactivated = [p.id for p in gone if p.active]
        after = sorted([*people, *(replace(p, active=False) for p in gone)], key=lambda p: p.id)
        return ImportResult(added, updated, deactivated), after

    def save(self, people: list[Person], pending: list[str] | None = None) -> None:
        """The whole roster written at once, with whose schedule must still follow it."""
        self.store.save_roster([asdict(p) for p in people], pending)

    def import_people(self, people: list[Person]) -> ImportResult:
        """The roster replaced, without planning anyone (the scheduler's `import_roster` plans)."""
        result, after = self.compare(people)
        self.save(after)
        return result
