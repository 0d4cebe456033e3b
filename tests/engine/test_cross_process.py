"""Issue 13, point 5: two processes for one person (two consoles; `popbot telegram` and
`popbot slack` as two processes): every answer either acknowledged is kept."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from storage import TinyDBStore
from storage.postgres.database import Database
from storage.postgres.store import PostgresStore

COUNT = 25  # per process; both together stay within the 50 delivery ids a record remembers


@pytest.mark.parametrize("backend", ["files", "postgresql"])
def test_two_processes_answering_for_one_person_lose_nothing(
    tmp_path: Path, backend: str, request: pytest.FixtureRequest
) -> None:
    """On PostgreSQL the two processes are two replicas (Slack's events reaching one, Telegram's
    the other): the person's advisory lock orders their turns."""
    data = tmp_path / "data"
    url = [request.getfixturevalue("database_url")] if backend == "postgresql" else []
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.two_writers", str(data), name, str(COUNT), *url],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("slack", "telegram")
    ]
    deadline = time.monotonic() + 60
    while not all((tmp_path / f"ready-{n}").exists() for n in ("slack", "telegram")):
        assert time.monotonic() < deadline and all(p.poll() is None for p in procs)
        time.sleep(0.01)
    (tmp_path / "go").touch()
    acked = []
    for name, proc in zip(("slack", "telegram"), procs, strict=True):
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        acked += [f"{name}-{line.split()[1]}" for line in out.splitlines() if line.startswith("ack ")]
    assert len(acked) == 2 * COUNT
    if url:
        db = Database(url[0])
        db.open()
    record = (PostgresStore(db) if url else TinyDBStore(data)).load("anna")
    assert record is not None
    # every acknowledged message went through the record: none overwritten by the other process
    assert sorted(record.seen) == sorted(acked)
