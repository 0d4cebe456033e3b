"""A dialog turn on the conversation machine, at 100,000 employees stored, against the turn
of the release before it — both measured in the same run, on the same data folder.

    python -m benchmarks.conversation --baseline-tree /tmp/base     # a checkout of the release before
    python -m benchmarks.conversation --employees 10000 --turns 300 --baseline-tree /tmp/base

The data folder is written once (each employee with ~40 answers, standing at the second
question); each tree then runs the same turns in a process of its own (the baseline with
its checkout first on the path) — the baseline, the machine, the machine, the baseline, so
neither gains from its place — an answer, then `vorige` back to the same question, so
every turn does the same work (`advance` and `back`). Prints median and p99 per tree
(the answer's turn) and the ratio (goal: at most 1.2×).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

NOW = datetime(2026, 11, 22, tzinfo=UTC)
HERE = Path(__file__).resolve().parent.parent


def fill(data: Path, employees: int) -> None:
    """The data folder: `employees` records, each with ~40 answers, at the second question."""
    from bot.dialog.script import bundled_script_path, load_script
    from bot.domain import Answer, EmployeeRecord
    from storage import TinyDBStore

    loaded = load_script(bundled_script_path())
    dates = {qid for qid, q in loaded.questions.items() if q.kind == "date"}
    qids = [q for q in loaded.order if q != "doelen" and q not in dates][:40]
    store = TinyDBStore(data)
    for n in range(employees):
        answers = {
            qid: Answer(
                value=f"Antwoord {i} van medewerker {n}, met wat tekst erbij.", version=loaded.version, at=NOW
            )
            for i, qid in enumerate(qids)
        }
        answers["route"] = Answer(value="volledig", version=loaded.version, at=NOW)
        store.save(
            EmployeeRecord(employee_id=f"emp{n:06d}", state="goed_in", answers=answers, history=["route"])
        )


async def _turns(data: Path, employees: int, turns: int) -> list[float]:
    from bot import Engine, Incoming, load_script
    from bot.dialog.script import bundled_script_path
    from storage import TinyDBStore

    engine = Engine({"nl": load_script(bundled_script_path())}, TinyDBStore(data), clock=lambda: NOW)
    rng = random.Random(7)
    costs = []
    for t in range(turns):
        who = f"emp{rng.randrange(employees):06d}"
        start = time.perf_counter()
        await engine.handle(who, Incoming.say(f"Plannen en organiseren {t}"))
        costs.append((time.perf_counter() - start) * 1000)
        await engine.handle(who, Incoming.say("vorige"))  # back to the same question
    return costs


def one(data: Path, employees: int, turns: int) -> None:
    """Measure in this process and print the costs as JSON (run once per tree)."""
    print(json.dumps(asyncio.run(_turns(data, employees, turns))))


def _run(tree: Path | None, data: Path, employees: int, turns: int) -> list[float]:
    env = dict(os.environ)
    if tree is not None:  # the release before: its checkout first, so `bot` and `storage` are its
        env["PYTHONPATH"] = os.pathsep.join([str(tree), env.get("PYTHONPATH", "")])
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--one", str(data), str(employees), str(turns)],
        env=env, capture_output=True, text=True, check=True, cwd=tree or HERE,
    )  # fmt: skip
    costs: list[float] = json.loads(done.stdout.strip().splitlines()[-1])
    return costs


def p99(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.99) - 1)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--employees", type=int, default=100_000)
    ap.add_argument("--turns", type=int, default=500)
    ap.add_argument("--baseline-tree", type=Path, help="a checkout of the release before (required)")
    ap.add_argument("--one", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        one(Path(args.one[0]), int(args.one[1]), int(args.one[2]))
        return
    if args.baseline_tree is None:
        ap.error("--baseline-tree: a checkout of the release before (git worktree add /tmp/base <commit>)")
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        start = time.perf_counter()
        fill(data, args.employees)
        print(f"{args.employees:,} employees written in {time.perf_counter() - start:.0f} s")
        _run(None, data, args.employees, 50)  # warm the file cache for both alike
        before: list[float] = []
        after: list[float] = []
        # in turns, either first once: neither gains from going second
        for tree in (args.baseline_tree, None, None, args.baseline_tree):
            (before if tree is not None else after).extend(_run(tree, data, args.employees, args.turns))
    mb, ma = statistics.median(before), statistics.median(after)
    print(f"{'turn':>28} | {'median ms':>9} | {'p99 ms':>7}")
    print(f"{'the release before (baseline)':>28} | {mb:>9.2f} | {p99(before):>7.2f}")
    print(f"{'the conversation machine':>28} | {ma:>9.2f} | {p99(after):>7.2f}")
    print(f"\nmedian ratio machine / before: {ma / mb:.2f}x; p99 ratio: {p99(after) / p99(before):.2f}x")


if __name__ == "__main__":
    main()
