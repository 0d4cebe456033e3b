"""The process the kill -9 load test kills: many employees answering at once, the schedule sending.

    python -m tests.load_crash DATA_DIR [DATABASE_URL REPLICA]

Every employee is a task that sends its answers one after another through the
engine (the real TinyDB store under DATA_DIR), each with a delivery id as a
platform would give it; when the engine has replied, the answer counts as
*acknowledged* and a line goes into DATA_DIR/acks.log (one `write`, so a kill
leaves whole lines). Meanwhile scheduler passes send the due invitations to
the console inbox, and every call of the channel is written to wire.log
before it is made. Started again after a kill, it reads acks.log and goes on
with the first unacknowledged answer under the same delivery id, as a
platform redelivers what it did not see answered.

The company (`roster()`) and each employee's answers (`answers()`) are here so
the test can compute what must be on disk.

With a DATABASE_URL it is one of two replicas on one PostgreSQL (REPLICA 0 or 1): it
answers for half the employees (a load balancer sends each person's chat to one of them —
the turn test crosses replicas for one person), and its scheduler passes run beside the
other replica's over the whole outbox, each entry sent by the one that claims it.
"""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from adapters.console import ConsoleInbox
from bot import Engine, Incoming
from bot.app.platforms import accounts
from bot.app.wiring import build_scheduler
from bot.dialog.registry import ScriptRegistry
from bot.messages import Part
from bot.people.access import Access
from bot.schedule.outbox import OPEN
from storage import TinyDBStore
from storage.postgres.database import Database
from storage.postgres.outbox import PostgresOutbox
from storage.postgres.store import PostgresStore
from tests.helpers import EN, FULL_ROUTE, NL, SHORT_ROUTE

# Monday 23 November 2026, 10:30 in Amsterdam: the invitations for conversations
# on 7 December (T−14) are due, for the employees and their managers.
NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
EMPLOYEES = 200
MANAGERS = 10
PACE = 0.6  # seconds between one person's answers on the replicas
LEASE = 1.0  # seconds: a killed replica's claims are the other's this soon
_KEEP = {"1", "2", "4", "kort", "overslaan", "ja", "nee"}  # options and commands, not free text


def employee_ids() -> list[str]:
    return [f"e{i:03d}" for i in range(EMPLOYEES)]


def roster() -> str:
    lines = ["id,name,email,language,manager,platform,handle,conversation,timezone"]
    lines += [f"m{i:02d},Manager {i},,nl,,console,,,Europe/Amsterdam" for i in range(MANAGERS)]
    for n, emp in enumerate(employee_ids()):
        lines.append(
            f"{emp},Medewerker {n},,nl,m{n % MANAGERS:02d},console,,2026-12-07 10:00,Europe/Amsterdam"
        )
    return "\n".join(lines) + "\n"


def answers(emp: str) -> list[str]:
    """What this employee says, in order: half the short route, half the start of the full one.
    Free-text answers carry the employee's id, so an answer in the wrong record shows."""
    route = SHORT_ROUTE if int(emp[1:]) % 2 == 0 else FULL_ROUTE[:8]
    return [a if a in _KEEP else f"{a} [{emp}]" for a in route]


def read_acks(data: Path) -> dict[str, int]:
    """Per employee, how many turns were acknowledged (turn 0 is the start)."""
    acked: dict[str, int] = {}
    path = data / "acks.log"
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            emp, turn = line.split()
            acked[emp] = max(acked.get(emp, 0), int(turn) + 1)
    return acked


class WireLog:
    """Wraps the console inbox: writes down every delivery the scheduler asks for, before it."""

    name = "console"
    whole = False

    def __init__(self, inbox: ConsoleInbox, log_fd: int) -> None:
        self.inbox = inbox
        self.fd = log_fd

    async def send(self, address: str, parts: list[Part], key: str, subject: str) -> None:
        again = await self.inbox.was_sent(address, key)
        os.write(self.fd, f"{'AGAIN' if again else 'send'} {address} {key}\n".encode())
        await self.inbox.send(address, parts, key, subject)

    async def was_sent(self, address: str, key: str) -> bool | None:
        return await self.inbox.was_sent(address, key)


async def employee(engine: Engine, emp: str, first: int, acks: int, pace: float = 0.0) -> None:
    said = answers(emp)
    for turn in range(first, len(said) + 1):
        await asyncio.sleep(pace)  # a person reading the reply before the next answer
        delivery = f"{emp}:{turn}"
        if turn == 0:
            await engine.start(emp, delivery_id=delivery)
        else:
            await engine.handle(emp, Incoming.say(said[turn - 1], delivery))
        os.write(acks, f"{emp} {turn}\n".encode())  # the platform saw the reply


async def main(data: Path, url: str = "", replica: str = "") -> None:
    data.mkdir(parents=True, exist_ok=True)
    store: Any = TinyDBStore(data)
    stores = None
    mine = employee_ids()
    if url:
        db = Database(url)
        db.open()
        store = PostgresStore(db)
        stores = (store, PostgresOutbox(db, lease=LEASE), Access(store, lambda: NOW, accounts=accounts()))
        mine = [e for e in mine if int(e[1:]) % 2 == int(replica)]
    store.sweep_leftovers()  # as every popbot process that talks does at start
    engine = Engine(ScriptRegistry.of(NL, EN), store, clock=lambda: NOW)
    acks = os.open(data / "acks.log", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    wire = os.open(data / "wire.log", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    channel = WireLog(ConsoleInbox(store), wire)
    scheduler = build_scheduler(
        data, ScriptRegistry.of(NL, EN), {"console": channel}, clock=lambda: NOW, stores=stores
    )
    await asyncio.to_thread(scheduler.sync)
    acked = read_acks(data)
    print("ready", flush=True)

    async def passes() -> None:
        while True:
            report = await scheduler.run_due()
            done = all(t.done() for t in talks) and not report.sent and not report.retrying
            # a replica also waits out what the other holds (or held when it was killed)
            if done and not any(e.status in OPEN for e in scheduler.outbox.due(NOW)):
                return
            await asyncio.sleep(0.01)

    # on the replicas, people take a moment between answers: the kills land mid-conversation
    pace = PACE if url else 0.0
    talks = [asyncio.create_task(employee(engine, emp, acked.get(emp, 0), acks, pace)) for emp in mine]
    await asyncio.gather(*talks, passes())
    print("done", flush=True)


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), *sys.argv[2:4]))
