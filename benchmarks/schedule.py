"""The cost of a scheduler pass as the roster grows.

    python -m benchmarks.schedule             # 100, 1,000 and 3,000 people
    python -m benchmarks.schedule --sizes 100 1000

Each person has a conversation somewhere in the next 60 days, so the outbox
holds ~4 entries per person. A pass is `Scheduler.run_due()` at a moment when
nothing is due (the cost every minute of the day) and at a busy Monday 09:00
(the cost per message sent, through the console inbox). The baseline, in the
same run, is what a pass costs without the due-time index: reading every
entry to find the due ones (`Outbox.everything()`).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from adapters.console import ConsoleInbox
from bot.app.wiring import build_scheduler
from bot.dialog.script import bundled_script_path, load_script
from bot.engine.engine import Engine
from bot.people.roster import Person, Roster
from storage import TinyDBStore

START = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
QUIET = datetime(2026, 12, 2, 21, 30, tzinfo=UTC)  # Wednesday evening: nothing due
BUSY = datetime(2026, 12, 7, 8, 5, tzinfo=UTC)  # Monday 09:05 in Amsterdam


def roster(n: int) -> list[Person]:
    people = [Person(id="boss", name="Boss", platform="console")]
    for i in range(n):
        day = START + timedelta(days=15 + i % 60, hours=i % 7)
        people.append(
            Person(
                id=f"e{i}",
                name=f"Employee {i}",
                manager="boss",
                platform="console",
                conversation=day.astimezone(UTC).replace(tzinfo=None).isoformat() + "+00:00",
            )
        )
    return people


def timed(fn: object, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        out.append((time.perf_counter() - t0) * 1000)
    return out


def measure(n: int, root: Path) -> dict[str, float]:
    store = TinyDBStore(root)
    Roster(store).import_people(roster(n))
    scripts = Engine({"nl": load_script(bundled_script_path("pop", "nl"))}, store).scripts
    now = [START]
    scheduler = build_scheduler(root, scripts, {"console": ConsoleInbox(store)}, clock=lambda: now[0])
    t0 = time.perf_counter()
    scheduler.sync()
    sync_ms = (time.perf_counter() - t0) * 1000 / n
    entries = len(scheduler.outbox.everything())

    now[0] = QUIET
    quiet = timed(lambda: asyncio.run(scheduler.run_due()), 20)
    scan = timed(lambda: [e for e in scheduler.outbox.everything() if e.due <= now[0]], 3)

    now[0] = BUSY
    t0 = time.perf_counter()
    report = asyncio.run(scheduler.run_due())
    busy_ms = (time.perf_counter() - t0) * 1000
    sent = max(1, len(report.sent))
    return {
        "people": n,
        "entries": entries,
        "sync_per_person": sync_ms,
        "quiet_pass": statistics.median(quiet),
        "full_scan": statistics.median(scan),
        "busy_sent": len(report.sent),
        "busy_per_message": busy_ms / sent,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 3000])
    args = parser.parse_args()
    rows = []
    for n in args.sizes:
        with tempfile.TemporaryDirectory(prefix="popbot-bench-") as tmp:
            rows.append(measure(n, Path(tmp)))
    print(
        f"{'people':>7} {'entries':>8} {'sync/person':>12} {'quiet pass':>11} {'full scan':>10} "
        f"{'scan/pass':>9} {'busy: sent':>10} {'ms/message':>10}"
    )
    for r in rows:
        print(
            f"{r['people']:>7} {r['entries']:>8} {r['sync_per_person']:>10.2f}ms {r['quiet_pass']:>9.2f}ms "
            f"{r['full_scan']:>8.1f}ms {r['full_scan'] / r['quiet_pass']:>8.0f}× {r['busy_sent']:>10} "
            f"{r['busy_per_message']:>8.2f}ms"
        )
    first, last = rows[0], rows[-1]
    print(
        f"quiet pass at {last['people']:,} / at {first['people']:,} people: "
        f"{last['quiet_pass'] / first['quiet_pass']:.2f}×; "
        f"full scan: {last['full_scan'] / first['full_scan']:.1f}×"
    )


if __name__ == "__main__":
    main()
