"""Storage on real files: durable, atomic, flat, safe under concurrency."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot import Incoming, StorageError
from bot.domain import Answer, EmployeeRecord
from storage import TinyDBStore
from tests.helpers import FULL_ROUTE, Chat, make_engine


def test_round_trip_and_one_file_per_employee(tmp_path: Path) -> None:
    store = TinyDBStore(tmp_path)
    rec = EmployeeRecord(employee_id="anna", answers={"goed_in": Answer(value="Plannen 🎉")})
    store.save(rec)
    store.save(EmployeeRecord(employee_id="bob"))
    loaded = store.load("anna")
    assert loaded is not None and loaded.answers["goed_in"].value == "Plannen 🎉"
    assert sorted(store.employee_ids()) == ["anna", "bob"]
    files = list((tmp_path / "employees").glob("*/*.json"))
    assert len(files) == 2
    assert store.load("nobody") is None


def test_an_id_cannot_escape_the_data_folder(tmp_path: Path) -> None:
    store = TinyDBStore(tmp_path / "data")
    store.save(EmployeeRecord(employee_id="../../etc/passwd"))
    assert store.path_for("../../etc/passwd").is_relative_to(tmp_path / "data" / "employees")
    assert store.load("../../etc/passwd") is not None


def test_no_temporary_file_is_left_behind_and_the_previous_version_is_kept(tmp_path: Path) -> None:
    store = TinyDBStore(tmp_path)
    for i in range(20):
        store.save(EmployeeRecord(employee_id="anna", state=f"q{i}"))
    path = store.path_for("anna")
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == [path.name, f"{path.name}.bak"]
    assert json.loads(Path(f"{path}.bak").read_text(encoding="utf-8"))["employee"]["1"]["state"] == "q18"


def test_a_damaged_file_is_named_not_reset(tmp_path: Path) -> None:
    store = TinyDBStore(tmp_path)
    store.save(EmployeeRecord(employee_id="anna", answers={"x": Answer(value="bewaard")}))
    path = store.path_for("anna")
    good = path.read_bytes()
    path.write_bytes(good[: len(good) // 2])  # as a crash of a non-atomic writer would leave it
    with pytest.raises(StorageError) as caught:
        store.load("anna")
    assert str(path) in str(caught.value) and "damaged" in str(caught.value)
    assert path.read_bytes() == good[: len(good) // 2]  # nothing overwritten


def test_a_failed_write_leaves_the_old_file_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = TinyDBStore(tmp_path)
    store.save(EmployeeRecord(employee_id="anna", state="goed_in"))

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("storage.atomic.os.fsync", disk_full)
    with pytest.raises(StorageError, match=r"cannot write.*No space left"):
        store.save(EmployeeRecord(employee_id="anna", state="leukste"))
    monkeypatch.undo()
    loaded = store.load("anna")
    assert loaded is not None and loaded.state == "goed_in"
    names = sorted(p.name for p in store.path_for("anna").parent.iterdir())
    # no partial file (and no backup: the first save is one write, so there is no earlier version)
    assert names == [store.path_for("anna").name]


async def test_concurrent_messages_for_one_employee_apply_one_after_another(tmp_path: Path) -> None:
    engine = make_engine(tmp_path)
    await engine.start("anna")
    await engine.handle("anna", Incoming.say("1"))
    # Two adapters deliver at the same moment: both are applied, in turn.
    await asyncio.gather(
        engine.handle("anna", Incoming.say("Plannen", delivery_id="slack-1")),
        engine.handle("anna", Incoming.say("Roosters", delivery_id="tg-1")),
    )
    record = engine.store.load("anna")
    assert record is not None
    assert {record.answers["goed_in"].value, record.answers["leukste"].value} == {"Plannen", "Roosters"}
    assert record.state == "energie"


async def test_many_employees_at_once(tmp_path: Path) -> None:
    engine = make_engine(tmp_path)
    users = [f"user{i}" for i in range(40)]

    async def walk(user: str) -> None:
        chat = Chat(engine, user)
        await chat.start()
        for answer in FULL_ROUTE[:6]:
            await chat.say(f"{answer}" if answer.isdigit() else f"{answer} ({user})")

    await asyncio.gather(*(walk(u) for u in users))
    for u in users:
        record = engine.store.load(u)
        assert record is not None
        assert record.answers["goed_in"].value == f"{FULL_ROUTE[1]} ({u})"
        assert record.state == "tevreden"


def test_an_acknowledged_answer_survives_kill_9(tmp_path: Path) -> None:
    """Answer, wait until the bot has replied (acknowledged), then kill -9."""
    env = {**os.environ, "POPBOT_DATA_DIR": str(tmp_path)}
    proc = subprocess.Popen(
        [sys.executable, "-u", "-m", "bot.app.cli", "chat", "--user", "anna"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:

        def wait_for(text: bytes) -> None:
            seen = b""
            deadline = time.monotonic() + 30
            while text not in seen:
                assert time.monotonic() < deadline, seen.decode(errors="replace")[-500:]
                chunk = os.read(proc.stdout.fileno(), 4096)  # type: ignore[union-attr]
                assert chunk, "the bot ended early"
                seen += chunk

        wait_for(b"Hoe wil je je voorbereiden?")
        proc.stdin.write(b"1\n")
        proc.stdin.flush()
        wait_for(b"Waar ben je goed in?")
        proc.stdin.write("Plannen vóór de crash 💾\n".encode())
        proc.stdin.flush()
        wait_for(b"leukste aan je werk")  # the reply: the answer is acknowledged
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(timeout=10)
    record = TinyDBStore(tmp_path).load("anna")
    assert record is not None
    assert record.answers["goed_in"].value == "Plannen vóór de crash 💾"
    assert record.state == "leukste"
    # and the file on disk is whole JSON
    json.loads(TinyDBStore(tmp_path).path_for("anna").read_text(encoding="utf-8"))


def test_a_killed_writers_temporary_file_is_swept_a_running_ones_kept(tmp_path: Path) -> None:
    """A kill mid-write leaves `.<file>.<pid>.<random>.tmp` with a copy of the answers."""
    store = TinyDBStore(tmp_path)
    store.save(EmployeeRecord(employee_id="anna", answers={"x": Answer(value="kopie")}))
    folder = store.path_for("anna").parent
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True)
    killed = folder / f".{store.path_for('anna').name}.{int(dead.stdout)}.abcd1234.tmp"
    killed.write_text('{"employee": "kopie"}', encoding="utf-8")
    running = folder / f".{store.path_for('anna').name}.{os.getpid()}.efgh5678.tmp"
    running.write_text("{}", encoding="utf-8")
    assert store.sweep_leftovers() == 1
    assert not killed.exists() and running.exists()
    assert store.load("anna") is not None


def test_a_backup_that_is_already_the_current_file_leaves_no_extra_name(tmp_path: Path) -> None:
    """A kill between keeping the backup and renaming the new version leaves both names on one
    file; the next write must still end with exactly the file and its backup."""
    store = TinyDBStore(tmp_path)
    store.save(EmployeeRecord(employee_id="anna", state="a"))
    path = store.path_for("anna")
    Path(f"{path}.bak").unlink(missing_ok=True)
    os.link(path, f"{path}.bak")  # what that kill leaves
    store.save(EmployeeRecord(employee_id="anna", state="b"))
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name, f"{path.name}.bak"]
