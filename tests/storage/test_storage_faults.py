"""A data file that is damaged, a disk that is full, a data folder that is read-only.

Each gets a clear answer: the employee is told their message was not saved
(or that their data cannot be read), the operator's log names the file and
what to do, nothing is acknowledged that was not written, no partial file is
left, and everyone else goes on.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot import Incoming
from bot.schedule.outbox import Outbox
from storage import TinyDBStore
from storage.outbox_files import OutboxFiles
from tests.helpers import NL, Chat, make_engine, text_of

DAMAGED = NL.script.messages.data_damaged
NOT_SAVED = NL.script.messages.not_saved


def popbot(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "POPBOT_DATA_DIR": str(data)}
    return subprocess.run(
        [sys.executable, "-m", "bot.app.cli", *args], capture_output=True, text=True, env=env, timeout=60
    )


async def test_a_damaged_record_stops_that_employee_only_and_names_the_file_and_the_way_out(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    engine = make_engine(tmp_path)
    anna, bob = Chat(engine, "anna"), Chat(engine, "bob")
    for chat in (anna, bob):
        await chat.start()
        await chat.say("1")
    await anna.say("Plannen, de eerste versie")
    await anna.say("Puzzelen met roosters")  # the last answer before the damage
    path = engine.store.path_for("anna")
    garbled = path.read_bytes()[:-40] + b"\x00\xff garbage"
    path.write_bytes(garbled)

    with caplog.at_level(logging.ERROR, logger="popbot"):
        await anna.say("Samenwerken", delivery_id="tg-1")
    assert anna.text == DAMAGED
    logged = caplog.text
    assert str(path) in logged and "damaged" in logged and f"popbot data restore {path}" in logged
    assert "--fresh" in logged
    assert path.read_bytes() == garbled  # never overwritten, never reset
    await bob.say("Bob gaat gewoon door")  # everyone else goes on
    assert "leukste aan je werk" in bob.text

    checked = popbot(tmp_path, "data", "check")
    assert checked.returncode == 1 and str(path) in checked.stdout and "restore" in checked.stdout

    restored = popbot(tmp_path, "data", "restore", str(path))
    assert restored.returncode == 0, restored.stderr
    assert Path(f"{path}.damaged").read_bytes() == garbled  # kept to look at; erasure removes it
    assert popbot(tmp_path, "data", "check").returncode == 0
    # the version before the last save: Anna resumes one answer back, the earlier ones kept
    await anna.start()
    assert "leukste aan je werk" in anna.text
    record = engine.store.load("anna")
    assert record is not None and record.answers["goed_in"].value == "Plannen, de eerste versie"
    assert "leukste" not in record.answers


async def test_without_a_backup_start_afresh_and_a_healthy_file_is_refused(tmp_path: Path) -> None:
    engine = make_engine(tmp_path)
    await Chat(engine, "anna").start()  # one save: a first write has no earlier version to keep
    path = engine.store.path_for("anna")
    assert not Path(f"{path}.bak").exists()
    refused = popbot(tmp_path, "data", "restore", str(path))
    assert refused.returncode == 1 and "reads fine" in refused.stderr
    path.write_text("{", encoding="utf-8")
    no_backup = popbot(tmp_path, "data", "restore", str(path))
    assert no_backup.returncode == 1 and "no readable backup" in no_backup.stderr and path.exists()
    outside = popbot(tmp_path, "data", "restore", "/etc/passwd")
    assert outside.returncode == 1 and "not a data file" in outside.stderr
    fresh = popbot(tmp_path, "data", "restore", str(path), "--fresh")
    assert fresh.returncode == 0 and not path.exists()
    chat = Chat(engine, "anna")
    await chat.start()
    assert "Hoe wil je je voorbereiden?" in chat.text


async def test_the_schedule_goes_on_past_a_damaged_record(tmp_path: Path) -> None:
    from tests.schedule_world import world

    async with world(tmp_path) as w:
        await w.engine.start("anna")
        path = TinyDBStore(w.data).path_for("anna")
        path.write_text('{"employee": {"1": {"state": ', encoding="utf-8")  # truncated
        s = w.scheduler()
        s.sync()
        w.now = datetime(2027, 1, 6, 14, 0, tzinfo=UTC)  # Anna's, Ben's and Tom's invitations are due
        report = await s.run_due()
    retrying = [k for k in report.retrying if k.startswith("anna|")]
    assert retrying, report
    entry = Outbox(OutboxFiles(w.data)).get(retrying[0])
    assert entry is not None and str(path) in entry.error and "damaged" in entry.error  # schedule status
    assert any(k.startswith("ben|") for k in report.sent) and any(k.startswith("tom|") for k in report.sent)


# ------------------------------------------------------------ disk full, read-only


def fail_writes(monkeypatch: pytest.MonkeyPatch, code: int) -> None:
    """The system refusing every new file, as a full disk or a read-only mount does."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr("storage.atomic.tempfile.mkstemp", refuse)


@contextmanager
def small_filesystem(path: Path) -> Iterator[None]:
    """A real 1 MiB tmpfs at `path` (needs root and mount; skipped elsewhere: the simulated
    variants below cover the same path on every machine)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a real small filesystem needs root")
    path.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "popbot-test", str(path)], check=False)
    if mounted.returncode != 0:
        pytest.skip("mount is not allowed here")
    try:
        yield
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


async def check_not_acknowledged_then_resent(engine: object, data: Path, make_room: object) -> None:
    """Anna's answer while the disk refuses: told it was not saved, record unchanged, no partial
    file; once there is room again, the platform's redelivery is applied once."""
    from bot import Engine

    assert isinstance(engine, Engine)
    before = engine.store.path_for("anna").read_bytes()  # type: ignore[attr-defined]
    out = await engine.handle("anna", Incoming.say("Plannen", delivery_id="tg-7"))
    assert text_of(out) == NOT_SAVED
    assert engine.store.path_for("anna").read_bytes() == before  # type: ignore[attr-defined]
    assert [p for p in data.rglob("*") if p.name.endswith(".tmp")] == []
    make_room()  # type: ignore[operator]
    out = await engine.handle("anna", Incoming.say("Plannen", delivery_id="tg-7"))
    assert "leukste aan je werk" in text_of(out)
    record = engine.store.load("anna")
    assert record is not None and record.answers["goed_in"].value == "Plannen" and record.state == "leukste"


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS, errno.EACCES])
async def test_a_refused_write_is_told_and_not_acknowledged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    engine = make_engine(tmp_path)
    await engine.start("anna")
    await engine.handle("anna", Incoming.say("1"))
    fail_writes(monkeypatch, code)
    await check_not_acknowledged_then_resent(engine, tmp_path, monkeypatch.undo)


async def test_a_real_full_disk(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with small_filesystem(data):
        engine = make_engine(data)
        await engine.start("anna")
        await engine.handle("anna", Incoming.say("1"))
        filler = data / "filler"
        with pytest.raises(OSError), open(filler, "wb") as f:
            while True:  # until the disk is full
                f.write(b"x" * 4096)
                f.flush()
        await check_not_acknowledged_then_resent(engine, data, filler.unlink)


async def test_a_real_read_only_data_folder(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with small_filesystem(data):
        engine = make_engine(data)
        await engine.start("anna")
        await engine.handle("anna", Incoming.say("1"))
        subprocess.run(["mount", "-o", "remount,ro", str(data)], check=True)

        def writable() -> None:
            subprocess.run(["mount", "-o", "remount,rw", str(data)], check=True)

        await check_not_acknowledged_then_resent(engine, data, writable)
