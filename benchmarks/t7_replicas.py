"""A T−7 pass shared by replicas: every manager's draft POP and alignment summary due at once,
sent by one replica, then by two on one PostgreSQL.

    python -m benchmarks.t7_replicas                # 100 managers
    python -m benchmarks.t7_replicas --managers 200

The data are built as `benchmarks.mass_send` builds them (each manager one report whose
preparation is done), on the files, then copied into two fresh databases with
`storage.transfer` (what `popbot data migrate` runs). Managers read the console inbox, so no
platform's rate limit hides the work: the pass is composing (two PDFs a manager) and
recording. Each replica is a process of its own running passes until nothing is due; the
two-replica run shares the drafts by claims. The baseline is the one-replica run, the same
run. Afterwards every manager's inbox is checked: each draft exactly once.

2 cores: two replicas composing at once can at most double the rate, and the database
server takes some of the same CPU.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from adapters.console import ConsoleInbox
from benchmarks.mass_send import NOW, prepare
from bot.app.platforms import accounts
from bot.app.wiring import build_scheduler
from bot.dialog.registry import ScriptRegistry
from bot.people.access import Access
from bot.schedule.outbox import Outbox
from storage import TinyDBStore
from storage.outbox_files import OutboxFiles
from storage.postgres.database import Database, upgrade
from storage.postgres.outbox import PostgresOutbox
from storage.postgres.store import PostgresStore
from storage.script_archive import ScriptFolder
from storage.script_edits import ScriptEditFolder
from storage.transfer import transfer
from tests.helpers import EN, NL, family
from tests.postgres_server import Cluster


class _Stores:  # what `transfer` reads and writes
    def __init__(self, people: object, outbox: object, scripts: object, edits: object) -> None:
        self.people, self.outbox, self.scripts, self.edits = people, outbox, scripts, edits


def _scheduler(url: str, data: Path):  # type: ignore[no-untyped-def]
    db = Database(url)
    db.open()
    store = PostgresStore(db)
    return build_scheduler(
        data,
        ScriptRegistry.of(NL, EN),
        {"console": ConsoleInbox(store)},
        clock=lambda: NOW,
        managers=family("manager"),
        stores=(store, PostgresOutbox(db), Access(store, lambda: NOW, accounts=accounts())),
    )


async def replica(url: str, data: Path) -> dict[str, float]:
    scheduler = _scheduler(url, data)
    start, sent = time.perf_counter(), 0
    while True:
        report = await scheduler.run_due()
        sent += len(report.sent)
        if not report.sent and not any(e.status in ("planned", "sending") for e in scheduler.outbox.due(NOW)):
            break
    return {"seconds": time.perf_counter() - start, "sent": sent}


def database_with_plan(cluster: Cluster, files: Path, data: Path) -> str:
    """A fresh database holding the files' data, planned, with only the T−7 drafts open."""
    url = cluster.fresh_database()
    db = Database(url)
    db.open()
    upgrade(db)
    store = PostgresStore(db)
    transfer(
        _Stores(
            TinyDBStore(files),
            OutboxFiles(files),
            ScriptFolder(files / "scripts"),
            ScriptEditFolder(files / "dialogs"),
        ),
        _Stores(store, PostgresOutbox(db), store, store),
        platforms=accounts().names,
    )
    db.close()
    scheduler = _scheduler(url, data)
    scheduler.clock = lambda: NOW - timedelta(hours=2)  # planned on time, not late
    scheduler.sync()
    outbox = Outbox(scheduler.outbox.store)
    for entry in outbox.everything():  # only T−7 is measured: the earlier ones are done
        if entry.kind != "delivery" and entry.status == "planned":
            outbox.close(entry, "skipped", NOW)
    return url


def run(url: str, data: Path, replicas: int) -> tuple[float, int]:
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "benchmarks.t7_replicas", "--replica", url, str(data)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(replicas)
    ]
    start = time.perf_counter()
    results = [json.loads(p.communicate()[0]) for p in procs]
    return time.perf_counter() - start, sum(int(r["sent"]) for r in results)


def check(url: str, data: Path, managers: int) -> None:
    """Each manager got their report's draft once; nobody got any message twice."""
    db = Database(url)
    db.open()
    store = PostgresStore(db)
    for n in range(managers):
        for person in (f"m{n:04d}", f"e{n:04d}"):
            keys = [str(i["key"]) for i in store.load_inbox(person)]
            assert len(keys) == len(set(keys)), f"{person} got a message twice"
        drafts = {k.split("#")[0] for k in (str(i["key"]) for i in store.load_inbox(f"m{n:04d}"))}
        assert f"e{n:04d}|2026-12-07T10:00:00+01:00|delivery" in drafts, f"m{n:04d} has no draft"
    db.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--managers", type=int, default=100)
    parser.add_argument("--replica", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.replica:
        print(json.dumps(asyncio.run(replica(args.replica[0], Path(args.replica[1])))))
        return
    cluster = Cluster(fsync=True)  # commits as durable as the files' saves
    try:
        with tempfile.TemporaryDirectory() as tmp:
            files = Path(tmp) / "files"
            asyncio.run(prepare(files, args.managers, platform="console"))
            rows = []
            for replicas in (1, 2):
                data = Path(tmp) / f"data-{replicas}"
                url = database_with_plan(cluster, files, data)
                seconds, sent = run(url, data, replicas)
                check(url, data, args.managers)
                rows.append((replicas, seconds, sent))
        print(f"T−7 pass, {args.managers} managers (draft POP + alignment summary each), console inbox")
        print("| replicas | entries sent | s | ms per manager | vs 1 replica |")
        print("|---|---|---|---|---|")
        for replicas, seconds, sent in rows:
            print(
                f"| {replicas} | {sent:,} | {seconds:.1f} | {seconds / args.managers * 1000:.0f} "
                f"| {seconds / rows[0][1]:.2f}× |"
            )
    finally:
        cluster.remove()


if __name__ == "__main__":
    main()
