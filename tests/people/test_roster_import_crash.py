"""Issue 13, point 2: an interrupted roster import (kill -9, a full disk) never leaves people
without a schedule — re-running the same import completes everything."""

from __future__ import annotations

import errno
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.app.cli import main
from bot.people.roster import Roster
from bot.schedule.outbox import Outbox
from storage import TinyDBStore
from storage.outbox_files import OutboxFiles

MANAGERS, REPORTS = 8, 112


def roster_csv(path: Path) -> Path:
    lines = ["id,name,email,language,manager,platform,handle,conversation,timezone"]
    for m in range(MANAGERS):
        lines.append(f"m{m},Manager {m},m{m}@example.org,nl,,console,,,Europe/Amsterdam")
    for e in range(REPORTS):
        day = 1 + e % 28
        lines.append(
            f"e{e},Employee {e},e{e}@example.org,nl,m{e % MANAGERS},console,,2027-06-{day:02d} 10:00,"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def state(data: Path) -> dict[str, Any]:
    """What HR would see: who is in the roster, and every planned message."""
    people = {p.id: (p.manager, p.conversation, p.active) for p in Roster(TinyDBStore(data)).everyone()}
    files = OutboxFiles(data)
    planned = {e.key: (e.kind, e.due, e.status) for e in Outbox(files).everything()}
    found = set(files.due_keys(datetime(2100, 1, 1, tzinfo=UTC)))  # what a pass will read
    unfound = sorted(
        k for k, (_kind, _due, status) in planned.items() if status == "planned" and k not in found
    )
    return {"people": people, "planned": planned, "not in the due index": unfound}


def run_import(csv: Path, data: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "POPBOT_DATA_DIR": str(data)}
    return subprocess.Popen(
        [sys.executable, "-m", "bot.app.cli", "roster", "import", str(csv)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_kill_9_at_random_moments_then_the_same_import_completes_everything(tmp_path: Path) -> None:
    csv = roster_csv(tmp_path / "roster.csv")
    started = time.monotonic()
    whole = run_import(csv, tmp_path / "reference")
    assert whole.wait(timeout=300) == 0, whole.stderr.read() if whole.stderr else ""
    duration = time.monotonic() - started
    expected = state(tmp_path / "reference")
    assert len(expected["people"]) == MANAGERS + REPORTS and len(expected["planned"]) > 5 * REPORTS

    rng = random.Random(int(os.environ.get("POPBOT_TEST_SEED", "13")))
    data = tmp_path / "data"
    killed_midway = 0
    for _ in range(4):
        proc = run_import(csv, data)
        time.sleep(rng.uniform(0.3, duration))
        proc.kill()  # SIGKILL
        proc.wait()
        now = state(data)
        if now["people"] and now != expected:  # interrupted: the schedule says so
            killed_midway += 1
            assert TinyDBStore(data).import_pending()
    assert killed_midway, "every kill came too early or too late to interrupt anything"
    again = run_import(csv, data)
    assert again.wait(timeout=300) == 0
    assert state(data) == expected


def test_a_full_disk_then_the_same_import_completes_everything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = roster_csv(tmp_path / "roster.csv")
    monkeypatch.setenv("POPBOT_DATA_DIR", str(tmp_path / "reference"))
    assert main(["roster", "import", str(csv)]) == 0
    expected = state(tmp_path / "reference")

    monkeypatch.setenv("POPBOT_DATA_DIR", str(tmp_path / "data"))
    import storage.atomic

    real = tempfile.mkstemp
    for room in (40, 400, 900):  # the disk fills after this many more files: in the roster, in planning
        writes = 0

        def mkstemp(*args: Any, **kw: Any) -> tuple[int, str]:
            nonlocal writes
            writes += 1
            if writes > room:  # noqa: B023 — each round's own budget
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return real(*args, **kw)

        monkeypatch.setattr(storage.atomic.tempfile, "mkstemp", mkstemp)
        assert main(["roster", "import", str(csv)]) == 1
        err = capsys.readouterr().err  # in the roster's files, or in planning: said, and not "done"
        assert "No space left on device" in err or "could not be planned" in err, err
        monkeypatch.setattr(storage.atomic.tempfile, "mkstemp", real)
    assert main(["roster", "import", str(csv)]) == 0  # room again: the same import, once more
    assert "interrupted" in capsys.readouterr().out
    assert state(tmp_path / "data") == expected
