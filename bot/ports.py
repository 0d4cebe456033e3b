"""Every port the core needs from outside it, in one place: what storage must offer and what
a channel must do. `bot/` owns these protocols; `storage/` and `adapters/` implement them,
and the composition root (`bot/app/`) hands the implementations in.

Implementations must make every save durable before returning (the engine acknowledges an
answer only after it) and keep the cost of one load or save independent of how many
people are stored.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from bot.domain import EmployeeRecord
from bot.messages import Part


class Store(Protocol):
    """Where the records of the dialogs live: one per person and per sub-dialog (`bot.ids`)."""

    def load(self, employee_id: str) -> EmployeeRecord | None:
        """The employee's record, or None if there is none yet."""

    def save(self, record: EmployeeRecord) -> None:
        """Write the record durably: after return it survives a crash."""

    def delete(self, employee_id: str) -> bool:
        """Remove everything stored for the employee; True if there was something."""

    def employee_ids(self) -> Iterator[str]:
        """Every employee with a record."""

    def hold(self, employee_id: str, wait: bool = True) -> AbstractContextManager[bool]:
        """Exclusive use of one employee's record for a whole turn (load, apply, save) among
        every process and thread that shares this store. With `wait` it blocks until it has
        it (True); without, it yields False at once when another holder has it."""


class RosterStore(Protocol):
    """HR's roster as stored: people by id, found by an e-mail or chat key."""

    def load_person(self, person_id: str) -> dict[str, Any] | None:
        """One person's roster entry as stored, or None."""

    def people(self) -> Iterator[dict[str, Any]]:
        """Every roster entry, active or not."""

    def find_person(self, key: str) -> str | None:
        """The id of the active person an "email:…" or "<platform>:<handle>" key names."""

    def save_roster(self, people: list[dict[str, Any]], pending: list[str] | None) -> None:
        """The whole roster in one durable, atomic write, with whose schedule must still
        follow it (None once everyone is planned)."""

    def pending_plan(self) -> list[str] | None:
        """Whom a roster import still has to plan (it was cut off), or None."""


class ProgressStore(Protocol):
    """How far each person is in a round (invited, started, finished, delivered, agreed) —
    for HR's summary, which must not read every record to count."""

    def mark_progress(self, person_id: str, conversation: str, stages: list[str]) -> None:
        """Note that the person reached these stages in this round (idempotent)."""

    def progress_of(self, people: list[tuple[str, str]]) -> dict[str, set[str]]:
        """(person, conversation) → the stages reached in it; read at once for everyone."""

    def has_progress(self) -> bool:
        """Whether a progress log was started (else HR's counts read the records once)."""

    def start_progress(self) -> None:
        """There is a progress log from now on (empty if nobody has reached anything)."""

    def forget_progress(self, person_id: str) -> None:
        """The person's stages, gone (their erasure)."""


class AccessStore(Protocol):
    """Who is who on the chat platforms: invitations and the bindings they make."""

    def load_invite(self, token_hash: str) -> dict[str, Any] | None:
        """An invitation by the hash of its token, or None."""

    def save_invite(self, token_hash: str, invite: dict[str, Any]) -> None:
        """Keep an invitation (only the hash of its token is the key)."""

    def use_invite(self, token_hash: str, used_at: str) -> bool:
        """Mark an unused invitation used, as one step among every process: of two
        redemptions at once exactly one gets True."""

    def load_binding(self, key: str) -> dict[str, Any] | None:
        """A binding by its key (`<platform>:<handle>` or `<platform>@employee:<id>`), or None."""

    def save_binding(self, key: str, binding: dict[str, Any]) -> None:
        """Keep a binding under its key."""

    def delete_binding(self, key: str) -> bool:
        """Remove a binding; True if there was one."""


