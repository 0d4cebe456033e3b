"""1,000 employees chatting with the Telegram adapter at once, against Telegram's rate limit.

    python -m benchmarks.telegram                  # 1,000 employees, 3 turns each
    python -m benchmarks.telegram --employees 200 --turns 5

The real python-telegram-bot Application polls a fake Bot API server on
127.0.0.1 (tests/fakes/telegram_api.py) and replies through popbot's rate
limiter (Telegram's overall 30 messages a second, 429s waited out, 5xx
retried). Every employee opens the bot (`/start`) and answers as soon as the
bot's reply to their previous message is out. Telegram's limit makes a lower
bound: the messages the bot sends, divided by 30 per second. Printed: the
total time against that bound, and the same run with the limiter's rate off
(measured in the same run) — what the bot could do if Telegram let it.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from adapters.telegram.adapter import TelegramAdapter
from benchmarks.telegram_limit import TELEGRAM_RATE, bound, limited_calls, ratio
from bot import Engine
from bot.app.platforms import accounts
from bot.dialog.registry import ScriptRegistry
from bot.people.access import Access
from bot.people.roster import Person, Roster
from storage import TinyDBStore
from tests.fakes.telegram_api import TOKEN, FakeTelegram, message
from tests.helpers import EN, FULL_ROUTE, NL

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
FIRST_CHAT = 700_000


class Driven(TelegramAdapter):
    """The adapter, telling the benchmark when the reply to a turn is out."""

    turn_done: Any = None

    async def send(self, context: Any, chat_id: int, out: list[Any]) -> None:
        await super().send(context, chat_id, out)
        if self.turn_done is not None:
            self.turn_done(chat_id)


async def run(employees: int, turns: int, max_rate: float) -> dict[str, float]:
    answers = [
        "/start",
        *[a if a[0].isdigit() else f"{a} ({i})" for i, a in enumerate(FULL_ROUTE[: turns - 1])],
    ]
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        store = TinyDBStore(data)
        roster = Roster(store)
        roster.import_people([Person(f"emp{n:05d}", f"Medewerker {n}", "nl") for n in range(employees)])
        access = Access(store, lambda: NOW, timedelta(days=14), accounts=accounts())
        for n in range(employees):
            access.bind("telegram", str(FIRST_CHAT + n), f"emp{n:05d}")
        engine = Engine(ScriptRegistry.of(NL, EN), store, clock=lambda: NOW)
        adapter = Driven(engine, access, roster)
        api = FakeTelegram()
        await api.start()
        app = adapter.build(TOKEN, api.url, max_rate=max_rate)
        progress = dict.fromkeys(range(FIRST_CHAT, FIRST_CHAT + employees), 0)
        sent_at: dict[int, float] = {}
        latencies: list[float] = []
        finished = asyncio.Event()

        def say(chat: int) -> None:
            sent_at[chat] = time.perf_counter()
            api.push(message(chat, answers[progress[chat]]))

        def turn_done(chat: int) -> None:
            latencies.append(time.perf_counter() - sent_at[chat])
            progress[chat] += 1
            if progress[chat] < len(answers):
                say(chat)
            elif all(p == len(answers) for p in progress.values()):
                finished.set()

        adapter.turn_done = turn_done
        async with app:
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0.0, timeout=1)
            await app.start()
            start = time.perf_counter()
            for chat in progress:
                say(chat)
            await finished.wait()
            elapsed = time.perf_counter() - start
            await app.updater.stop()
            await app.stop()
        await api.stop()
    limited = limited_calls(api.calls)
    cuts = statistics.quantiles(latencies, n=100)
    return {
        "seconds": elapsed,
        "messages": len(limited),
        "turns": len(latencies),
        "bound": bound(len(limited)),
        "p50": cuts[49],
        "p99": cuts[98],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--employees", type=int, default=1000)
    parser.add_argument("--turns", type=int, default=3, help="per employee, /start included")
    args = parser.parse_args()
    limited = asyncio.run(run(args.employees, args.turns, TELEGRAM_RATE))
    free = asyncio.run(run(args.employees, args.turns, 0))
    print(f"{args.employees:,} employees × {args.turns} turns = {limited['turns']:,.0f} turns")
    print("| run | bot messages | total s | Telegram's bound s | total / bound | turn p50 s | turn p99 s |")
    print("|---|---|---|---|---|---|---|")
    for name, r in (("30 msg/s (Telegram's limit)", limited), ("no rate limit (baseline)", free)):
        print(
            f"| {name} | {r['messages']:,.0f} | {r['seconds']:.1f} | {r['bound']:.1f} | "
            f"{ratio(r['seconds'], r['bound'])} | {r['p50']:.2f} | {r['p99']:.2f} |"
        )
    print(f"\nwith the limit / without: {limited['seconds'] / free['seconds']:.1f}× the time")


if __name__ == "__main__":
    main()
