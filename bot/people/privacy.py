"""The employee's rights over their data (AVG/GDPR): see everything, and erase it.

`PersonalData.export` gathers everything held about a person — their own
record, the preparations, check-ins and evaluations about them or by them,
their chat bindings, what the schedule keeps for them, their console inbox
and their roster entry — as JSON and as readable Markdown. `erase` removes it
from the storage files (not flagged: gone), leaves the roster entry to HR, and
writes one audit line that says only that an erasure happened, and when, naming the person by
a keyed pseudonym (HMAC-SHA256 under POPBOT_AUDIT_KEY, a secret kept outside the data): whoever
holds the key can answer "was this person erased?", nobody with only the roster and the data
can. Without a key each erasure gets a random one, so its line names nobody at all.

Erasure reaches every copy, also those held by someone else: a manager's saved export (in
the console or a chat platform) that holds their notes about the person goes too (they can export again).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from datetime import datetime
from typing import Any, Protocol

from bot import ids
from bot.domain import EmployeeRecord
from bot.people.access import Access
from bot.ports import OutboxRecords, PersonalStore
from bot.session import Sessions, owner_of


def _about(record_id: str, person: str) -> bool:
    """A sub-dialog's record names the people it is about (`bot.ids`)."""
    rid = ids.parse(record_id)
    return rid.kind != "" and person in (rid.owner, rid.about)


class PersonalData:
    """The employee's rights over their data: everything held about them, exported and erased."""

    def __init__(
        self,
        store: PersonalStore,
        outbox: OutboxRecords,
        access: Access,
        clock: Callable[[], datetime],
        pseudonym_key: bytes = b"",
    ) -> None:
        self.pseudonym_key = pseudonym_key
        self.store = store
        self.outbox = outbox
        self.access = access
        self.clock = clock
        self.sessions = Sessions(store)  # every record written under its owner's session

    def _record_ids(self, person: str) -> list[str]:
        """The person's own record and every record about them (a scan: erasure and export
        are rare)."""
        return [person, *(rid for rid in self.store.employee_ids() if _about(rid, person))]

    def _records(self, person: str) -> Iterator[EmployeeRecord]:
        for rid in self._record_ids(person):
            record = self.store.load(rid)
            if record is not None:
                yield record

    def export(self, person: str) -> dict[str, Any]:
        """Everything held about the person, as one JSON-ready document."""
        entries = self.outbox.person_entries(person)
        return {
            "person": person,
            "exported_at": self.clock().isoformat(),
            "roster": self.store.load_person(person),
            "records": [r.model_dump(mode="json") for r in self._records(person)],
            "chat_accounts": self.access.chat_accounts(person),
            # where popbot writes to them first: the conversation, as the platform named it
            "chat_conversations": self.access.references(person),
            "schedule": [
                {k: e.get(k) for k in ("kind", "due", "status", "channel", "sent_at", "note")}
                for e in entries
            ],
            "console_inbox": self.store.load_inbox(person),
        }

    def export_json(self, person: str) -> str:
        """The export as JSON text (UTF-8, indented)."""
        return json.dumps(self.export(person), ensure_ascii=False, indent=2) + "\n"

    def pseudonym(self, person: str) -> str:
        """The person's name in the audit: keyed, so the roster alone does not reveal it."""
        key = self.pseudonym_key or secrets.token_bytes(32)  # no key: linkable to nobody
        return hmac.new(key, person.encode("utf-8"), hashlib.sha256).hexdigest()[:16]

    def finish_unfinished(self) -> list[str]:
        """Erasures a crash or a kill interrupted, finished now; returns their pseudonyms."""
        done = []
        for person in self.store.unfinished_erasures():
            self.erase(person, note="finished after an interruption")
            done.append(self.pseudonym(person))
        return done

    def erase(self, person: str, note: str = "", in_turn: bool = False) -> dict[str, int]:
        """Remove everything about `person`; returns how many of each kind went (no content).

        Each record goes under its owner's session, so a turn in progress cannot write it
        back; `in_turn`: called from the person's own turn, which holds their session.
        A journal entry stands from before the first deletion until the audit line: an
        erasure cut off midway is finished by the next start, `popbot data check` or the
        same erasure again."""
        self.store.begin_erasure(person)
        gone = {"records": 0, "chat_accounts": 0, "invitations": 0, "scheduled": 0, "inbox": 0, "exports": 0}
        record_ids = self._record_ids(person)
        # who else holds a record about them (a manager's preparation): their saved exports hold it too
        holders = sorted({owner_of(rid) for rid in record_ids} - {person})
        for rid in record_ids:
            owner = owner_of(rid)
            with nullcontext() if in_turn and owner == person else self.sessions.writing(owner):
                gone["records"] += int(self.store.delete(rid))
        gone["chat_accounts"] = self.access.unbind_all(person)
        gone["invitations"] = self.store.delete_invites_of(person)
        gone["scheduled"] = self.outbox.forget_person(person)  # with their lines in the due index
        self.store.forget_progress(person)  # HR's counts of their round
        self.outbox.drop_composed()  # a draft composed ahead may quote them (a manager's preparation)
        gone["inbox"] = int(self.store.delete_inbox(person)) + int(self.store.delete_exports(person))
        # copies in other people's inboxes: the manager's draft, alignment and signed POP
        gone["inbox"] += self.store.delete_inbox_items_about(person)
        gone["exports"] = sum(int(self.store.delete_exports(holder)) for holder in holders)
        self.store.sweep_leftovers()  # a killed writer's temporary copy may hold their answers
        # The audit keeps that an erasure happened and when — not who asked or what it held.
        line = f"{self.clock().isoformat()} erasure {self.pseudonym(person)}"
        self.store.append_audit(f"{line} ({note})" if note else line)
        self.store.end_erasure(person)
        return gone

    def purge(self, now: datetime, months: int, active: Callable[[str], bool]) -> dict[str, int]:
        """Retention: what belongs to a finished round older than `months` goes.

        - a preparation, check-in or evaluation of a conversation that long ago;
        - the previous round kept as a starting point, once its conversation is that old;
        - everything about someone no longer in the roster, untouched that long;
        - the schedule's closed entries (sent, skipped, cancelled, failed) closed that long ago.
        A scan of all records: run daily, not per turn.
        """
        from dateutil.relativedelta import relativedelta

        limit = now - relativedelta(months=months)
        gone = {"records": 0, "previous_rounds": 0, "people": 0, "schedule_entries": 0}
        for rid in list(self.store.employee_ids()):
            conversation = ids.parse(rid).conversation
            if conversation:  # a preparation, a check-in, an evaluation: its round's
                if _before(conversation, limit):
                    with self.sessions.writing(owner_of(rid)):
                        gone["records"] += int(self.store.delete(rid))
                continue
            record = self.store.load(rid)
            if record is None:
                continue
            if not active(rid) and record.updated_at is not None and record.updated_at < limit:
                self.erase(rid)
                gone["people"] += 1
                continue
            if record.previous and _before(str(record.previous.get("cycle", "")), limit):
                with self.sessions.writing(rid):  # read again inside: a turn may have saved since
                    record = self.store.load(rid)
                    if record is not None and record.previous:
                        record.previous = None
                        self.store.save(record)
                        self.store.drop_backup(rid)  # the kept previous version still held it
                        gone["previous_rounds"] += 1
        gone["schedule_entries"] = self.outbox.purge_closed(limit)
        if any(gone.values()):
            summary = ", ".join(f"{n} {k}" for k, n in gone.items() if n)
            self.store.append_audit(f"{now.isoformat()} retention purge ({months} months): {summary}")
        return gone


