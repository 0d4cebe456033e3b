"""The default store: TinyDB, one small file per employee (and per binding).

A single TinyDB file rewrites everything on each write, so a turn would cost
more the more employees there are (measured: 4.5 ms at 100, 623 ms at 10,000).
One file per employee keeps a turn's cost flat and lets a crash touch only
one person's file.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.domain import EmployeeRecord
from storage.atomic import damaged, sweep_leftovers
from storage.documents import DocumentFiles, remove_with_copies
from storage.locks import PersonLocks
from storage.person_files import KeepsFiles, PersonFiles, attachment_names
from storage.progress_log import ProgressLog
from storage.roster_file import RosterFile


class TinyDBStore(KeepsFiles):
    """Implements `bot.ports.Store`, `bot.ports.AccessStore`, `bot.ports.RosterStore`
    and the console inbox."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self._employees = DocumentFiles(self.root / "employees", table="employee")
        self._invites = DocumentFiles(self.root / "invites", table="invite")
        self._bindings = DocumentFiles(self.root / "bindings", table="binding")
        self._roster = RosterFile(self.root / "people")
        self._progress = ProgressLog(self.root)
        self._inbox = DocumentFiles(self.root / "inbox", table="inbox")
        self._accounts = DocumentFiles(self.root / "accounts", table="account")
        self._sessions = DocumentFiles(self.root / "sessions", table="session", backups=False)
        self._locks = PersonLocks(self.root / "locks")
        self._files = PersonFiles(self.root)
        self._invite_locks = PersonLocks(self.root / "locks" / "invites", striped=True)

    def path_for(self, employee_id: str) -> Path:
        return self._employees.path_for(employee_id)

    # ---------------------------------------------------------------- employees

    def load(self, employee_id: str) -> EmployeeRecord | None:
        doc = self._employees.get(employee_id)
        if doc is None:
            return None
        try:
            return EmployeeRecord.model_validate(doc)
        except ValidationError as exc:
            # where, not what: the values in pydantic's message may be someone's answers
            where = ", ".join(".".join(str(p) for p in e["loc"]) for e in exc.errors()[:3])
            raise damaged(self.path_for(employee_id), f"not a valid record at {where}") from exc

    def save(self, record: EmployeeRecord) -> None:
        self._employees.put(record.employee_id, record.model_dump(mode="json"))

    def delete(self, employee_id: str) -> bool:
        return self._employees.delete(employee_id)

    def hold(self, employee_id: str, wait: bool = True) -> AbstractContextManager[bool]:
        return self._locks.hold(employee_id, wait)

    def drop_backup(self, employee_id: str) -> None:
        self._employees.drop_backup(employee_id)

    def employee_ids(self) -> Iterator[str]:
        for doc in self._employees.values():
            yield doc["employee_id"]

    # ---------------------------------------------------------------- access

    def load_invite(self, token_hash: str) -> dict[str, Any] | None:
        return self._invites.get(token_hash)

    def save_invite(self, token_hash: str, invite: dict[str, Any]) -> None:
        self._invites.put(token_hash, invite)

    def use_invite(self, token_hash: str, used_at: str) -> bool:
        """Mark the invitation used if nobody has: True for the one redemption that did."""
        with self._invite_locks.hold(token_hash):  # two processes redeeming one token
            invite = self._invites.get(token_hash)
            if invite is None or invite.get("used_at") is not None:
                return False
            self._invites.put(token_hash, {**invite, "used_at": used_at})
            return True

    def invites(self) -> list[tuple[str, dict[str, Any]]]:
        """Every invitation that names its hash (those made before it did cannot be found by
        one: `data migrate` leaves them; they run out within POPBOT_INVITE_DAYS anyway)."""
        return [(str(doc["token_hash"]), doc) for doc in self._invites.values() if doc.get("token_hash")]

    def load_binding(self, key: str) -> dict[str, Any] | None:
        return self._bindings.get(key)

    def save_binding(self, key: str, binding: dict[str, Any]) -> None:
        self._bindings.put(key, binding)

    def delete_binding(self, key: str) -> bool:
        return self._bindings.delete(key)

    # ---------------------------------------------------------------- console accounts

    def load_account(self, email: str) -> dict[str, Any] | None:
        return self._accounts.get(email)

    def save_account(self, email: str, account: dict[str, Any]) -> None:
        self._accounts.put(email, account)

    def delete_account(self, email: str) -> bool:
        return self._accounts.delete(email)

    def accounts(self) -> list[dict[str, Any]]:
        return list(self._accounts.values())

    def load_session(self, key: str) -> dict[str, Any] | None:
        return self._sessions.get(key)

    def save_session(self, key: str, session: dict[str, Any]) -> None:
        self._sessions.put(key, {**session, "key": key})

    def delete_session(self, key: str) -> bool:
        return self._sessions.delete(key)

    def delete_sessions(self, email: str | None = None, before: float | None = None) -> int:
        gone = 0
        for doc in list(self._sessions.values()):
            if (email is None or doc.get("email") == email) and (
                before is None or float(doc.get("seen", 0)) < before
            ):
                gone += int(self._sessions.delete(str(doc["key"])))
        return gone

    # ---------------------------------------------------------------- roster

    def load_person(self, person_id: str) -> dict[str, Any] | None:
        return self._roster.load_person(person_id)

    def people(self) -> Iterator[dict[str, Any]]:
        return self._roster.people()

    def find_person(self, key: str) -> str | None:
        return self._roster.find_person(key)

    def save_roster(self, people: list[dict[str, Any]], pending: list[str] | None) -> None:
        self._roster.save(people, pending)

    def pending_plan(self) -> list[str] | None:
        return self._roster.pending_plan()

    # ---------------------------------------------------------------- progress (counts for HR)

    def mark_progress(self, person_id: str, conversation: str, stages: list[str]) -> None:
        self._progress.mark(person_id, conversation, stages)

    def progress_of(self, people: list[tuple[str, str]]) -> dict[str, set[str]]:
        return self._progress.of(people)

    def has_progress(self) -> bool:
        return self._progress.exists()

    def start_progress(self) -> None:
        self._progress.mark("", "", [])

    def forget_progress(self, person_id: str) -> None:
        self._progress.forget(person_id)

    # ---------------------------------------------------------------- console inbox

    def load_inbox(self, person_id: str) -> list[dict[str, Any]]:
        doc = self._inbox.get(person_id)
        return list(doc["items"]) if doc else []

    def save_inbox(self, person_id: str, items: list[dict[str, Any]]) -> None:
        self._inbox.put(person_id, {"items": items})

    def inbox_folder(self, person_id: str) -> Path:
        """The folder of the person's inbox files (the files store's own detail)."""
        return self._files.inbox_folder(person_id)

    def delete_inbox(self, person_id: str) -> bool:
        self._files.delete_inbox_folder(person_id)  # a link: unlinked
        return self._inbox.delete(person_id)

    def delete_inbox_items_about(self, person_id: str) -> int:
        """Messages about the person in *other* people's inboxes (a manager's copy of their
        draft, the alignment summary, the signed POP), with their files; a scan."""
        prefix = f"{person_id}|"  # outbox keys start with the person the entry is about
        gone = 0
        for path, doc in list(self._inbox.documents()):
            items = doc.get("items", [])
            keep = [i for i in items if not str(i.get("key", "")).startswith(prefix)]
            if len(keep) == len(items):
                continue
            # the inbox's document and its folder of files share their hashed name
            self._files.delete_files_in(
                path.with_suffix(""), attachment_names(i for i in items if i not in keep)
            )
            self._inbox.replace_at(path, {**doc, "items": keep})
            gone += len(items) - len(keep)
        return gone

    # ---------------------------------------------------------------- privacy

    def exports_folder(self, person_id: str) -> Path:
        """Where a person's export files are (named by hash, like every file here)."""
        return self._files.exports_folder(person_id)

    def delete_exports(self, person_id: str) -> bool:
        """The person's saved exports: the console's files, and those kept for a chat platform."""
        return self._drop_kept_exports(person_id, self._files.delete_exports(person_id))

    # An erasure in progress: a journal file per person, there from the first deletion to the
    # audit line, so a crash midway is finished at the next start (and said so).

    def _erasing(self) -> DocumentFiles:
        return DocumentFiles(self.root / "erasing", table="erasure", backups=False)

    def begin_erasure(self, person_id: str) -> None:
        self._erasing().put(person_id, {"person": person_id})

    def end_erasure(self, person_id: str) -> None:
        self._erasing().delete(person_id)

    def unfinished_erasures(self) -> list[str]:
        return [str(doc["person"]) for doc in self._erasing().values()]

    def delete_invites_of(self, person_id: str) -> int:
        """Every invitation token (hashed) made for the person."""
        gone = 0
        for path in list(self._invites.items_where("employee_id", person_id)):
            gone += int(remove_with_copies(path))
        return gone

    def sweep_leftovers(self) -> int:
        """Temporary files of writers killed mid-write (a copy of someone's answers): removed."""
        return sweep_leftovers(self.root)

    def audit_lines(self) -> list[str]:
        path = self.root / "audit.log"
        return path.read_text(encoding="utf-8").splitlines() if path.exists() else []

    def append_audit(self, line: str) -> None:
        """One line in data/audit.log, flushed to disk (never personal content; it does name
        who did what in the console, so the file is its owner's only, like every data file)."""
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / "audit.log"
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        os.fchmod(fd, 0o600)  # a log written by an older popbot (0644) is closed too
        with open(fd, "a", encoding="utf-8") as f:
            f.write(line.rstrip("\n") + "\n")
            f.flush()
            os.fsync(f.fileno())
