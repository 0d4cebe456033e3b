"""The outbox in PostgreSQL, shared by every replica's scheduler.

Entries are rows (their document in `data`), the due-time index a table beside them, written
as the files' index is (a row before its entry; a row without its entry is skipped).

What several replicas add: passes run at once (each takes the pass lock *shared*; planning
takes it alone), and an entry is sent by the replica that *claimed* it — a conditional update
that sets a lease. The lease ends when the claimer is done with the entry, or runs out: a
replica killed while it held a claim leaves it to the others once `lease` seconds have
passed, and the entry's own state (`sending`, asked of the platform) says what happened.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from typing import Any

from psycopg.types.json import Jsonb

from storage.outbox_files import FAILED, OPEN, person_of
from storage.postgres.database import Database, lock_id

DEFAULT_LEASE = 300.0  # seconds a claim lasts: longer than any one send with its retries


def _hour(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H")


class PostgresOutbox:
    """Implements `bot.ports.OutboxStore` and `bot.ports.OutboxRecords`."""

    def __init__(self, db: Database, lease: float = DEFAULT_LEASE) -> None:
        self.db = db
        self.lease = timedelta(seconds=lease)
        # who holds a claim, for the log and the tests: host, process, and this object
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    # ------------------------------------------------------------ entries

    def load_entry(self, key: str) -> dict[str, Any] | None:
        with self.db.connection() as conn:
            row = conn.execute("SELECT data FROM outbox WHERE key = %s", (key,)).fetchone()
        return dict(row[0]) if row else None

    def save_entry(self, entry: dict[str, Any]) -> None:
        with self.db.connection() as conn:
            conn.execute(
                "INSERT INTO outbox (key, person, data) VALUES (%s, %s, %s) "
                "ON CONFLICT (key) DO UPDATE SET data = excluded.data",
                (entry["key"], person_of(entry["key"]), Jsonb(entry)),
            )

    def add_entries(self, entries: list[dict[str, Any]]) -> None:
        """New entries in one transaction (index rows with them); one already there is kept."""
        if not entries:
            return
        with self.db.transaction() as conn:
            cur = conn.cursor()
            cur.execute("CREATE TEMP TABLE new_entries (key text, person text, data jsonb) ON COMMIT DROP")
            with cur.copy("COPY new_entries (key, person, data) FROM STDIN") as copy:
                for e in entries:
                    copy.write_row((e["key"], person_of(e["key"]), Jsonb(e)))
            cur.execute(
                "INSERT INTO outbox_due (key, due, kind) "
                "SELECT n.key, (n.data->>'due')::timestamptz, n.data->>'kind' FROM new_entries n "
                "WHERE coalesce(n.data->>'status', 'planned') = ANY(%s) "
                "AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.key = n.key) ON CONFLICT DO NOTHING",
                (list(OPEN),),
            )
            cur.execute(
                "INSERT INTO outbox_failed (key, kind) SELECT n.key, n.data->>'kind' FROM new_entries n "
                "WHERE n.data->>'status' = %s AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.key = n.key) "
                "ON CONFLICT DO NOTHING",
                (FAILED,),
            )
            cur.execute(
                "INSERT INTO outbox (key, person, data) SELECT DISTINCT ON (key) key, person, data "
                "FROM new_entries ON CONFLICT (key) DO NOTHING"
            )

    def person_entries(self, person_id: str) -> list[dict[str, Any]]:
        with self.db.connection() as conn:
            return [
                dict(r[0]) for r in conn.execute("SELECT data FROM outbox WHERE person = %s", (person_id,))
            ]

    def forget_person(self, person_id: str) -> int:
        with self.db.transaction() as conn:
            keys = [
                r[0] for r in conn.execute("DELETE FROM outbox WHERE person = %s RETURNING key", (person_id,))
            ]
            conn.execute("DELETE FROM outbox_due WHERE key = ANY(%s)", (keys,))
            conn.execute("DELETE FROM outbox_failed WHERE key = ANY(%s)", (keys,))
        return len(keys)

    # ------------------------------------------------------------ the due-time index

    def index_due(self, key: str, kind: str, due: datetime) -> None:
        with self.db.connection() as conn:
            conn.execute(
                "INSERT INTO outbox_due VALUES (%s, %s, %s) ON CONFLICT DO NOTHING", (key, due, kind)
            )

    def unindex_due(self, key: str, kind: str, due: datetime) -> None:
        with self.db.connection() as conn:
            conn.execute("DELETE FROM outbox_due WHERE key = %s AND due = %s", (key, due))

    def index_failed(self, key: str, kind: str) -> None:
        with self.db.connection() as conn:
            conn.execute("INSERT INTO outbox_failed VALUES (%s, %s) ON CONFLICT DO NOTHING", (key, kind))

    def due_entries(self, until: datetime) -> Iterator[dict[str, Any]]:
        """The entries whose index rows are due by the end of `until`'s hour (as the files'
        index reads by the hour), each once, in due order."""
        end = until.astimezone(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        with self.db.connection() as conn:
            rows = conn.execute(
                "SELECT o.data FROM outbox o JOIN (SELECT key, min(due) AS due FROM outbox_due "
                "WHERE due < %s GROUP BY key) d ON d.key = o.key ORDER BY d.due, o.key",
                (end,),
            ).fetchall()
        for (data,) in rows:
            yield dict(data)

    def failed_entries(self, damaged: list[str] | None = None) -> list[dict[str, Any]]:
        with self.db.connection() as conn:
            rows = conn.execute(
                "SELECT o.data FROM outbox o JOIN outbox_failed f ON f.key = o.key "
                "WHERE o.data->>'status' = %s",
                (FAILED,),
            ).fetchall()
        return [dict(r[0]) for r in rows]

    def due_counts(self, first: datetime, last: datetime) -> dict[tuple[str, str], int]:
        start = first.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        end = last.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        end = end + timedelta(hours=1) if end.year < 9999 else end  # "everything" asks up to the max
        with self.db.connection() as conn:
            rows = conn.execute(
                "SELECT date_trunc('hour', due AT TIME ZONE 'UTC'), kind, count(*) FROM outbox_due "
                "WHERE due >= %s AND due < %s GROUP BY 1, 2",
                (start, end),
            ).fetchall()
        return {(hour.strftime("%Y-%m-%dT%H"), kind): int(n) for hour, kind, n in rows}

    # ------------------------------------------------------------ claims (several replicas)

    def claim(self, key: str) -> dict[str, Any] | None:
        """The entry, now this replica's to send until it is released or the lease runs out;
        None while another replica holds it."""
        with self.db.connection() as conn:
            row = conn.execute(
                "UPDATE outbox SET lease_owner = %s, lease_until = now() + %s "
                "WHERE key = %s AND (lease_until IS NULL OR lease_until < now() OR lease_owner = %s) "
                "RETURNING data",
                (self.owner, self.lease, key, self.owner),
            ).fetchone()
        return dict(row[0]) if row else None

    def release(self, key: str) -> None:
        with self.db.connection() as conn:
            conn.execute(
                "UPDATE outbox SET lease_owner = NULL, lease_until = NULL "
                "WHERE key = %s AND lease_owner = %s",
                (key, self.owner),
            )

    def pass_lock(self, wait: bool = False, shared: bool = False) -> AbstractContextManager[bool]:
        """Passes share it (each entry is claimed); planning takes it alone."""
        return self.db.advisory(lock_id("popbot", "pass"), wait=wait, shared=shared)

    def job_lock(self, name: str) -> AbstractContextManager[bool]:
        """A daily job (retention) on one replica at a time: False while another runs it."""
        return self.db.advisory(lock_id("popbot", "job", name), wait=False)

    # ------------------------------------------------------------ scans

    def all_entries(self, damaged: list[str] | None = None) -> Iterator[dict[str, Any]]:
        with self.db.connection() as conn:
            rows = conn.execute("SELECT data FROM outbox ORDER BY key").fetchall()
        for (data,) in rows:
            yield dict(data)

    def purge_closed(self, before: datetime) -> int:
        """Entries closed before `before` gone (retention)."""
        with self.db.transaction() as conn:
            keys = [
                r[0]
                for r in conn.execute(
                    "DELETE FROM outbox WHERE NOT (data->>'status' = ANY(%s)) "
                    "AND data->>'closed_at' IS NOT NULL "
                    "AND (data->>'closed_at')::timestamptz < %s RETURNING key",
                    (list(OPEN), before),
                )
            ]
            conn.execute("DELETE FROM outbox_failed WHERE key = ANY(%s)", (keys,))
        return len(keys)

    def drop_composed(self) -> int:
        with self.db.connection() as conn:
            return conn.execute(
                "UPDATE outbox SET data = data || jsonb_build_object('ahead', '[]'::jsonb, "
                "'ahead_subject', '', 'ahead_for', '') "
                "WHERE jsonb_array_length(coalesce(data->'ahead', '[]')) > 0"
            ).rowcount
