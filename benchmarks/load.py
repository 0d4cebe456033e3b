"""1,000 employees doing the whole dialog at the same moment, through the engine and the store.

    python -m benchmarks.load                      # 1,000 at once; baseline: 100 one after another
    python -m benchmarks.load --employees 200 --baseline 50

Each employee answers the full route (~43 turns, one goal) as fast as the bot
replies: no thinking time, so this is the worst moment a company can make —
everyone at once. Every turn is load → apply → durable save (fsync) → reply,
on the TinyDB store with one file per employee. Printed: turns per second,
p50/p99 latency of a turn as the employee waits for it, the process's peak
memory. The baseline, measured in the same run: the same dialogs one employee
after another (nobody waits for anybody), and the same concurrent load on an
in-memory store (what the engine costs without the disk). Each run is its own
process, so each peak memory is its own.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime
from pathlib import Path

from bot import Engine, Incoming
from bot.dialog.registry import ScriptRegistry
from bot.domain import EmployeeRecord
from bot.ports import Store
from storage import TinyDBStore
from tests.helpers import EN, FULL_ROUTE, NL

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


class MemoryStore:
    """No disk at all: what the engine alone costs (records still go through JSON)."""

    def __init__(self) -> None:
        self.records: dict[str, str] = {}

    def load(self, employee_id: str) -> EmployeeRecord | None:
        raw = self.records.get(employee_id)
        return EmployeeRecord.model_validate_json(raw) if raw else None

    def save(self, record: EmployeeRecord) -> None:
        self.records[record.employee_id] = record.model_dump_json()

    def delete(self, employee_id: str) -> bool:
        return self.records.pop(employee_id, None) is not None

    def hold(self, employee_id: str, wait: bool = True) -> AbstractContextManager[bool]:
        return nullcontext(True)  # one process: the engine's own lock is enough

    def employee_ids(self) -> Iterator[str]:
        return iter(list(self.records))


def route(n: int) -> list[str]:
    """The full route, free text made each employee's own (numbers, dates and yes/no kept)."""
    return [a if a[0].isdigit() or a in ("nee", "ja", "kort") else f"{a} ({n})" for a in FULL_ROUTE]


async def dialog(engine: Engine, n: int, latencies: list[float]) -> None:
    who = f"emp{n:05d}"
    start = time.perf_counter()
    await engine.start(who)
    latencies.append(time.perf_counter() - start)
    for answer in route(n):
        start = time.perf_counter()
        await engine.handle(who, Incoming.say(answer))
        latencies.append(time.perf_counter() - start)


async def run(store: Store, employees: int, concurrent: bool) -> dict[str, float]:
    engine = Engine(ScriptRegistry.of(NL, EN), store, clock=lambda: NOW)
    latencies: list[float] = []
    start = time.perf_counter()
    if concurrent:
        await asyncio.gather(*(dialog(engine, n, latencies) for n in range(employees)))
    else:
        for n in range(employees):
            await dialog(engine, n, latencies)
    elapsed = time.perf_counter() - start
    done = sum(1 for n in range(employees) if (r := store.load(f"emp{n:05d}")) and r.state == "__done__")
    assert done == employees, f"only {done} of {employees} finished"
    cuts = statistics.quantiles(latencies, n=100)
    return {
        "employees": employees,
        "turns": len(latencies),
        "seconds": elapsed,
        "turns_per_s": len(latencies) / elapsed,
        "p50_ms": cuts[49] * 1000,
        "p99_ms": cuts[98] * 1000,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def one(kind: str, employees: int) -> dict[str, float]:
    """Run one configuration in a fresh process (its own peak memory)."""
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.load", "--one", kind, "--employees", str(employees)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--employees", type=int, default=1000)
    parser.add_argument("--baseline", type=int, default=100, help="employees in the one-after-another run")
    parser.add_argument("--one", choices=["concurrent", "sequential", "memory"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        with tempfile.TemporaryDirectory() as tmp:
            store: Store = MemoryStore() if args.one == "memory" else TinyDBStore(Path(tmp))
            result = asyncio.run(run(store, args.employees, concurrent=args.one != "sequential"))
        print(json.dumps(result))
        return

    rows = [
        ("all at once, TinyDB files", one("concurrent", args.employees)),
        ("one after another, TinyDB files (baseline)", one("sequential", args.baseline)),
        ("all at once, in memory (no disk)", one("memory", args.employees)),
    ]
    print("| run | employees | turns | turns/s | p50 ms | p99 ms | peak MB |")
    print("|---|---|---|---|---|---|---|")
    for name, r in rows:
        print(
            f"| {name} | {r['employees']:,.0f} | {r['turns']:,.0f} | {r['turns_per_s']:,.0f} | "
            f"{r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['peak_mb']:.0f} |"
        )
    concurrent, sequential, memory = (r for _n, r in rows)
    print()
    rate = concurrent["turns_per_s"]
    print(f"throughput, all at once / one after another: {rate / sequential['turns_per_s']:.2f}×")
    print(f"throughput, TinyDB files / in memory: {rate / memory['turns_per_s']:.2f}×")


if __name__ == "__main__":
    main()
