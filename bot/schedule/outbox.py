"""The durable outbox: every message the clock causes is recorded before it is sent.

An entry goes planned → sending → sent (or skipped, cancelled, failed).
Before each part of a message goes out its number is written down
(`inflight`); after the platform confirms it, `parts_done` moves on. After a
crash, a part that was in flight is first looked up on the platform where the
platform can tell (one that keeps the outbox key in the message's metadata; the console inbox), so it is
not sent twice; where it cannot (most platforms, e-mail), it is sent again — the one
window in which a repeat is possible, and it is counted in `repeats`.

The store keeps a due-time index, so a pass reads only what is due, never
every person's entries.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from bot.errors import StorageError
from bot.messages import Part
from bot.ports import OutboxStore

Status = Literal["planned", "sending", "sent", "skipped", "cancelled", "failed"]
OPEN: tuple[Status, ...] = ("planned", "sending")


class Entry(BaseModel):
    """One scheduled message: whose, what kind, due when, and how far its sending got."""

    model_config = ConfigDict(extra="ignore")

    key: str  # the idempotency key: person | conversation | kind
    kind: str
    person: str  # whose conversation it is
    conversation: str
    due: datetime
    deadline: datetime | None = None
    late: bool = False
    status: Status = "planned"
    to: str = ""  # recipient person id, fixed when the send starts
    channel: str = ""
    address: str = ""
    parts: list[Part] = []
    subject: str = ""  # e-mail
    parts_done: int = 0
    inflight: int | None = None
    repeats: int = 0  # parts sent again after a crash the platform could not rule out
    attempts: int = 0
    next_try: datetime | None = None
    error: str = ""
    sent_at: datetime | None = None
    closed_at: datetime | None = None
    note: str = ""  # why it was skipped or cancelled: a code, named in the schedule texts' `notes`
    # composed ahead of its send window (see bot.schedule.ahead), with what it was made from
    ahead: list[Part] = []
    ahead_subject: str = ""
    ahead_for: str = ""

    def dump(self) -> dict[str, Any]:
        """The entry as stored."""
        return self.model_dump(mode="json")


class Outbox:
    """Entries by key, kept in step with the due-time index."""

    def __init__(self, store: OutboxStore) -> None:
        self.store = store

    def get(self, key: str) -> Entry | None:
        """An entry by key, or None."""
        doc = self.store.load_entry(key)
        return Entry.model_validate(doc) if doc else None

    def add(self, entry: Entry) -> None:
        """Plan one entry (written, and in the due index)."""
        self.add_all([entry])

    def add_all(self, entries: list[Entry]) -> None:
        """Add entries — a whole import's at once (the store writes each person's once)."""
        if entries:
            self.store.add_entries([e.dump() for e in entries])

    def save(self, entry: Entry) -> None:
        """Write the entry durably (before anything that depends on it happens)."""
        self.store.save_entry(entry.dump())

    def move(self, entry: Entry, due: datetime) -> None:
        """The entry due at another time."""
        old = entry.due
        entry.due = due
        self.store.index_due(entry.key, entry.kind, due)  # the new line first (see the store)
        self.save(entry)
        self.store.unindex_due(entry.key, entry.kind, old)

    def close(self, entry: Entry, status: Status, now: datetime, note: str = "") -> None:
        """The entry ended (sent, skipped, cancelled or failed), with why."""
        entry.status = status
        entry.closed_at = now
        entry.ahead, entry.ahead_for = [], ""  # a copy of the draft: kept no longer than needed
        entry.note = note or entry.note
        if status == "sent":
            entry.sent_at = now
            entry.parts = []  # what was sent is the recipient's now; keep no second copy
        if status in ("cancelled", "skipped"):
            entry.parts = []
        if status == "failed":
            self.store.index_failed(entry.key, entry.kind)  # for HR's summary, without a scan
        self.save(entry)
        self.store.unindex_due(entry.key, entry.kind, entry.due)

    def retry(self, entry: Entry, now: datetime) -> None:
        """A failed entry planned again, due now (HR asked: the cause is mended). Its failure
        stays in the entry's history only as the count of attempts."""
        entry.status, entry.closed_at, entry.next_try, entry.error = "planned", None, None, ""
        entry.due = now
        self.store.index_due(entry.key, entry.kind, now)  # the line first (see the store)
        self.save(entry)

    def claim(self, entry: Entry) -> Entry | None:
        """The entry as stored now, ours to send until `release`; None: another replica's."""
        doc = self.store.claim(entry.key)
        return Entry.model_validate(doc) if doc else None

    def release(self, entry: Entry) -> None:
        """This process's claim on the entry given up."""
        self.store.release(entry.key)

    def for_person(self, person_id: str, damaged: list[str] | None = None) -> list[Entry]:
        """The person's entries. With `damaged`, a plan or entry that cannot be read is named
        there and left out, instead of raising (a page shows what it can)."""
        try:
            docs = self.store.person_entries(person_id)
        except StorageError as exc:
            if damaged is None:
                raise
            damaged.append(f"{person_id}: {exc}")
            return []
        return _valid(docs, damaged)

    def due(self, until: datetime) -> Iterator[Entry]:
        """The entries due now, by the due-time index."""
        for doc in self.store.due_entries(until):
            yield Entry.model_validate(doc)

    def failed(self, damaged: list[str] | None = None) -> list[Entry]:
        """The entries that failed (the console lists them first)."""
        return sorted(_valid(self.store.failed_entries(damaged), damaged), key=lambda e: e.due)

    def everything(self, damaged: list[str] | None = None) -> list[Entry]:
        """Every entry (a view; what does not read is named in `damaged`)."""
        return sorted(_valid(self.store.all_entries(damaged), damaged), key=lambda e: e.due)


def _valid(docs: Iterable[dict[str, Any]], damaged: list[str] | None) -> list[Entry]:
    """The entries among `docs`; one that is not an entry (a damaged row) raises, or with
    `damaged` given is named there and left out."""
    entries = []
    for doc in docs:
        try:
            entries.append(Entry.model_validate(doc))
        except ValidationError:
            if damaged is None:
                raise
            damaged.append(f"outbox entry {str(doc.get('key', '?'))[:120]}")
    return entries
