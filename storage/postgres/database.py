"""One PostgreSQL database shared by every replica: its connection pools, the schema's version,
advisory locks, and one rule for errors — whatever the driver raises becomes a `StorageError`
that names no password, so a turn is refused with "not saved, try again" and nothing is
acknowledged (the engine's answer to any storage failure)."""

from __future__ import annotations

import contextlib
import hashlib
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from bot.errors import StorageError

_PASSWORD_IN_URL = re.compile(r"(://[^:/@\s]*:)[^@\s]*@")
_PASSWORD_OPTION = re.compile(r"(password\s*=\s*)\S+", re.IGNORECASE)
CONNECT_TIMEOUT = 5  # seconds: a database that does not answer is said so, not waited for
PROBE_TIMEOUT = 2  # seconds (libpq's smallest connect timeout): a probe answers within it


def redact(text: str, url: str = "") -> str:
    """`text` with any password in it (of a URL or a `password=` option) replaced by ***."""
    text = _PASSWORD_OPTION.sub(r"\1***", _PASSWORD_IN_URL.sub(r"\1***@", text))
    try:
        password = psycopg.conninfo.conninfo_to_dict(url).get("password") if url else None
    except psycopg.Error:
        password = None
    return text.replace(str(password), "***") if password else text


def where(url: str) -> str:
    """The database a URL names, for a message: host, port and name, never the password."""
    try:
        info = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.Error:
        return "(an unreadable POPBOT_DATABASE_URL)"
    return f"{info.get('host', 'localhost')}:{info.get('port', 5432)}/{info.get('dbname', '')}"


