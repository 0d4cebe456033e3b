"""One of two processes answering for the same person at once (tests/test_cross_process.py).

    python -m tests.two_writers DATA NAME COUNT [DATABASE_URL]

Sends COUNT messages, each with its own delivery id (NAME-0, NAME-1, …) as a platform would,
and prints `ack N` after the engine answered each — the moment a platform counts it as done.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

from bot.engine.engine import Engine
from bot.messages import Incoming
from storage.postgres.database import Database
from storage.postgres.store import PostgresStore
from tests.helpers import make_engine


async def main(data: str, name: str, count: int, url: str = "") -> None:
    engine = make_engine(data)
    if url:  # a replica on PostgreSQL: the engine on the database every replica shares
        db = Database(url)
        db.open()
        engine = Engine(engine.scripts, PostgresStore(db), clock=engine.clock)
    # both start answering at the same moment, after both have started up
    (Path(data).parent / f"ready-{name}").touch()
    while not (Path(data).parent / "go").exists():
        time.sleep(0.005)
    for i in range(count):
        await engine.handle("anna", Incoming.say("Puzzelen met roosters", delivery_id=f"{name}-{i}"))
        print(f"ack {i}", flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), *sys.argv[4:5]))
