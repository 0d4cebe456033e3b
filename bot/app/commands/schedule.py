"""`popbot schedule status | plan | run-due`: what the clock sends, and one pass for cron."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import UTC, date
from typing import TYPE_CHECKING, Any

from bot.app.settings import Settings
from bot.app.views import ScheduleView, entry_row, schedule_summary, schedule_view
from bot.app.wiring import Parts
from bot.schedule.outbox import Entry

if TYPE_CHECKING:
    pass


def cmd_schedule_status(args: argparse.Namespace, settings: Settings) -> int:
    """A summary by default (failures first, then what is due per day and kind for the next
    two weeks, then totals); with a filter, or `--all`, the messages themselves; `--json`
    for scripts."""
    parts = Parts(settings)
    parts.finish_interrupted_import()
    scheduler = schedule_view(parts)
    listing = any(
        getattr(args, f, None) for f in ("all", "person", "manager", "since", "until", "status", "kind")
    )
    if not listing:  # the summary comes from the due-time index alone: no plan is read
        summary = schedule_summary(scheduler)
        if args.json:
            print(json.dumps(summary, ensure_ascii=False, indent=1))
        else:
            _print_summary(summary)
        return _said_failed(summary["failed"])
    try:
        chosen = _chosen(scheduler, args)
    except ValueError as exc:
        print(f"popbot: {exc}", file=sys.stderr)
        return 2
    if chosen is None:
        return 1
    rows = [entry_row(scheduler, e) for e in chosen]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    else:
        _table(rows)
    return _said_failed(rows)


def _said_failed(rows: list[dict[str, Any]]) -> int:
    failed = sum(r["status"] == "failed" for r in rows)
    if failed:
        print(f"popbot: {failed} message(s) could not be delivered — see FAILED above", file=sys.stderr)
    return 0


def _chosen(scheduler: ScheduleView, args: argparse.Namespace) -> list[Entry] | None:
    """The entries the filters name — for a person or a manager's reports only theirs are read."""
    if args.person or args.manager:
        people = (
            [args.person]
            if args.person
            else [p.id for p in scheduler.roster.everyone() if p.manager == args.manager]
        )
        entries = [e for person in people for e in scheduler.outbox.for_person(person)]
    else:
        entries = scheduler.outbox.everything()
        if not entries:
            print("popbot: nothing is planned (popbot roster import FILE)", file=sys.stderr)
            return None
    since = _day(args.since, "--from") if args.since else None
    until = _day(args.until, "--to") if args.until else None
    return sorted(
        (
            e
            for e in entries
            if (not args.status or e.status == args.status)
            and (not args.kind or e.kind == args.kind)
            and (since is None or e.due.astimezone(UTC).date() >= since)
            and (until is None or e.due.astimezone(UTC).date() <= until)
        ),
        key=lambda e: (e.due, e.key),
    )


def _day(text: str, flag: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{flag} takes a date as YYYY-MM-DD, not {text!r}") from None


def _table(rows: list[dict[str, Any]]) -> None:
    lines = [("due", "kind", "person", "to", "via", "status", "")]
    for r in rows:
        status = "FAILED" if r["status"] == "failed" else r["status"] + (" (late)" if r["late"] else "")
        lines.append((r["due"], r["kind"], r["person"], r["to"], r["via"], status, r["detail"]))
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    for line in lines:
        print("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip())


def _print_summary(summary: dict[str, Any]) -> None:
    failed = summary["failed"]
    print(f"Failed: {len(failed)}")
    if failed:
        _table(failed)
    print(f"\nDue {summary['from']} to {summary['to']} (UTC days), per kind:")
    if not summary["next_days"]:
        print("  nothing")
    for day, kinds in summary["next_days"].items():
        print(f"  {day}  " + ", ".join(f"{kind} {n}" for kind, n in kinds.items()))
    print(f"\nOpen (planned or being sent), all dates: {summary['open']}")
    if not summary["open"] and not failed:
        print("Nothing is planned (popbot roster import FILE).")
    print(
        "(--all lists every message; --person, --manager, --from, --to, --status and --kind "
        "list some; --json for scripts)"
    )


def cmd_schedule_plan(args: argparse.Namespace, settings: Settings) -> int:
    changed = Parts(settings).planner().sync()
    print(f"schedule: {changed} message(s) planned, moved or cancelled (popbot schedule status)")
    return 0


def cmd_schedule_run_due(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app.runtime import one_pass

    parts = Parts(settings)
    report = asyncio.run(one_pass(parts))
    if report.busy:
        print("popbot: another process is sending right now; nothing done", file=sys.stderr)
        return 0
    print(
        f"sent {len(report.sent)}, skipped {len(report.skipped)}, cancelled {len(report.cancelled)}, "
        f"waiting {len(report.waiting)}, retrying {len(report.retrying)}, failed {len(report.failed)}"
    )
    return 1 if report.failed else 0
