"""Employee records, the roster, HR's progress counts, invitations and chat bindings, the
console inbox with its files and the erasure journal, in PostgreSQL: the same ports `storage.TinyDBStore`
implements, for several replicas on one database.

Each save is one statement (or one transaction) in autocommit: when it returns, it has
committed, so the engine's "acknowledged after the durable save" holds across replicas.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Any

from psycopg.types.json import Jsonb
from pydantic import ValidationError

from bot.domain import EmployeeRecord
from bot.errors import StorageError
from bot.people.roster import normal_doc
from storage.person_files import KeepsFiles, attachment_names
from storage.postgres.database import Database, lock_id
from storage.postgres.files import DatabaseFiles
from storage.script_edits import stamp_now


class PostgresStore(KeepsFiles):
    """Implements `bot.ports.Store`, `RosterStore`, `ProgressStore`, `AccessStore`,
    `PersonalStore` and `InboxStore`. The files a person has beside their data (the console
    inbox's PDFs, exports) are rows too: no replica keeps anything on its own disk."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._files = DatabaseFiles(db)
        self._roster: tuple[int, dict[str, dict[str, Any]]] | None = None  # (version, people)

    # ---------------------------------------------------------------- employees

    def load(self, employee_id: str) -> EmployeeRecord | None:
        with self.db.connection() as conn:
            row = conn.execute("SELECT data FROM records WHERE employee_id = %s", (employee_id,)).fetchone()
        if row is None:
            return None
        try:
            return EmployeeRecord.model_validate(row[0])
        except ValidationError as exc:
            # where, not what: the values in pydantic's message may be someone's answers
            at = ", ".join(".".join(str(p) for p in e["loc"]) for e in exc.errors()[:3])
            raise StorageError(f"a record in the database is not valid at {at}") from None

    def save(self, record: EmployeeRecord) -> None:
        with self.db.connection() as conn:
            conn.execute(
                "INSERT INTO records (employee_id, data) VALUES (%s, %s) "
                "ON CONFLICT (employee_id) DO UPDATE SET data = excluded.data",
                (record.employee_id, Jsonb(record.model_dump(mode="json"))),
            )

    def delete(self, employee_id: str) -> bool:
        with self.db.connection() as conn:
            return conn.execute("DELETE FROM records WHERE employee_id = %s", (employee_id,)).rowcount > 0

    def employee_ids(self) -> Iterator[str]:
        with self.db.connection() as conn:
            ids = [r[0] for r in conn.execute("SELECT employee_id FROM records ORDER BY employee_id")]
        yield from ids

    def hold(self, employee_id: str, wait: bool = True) -> AbstractContextManager[bool]:
        """The person's advisory lock: one turn at a time across every replica."""
        return self.db.people.hold(lock_id("person", employee_id), wait=wait)

    def drop_backup(self, employee_id: str) -> None:
        """No previous version is kept beside a row (the database's own backups are IT's)."""

    # ---------------------------------------------------------------- console accounts

    def load_account(self, email: str) -> dict[str, Any] | None:
        with self.db.connection() as conn:
            row = conn.execute("SELECT data FROM accounts WHERE email = %s", (email,)).fetchone()
        return dict(row[0]) if row else None

    def save_account(self, email: str, account: dict[str, Any]) -> None:
        with self.db.connection() as conn:
            conn.execute(
                "INSERT INTO accounts (email, data) VALUES (%s, %s) "
                "ON CONFLICT (email) DO UPDATE SET data = excluded.data",
                (email, Jsonb(account)),
            )

    def delete_account(self, email: str) -> bool:
        with self.db.connection() as conn:
            return conn.execute("DELETE FROM accounts WHERE email = %s", (email,)).rowcount > 0

    def load_session(self, key: str) -> dict[str, Any] | None:
        with self.db.connection() as conn:
            row = conn.execute("SELECT data FROM console_sessions WHERE key = %s", (key,)).fetchone()
            return dict(row[0]) if row else None

    def save_session(self, key: str, session: dict[str, Any]) -> None:
        with self.db.connection() as conn:
            conn.execute(
                "INSERT INTO console_sessions (key, email, seen, data) VALUES (%s, %s, %s, %s) "
                "ON CONFLICT (key) DO UPDATE SET seen = EXCLUDED.seen, data = EXCLUDED.data",
                (key, session["email"], float(session["seen"]), Jsonb(session)),
            )

    def delete_session(self, key: str) -> bool:
        with self.db.connection() as conn:
            return conn.execute("DELETE FROM console_sessions WHERE key = %s", (key,)).rowcount > 0

    def delete_sessions(self, email: str | None = None, before: float | None = None) -> int:
        with self.db.connection() as conn:
            return conn.execute(
                "DELETE FROM console_sessions WHERE (%s::text IS NULL OR email = %s) "
                "AND (%s::float8 IS NULL OR seen < %s)",
                (email, email, before, before),
            ).rowcount

    def accounts(self) -> list[dict[str, Any]]:
        with self.db.connection() as conn:
            return [dict(r[0]) for r in conn.execute("SELECT data FROM accounts ORDER BY email")]

    # ---------------------------------------------------------------- roster

    def _people(self) -> dict[str, dict[str, Any]]:
        """The roster, read once per import: every later read costs one small query."""
        with self.db.connection() as conn:
            row = conn.execute("SELECT value FROM meta WHERE name = 'roster_version'").fetchone()
            version = int(row[0]) if row else 0
            if self._roster is None or self._roster[0] != version:
                people = {r[0]: normal_doc(r[1]) for r in conn.execute("SELECT id, data FROM people")}
                self._roster = (version, people)
        return self._roster[1]

    def load_person(self, person_id: str) -> dict[str, Any] | None:
        found = self._people().get(person_id)
        return dict(found) if found else None

    def people(self) -> Iterator[dict[str, Any]]:
        for p in list(self._people().values()):
            yield dict(p)

    def find_person(self, key: str) -> str | None:
        kind, _, value = key.partition(":")
        with self.db.connection() as conn:
            if kind == "email":
                row = conn.execute("SELECT id FROM people WHERE email = %s LIMIT 1", (value,)).fetchone()
            else:  # a platform's account
                row = conn.execute(
                    "SELECT person FROM person_accounts WHERE platform = %s AND handle = %s LIMIT 1",
                    (kind, value),
                ).fetchone()
        return str(row[0]) if row else None

    def save_roster(self, people: list[dict[str, Any]], pending: list[str] | None) -> None:
        people = [normal_doc(p) for p in people]  # accounts in one shape, whoever wrote the docs
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM person_accounts")
            conn.execute("DELETE FROM people")
            with conn.cursor().copy("COPY people (id, data, email) FROM STDIN") as copy:
                for p in people:
                    active = p.get("active", True)  # someone who left is found by id only
                    email = str(p.get("email") or "").lower() if active else ""
                    copy.write_row((str(p["id"]), Jsonb(p), email or None))
            with conn.cursor().copy("COPY person_accounts (person, platform, handle) FROM STDIN") as copy:
                for p in people:
                    if p.get("active", True):
                        for platform, handle in (p.get("accounts") or {}).items():
                            copy.write_row((str(p["id"]), str(platform), str(handle)))
            conn.execute(
                "INSERT INTO meta (name, value) VALUES ('roster_pending', %s), ('roster_version', '1') "
                "ON CONFLICT (name) DO UPDATE SET value = CASE WHEN meta.name = 'roster_version' "
                "THEN to_jsonb(meta.value::text::bigint + 1) ELSE excluded.value END",
                (Jsonb(pending),),
            )

    def pending_plan(self) -> list[str] | None:
        with self.db.connection() as conn:
            row = conn.execute("SELECT value FROM meta WHERE name = 'roster_pending'").fetchone()
        return list(row[0]) if row and row[0] is not None else None

    # ---------------------------------------------------------------- progress (counts for HR)

    def mark_progress(self, person_id: str, conversation: str, stages: list[str]) -> None:
        with self.db.connection() as conn:
            conn.cursor().executemany(
                "INSERT INTO progress VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
                [(person_id, conversation, s) for s in stages],
            )

    def progress_of(self, people: list[tuple[str, str]]) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {p: set() for p, _c in people}
        wanted = set(people)
        with self.db.connection() as conn:
            rows = conn.execute(
                "SELECT person, conversation, stage FROM progress WHERE person = ANY(%s)",
                ([p for p, _ in people],),
            ).fetchall()
        for person, conversation, stage in rows:
            if (person, conversation) in wanted:
                found[person].add(stage)
        return found

    def has_progress(self) -> bool:
        with self.db.connection() as conn:
            return conn.execute("SELECT 1 FROM meta WHERE name = 'progress'").fetchone() is not None

    def start_progress(self) -> None:
        with self.db.connection() as conn:
            conn.execute("INSERT INTO meta (name, value) VALUES ('progress', 'true') ON CONFLICT DO NOTHING")

    def forget_progress(self, person_id: str) -> None:
        with self.db.connection() as conn:
            conn.execute("DELETE FROM progress WHERE person = %s", (person_id,))

    # ---------------------------------------------------------------- access

    def load_invite(self, token_hash: str) -> dict[str, Any] | None:
        with self.db.connection() as conn:
            row = conn.execute("SELECT data FROM invites WHERE token_hash = %s", (token_hash,)).fetchone()
        return dict(row[0]) if row else None

    def save_invite(self, token_hash: str, invite: dict[str, Any]) -> None:
        with self.db.connection() as conn:
            conn.execute(
                "INSERT INTO invites (token_hash, employee_id, data) VALUES (%s, %s, %s) "
                "ON CONFLICT (token_hash) DO UPDATE SET data = excluded.data",
                (token_hash, str(invite["employee_id"]), Jsonb(invite)),
            )

    def use_invite(self, token_hash: str, used_at: str) -> bool:
        """One conditional update: of two replicas redeeming one token, one gets True."""
        with self.db.connection() as conn:
            return (
                conn.execute(
                    "UPDATE invites SET data = jsonb_set(data, '{used_at}', to_jsonb(%s::text)) "
                    "WHERE token_hash = %s AND data->'used_at' = 'null'::jsonb",
                    (used_at, token_hash),
                ).rowcount
                == 1
            )

    def invites(self) -> list[tuple[str, dict[str, Any]]]:
        with self.db.connection() as conn:
            return [(str(r[0]), dict(r[1])) for r in conn.execute("SELECT token_hash, data FROM invites")]

    def load_binding(self, key: str) -> dict[str, Any] | None:
        with self.db.connection() as conn:
            row = conn.execute("SELECT data FROM bindings WHERE key = %s", (key,)).fetchone()
        return dict(row[0]) if row else None

    def save_binding(self, key: str, binding: dict[str, Any]) -> None:
        with self.db.connection() as conn:
            conn.execute(
                "INSERT INTO bindings (key, data) VALUES (%s, %s) "
                "ON CONFLICT (key) DO UPDATE SET data = excluded.data",
                (key, Jsonb(binding)),
            )

    def delete_binding(self, key: str) -> bool:
        with self.db.connection() as conn:
            return conn.execute("DELETE FROM bindings WHERE key = %s", (key,)).rowcount > 0

    def delete_invites_of(self, person_id: str) -> int:
        with self.db.connection() as conn:
            return conn.execute("DELETE FROM invites WHERE employee_id = %s", (person_id,)).rowcount

    # ---------------------------------------------------------------- console inbox

    def load_inbox(self, person_id: str) -> list[dict[str, Any]]:
        with self.db.connection() as conn:
            row = conn.execute("SELECT items FROM inbox WHERE person = %s", (person_id,)).fetchone()
        return list(row[0]) if row else []

    def save_inbox(self, person_id: str, items: list[dict[str, Any]]) -> None:
        with self.db.connection() as conn:
            conn.execute(
                "INSERT INTO inbox (person, items) VALUES (%s, %s) "
                "ON CONFLICT (person) DO UPDATE SET items = excluded.items",
                (person_id, Jsonb(items)),
            )

    def delete_inbox(self, person_id: str) -> bool:
        self._files.delete_area(person_id, export=False)
        with self.db.connection() as conn:
            return conn.execute("DELETE FROM inbox WHERE person = %s", (person_id,)).rowcount > 0

    def delete_inbox_items_about(self, person_id: str) -> int:
        """Messages about the person in other people's inboxes (outbox keys start with the
        person an entry is about), with their files."""
        prefix = f"{person_id}|"
        gone = 0
        with self.db.transaction() as conn:
            rows = conn.execute(
                "SELECT person, items FROM inbox WHERE EXISTS (SELECT 1 FROM jsonb_array_elements(items) i "
                "WHERE starts_with(i->>'key', %s)) FOR UPDATE",
                (prefix,),
            ).fetchall()
            for owner, items in rows:
                keep = [i for i in items if not str(i.get("key", "")).startswith(prefix)]
                self._files.delete_files(owner, attachment_names(i for i in items if i not in keep))
                conn.execute("UPDATE inbox SET items = %s WHERE person = %s", (Jsonb(keep), owner))
                gone += len(items) - len(keep)
        return gone

    # ---------------------------------------------------------------- privacy

    def delete_exports(self, person_id: str) -> bool:
        """The person's saved exports: the console's files, and those kept for a chat platform."""
        return self._drop_kept_exports(person_id, self._files.delete_area(person_id, export=True))

    def begin_erasure(self, person_id: str) -> None:
        with self.db.connection() as conn:
            conn.execute("INSERT INTO erasures VALUES (%s) ON CONFLICT DO NOTHING", (person_id,))

    def end_erasure(self, person_id: str) -> None:
        with self.db.connection() as conn:
            conn.execute("DELETE FROM erasures WHERE person = %s", (person_id,))

    def unfinished_erasures(self) -> list[str]:
        with self.db.connection() as conn:
            return [str(r[0]) for r in conn.execute("SELECT person FROM erasures ORDER BY person")]

    def sweep_leftovers(self) -> int:
        """Nothing to sweep: a file is one statement, committed whole or not at all."""
        return 0

    def append_audit(self, line: str) -> None:
        """One line in the audit table (never personal content), committed before return."""
        with self.db.connection() as conn:
            conn.execute("INSERT INTO audit (line) VALUES (%s)", (line.rstrip("\n"),))

    def audit_lines(self) -> list[str]:
        with self.db.connection() as conn:
            return [str(r[0]) for r in conn.execute("SELECT line FROM audit ORDER BY id")]

    # ---------------------------------------------------------------- HR's edited scripts
    # (`bot.ports.ScriptEdits`): every saved version a row, the newest live on every replica

    def edited_script(self, name: str, language: str) -> str | None:
        with self.db.connection() as conn:
            row = conn.execute(
                "SELECT text FROM script_edits WHERE name = %s AND language = %s ORDER BY stamp DESC LIMIT 1",
                (name, language),
            ).fetchone()
        return str(row[0]) if row else None

    def save_script_edit(self, name: str, language: str, text: str) -> str:
        stamp = stamp_now()
        with self.db.connection() as conn:
            conn.execute("INSERT INTO script_edits VALUES (%s, %s, %s, %s)", (name, language, stamp, text))
        return stamp

    def script_edit_history(self, name: str, language: str) -> list[str]:
        with self.db.connection() as conn:
            rows = conn.execute(
                "SELECT stamp FROM script_edits WHERE name = %s AND language = %s ORDER BY stamp DESC",
                (name, language),
            ).fetchall()
        return [str(r[0]) for r in rows]

    def script_edit_text(self, name: str, language: str, stamp: str) -> str | None:
        with self.db.connection() as conn:
            row = conn.execute(
                "SELECT text FROM script_edits WHERE name = %s AND language = %s AND stamp = %s",
                (name, language, stamp),
            ).fetchone()
        return str(row[0]) if row else None

    def script_edit_names(self) -> list[tuple[str, str]]:
        with self.db.connection() as conn:
            rows = conn.execute("SELECT DISTINCT name, language FROM script_edits ORDER BY 1, 2").fetchall()
        return [(str(r[0]), str(r[1])) for r in rows]

    def keep_script_edit(self, name: str, language: str, stamp: str, text: str) -> None:
        with self.db.connection() as conn:
            conn.execute(
                "INSERT INTO script_edits VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
                (name, language, stamp, text),
            )

    def script_edits_marker(self) -> str:
        """Changes when any edit is saved: what a replica polls to reload."""
        with self.db.connection() as conn:
            row = conn.execute("SELECT max(stamp) FROM script_edits").fetchone()
        return str(row[0] or "") if row else ""

    # ---------------------------------------------------------------- dialog script versions

    def archive_script(self, version: str, text: str) -> None:
        with self.db.connection() as conn:
            conn.execute("INSERT INTO scripts VALUES (%s, %s) ON CONFLICT DO NOTHING", (version, text))

    def script_versions(self) -> list[str]:
        with self.db.connection() as conn:
            return [str(r[0]) for r in conn.execute("SELECT version FROM scripts ORDER BY version")]

    def script_text(self, version: str) -> str | None:
        with self.db.connection() as conn:
            row = conn.execute("SELECT text FROM scripts WHERE version = %s", (version,)).fetchone()
        return str(row[0]) if row else None
