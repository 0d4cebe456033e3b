"""`popbot schedule status | plan | run-due`: what the clock sends, and one pass for cron."""

from __future__ import annotations

import argparse
import asyncio
import sys
from contextlib import AsyncExitStack
from zoneinfo import ZoneInfo

from bot.app.commands.platforms import slack_client, telegram_bot
from bot.app.settings import Settings
from bot.app.wiring import Parts
from bot.schedule.scheduler import PassReport


def cmd_schedule_status(args: argparse.Namespace, settings: Settings) -> int:
    scheduler = Parts(settings).scheduler()
    if scheduler.roster.store.import_pending():
        print(
            "popbot: a roster import did not finish: run 'popbot roster import FILE' again",
            file=sys.stderr,
        )
    entries = scheduler.outbox.everything()
    if not entries:
        print("popbot: nothing is planned (popbot roster import FILE)", file=sys.stderr)
        return 1
    rows = [("due", "kind", "person", "to", "via", "status", "")]
    for e in entries:
        person = scheduler.roster.get(e.person)
        to = scheduler.roster.get(e.to) if e.to else scheduler.recipient(e, person) if person else None
        who = to or person
        zone = ZoneInfo(who.timezone if who else "UTC")
        via = e.channel or ((scheduler.route(to) or ("unreachable",))[0] if to else "–")
        status = e.status + (" (late)" if e.late else "")
        if e.status == "failed":
            status = "FAILED"
        detail = e.error if e.status == "failed" else e.note
        if e.status in ("planned", "sending") and e.attempts:
            detail = (
                f"try {e.attempts + 1} at {e.next_try:%Y-%m-%d %H:%M} UTC: {e.error}"
                if e.next_try
                else e.error
            )
        if e.deadline and e.status == "planned":
            detail = f"when finished, at the latest {e.deadline.astimezone(zone):%Y-%m-%d %H:%M %Z}"
        rows.append(
            (
                e.due.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z"),
                e.kind,
                e.person,
                to.id if to else "–",
                via,
                status,
                detail,
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip())
    failed = sum(e.status == "failed" for e in entries)
    if failed:
        print(f"popbot: {failed} message(s) could not be delivered — see FAILED above", file=sys.stderr)
    return 0


def cmd_schedule_plan(args: argparse.Namespace, settings: Settings) -> int:
    changed = Parts(settings).scheduler().sync()
    print(f"schedule: {changed} message(s) planned, moved or cancelled (popbot schedule status)")
    return 0


def cmd_schedule_run_due(args: argparse.Namespace, settings: Settings) -> int:
    parts = Parts(settings)

    async def one_pass() -> PassReport:
        async with AsyncExitStack() as stack:
            telegram = slack = None
            if settings.telegram_on:
                telegram = await stack.enter_async_context(telegram_bot(settings))
            if settings.slack_on:
                slack = slack_client(settings)
            # no re-plan here: a pass reads only the due-time index, never the whole roster
            return await parts.scheduler(telegram, slack).run_due()

    report = asyncio.run(one_pass())
    if report.busy:
        print("popbot: another process is sending right now; nothing done", file=sys.stderr)
        return 0
    print(
        f"sent {len(report.sent)}, skipped {len(report.skipped)}, cancelled {len(report.cancelled)}, "
        f"waiting {len(report.waiting)}, retrying {len(report.retrying)}, failed {len(report.failed)}"
    )
    return 1 if report.failed else 0
