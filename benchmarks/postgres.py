"""Turns on the files and on PostgreSQL, at one and at two replicas; and a turn's cost as
the number of employees stored grows.

    python -m benchmarks.postgres                 # 200 employees, 10 answers each
    python -m benchmarks.postgres --people 400
    python -m benchmarks.postgres --stored 100 10000 100000

Needs PostgreSQL's server installed (Debian's `postgresql`): it starts a throwaway cluster
on 127.0.0.1 (as the tests do). A turn is one answer through the engine: the person's lock,
load, apply, the committed save. The baseline, in the same run, is the files store.

"Replicas" here are processes on this one machine: each answers for its half of the people,
all at once. With 2 cores the two replicas and the database share the same CPUs, so the
2-replica figure shows the locks and claims cost nothing much — not how far a second machine
would scale.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from psycopg.types.json import Jsonb

from benchmarks.turns import measure, p99, sample_record
from bot import Engine, Incoming
from bot.dialog.registry import ScriptRegistry
from storage import TinyDBStore
from storage.postgres.database import Database, upgrade
from storage.postgres.store import PostgresStore
from tests.helpers import FULL_ROUTE, NL, NOW
from tests.postgres_server import Cluster


async def _turns(engine: Engine, people: list[str], answers: int) -> list[float]:
    times: list[float] = []

    async def one(person: str) -> None:
        await engine.start(person)
        for answer in FULL_ROUTE[:answers]:
            began = time.perf_counter()
            await engine.handle(person, Incoming.say(answer))
            times.append(time.perf_counter() - began)

    await asyncio.gather(*(one(p) for p in people))
    return times


def replica(url: str, data: str, people: list[str], answers: int) -> dict[str, float | list[float]]:
    if url:
        db = Database(url)
        db.open()
        store: TinyDBStore | PostgresStore = PostgresStore(db)
    else:
        store = TinyDBStore(data)
    engine = Engine(ScriptRegistry.of(NL), store, clock=lambda: NOW)
    began = time.perf_counter()
    times = asyncio.run(_turns(engine, people, answers))
    return {"seconds": time.perf_counter() - began, "times": times}


def run(url: str, data: Path, people: int, answers: int, replicas: int) -> tuple[float, float, float]:
    """(p50 ms, p99 ms, turns/s) of `people` answering at once through `replicas` processes."""
    ids = [f"p{i:05d}" for i in range(people)]
    command = [sys.executable, "-m", "benchmarks.postgres", "--replica", url or "-", str(data), str(answers)]
    procs = [
        subprocess.Popen([*command, ",".join(ids[n::replicas])], stdout=subprocess.PIPE, text=True)
        for n in range(replicas)
    ]
    results = [json.loads(p.communicate()[0]) for p in procs]
    times = sorted(t for r in results for t in r["times"])
    seconds = max(r["seconds"] for r in results)
    p99 = times[int(len(times) * 0.99) - 1]
    return statistics.median(times) * 1000, p99 * 1000, len(times) / seconds


def stored(cluster: Cluster, sizes: list[int], turns: int) -> None:
    """One turn at a time (no waiting on others), on a store holding `size` full records
    (~40 answers each): on PostgreSQL, and on the files as the baseline in the same run."""
    qids = [q for q in NL.order if q != "doelen"][:40]
    head = f"{'employees':>9} | {'files median':>12} {'p99':>8} | {'PostgreSQL median':>17} {'p99':>8}"
    print(f"{head} | pg / files")
    medians: dict[int, float] = {}
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            files = TinyDBStore(Path(tmp) / "files")
            url = cluster.fresh_database()
            db = Database(url)
            db.open()
            upgrade(db)
            with (
                db.connection() as conn,
                conn.cursor().copy("COPY records (employee_id, data) FROM STDIN") as copy,
            ):
                for n in range(size):
                    doc = sample_record(n, qids).model_dump(mode="json")
                    copy.write_row((doc["employee_id"], Jsonb(doc)))
                    files._employees.put(doc["employee_id"], doc, durable=False)  # setup only: no fsync
            with db.connection() as conn:
                conn.execute("ANALYZE records")
            ids = [f"emp{n:05d}" for n in range(size)]
            on_files = asyncio.run(measure(files, ids, turns))
            on_pg = asyncio.run(measure(PostgresStore(db), ids, turns))
            db.close()
        medians[size] = statistics.median(on_pg)
        print(
            f"{size:>9,} | {statistics.median(on_files):>9.2f} ms {p99(on_files):>8.2f} | "
            f"{medians[size]:>14.2f} ms {p99(on_pg):>8.2f} | "
            f"{medians[size] / statistics.median(on_files):.2f}x"
        )
    small, large = min(medians), max(medians)
    print(
        f"\nPostgreSQL: turn cost at {large:,} stored / at {small:,}: {medians[large] / medians[small]:.2f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stored", type=int, nargs="+", help="employees stored (the flat-cost run instead)")
    parser.add_argument("--turns", type=int, default=200, help="turns measured per size (with --stored)")
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--answers", type=int, default=10)
    parser.add_argument("--replica", nargs=4, help=argparse.SUPPRESS)  # one replica's process
    args = parser.parse_args()
    if args.replica:
        url, data, answers, people = args.replica
        print(json.dumps(replica("" if url == "-" else url, data, people.split(","), int(answers))))
        return
    cluster = Cluster(fsync=True)  # commits as durable as the files' saves
    if args.stored:
        try:
            stored(cluster, args.stored, args.turns)
        finally:
            cluster.remove()
        return
    try:
        rows = []
        for label, replicas, on_pg in (
            ("files, 1 process", 1, False),
            ("files, 2 processes", 2, False),
            ("PostgreSQL, 1 replica", 1, True),
            ("PostgreSQL, 2 replicas", 2, True),
        ):
            with tempfile.TemporaryDirectory() as tmp:
                url = ""
                if on_pg:
                    url = cluster.fresh_database()
                    db = Database(url)
                    db.open()
                    upgrade(db)
                    db.close()
                rows.append((label, *run(url, Path(tmp), args.people, args.answers, replicas)))
        base = rows[0]
        print(f"{args.people} people answering {args.answers} times at once, this machine")
        print(f"{'':24} {'p50 ms':>8} {'p99 ms':>8} {'turns/s':>8}  vs files, 1 process (p50, turns/s)")
        for label, p50, p99, rate in rows:
            ratios = f"{p50 / base[1]:.2f}x, {rate / base[3]:.2f}x"
            print(f"{label:24} {p50:8.1f} {p99:8.1f} {rate:8.0f}  {ratios}")
    finally:
        cluster.remove()


if __name__ == "__main__":
    main()
