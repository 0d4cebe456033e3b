"""The outbox on disk: one file per entry, and a due-time index of marker files.

    outbox/entries/…           one TinyDB file per entry (by key)
    outbox/people/…            per person, the keys of their entries
    outbox/due/2027-01-11T08/  one small marker file per entry due in that hour (UTC)

A pass lists the hour folders up to now and reads only their markers, so its
cost follows what is due, not how many people there are. Markers are written
atomically, one per entry, so two writers never lose each other's markers.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from storage.atomic import AtomicFile
from storage.documents import DocumentFiles

_BUCKET = "%Y-%m-%dT%H"
log = logging.getLogger("popbot.storage")


def _bucket(at: datetime) -> str:
    return at.astimezone(UTC).strftime(_BUCKET)


class OutboxFiles:
    """Implements `bot.ports.OutboxStore`."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root) / "outbox"
        # No backups here: an entry's earlier version holds the composed message (answers,
        # the draft) that closing it drops; and a damaged entry is re-planned, not restored.
        self._entries = DocumentFiles(self.root / "entries", table="entry", backups=False)
        self._people = DocumentFiles(self.root / "people", table="keys", backups=False)
        self._due = self.root / "due"

    def load_entry(self, key: str) -> dict[str, Any] | None:
        return self._entries.get(key)

    def save_entry(self, entry: dict[str, Any]) -> None:
        self._entries.put(entry["key"], entry)

    def delete_entry(self, key: str) -> bool:
        return self._entries.delete(key)

    def person_keys(self, person_id: str) -> list[str]:
        doc = self._people.get(person_id)
        return list(doc["keys"]) if doc else []

    def add_person_key(self, person_id: str, key: str) -> None:
        self.add_person_keys(person_id, [key])

    def add_person_keys(self, person_id: str, keys: list[str]) -> None:
        """Several keys in one write (planning a person's round: ~9 entries at once)."""
        known = self.person_keys(person_id)
        new = [k for k in dict.fromkeys(keys) if k not in known]
        if new:
            self._people.put(person_id, {"keys": [*known, *new]})

    def forget_person(self, person_id: str) -> None:
        self._people.delete(person_id)

    def _marker(self, key: str, due: datetime) -> Path:
        name = hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]
        return self._due / _bucket(due) / f"{name}.json"

    def index_due(self, key: str, due: datetime) -> None:
        # a marker can be made again from its entry: no backup kept
        AtomicFile(self._marker(key, due)).write_bytes(json.dumps({"marker": {"key": key}}).encode())

    def unindex_due(self, key: str, due: datetime) -> None:
        marker = self._marker(key, due)
        marker.unlink(missing_ok=True)
        with suppress(OSError):  # not empty yet: fine
            marker.parent.rmdir()  # an emptied hour folder goes, so passes stay short

    def due_keys(self, until: datetime) -> Iterator[str]:
        if not self._due.exists():
            return
        last = _bucket(until)
        for bucket in sorted(os.listdir(self._due)):
            if bucket > last:
                break
            folder = self._due / bucket
            for name in sorted(os.listdir(folder)) if folder.is_dir() else ():
                if not name.endswith(".json"):
                    continue
                path = folder / name
                try:
                    yield json.loads(path.read_text(encoding="utf-8"))["marker"]["key"]
                except FileNotFoundError:
                    continue  # sent and unindexed meanwhile
                except (OSError, ValueError, KeyError, TypeError) as exc:
                    # one bad marker must not stop every pass: say which, go on with the rest
                    log.error(
                        "%s: damaged outbox marker (%s); delete it, then 'popbot schedule plan'", path, exc
                    )

    def purge_closed(self, before: datetime) -> int:
        """Delete entries closed before `before` (retention); a scan, run daily."""
        gone = 0
        for entry in list(self._entries.values()):
            closed = entry.get("closed_at")
            if entry.get("status") in ("planned", "sending") or not closed:
                continue
            if datetime.fromisoformat(closed) < before and self._entries.delete(entry["key"]):
                keys = [k for k in self.person_keys(entry["person"]) if k != entry["key"]]
                self._people.put(entry["person"], {"keys": keys})
                gone += 1
        return gone

    def all_entries(self) -> Iterator[dict[str, Any]]:
        return self._entries.values()

    @contextmanager
    def pass_lock(self, wait: bool = False) -> Iterator[bool]:
        """One scheduler at a time across processes (the server and a cron `run-due`).

        Yields False when another process holds it and `wait` is False.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "a+") as f:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)
