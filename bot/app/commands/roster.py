"""`popbot roster import | show`: HR's roster and where each person stands."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.app.settings import Settings
from bot.app.wiring import LANGUAGES, Parts
from bot.clock import utc_now
from bot.domain import DONE, START
from bot.people.roster import RosterError, parse_roster


def cmd_roster_import(args: argparse.Namespace, settings: Settings) -> int:
    warnings: list[str] = []
    try:
        people = parse_roster(Path(args.file), LANGUAGES, now=utc_now(), warnings=warnings)
    except RosterError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"popbot: nothing was imported from {args.file}", file=sys.stderr)
        return 1
    for warning in warnings:
        print(warning, file=sys.stderr)
    scheduler = Parts(settings).scheduler()
    result, planned, resumed = scheduler.import_roster(people)
    if resumed:
        print("an earlier import was interrupted: everyone is planned again")
    print(
        f"{len(people)} people: {len(result.added)} added, {len(result.updated)} updated, "
        f"{len(result.deactivated)} no longer in the roster (kept, schedule stopped)"
    )
    print(f"schedule: {planned} message(s) planned, moved or cancelled (popbot schedule status)")
    if scheduler.unplanned:
        print(
            f"popbot: {len(scheduler.unplanned)} could not be planned (see the log above): "
            f"{', '.join(scheduler.unplanned[:10])}; run the import again once that is mended",
            file=sys.stderr,
        )
        return 1
    return 0


def cmd_roster_show(args: argparse.Namespace, settings: Settings) -> int:
    parts = Parts(settings)
    people = parts.roster.everyone()
    if not people:
        print("popbot: the roster is empty (popbot roster import FILE)", file=sys.stderr)
        return 1
    rows = [("id", "name", "manager", "conversation", "platform", "status")]
    for p in people:
        record = parts.store.load(p.id)
        if not p.active:
            status = "inactive"
        elif record is None or record.state == START:
            status = "not started"
        elif record.state == DONE:
            status = "done"
        else:
            status = f"at {record.state} ({len(record.answers)} answers)"
        when = p.conversation_at()
        rows.append(
            (
                p.id,
                p.name,
                p.manager or "–",
                when.strftime("%Y-%m-%d %H:%M %Z") if when else "–",
                p.platform or "–",
                status,
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip())
    return 0
