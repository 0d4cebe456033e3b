"""A throwaway PostgreSQL cluster for the tests: Debian's server binaries, a new cluster in a
temporary folder, listening on 127.0.0.1 only, gone when the tests end.

initdb refuses to run as root, so as root the cluster belongs to the `postgres` user (the
Debian package makes it). Each test gets a database of its own (`fresh_database`).

Without PostgreSQL installed the tests that need it are skipped with the reason — unless
`POPBOT_TESTS_NEED_POSTGRESQL` is set, as `.ci/run` sets it: then they fail, never skip.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg
import pytest


def _bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4]))
    return versions[-1] if versions else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Cluster:
    def __init__(self, fsync: bool = False) -> None:
        # fsync off for the tests: a test cluster is thrown away, and the guarantees tested
        # are the server's transactions and locks, which fsync does not change. Benchmarks
        # keep it on: a commit then costs what it costs on a real server.
        self.fsync = fsync
        initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
        if not initdb or not pg_ctl:
            reason = "PostgreSQL's server (initdb, pg_ctl) is not installed: apt-get install postgresql"
            if os.environ.get("POPBOT_TESTS_NEED_POSTGRESQL"):
                pytest.fail(reason)
            pytest.skip(reason)
        self.pg_ctl = pg_ctl
        self.folder = Path(tempfile.mkdtemp(prefix="popbot-pg-"))
        self.port = _free_port()
        self._as: list[str] = []
        if os.geteuid() == 0:
            self._as = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.folder, "postgres")
        data = self.folder / "data"
        self._run([initdb, "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"])
        # one role that must give its password (the faults test): everyone else is trusted
        hba = data / "pg_hba.conf"
        hba.write_text(
            "host all hr 127.0.0.1/32 scram-sha-256\n" + hba.read_text(encoding="utf-8"), encoding="utf-8"
        )
        self.data = data
        self._names = itertools.count()
        self.start()

    def _run(self, cmd: list[str]) -> None:
        done = subprocess.run([*self._as, *cmd], capture_output=True, text=True, cwd=self.folder)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd[:1])} failed: {done.stderr or done.stdout}")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def fresh_database(self) -> str:
        """A new empty database; its URL."""
        name = f"t{os.getpid()}_{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")  # name: letters, digits, _ (made above)
        return self.url(name)

    def stop(self, mode: str = "fast") -> None:
        self._run([self.pg_ctl, "-D", str(self.data), "-m", mode, "-w", "stop"])

    def start(self) -> None:
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.folder} "
            f"-c fsync={'on' if self.fsync else 'off'} -c max_connections=300 -c shared_buffers=64MB"
        )
        self._run(
            [self.pg_ctl, "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"), "-w", "start"]
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                psycopg.connect(self.url(), connect_timeout=1).close()
                return
            except psycopg.OperationalError:
                time.sleep(0.05)

    def remove(self) -> None:
        try:
            self.stop("immediate")
        except RuntimeError:  # stopped already (a test that stopped it failed before restarting)
            pass
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
