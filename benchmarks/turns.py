"""The cost of one dialog turn as the number of stored employees grows.

    python -m benchmarks.turns            # 100, 1,000 and 10,000 employees
    python -m benchmarks.turns --sizes 100 1000

Each employee holds a full set of ~40 answers. A turn is one answer through
the engine: load, apply, save durably. The baseline is measured in the same
run: the same engine on a single-file TinyDB (all employees in one JSON file,
TinyDB's own JSONStorage), which rewrites the whole file on every write.
Prints median and p99 per size, and the ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime
from pathlib import Path

from tinydb import Query, TinyDB

from bot import Engine, Incoming, load_script
from bot.dialog.script import bundled_script_path
from bot.domain import Answer, EmployeeRecord
from bot.ports import Store
from storage import TinyDBStore

NOW = datetime(2026, 11, 22, tzinfo=UTC)


class SingleFileTinyDBStore:
    """The naive design: every employee in one TinyDB file."""

    def __init__(self, path: Path) -> None:
        self.db = TinyDB(path)
        self.table = self.db.table("employees")

    def load(self, employee_id: str) -> EmployeeRecord | None:
        doc = self.table.get(Query().employee_id == employee_id)
        return EmployeeRecord.model_validate(dict(doc)) if doc else None

    def save(self, record: EmployeeRecord) -> None:
        self.table.upsert(record.model_dump(mode="json"), Query().employee_id == record.employee_id)

    def delete(self, employee_id: str) -> bool:
        return bool(self.table.remove(Query().employee_id == employee_id))

    def hold(self, employee_id: str, wait: bool = True) -> AbstractContextManager[bool]:
        return nullcontext(True)  # one process: the engine's own lock is enough

    def employee_ids(self) -> Iterator[str]:
        return (d["employee_id"] for d in self.table.all())

    def bulk(self, records: list[EmployeeRecord]) -> None:
        self.table.insert_multiple(r.model_dump(mode="json") for r in records)


def sample_record(n: int, question_ids: list[str]) -> EmployeeRecord:
    answers = {
        qid: Answer(value=f"Antwoord {i} van medewerker {n}, met wat tekst erbij.", version="bench", at=NOW)
        for i, qid in enumerate(question_ids)
    }
    return EmployeeRecord(employee_id=f"emp{n:05d}", state="goed_in", answers=answers, history=["route"])


async def measure(store: Store, ids: list[str], turns: int) -> list[float]:
    engine = Engine({"nl": load_script(bundled_script_path())}, store, clock=lambda: NOW)
    rng = random.Random(7)
    costs = []
    for t in range(turns):
        who = rng.choice(ids)
        start = time.perf_counter()
        await engine.handle(who, Incoming.say(f"Plannen en organiseren {t}"))
        costs.append((time.perf_counter() - start) * 1000)
        # put them back on the same question so every turn does the same work
        await engine.handle(who, Incoming.say("vorige"))
    return costs


def p99(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.99) - 1)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 1_000, 10_000])
    ap.add_argument("--turns", type=int, default=200)
    args = ap.parse_args()
    qids = [q for q in load_script(bundled_script_path()).order if q != "doelen"][:40]

    print(f"{'employees':>9} | {'per-employee files':>24} | {'single TinyDB file':>24} | {'ratio':>6}")
    print(f"{'':>9} | {'median ms':>11} {'p99 ms':>12} | {'median ms':>11} {'p99 ms':>12} | {'':>6}")
    medians: dict[int, float] = {}
    for size in args.sizes:
        records = [sample_record(n, qids) for n in range(size)]
        ids = [r.employee_id for r in records]
        with tempfile.TemporaryDirectory() as tmp:
            ours = TinyDBStore(Path(tmp) / "ours")
            for r in records:
                ours.save(r)
            ours_costs = asyncio.run(measure(ours, ids, args.turns))
            naive = SingleFileTinyDBStore(Path(tmp) / "naive.json")
            naive.bulk(records)
            # The naive store gets fewer turns at large sizes: each costs a full rewrite.
            naive_turns = max(10, min(args.turns, 20_000 // size))
            naive_costs = asyncio.run(measure(naive, ids, naive_turns))
        m_ours, m_naive = statistics.median(ours_costs), statistics.median(naive_costs)
        medians[size] = m_ours
        print(
            f"{size:>9,} | {m_ours:>11.2f} {p99(ours_costs):>12.2f} | "
            f"{m_naive:>11.2f} {p99(naive_costs):>12.2f} | {m_naive / m_ours:>5.1f}x"
        )
    smallest, largest = min(medians), max(medians)
    print(
        f"\nturn cost at {largest:,} employees / at {smallest:,}: "
        f"{medians[largest] / medians[smallest]:.2f}x (per-employee files)"
    )


if __name__ == "__main__":
    main()
