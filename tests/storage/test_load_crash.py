"""200 employees answering at once, the schedule sending, and `kill -9` at random moments.

After every kill, before the restart, the files on disk are checked: every
acknowledged answer is there, none is there twice or in someone else's
record, no file is damaged, and every invitation the outbox calls sent is in
the inbox exactly once. In the end everything due was sent exactly once.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bot import Incoming
from bot.app.platforms import accounts
from bot.people.roster import Roster, parse_roster
from bot.schedule.outbox import Outbox
from storage import TinyDBStore
from storage.outbox_files import OutboxFiles
from storage.postgres.database import Database
from storage.postgres.outbox import PostgresOutbox
from storage.postgres.store import PostgresStore
from tests import load_crash
from tests.helpers import import_roster, make_engine

KILLS = 5


def snapshot(record: Any) -> str:
    """What a turn changes: where the employee is and what they answered (not when)."""
    answers = {k: [a.value, a.skipped] for k, a in sorted(record.answers.items())}
    pending = record.pending.model_dump() if record.pending else None
    group = record.group.model_dump() if record.group else None
    return json.dumps([record.state, answers, pending, group], ensure_ascii=False, sort_keys=True)


async def expected_after_each_turn(tmp: Path, emp: str) -> list[str]:
    """The record after 1, 2, … turns of an uninterrupted run (same answers, same clock)."""
    engine = make_engine(tmp / "reference", now=load_crash.NOW)
    said = load_crash.answers(emp)
    states = []
    for turn in range(len(said) + 1):
        if turn == 0:
            await engine.start(emp)
        else:
            await engine.handle(emp, Incoming.say(said[turn - 1]))
        states.append(snapshot(engine.store.load(emp)))
    return states


async def expected_states(tmp: Path) -> tuple[dict[str, list[str]], int]:
    """Each employee's record after each turn, and how many turns there are in all: one
    reference per kind of route (the even and odd employees), with each one's own markers."""
    ref = {emp: await expected_after_each_turn(tmp, emp) for emp in ("e000", "e001")}
    expected = {
        emp: [s.replace(f"[{ref_emp}]", f"[{emp}]") for s in ref[ref_emp]]
        for emp in load_crash.employee_ids()
        for ref_emp in [("e000", "e001")[int(emp[1:]) % 2]]
    }
    return expected, sum(len(load_crash.answers(e)) + 1 for e in load_crash.employee_ids())


def acknowledged(data: Path) -> int:
    return sum(load_crash.read_acks(data).values())


def wait_for_progress(data: Path, target: int, procs: list[subprocess.Popen[bytes]]) -> None:
    """Until `target` turns are acknowledged, or every process has finished: a kill placed by
    progress, not by the clock, lands mid-load on a fast machine and a slow one alike."""
    deadline = time.monotonic() + 120  # only a hung load gets here
    while acknowledged(data) < target and any(p.poll() is None for p in procs):
        assert time.monotonic() < deadline, f"no progress past {acknowledged(data)} of {target} turns"
        time.sleep(0.002)


def run_until_killed(data: Path, after: int | None) -> bool:
    """Run the load; kill -9 it once `after` turns in all are acknowledged (None: let it
    finish). True if it finished."""
    proc = subprocess.Popen(
        [sys.executable, "-u", "-m", "tests.load_crash", str(data)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "POPBOT_LOG_LEVEL": "WARNING"},
    )
    assert proc.stdout is not None
    try:
        assert proc.stdout.readline() == b"ready\n", proc.stderr.read().decode()  # type: ignore[union-attr]
        if after is None:
            out, err = proc.communicate(timeout=120)
            assert proc.returncode == 0 and out == b"done\n", err.decode()[-2000:]
            return True
        wait_for_progress(data, after, [proc])
        finished = proc.poll() is not None
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        return finished
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


def check(data: Path, expected: dict[str, list[str]], final: bool, url: str = "") -> int:
    """Everything the kill may not break; returns how many turns are acknowledged."""
    db = None
    store: Any = TinyDBStore(data)
    outbox = Outbox(OutboxFiles(data))
    if url:
        db = Database(url)
        db.open()
        store = PostgresStore(db)
        outbox = Outbox(PostgresOutbox(db))
    try:
        return _check(data, store, outbox, expected, final)
    finally:
        if db is not None:
            db.close()


