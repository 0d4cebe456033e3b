"""A roster import is all-or-nothing (issue 13, point 2; issue 16): a kill -9 at any moment, or
a full disk, leaves the old roster and schedule or the new ones — never a mix — as popbot's
next start shows them."""

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

MANAGERS, REPORTS = 16, 384


def roster_csv(path: Path, version: int) -> Path:
    """Version 2 moves every conversation a week, drops two people and adds two."""
    lines = ["id,name,email,language,manager,platform,handle,conversation,timezone"]
    for m in range(MANAGERS):
        lines.append(f"m{m},Manager {m},m{m}@example.org,nl,,console,,,Europe/Amsterdam")
    for e in range(2 if version == 2 else 0, REPORTS + (2 if version == 2 else 0)):
        day = 1 + e % 21 + (7 if version == 2 else 0)
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
    found = {e["key"] for e in files.due_entries(datetime(2100, 1, 1, tzinfo=UTC))}  # what a pass reads
    unfound = sorted(
        k for k, (_kind, _due, status) in planned.items() if status == "planned" and k not in found
    )
    return {"people": people, "planned": planned, "not in the due index": unfound}


def popbot(data: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "POPBOT_DATA_DIR": str(data)}
    return subprocess.Popen(
        [sys.executable, "-m", "bot.app.cli", *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def finished(proc: subprocess.Popen[bytes]) -> None:
    code = proc.wait(timeout=300)
    assert code == 0, proc.stderr.read().decode() if proc.stderr else ""


@pytest.fixture(scope="module")
def references(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, Any], dict[str, Any]]:
    """Both rosters, and the state each import leaves when nothing interrupts it."""
    tmp = tmp_path_factory.mktemp("references")
    old, new = roster_csv(tmp / "v1.csv", 1), roster_csv(tmp / "v2.csv", 2)
    finished(popbot(tmp / "ref", "roster", "import", str(old)))
    before = state(tmp / "ref")
    finished(popbot(tmp / "ref", "roster", "import", str(new)))
    after = state(tmp / "ref")
    assert before["people"] != after["people"] and before["planned"] != after["planned"]
    assert not before["not in the due index"] and not after["not in the due index"]
    return old, new, before, after


def test_kill_9_at_random_moments_leaves_the_old_roster_and_schedule_or_the_new(
    tmp_path: Path, references: tuple[Path, Path, dict[str, Any], dict[str, Any]]
) -> None:
    old, new, before, after = references
    rng = random.Random(int(os.environ.get("POPBOT_TEST_SEED", "16")))
    started = time.monotonic()
    finished(popbot(tmp_path / "timing", "roster", "import", str(new)))
    duration = time.monotonic() - started
    outcomes = {"old": 0, "new": 0, "finished by the next start": 0}
    for round_ in range(8):
        data = tmp_path / f"round{round_}"
        finished(popbot(data, "roster", "import", str(old)))
        roster_file = data / "people" / "roster.json"
        written = roster_file.stat().st_mtime_ns
        proc = popbot(data, "roster", "import", str(new))
        if round_ % 2:  # any moment of the whole run (most of it is starting Python)
            time.sleep(rng.uniform(0.2, duration))
        else:  # while the new roster's schedule is planned: found by its mark, not by the clock
            while proc.poll() is None and (
                roster_file.stat().st_mtime_ns == written or TinyDBStore(data).pending_plan() is None
            ):
                time.sleep(0.001)
        proc.kill()  # SIGKILL
        proc.wait()
        midway = TinyDBStore(data).pending_plan() is not None
        finished(popbot(data, "roster", "show"))  # the next start, any command
        now = state(data)
        assert now in (before, after), f"round {round_}: a mix of the old and the new"
        assert TinyDBStore(data).pending_plan() is None
        outcomes["finished by the next start" if midway else "new" if now == after else "old"] += 1
    assert outcomes["finished by the next start"], f"no kill landed midway: {outcomes}"


def test_a_full_disk_leaves_the_old_or_the_new_and_the_same_import_completes(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    references: tuple[Path, Path, dict[str, Any], dict[str, Any]],
) -> None:
    old, new, before, after = references
    import storage.atomic

    real = tempfile.mkstemp
    for room in (0, 40, 300):  # the disk fills after this many more files: the roster, in planning
        monkeypatch.setenv("POPBOT_DATA_DIR", str(tmp_path / f"room{room}"))
        assert main(["roster", "import", str(old)]) == 0
        writes = 0

        def mkstemp(*args: Any, **kw: Any) -> tuple[int, str]:
            nonlocal writes
            writes += 1
            if writes > room:  # noqa: B023 — each round's own budget
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return real(*args, **kw)

        monkeypatch.setattr(storage.atomic.tempfile, "mkstemp", mkstemp)
        assert main(["roster", "import", str(new)]) == 1
        err = capsys.readouterr().err  # in the roster's file, or in planning: said, and not "done"
        assert "No space left on device" in err or "could not be planned" in err, err
        monkeypatch.setattr(storage.atomic.tempfile, "mkstemp", real)
        assert main(["roster", "show"]) == 0  # room again: the next start shows a whole roster
        assert state(tmp_path / f"room{room}") == (before if room == 0 else after)
        assert main(["roster", "import", str(new)]) == 0  # and the same import again: done
        assert state(tmp_path / f"room{room}") == after
