"""What one `popbot serve` replica takes, for the Kubernetes requests and limits:

    python -m benchmarks.resources                 # 50 employees, the whole dialog each
    python -m benchmarks.resources --employees 200

`popbot serve --only console,telegram` runs as its own process on the files store, Telegram
polling the fake Bot API on 127.0.0.1 (tests/fakes/telegram_api.py). Read from /proc: its
resident memory idle after start (the baseline, same run), then after every employee has
talked the whole dialog through (and the peak), and the CPU seconds the dialogs took.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.app.platforms import accounts
from bot.people.access import Access
from storage import TinyDBStore
from tests.fakes.telegram_api import TOKEN, FakeTelegram, message
from tests.helpers import FULL_ROUTE
from tests.schedule_world import free_port

FIRST_CHAT = 800_000


def status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM in MiB, and CPU seconds (user + system) × 100."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) // 1024
    stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    fields["cpu"] = int(stat[11]) + int(stat[12])  # utime + stime, in clock ticks
    return fields


async def run(employees: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        access = Access(TinyDBStore(data), lambda: datetime.now(UTC), accounts=accounts())
        for n in range(employees):
            access.bind("telegram", str(FIRST_CHAT + n), f"e{n}")
        telegram = FakeTelegram()
        await telegram.start()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("POPBOT_", "TELEGRAM_", "SLACK_"))}
        env |= {
            "POPBOT_DATA_DIR": str(data),
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": telegram.url,
        }
        port = free_port()
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.app.cli", "serve", "--only", "console,telegram", "--port", str(port),
            "--listen", "127.0.0.1", env=env, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        await telegram.wait_for(lambda: bool(telegram.of("getUpdates")), 60)
        await asyncio.sleep(2)
        idle = status(proc.pid)
        began = time.perf_counter()
        answers = ["/start", *[a if a[0].isdigit() else f"{a} ({i})" for i, a in enumerate(FULL_ROUTE)]]
        for text in answers:  # every employee says the next thing, then waits for the replies
            before = {c: len(telegram.sent_texts(FIRST_CHAT + c)) for c in range(employees)}
            for c in range(employees):
                telegram.push(message(FIRST_CHAT + c, text))
            await telegram.wait_for(
                lambda: all(len(telegram.sent_texts(FIRST_CHAT + c)) > before[c] for c in range(employees)),  # noqa: B023
                300,
            )
        seconds = time.perf_counter() - began
        busy = status(proc.pid)
        proc.terminate()
        await proc.wait()
        await telegram.stop()
    turns = employees * len(answers)
    cpu = (busy["cpu"] - idle["cpu"]) / os.sysconf("SC_CLK_TCK")
    print(f"{employees} employees, {turns} turns in {seconds:.1f} s")
    print("| | resident MiB | ratio to idle |\n|---|---|---|")
    print(f"| idle after start (baseline) | {idle['VmRSS']} | 1.00× |")
    print(f"| after every dialog | {busy['VmRSS']} | {busy['VmRSS'] / idle['VmRSS']:.2f}× |")
    print(f"| peak | {busy['VmHWM']} | {busy['VmHWM'] / idle['VmRSS']:.2f}× |")
    per_turn = cpu / turns * 1000
    print(f"CPU: {cpu:.1f} s for {turns} turns ({per_turn:.1f} ms a turn), {cpu / seconds:.2f} cores busy")


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--employees", type=int, default=50)
    asyncio.run(run(p.parse_args().employees))