def lock_id(*names: str) -> int:
    """A signed 64-bit advisory-lock key for a name (a person id, "pass", a daily job)."""
    digest = hashlib.sha256("\x00".join(names).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class Database:
    """The pools of one process. Work (a load, a save) takes a connection for one statement or
    transaction; a held pass or job lock keeps one of its own, from a second pool, for as long
    as it is held. People's turn locks share one connection (`PersonLocks`): a connection per
    turn in progress would run a pool dry under load, and a turn waiting for a connection
    inside the event loop would stop the very turns that would give one back."""

    def __init__(self, url: str, *, work: int = 8, locks: int = 4) -> None:
        self.url = url
        self.where = where(url)
        try:
            psycopg.conninfo.conninfo_to_dict(url)
        except psycopg.Error as exc:
            raise StorageError(
                f"POPBOT_DATABASE_URL is not a PostgreSQL address: {redact(str(exc), url)}"
            ) from None
        options: dict[str, Any] = {"autocommit": True, "connect_timeout": CONNECT_TIMEOUT}
        self._pools = [
            ConnectionPool(
                url,
                min_size=1 if size == work else 0,
                max_size=size,
                kwargs=options,
                open=False,
                timeout=30,
                check=ConnectionPool.check_connection,  # a connection the server dropped: a new one
                name=name,
            )
            for name, size in (("work", work), ("locks", locks))
        ]
        self.work, self.locks = self._pools
        self.people = PersonLocks(self)

    def open(self) -> None:
        """Connect once now, so a wrong address or password is one clear line at start."""
        try:
            with psycopg.connect(self.url, connect_timeout=CONNECT_TIMEOUT):
                pass
        except psycopg.Error as exc:
            raise StorageError(
                f"cannot connect to the database at {self.where}: {self.reason(exc)}"
            ) from None
        for pool in self._pools:
            pool.open(wait=False)

    def probe(self) -> int:
        """The schema version, asked on a connection of its own, never the pool's: with the
        server gone the pool waits 30 s for a connection, a probe fails within PROBE_TIMEOUT."""
        try:
            with psycopg.connect(self.url, connect_timeout=PROBE_TIMEOUT, autocommit=True) as conn:
                conn.execute(f"SET statement_timeout = {PROBE_TIMEOUT * 1000}")
                return _version(conn)
        except psycopg.Error as exc:
            raise StorageError(f"cannot reach the database at {self.where}: {self.reason(exc)}") from None

    def close(self) -> None:
        self.people.close()
        for pool in self._pools:
            pool.close()

    def reason(self, exc: BaseException) -> str:
        """The driver's reason in one line, without any password."""
        text = " ".join(str(exc).split()) or type(exc).__name__
        return redact(text, self.url)[:300]

    @contextmanager
    def connection(self, pool: ConnectionPool | None = None) -> Iterator[psycopg.Connection[Any]]:
        """A pooled connection; any database failure inside becomes a StorageError."""
        try:
            with (pool or self.work).connection() as conn:
                yield conn
        except psycopg.Error as exc:
            raise StorageError(f"the database at {self.where} failed: {self.reason(exc)}") from None
        except PoolTimeout:
            raise StorageError(
                f"the database at {self.where} cannot be reached (no connection in 30 s)"
            ) from None

    @contextmanager
    def transaction(self) -> Iterator[psycopg.Connection[Any]]:
        with self.connection() as conn, conn.transaction():
            yield conn

    @contextmanager
    def advisory(self, key: int, *, wait: bool, shared: bool = False) -> Iterator[bool]:
        """A session advisory lock on a connection of its own, for the block. The server
        releases it when the holder's connection ends — a replica killed with -9 included."""
        kind = "_shared" if shared else ""
        with self.connection(self.locks) as conn:
            if wait:
                conn.execute(f"SELECT pg_advisory_lock{kind}(%s)", (key,))
                got = True
            else:
                row = conn.execute(f"SELECT pg_try_advisory_lock{kind}(%s)", (key,)).fetchone()
                got = bool(row and row[0])
            try:
                yield got
            finally:
                if got:
                    with contextlib.suppress(psycopg.Error):  # a connection gone took the lock along
                        conn.execute(f"SELECT pg_advisory_unlock{kind}(%s)", (key,))


class PersonLocks:
    """One person's turn at a time across replicas: a session advisory lock per person, all
    of this process's on one connection of their own. Within the process a set of the ids held
    keeps a second holder out (advisory locks are re-entrant within one session); waiting is
    polling `pg_try_advisory_lock`, in the waiter's thread, so no statement ever blocks the
    shared connection. A replica that dies loses its connection, and the server its locks."""

    POLL = 0.02  # seconds between tries while another replica has the person

    def __init__(self, db: Database) -> None:
        self.db = db
        self._conn: psycopg.Connection[Any] | None = None
        self._guard = threading.Lock()  # one statement at a time on the shared connection
        self._held: set[int] = set()
        self._free = threading.Condition(threading.Lock())

    def _try(self, key: int) -> bool:
        with self._guard:
            try:
                if self._conn is None or self._conn.closed:
                    self._conn = psycopg.connect(
                        self.db.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT
                    )
                row = self._conn.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()
            except psycopg.Error as exc:
                self._drop()
                raise StorageError(f"the database at {self.db.where} failed: {self.db.reason(exc)}") from None
            return bool(row and row[0])

    def _unlock(self, key: int) -> None:
        with self._guard:
            try:
                if self._conn is not None:
                    self._conn.execute("SELECT pg_advisory_unlock(%s)", (key,))
            except psycopg.Error:
                self._drop()  # the connection is gone, and its locks with it

    def _drop(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(psycopg.Error):
                self._conn.close()
        self._conn = None

    def close(self) -> None:
        with self._guard:
            self._drop()

    @contextmanager
    def hold(self, key: int, wait: bool) -> Iterator[bool]:
        with self._free:
            while key in self._held and wait:  # another thread or task of this process has them
                self._free.wait()
            busy = key in self._held
            if not busy:
                self._held.add(key)
        if busy:
            yield False
            return
        try:
            got = self._try(key)
            while not got and wait:
                time.sleep(self.POLL)
                got = self._try(key)
            try:
                yield got
            finally:
                if got:
                    self._unlock(key)
        finally:
            with self._free:
                self._held.discard(key)
                self._free.notify_all()


# ---------------------------------------------------------------- the schema


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, SQL) of every migration popbot ships, in order."""
    folder = resources.files("storage.postgres") / "migrations"
    found = []
    for item in folder.iterdir():
        if item.name.endswith(".sql"):
            number, _, name = item.name.removesuffix(".sql").partition("_")
            found.append((int(number), name, item.read_text(encoding="utf-8")))
    return sorted(found)


def expected_version() -> int:
    return migrations()[-1][0]


def _version(conn: psycopg.Connection[Any]) -> int:
    exists = conn.execute("SELECT to_regclass('popbot_schema') IS NOT NULL").fetchone()
    if not exists or not exists[0]:
        return 0
    row = conn.execute("SELECT coalesce(max(version), 0) FROM popbot_schema").fetchone()
    return int(row[0]) if row else 0


def schema_version(db: Database) -> int:
    with db.connection() as conn:
        return _version(conn)


def check_schema(db: Database, *, probe: bool = False) -> None:
    """Refuse a database whose schema is not the one this popbot was built for. `probe`: ask
    on a connection of its own that gives up quickly (readiness), not the pool's."""
    have, want = (db.probe() if probe else schema_version(db)), expected_version()
    if have < want:
        raise StorageError(
            f"the database at {db.where} has schema version {have}, this popbot needs {want}: "
            "run `popbot db upgrade`"
        )
    if have > want:
        raise StorageError(
            f"the database at {db.where} has schema version {have}, newer than this popbot's {want}: "
            "run the popbot release that upgraded it (or a newer one)"
        )


def upgrade(db: Database) -> list[str]:
    """Apply the migrations the database lacks, each in its own transaction; returns their names.
    Two replicas upgrading at once: one waits for the other (a transaction advisory lock)."""
    done: list[str] = []
    with db.transaction() as conn:
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (lock_id("popbot", "schema"),))
        conn.execute(
            "CREATE TABLE IF NOT EXISTS popbot_schema ("
            "version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        row = conn.execute("SELECT coalesce(max(version), 0) FROM popbot_schema").fetchone()
        have = int(row[0]) if row else 0
        for version, name, sql in migrations():
            if version <= have:
                continue
            with conn.transaction():
                conn.execute(sql.encode("utf-8"))
                conn.execute("INSERT INTO popbot_schema (version, name) VALUES (%s, %s)", (version, name))
            done.append(f"{version:04d}_{name}")
    return done