class PersonalStore(Store, ProgressStore, Protocol):
    """Everything held about a person, for export and erasure (the AVG rights)."""

    def load_person(self, person_id: str) -> dict[str, Any] | None:
        """The person's roster entry (an export shows it), or None."""

    def load_inbox(self, person_id: str) -> list[dict[str, Any]]:
        """The person's console-inbox items, oldest first."""

    def delete_inbox(self, person_id: str) -> bool:
        """The person's inbox and its files, gone; True if there was one."""

    def delete_invites_of(self, person_id: str) -> int:
        """Every invitation for the person, gone; how many."""

    def delete_exports(self, person_id: str) -> bool:
        """The person's saved exports, gone; True if there were any."""

    def delete_inbox_items_about(self, person_id: str) -> int:
        """Items in other people's inboxes about this person (a manager's copy of their
        draft), gone; how many."""

    def begin_erasure(self, person_id: str) -> None:
        """Journal an erasure before its first deletion, so a cut-off one is finished later."""

    def end_erasure(self, person_id: str) -> None:
        """The erasure's journal entry, gone: it is complete."""

    def unfinished_erasures(self) -> list[str]:
        """Whose erasure a crash cut off (to be finished now)."""

    def append_audit(self, line: str) -> None:
        """One line in the audit log (never content: who, pseudonymised, and what)."""

    def sweep_leftovers(self) -> int:
        """Temporary files a killed writer left (a copy of someone's answers), gone; how many."""

    def drop_backup(self, employee_id: str) -> None:
        """The kept previous version of a record, gone (an erasure takes every copy)."""


class OutboxRecords(Protocol):
    """The schedule's entries as erasure and retention see them."""

    def person_entries(self, person_id: str) -> list[dict[str, Any]]:
        """Every scheduled message for the person, any status."""

    def forget_person(self, person_id: str) -> int:
        """Every scheduled message for the person and their due-index lines, gone; how many."""

    def purge_closed(self, before: datetime) -> int:
        """Closed entries older than `before`, gone (retention); how many."""

    def drop_composed(self) -> int:
        """Drafts composed ahead of their send, gone (they may hold anyone's answers)."""


class InboxStore(Protocol):
    """The messages and files kept for a person: the console inbox, and a platform's own (`save_file`)."""

    def load_inbox(self, person_id: str) -> list[dict[str, Any]]:
        """The person's inbox items, oldest first."""

    def save_inbox(self, person_id: str, items: list[dict[str, Any]]) -> None:
        """The person's inbox as a whole, written durably."""

    def save_file(self, person_id: str, name: str, content: bytes, *, export: bool = False) -> None:
        """A file kept for the person — in their inbox, or with their saved exports — written
        whole (erasing the person removes it). `name` is one file name, no folder."""

    def read_file(self, person_id: str, name: str, *, export: bool = False) -> bytes | None:
        """A kept file's content, or None if there is none by that name."""

    def file_names(self, person_id: str, *, export: bool = False) -> list[str]:
        """The names of the person's kept files (their inbox's, or their exports')."""

    def local_path(self, person_id: str, name: str, *, export: bool = False) -> Path | None:
        """Where a kept file is on this machine's disk, if the store keeps it there (the
        files store); None when it is in the database, or there is none."""


class ScriptEdits(Protocol):
    """HR's edited dialog scripts (the console's script pages): every saved version, the newest
    of each live. A folder on one machine; the database every replica reads on PostgreSQL."""

    def edited_script(self, name: str, language: str) -> str | None:
        """The live edit's text of `name.language`, or None (the bundled script is live)."""

    def save_script_edit(self, name: str, language: str, text: str) -> str:
        """A new version, live from now on; its stamp (when it was saved)."""

    def script_edit_history(self, name: str, language: str) -> list[str]:
        """The stamps of every saved version, newest first."""

    def script_edit_text(self, name: str, language: str, stamp: str) -> str | None:
        """One saved version's text, or None."""

    def script_edits_marker(self) -> str:
        """A value that changes whenever an edit is saved (replicas poll it to reload)."""

    def script_edit_names(self) -> list[tuple[str, str]]:
        """(name, language) of every script that has saved versions."""

    def keep_script_edit(self, name: str, language: str, stamp: str, text: str) -> None:
        """A version saved elsewhere, with its stamp (`data migrate`); live if it is the newest."""


