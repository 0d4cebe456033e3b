"""Chat turns on `popbot serve` while HR works in the console on the same port.

    python -m benchmarks.serve_hr_load                 # a 10,000-person import
    python -m benchmarks.serve_hr_load --people 2000

`popbot serve` runs as its own process with Slack (signed HTTP events, a fake Web API on
127.0.0.1) and the console. One employee chats as fast as popbot answers (`voortgang`: an
event in, a reply posted); a turn's latency is from the event posted to the reply arriving
at the fake Web API. Measured in the same run: the turns with nothing else going on (the
baseline), then the turns while HR signs in ten times at once (argon2 each) and checks and
imports a roster of `--people` (the people popbot then plans a schedule for). Printed: p50
and p99 in both, and their ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from tests.serve_load import Served, roster, served

QUIET_TURNS = 300


def quantiles(latencies: list[float]) -> tuple[float, float]:
    ms = sorted(1000 * x for x in latencies)
    return statistics.median(ms), ms[min(len(ms) - 1, int(0.99 * len(ms)))]


async def run(people: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        async with served(Path(tmp)) as s:
            for _ in range(20):  # warm: scripts loaded, connections open
                await s.turn()
            s.turns.clear()
            for _ in range(QUIET_TURNS):
                await s.turn()
            quiet = [r - t for t, r in s.turns]
            s.turns.clear()
            going = asyncio.Event()
            going.set()

            async def chat(served: Served) -> None:
                while going.is_set():
                    await served.turn()

            chatting = asyncio.create_task(chat(s))
            began = time.monotonic()
            csv = roster(people).encode()
            await asyncio.gather(*(s.sign_in() for _ in range(10)))
            signed_in = time.monotonic()
            start, end = await s.import_roster(csv)
            going.clear()
            await chatting
            loaded = [r - t for t, r in s.turns if t >= began and r <= end]
    q50, q99 = quantiles(quiet)
    l50, l99 = quantiles(loaded)
    print(
        f"roster of {people:,}: ten sign-ins {signed_in - began:.1f} s, check + import "
        f"{end - signed_in:.1f} s (the import request alone {end - start:.1f} s)"
    )
    print("| chat turns | turns | p50 ms | p99 ms |")
    print("|---|---|---|---|")
    print(f"| quiet (baseline) | {len(quiet)} | {q50:.1f} | {q99:.1f} |")
    print(f"| while HR signs in ×10 and imports | {len(loaded)} | {l50:.1f} | {l99:.1f} |")
    print(f"| ratio | | {l50 / q50:.2f}× | {l99 / q99:.2f}× |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=10_000)
    args = parser.parse_args()
    asyncio.run(run(args.people))


if __name__ == "__main__":
    main()