def _check(data: Path, store: Any, outbox: Outbox, expected: dict[str, list[str]], final: bool) -> int:
    acked = load_crash.read_acks(data)
    for emp, states in expected.items():
        record = store.load(emp)  # a damaged file raises StorageError: the test fails
        n = acked.get(emp, 0)
        if record is None:
            assert n == 0, f"{emp}: {n} acknowledged turns, no record"
            continue
        # after n acknowledged turns: the state after n turns, or after n + 1 when the
        # kill came between saving the next turn and replying to it — nothing else
        allowed = states[max(n - 1, 0) : n + 1] if final is False else states[-1:]
        assert snapshot(record) in allowed, f"{emp} after {n} acknowledged turns: {snapshot(record)}"
        if not final and 0 < n < len(states) and snapshot(record) == states[n]:
            print(f"{emp}: turn {n} saved, killed before the reply (a redelivery must not repeat it)")

    inbox = {emp: store.load_inbox(emp) for emp in expected}
    for emp, items in inbox.items():
        keys = [i["key"] for i in items]
        assert len(keys) == len(set(keys)), f"{emp} got the same message twice: {keys}"
    wire = (
        (data / "wire.log").read_text(encoding="utf-8").splitlines() if (data / "wire.log").exists() else []
    )
    assert not [w for w in wire if w.startswith("AGAIN")], "a delivery the inbox already had was sent again"
    for emp in expected:
        for entry in outbox.for_person(emp):
            if entry.kind != "invitation":
                continue
            # the console takes a message part by part, each under "<key>#<part>"
            got = sorted(i["key"] for i in inbox[emp] if i["key"].startswith(f"{entry.key}#"))
            if entry.status == "sent" or final:
                assert entry.status == "sent", f"{entry.key}: {entry.status} at the end"
                parts = [f"{entry.key}#{n}" for n in range(entry.parts_done)]
                assert entry.parts_done > 0 and got == parts, f"{entry.key} is sent, the inbox has {got}"
    leftovers = [p for p in data.rglob("*.tmp") if p.is_file()]
    assert final is False or leftovers == [], f"temporary files left: {leftovers[:3]}"
    return sum(acked.values())


async def test_kill_9_at_random_moments_under_load(tmp_path: Path) -> None:
    data = tmp_path / "data"
    csv = tmp_path / "roster.csv"
    csv.write_text(load_crash.roster(), encoding="utf-8")
    import_roster(csv, data)
    expected, total = await expected_states(tmp_path)

    rng = random.Random(int(os.environ.get("POPBOT_KILL_SEED", "8")))
    progress = [0]
    for _ in range(KILLS):
        # somewhere in the next stretch of the load: never before the last kill's progress
        if run_until_killed(data, after=rng.randint(progress[-1] + 1, progress[-1] + total // (KILLS + 2))):
            break
        progress.append(check(data, expected, final=False))
    print(f"acknowledged turns at each kill: {progress} of {total}")
    interrupted = [n for n in progress[1:] if n < total]
    assert len(interrupted) >= 3, f"the kills came too late to test anything: {progress} of {total}"

    assert run_until_killed(data, after=None)
    assert check(data, expected, final=True) == total


def start_replica(data: Path, url: str, replica: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [sys.executable, "-u", "-m", "tests.load_crash", str(data), url, str(replica)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "POPBOT_LOG_LEVEL": "WARNING"},
    )
    assert proc.stdout is not None
    assert proc.stdout.readline() == b"ready\n", proc.stderr.read().decode()  # type: ignore[union-attr]
    return proc


async def test_two_replicas_on_postgresql_and_kill_9_of_either_at_random_moments(
    tmp_path: Path, database_url: str
) -> None:
    """The load above on two replicas sharing one PostgreSQL: each answers for half the people,
    both schedulers send from the one outbox. One of them (either, at random) is killed with
    -9 at random moments and started again; the other goes on meanwhile. After every kill the
    database holds every acknowledged answer, once, in the right record; no invitation is in
    anyone's inbox twice (the console inbox is asked before a send: exactly once); at the end
    every invitation is sent exactly once — those a killed replica had claimed too."""
    data = tmp_path / "data"
    data.mkdir()
    csv = tmp_path / "roster.csv"
    csv.write_text(load_crash.roster(), encoding="utf-8")
    db = Database(database_url)
    db.open()
    # the roster only: each replica plans at its start, on the load's clock
    Roster(PostgresStore(db)).import_people(parse_roster(csv, ("nl", "en"), accounts=accounts()))
    db.close()
    expected, total = await expected_states(tmp_path)

    rng = random.Random(int(os.environ.get("POPBOT_KILL_SEED", "8")))
    replicas = [start_replica(data, database_url, n) for n in (0, 1)]
    progress = [0]
    try:
        for _ in range(KILLS):
            done = acknowledged(data)
            wait_for_progress(data, rng.randint(done + 1, done + total // (KILLS + 2)), replicas)
            running = [n for n in (0, 1) if replicas[n].poll() is None]  # not done with their half
            if not running:
                break
            victim = rng.choice(running)
            replicas[victim].send_signal(signal.SIGKILL)
            replicas[victim].wait(timeout=10)
            progress.append(check(data, expected, final=False, url=database_url))
            replicas[victim] = start_replica(data, database_url, victim)
        for proc in replicas:
            out, err = proc.communicate(timeout=180)
            assert proc.returncode == 0 and out == b"done\n", err.decode()[-2000:]
    finally:
        for proc in replicas:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=10)
    print(f"acknowledged turns at each kill: {progress} of {total}")
    interrupted = [n for n in progress[1:] if n < total]
    assert len(interrupted) >= 3, f"the kills came too late to test anything: {progress} of {total}"
    assert check(data, expected, final=True, url=database_url) == total