class OutboxStore(Protocol):
    """The outbox's entries (dicts of `bot.schedule.outbox.Entry`) and its due-time index.

    The rule an implementation keeps: an entry that is open is never without its index line
    (the line is written first; a line without its entry is skipped by the reader)."""

    def load_entry(self, key: str) -> dict[str, Any] | None:
        """One entry by its key, or None."""

    def save_entry(self, entry: dict[str, Any]) -> None:
        """Write one entry durably."""

    def add_entries(self, entries: list[dict[str, Any]]) -> None:
        """New entries, indexed first; one whose key is already stored is kept as it is."""

    def person_entries(self, person_id: str) -> list[dict[str, Any]]:
        """Every entry of one person."""

    def index_due(self, key: str, kind: str, due: datetime) -> None:
        """Put the entry in the due-time index (the hour it is due)."""

    def unindex_due(self, key: str, kind: str, due: datetime) -> None:
        """Take the entry out of the due-time index."""

    def index_failed(self, key: str, kind: str) -> None:
        """Note the entry among those that failed (the console lists them first)."""

    def due_entries(self, until: datetime) -> Iterator[dict[str, Any]]:
        """What the index has due up to `until` (by hour: an entry later in that hour too)."""

    def failed_entries(self, damaged: list[str] | None = None) -> list[dict[str, Any]]:
        """The failed entries; with `damaged`, a plan that cannot be read is named there and
        passed over instead of raising (so does `all_entries`)."""
        ...

    def due_counts(self, first: datetime, last: datetime) -> dict[tuple[str, str], int]:
        """(hour "YYYY-MM-DDTHH" UTC, kind) → how many are due, read from the index alone."""

    def all_entries(self, damaged: list[str] | None = None) -> Iterator[dict[str, Any]]:
        """Every entry (a view, a migration); what does not read is named in `damaged`."""

    def claim(self, key: str) -> dict[str, Any] | None:
        """The entry as stored now, this process's to send until `release` — or None while
        another process (a replica) has claimed it. A claim of a process that died runs out."""

    def release(self, key: str) -> None:
        """Give up this process's claim on an entry (another may send it)."""

    def pass_lock(self, wait: bool = False, shared: bool = False) -> AbstractContextManager[bool]:
        """Planning holds it alone; passes, which claim each entry they send, may share it
        (a store whose claims do not exclude other processes keeps it exclusive)."""

    def job_lock(self, name: str) -> AbstractContextManager[bool]:
        """A daily job (retention) in one process at a time: False while another runs it."""


class AccountStore(Protocol):
    """The browser console's local accounts, by lower-case e-mail address (a role and an
    argon2 hash; never a password)."""

    def load_account(self, email: str) -> dict[str, Any] | None:
        """A console account by its e-mail address, or None."""

    def save_account(self, email: str, account: dict[str, Any]) -> None:
        """Keep a console account (its password only as an argon2 hash)."""

    def delete_account(self, email: str) -> bool:
        """Remove a console account; True if there was one."""

    # the console's sessions, kept where every replica sees them (keyed by a hash of the cookie)
    def load_session(self, key: str) -> dict[str, Any] | None:
        """A console session by its key, or None."""

    def save_session(self, key: str, session: dict[str, Any]) -> None:
        """Keep a console session (when it was last used, and whose)."""

    def delete_session(self, key: str) -> bool:
        """End one console session; True if it was there."""

    def delete_sessions(self, email: str | None = None, before: float | None = None) -> int:
        """Every session of `email` (all, if None) or those last seen before `before`."""
        ...


class ScriptArchive(Protocol):
    """Every version of a dialog script a record was started on — shared by every process,
    so a replica that has not loaded a version yet still serves someone midway through it."""

    def archive_script(self, version: str, text: str) -> None:
        """Keep a script version's text by its version (records started on it read it back)."""

    def script_text(self, version: str) -> str | None:
        """An archived script version's text, or None."""


class Channel(Protocol):
    """A way to reach people: a chat platform, e-mail, the console inbox."""

    name: str
    whole: bool  # True: all parts go as one message (e-mail); False: part by part

    async def send(self, address: str, parts: list[Part], key: str, subject: str) -> None:
        """Deliver; raise on failure. `key` is the idempotency key of what is sent."""

    async def was_sent(self, address: str, key: str) -> bool | None:
        """Did a message with this key arrive? None when the channel cannot tell."""
