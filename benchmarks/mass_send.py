"""T−7 for 1,000 managers at once: every draft POP and alignment summary in one scheduler pass.

    python -m benchmarks.mass_send                 # 1,000 managers on Telegram; baseline 200
    python -m benchmarks.mass_send --managers 200 --baseline 50

Each manager has one report whose conversation is a week away and whose
preparation is finished (the full route, one goal). The pass composes, per
manager, the summary, the draft POP as a PDF, the alignment summary and its
PDF, records each part in the outbox and sends it through popbot's Telegram
channel — python-telegram-bot with popbot's rate limiter, to the fake Bot API
on 127.0.0.1. Telegram's overall limit (30 messages a second) makes a lower
bound: the messages sent, divided by 30. Since issue 16 the passes of the hour
before compose the drafts ahead (`bot.schedule.ahead`); the T−7 pass only sends.
Baselines in the same run, on fewer managers (the cost per manager does not
depend on how many): the pass composing at the send, with the limit and without.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from telegram.ext import ExtBot

from adapters.console import ConsoleInbox
from adapters.telegram.channel import TelegramChannel
from adapters.telegram.retry import RetryingRateLimiter
from benchmarks.telegram_limit import TELEGRAM_RATE, bound, limited_calls, ratio
from bot import Engine, Incoming
from bot.app.platforms import accounts
from bot.app.wiring import build_scheduler
from bot.dialog.registry import ScriptRegistry
from bot.people.access import Access
from bot.people.roster import Roster, parse_roster
from bot.ports import Channel
from bot.schedule.outbox import Outbox
from bot.schedule.scheduler import Scheduler
from storage import TinyDBStore
from storage.outbox_files import OutboxFiles
from tests.fakes.telegram_api import TOKEN, FakeTelegram
from tests.helpers import EN, FULL_ROUTE, NL, family

NOW = datetime(2026, 11, 30, 9, 30, tzinfo=UTC)  # Monday 10:30 in Amsterdam: T−7 for 7 December
FIRST_CHAT = 800_000


async def prepare(data: Path, managers: int, platform: str = "telegram") -> None:
    lines = ["id,name,email,language,manager,platform,handle,conversation,timezone"]
    for n in range(managers):
        lines.append(f"m{n:04d},Manager {n},,nl,,{platform},,,Europe/Amsterdam")
        lines.append(f"e{n:04d},Medewerker {n},,nl,m{n:04d},console,,2026-12-07 10:00,Europe/Amsterdam")
    csv = data.parent / "roster.csv"
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = TinyDBStore(data)
    Roster(store).import_people(parse_roster(csv, ("nl", "en"), accounts=accounts()))
    access = Access(store, lambda: NOW, timedelta(days=14), accounts=accounts())
    for n in range(managers):
        access.bind("telegram", str(FIRST_CHAT + n), f"m{n:04d}")
    # one employee walks the full route; the others hold the same answers under their own id
    engine = Engine(ScriptRegistry.of(NL, EN), store, clock=lambda: NOW)
    await engine.start("e0000")
    for answer in FULL_ROUTE:
        await engine.handle("e0000", Incoming.say(answer))
    template = store.load("e0000")
    assert template is not None and template.state == "__done__"
    for n in range(1, managers):
        store.save(template.model_copy(update={"employee_id": f"e{n:04d}"}))


def plan_only_t7(scheduler: Scheduler, data: Path) -> None:
    """Plan on time; only T−7 is measured: the entries before it are taken as done."""
    scheduler.clock = lambda: NOW - timedelta(hours=2)
    scheduler.sync()
    outbox = Outbox(OutboxFiles(data))
    for entry in outbox.everything():
        if entry.kind != "delivery" and entry.status == "planned":
            outbox.close(entry, "skipped", NOW)


async def run(managers: int, max_rate: float, ahead: bool = True) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        await prepare(data, managers)
        api = FakeTelegram()
        await api.start()
        bot = ExtBot(
            TOKEN,
            base_url=f"{api.url}/bot{{token}}",
            rate_limiter=RetryingRateLimiter(5, max_rate=max_rate),
        )
        async with bot:
            channels: dict[str, Channel] = {
                "telegram": TelegramChannel(bot),
                "console": ConsoleInbox(TinyDBStore(data)),
            }
            scheduler = build_scheduler(
                data, ScriptRegistry.of(NL, EN), channels, clock=lambda: NOW, managers=family("manager")
            )
            plan_only_t7(scheduler, data)
            composing = 0.0
            if ahead:  # the passes of the hour before: they compose the drafts due at T−7
                scheduler.clock = lambda: NOW - timedelta(hours=1)
                start = time.perf_counter()
                while (await scheduler.run_due()).composed_ahead:
                    pass
                composing = time.perf_counter() - start
            scheduler.clock = lambda: NOW
            start = time.perf_counter()
            report = await scheduler.run_due()
            elapsed = time.perf_counter() - start
        await api.stop()
    assert len(report.sent) == managers, f"{len(report.sent)} of {managers} sent: {report}"
    messages = limited_calls(api.calls)
    return {
        "ahead": composing,
        "seconds": elapsed,
        "messages": len(messages),
        "documents": sum(c.method == "sendDocument" for c in messages),
        "bound": bound(len(messages)),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--managers", type=int, default=1000)
    parser.add_argument(
        "--baseline", type=int, default=200, help="managers in the runs that compose at the send"
    )
    args = parser.parse_args()
    runs = (
        ("composed ahead, 30 msg/s", args.managers, asyncio.run(run(args.managers, TELEGRAM_RATE))),
        (
            "composed at the send, 30 msg/s (baseline)",
            args.baseline,
            asyncio.run(run(args.baseline, TELEGRAM_RATE, ahead=False)),
        ),
        ("composed at the send, no limit", args.baseline, asyncio.run(run(args.baseline, 0, ahead=False))),
    )
    print(
        "| run | managers | messages (PDFs) | composed before, s | T−7 pass s | bound s | pass / bound "
        "| ms per manager |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, n, r in runs:
        print(
            f"| {name} | {n:,} | {r['messages']:,.0f} ({r['documents']:,.0f}) | {r['ahead']:.1f} "
            f"| {r['seconds']:.1f} | {r['bound']:.1f} | {ratio(r['seconds'], r['bound'])} "
            f"| {r['seconds'] / n * 1000:.0f} |"
        )
    per_ahead, per_send = runs[0][2]["seconds"] / args.managers, runs[1][2]["seconds"] / args.baseline
    print(f"\nT−7 pass per manager, composed at the send / composed ahead: {per_send / per_ahead:.2f}×")


if __name__ == "__main__":
    main()
