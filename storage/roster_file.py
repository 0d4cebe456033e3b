"""HR's roster as one file, written whole by each import, read once per process and change.

    people/roster.json   {"roster": {"1": {"people": [...], "pending": [...]}}}  (TinyDB, with .bak)

Why one file (before issue 16 it was a file per person plus a file per e-mail address and
chat account): an import is one atomic write instead of ~20,000 for 10,000 people, and the import
is all-or-nothing by construction — the new roster arrives in one rename, together with the
list of people whose schedule must still follow it (`pending`), so a kill at any moment
leaves the old roster, or the new one with the list of what is left to plan (finished by the
next start). Lookups stay flat: the parsed roster is kept in memory and read again only when
the file changed (one `stat` per lookup); 10,000 people are ~3 MB and ~40 ms to read.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.people.roster import normal_doc
from storage.atomic import AtomicJSONStorage, damaged
from storage.documents import DocumentFiles

_TABLE = "roster"


@dataclass
class _Parsed:
    signature: tuple[int, int, int]
    people: dict[str, dict[str, Any]]
    pending: list[str] | None
    index: dict[str, str] = field(default_factory=dict)


class RosterFile:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / "roster.json"
        self._parsed: _Parsed | None = None
        self._guard = threading.Lock()

    def _current(self) -> _Parsed:
        with self._guard:
            if self._parsed is None and not self.path.exists():
                _migrate(self)
            try:
                st = os.stat(self.path)
                signature = (st.st_ino, st.st_mtime_ns, st.st_size)
            except FileNotFoundError:
                signature = (0, 0, 0)
            if self._parsed is None or self._parsed.signature != signature:
                self._parsed = self._read(signature)
            return self._parsed

    def _read(self, signature: tuple[int, int, int]) -> _Parsed:
        data = AtomicJSONStorage(self.path).read() or {}
        try:
            doc = data[_TABLE]["1"] if data else {"people": [], "pending": None}
            people = {str(p["id"]): p for p in doc["people"]}
            pending = doc.get("pending")
        except (KeyError, TypeError) as exc:
            raise damaged(self.path, f"not a roster ({type(exc).__name__})") from exc
        # a roster written before people had accounts reads in today's shape
        people = {pid: normal_doc(p) for pid, p in people.items()}
        parsed = _Parsed(signature, people, list(pending) if pending is not None else None)
        for p in people.values():
            if not p.get("active", True):
                continue  # someone who left is found by id only, never by address
            if p.get("email"):
                parsed.index[f"email:{str(p['email']).lower()}"] = p["id"]
            for platform, handle in p["accounts"].items():
                parsed.index[f"{platform}:{handle}"] = p["id"]
        return parsed

    def load_person(self, person_id: str) -> dict[str, Any] | None:
        found = self._current().people.get(person_id)
        return dict(found) if found else None

    def people(self) -> Iterator[dict[str, Any]]:
        for p in list(self._current().people.values()):
            yield dict(p)

    def find_person(self, key: str) -> str | None:
        return self._current().index.get(key)

    def pending_plan(self) -> list[str] | None:
        return self._current().pending

    def save(self, people: list[dict[str, Any]], pending: list[str] | None) -> None:
        people = [normal_doc(p) for p in people]  # accounts in one shape, whoever wrote the docs
        AtomicJSONStorage(self.path).write({_TABLE: {"1": {"people": people, "pending": pending}}})


def _migrate(roster: RosterFile) -> None:
    """From a file per person (and per address) to one roster file; the old files go after."""
    old = DocumentFiles(roster.folder, table="person")
    people = [doc for _path, doc in old.documents()]
    if not people:
        return
    interrupted = (roster.folder / ".import-pending").exists()  # the old marker: plan everyone
    roster.save(people, [str(p["id"]) for p in people] if interrupted else None)
    for sub in roster.folder.iterdir():
        if sub.is_dir() and len(sub.name) == 2:
            shutil.rmtree(sub)
    (roster.folder / ".import-pending").unlink(missing_ok=True)
    shutil.rmtree(roster.folder.parent / "people-index", ignore_errors=True)
