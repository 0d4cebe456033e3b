"""The outbox on disk: one plan file per person, and a due-time index of one file per hour.

    outbox/plans/ab/ab12….json    a person's entries, every conversation's, by key (TinyDB)
    outbox/due-index/2027-01-11T08  what is due in that hour (UTC): see `storage.due_index`
    outbox/due-index/failed         the entries that could not be delivered (for HR's summary)
    outbox/locks/ab.lock            256 lock files people share by hash: a plan is read,
                                    changed and written under its lock (a pass and a chat turn
                                    may change one person's plan at the same time)

Why a file per person, not per entry (the layout before issue 16): planning a round made ~21
files per person (an entry, its marker and its list of keys, each a 4 KB block and two
fsyncs) — 850 MB in 208,000 files for 10,000 people. A person's ~10 entries are read together
anyway (a re-plan, an export, an erasure, HR's view of one person), and one file keeps a
person's erasure to one unlink. A pass reads only the hours that are due, never every plan.

The rule between the two (see `add_entries`): an index line before its entry, so a kill
between them leaves a line the reader skips, never an entry no pass will find.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bot.errors import StorageError
from storage.atomic import sync_all
from storage.documents import DocumentFiles
from storage.due_index import DueIndex, Line, bucket_of
from storage.locks import PersonLocks

log = logging.getLogger("popbot.storage")
OPEN = ("planned", "sending")
FAILED = "failed"  # the failures' "bucket": not an hour, so no pass reads it as due


def person_of(key: str) -> str:
    """Keys are person | conversation | kind, and a person id holds no "|" (roster.ID_PATTERN)."""
    return key.split("|", 1)[0]


def entry_digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


class OutboxFiles:
    """Implements `bot.ports.OutboxStore` and `bot.ports.OutboxRecords`."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root) / "outbox"
        # No backups: an entry's earlier version holds the composed message (answers, the
        # draft) that closing it drops; a damaged plan is re-planned, not restored.
        self._plans = DocumentFiles(self.root / "plans", table="plan", backups=False)
        self._index = DueIndex(self.root / "due-index")
        self._locks = PersonLocks(self.root / "locks", striped=True)
        if (self.root / "entries").exists():
            from storage.outbox_migration import migrate  # once, from the layout before issue 16

            with self.pass_lock(wait=True):
                migrate(self.root, self.add_entries)

    # ------------------------------------------------------------ a person's plan

    def _line(self, key: str, kind: str) -> Line:
        return Line(entry_digest(key), self._plans.digest(person_of(key)), kind)

    def _entries(self, person_id: str) -> dict[str, dict[str, Any]]:
        doc = self._plans.get(person_id)
        return dict(doc["entries"]) if doc else {}

    @contextmanager
    def _changing(self, person_id: str, durable: bool = True) -> Iterator[dict[str, dict[str, Any]]]:
        """The person's entries to change in place; written once when the block ends."""
        with self._locks.hold(person_id):
            entries = self._entries(person_id)
            before = dict(entries)
            yield entries
            if entries != before:
                if entries:
                    self._plans.put(person_id, {"entries": entries}, durable)
                else:
                    self._plans.delete(person_id)

    def load_entry(self, key: str) -> dict[str, Any] | None:
        return self._entries(person_of(key)).get(key)

    def save_entry(self, entry: dict[str, Any]) -> None:
        with self._changing(person_of(entry["key"])) as entries:  # where load_entry looks
            entries[entry["key"]] = entry

    def add_entries(self, entries: list[dict[str, Any]]) -> None:
        """New entries — a whole import's at once: the due lines of open ones first (a bucket's
        in one write), then each person's plan in one write. An entry already there is kept."""
        lines: dict[str, list[Line]] = {}
        people: dict[str, list[dict[str, Any]]] = {}
        for entry in entries:
            status = entry.get("status", "planned")
            bucket = bucket_of(datetime.fromisoformat(entry["due"])) if status in OPEN else FAILED
            if status in (*OPEN, FAILED):
                lines.setdefault(bucket, []).append(self._line(entry["key"], entry["kind"]))
            people.setdefault(person_of(entry["key"]), []).append(entry)
        many = len(people) > 1  # a batch: one sync(2) after the index, one after the plans
        self._index.add(lines, durable=not many)
        if many:
            sync_all()  # the index on disk before any plan that needs it (power loss too)
        for person, new in people.items():
            with self._changing(person, durable=not many) as current:
                for entry in new:
                    current.setdefault(entry["key"], entry)
        if many:
            sync_all()

    def person_entries(self, person_id: str) -> list[dict[str, Any]]:
        return list(self._entries(person_id).values())

    def forget_person(self, person_id: str) -> int:
        """Every entry of the person gone, with their index lines; how many there were."""
        with self._locks.hold(person_id):
            entries = self._entries(person_id)
            for entry in entries.values():
                self.unindex_due(entry["key"], entry["kind"], datetime.fromisoformat(entry["due"]))
                if entry.get("status") == FAILED:
                    self._index.remove(FAILED, [self._line(entry["key"], entry["kind"])])
            self._plans.delete(person_id)
        return len(entries)

    # ------------------------------------------------------------ the due-time index

    def index_due(self, key: str, kind: str, due: datetime) -> None:
        self._index.add({bucket_of(due): [self._line(key, kind)]})

    def unindex_due(self, key: str, kind: str, due: datetime) -> None:
        self._index.remove(bucket_of(due), [self._line(key, kind)])

    def index_failed(self, key: str, kind: str) -> None:
        self._index.add({FAILED: [self._line(key, kind)]})

    def due_entries(self, until: datetime) -> Iterator[dict[str, Any]]:
        """Every entry the index has due up to `until`'s hour, each once. An hour whose lines
        all turned out stale (a kill between an entry's close and its `-` line) is dropped,
        so passes stay short."""
        last = bucket_of(until)
        seen: set[str] = set()
        for bucket in self._index.buckets(last=last):
            if bucket == FAILED:
                continue
            live, size = self._index.live(bucket)
            current = False
            for entry in self._resolve(live):
                if entry["key"] in seen:
                    continue
                seen.add(entry["key"])
                here = bucket_of(datetime.fromisoformat(entry["due"])) == bucket
                current = current or (here and entry.get("status") in OPEN)
                yield entry
            # An hour past whose lines are all stale goes — not the last hour before `until`
            # (the pass's now): a writer adding an entry due now writes its line before its
            # plan, and a reader between the two must not take that line for a stale one.
            if not current and bucket < bucket_of(until - timedelta(hours=1)):
                self._index.drop(bucket, size)

    def failed_entries(self, damaged: list[str] | None = None) -> list[dict[str, Any]]:
        live, _size = self._index.live(FAILED)
        return [e for e in self._resolve(live, damaged) if e.get("status") == FAILED]

    def _resolve(self, live: dict[str, Line], damaged: list[str] | None = None) -> Iterator[dict[str, Any]]:
        """The entries the lines name: each person's plan read once."""
        plans: dict[str, set[str]] = {}
        for line in live.values():
            plans.setdefault(line.plan, set()).add(line.entry)
        for plan, wanted in sorted(plans.items()):
            try:
                doc = self._plans.get_at(plan)
            except StorageError:
                if damaged is None:
                    raise
                damaged.append(str(self._plans.path_at(plan)))
                continue
            for key, entry in (doc or {}).get("entries", {}).items():
                if entry_digest(key) in wanted:
                    yield entry

    def due_counts(self, first: datetime, last: datetime) -> dict[tuple[str, str], int]:
        """(hour bucket, kind) → how many are due, from the index alone (no plan is read)."""
        counts: dict[tuple[str, str], int] = {}
        for bucket in self._index.buckets(bucket_of(first), bucket_of(last)):
            for line in self._index.live(bucket)[0].values():
                counts[bucket, line.kind] = counts.get((bucket, line.kind), 0) + 1
        return counts

    # ------------------------------------------------------------ scans (daily, or HR asking for all)

    def all_entries(self, damaged: list[str] | None = None) -> Iterator[dict[str, Any]]:
        for doc in self._plans.values(damaged):
            yield from doc.get("entries", {}).values()

    def purge_closed(self, before: datetime) -> int:
        """Entries closed before `before` gone (retention); a scan, run daily."""
        gone = 0
        for doc in list(self._plans.values()):
            keys = list(doc.get("entries", {}))
            if not keys:
                continue
            with self._changing(person_of(keys[0])) as entries:
                for key, entry in list(entries.items()):
                    closed = entry.get("closed_at")
                    if entry.get("status") in OPEN or not closed or datetime.fromisoformat(closed) >= before:
                        continue
                    del entries[key]
                    if entry.get("status") == FAILED:
                        self._index.remove(FAILED, [self._line(key, entry["kind"])])
                    gone += 1
        return gone

    def drop_composed(self) -> int:
        """Every draft composed ahead, gone (an erasure: one may hold the erased person's
        answers; the send composes anew). A scan; they are few (the next hours' drafts)."""
        gone = 0
        for doc in list(self._plans.values()):
            keys = [k for k, e in doc.get("entries", {}).items() if e.get("ahead")]
            if not keys:
                continue
            with self._changing(person_of(keys[0])) as entries:
                for key in keys:
                    if key in entries and entries[key].get("ahead"):
                        entries[key] = {**entries[key], "ahead": [], "ahead_subject": "", "ahead_for": ""}
                        gone += 1
        return gone

    def claim(self, key: str) -> dict[str, Any] | None:
        """The entry as it is now: a pass here holds the pass lock alone, so it is its to send."""
        return self.load_entry(key)

    def release(self, key: str) -> None:
        """Nothing to give back (see `claim`)."""

    def pass_lock(self, wait: bool = False, shared: bool = False) -> AbstractContextManager[bool]:
        """One scheduler at a time across processes (the server and a cron `run-due`), even
        for a pass that asks to share it: claims here are not exclusive between processes.
        Yields False when another process holds it and `wait` is False.
        """
        return self._file_lock(".lock", wait)

    def job_lock(self, name: str) -> AbstractContextManager[bool]:
        """A daily job in one process at a time: False while another runs it."""
        return self._file_lock(f".{name}.lock", wait=False)

    @contextmanager
    def _file_lock(self, name: str, wait: bool) -> Iterator[bool]:
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / name, "a+") as f:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)