def _before(iso: str, limit: datetime) -> bool:
    try:
        return datetime.fromisoformat(iso) < limit
    except ValueError:
        return False


class Describer(Protocol):
    """How the readable export shows what is stored, in the reader's words."""

    def label(self, key: str) -> str:
        """The reader's word for a heading, a roster column, a kind of message."""

    def title(self, script_id: str) -> str:
        """A record's heading: the script's title."""

    def answer(self, script_id: str, qid: str, value: Any) -> tuple[str, str]:
        """(question as asked, answer as shown)."""

    def when(self, iso: str) -> str:
        """A stored moment, as the reader writes dates."""

    def roster_value(self, key: str, value: Any) -> str:
        """A roster value as the reader reads it: a manager by name, a date, yes/no."""


def to_markdown(data: dict[str, Any], words: Describer) -> str:
    """The export, readable: each answer under the question that was asked, in the reader's
    language; the JSON beside it holds everything as stored."""
    lines = [
        f"# {words.label('title')}",
        "",
        f"{words.label('exported')}: {words.when(data['exported_at'])}",
        "",
    ]
    roster = data.get("roster") or {}
    if roster:
        lines += [f"## {words.label('roster')}", ""]
        lines += [
            f"- {words.label(k)}: {words.roster_value(k, v)}"
            for k, v in roster.items()
            if v not in ("", None, {}) and k != "id"
        ]
        lines.append("")
    for record in data["records"]:
        lines += [f"## {words.title(record['script_id'])}", ""]
        for qid, answer in record.get("answers", {}).items():
            if answer.get("skipped"):
                continue
            asked, shown = words.answer(record["script_id"], qid, answer.get("value"))
            mark = " 🔒" if answer.get("private") else ""
            lines += [f"**{asked}**{mark}", "", shown, ""]
    if data["chat_accounts"]:
        lines += [f"## {words.label('accounts')}", ""]
        lines += [f"- {words.label(p)}: {h}" for p, h in data["chat_accounts"].items()] + [""]
    if data["schedule"]:
        lines += [f"## {words.label('schedule')}", ""]
        lines += [
            f"- {words.when(e['due'])}: {words.label(e['kind'])} — {words.label(e['status'])}"
            for e in data["schedule"]
        ] + [""]
    return "\n".join(lines).rstrip() + "\n"
