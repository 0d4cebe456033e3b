"""`popbot roster import | show`: HR's roster and where each person stands."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from bot.app.settings import LANGUAGES, Settings
from bot.app.wiring import Parts
from bot.clock import utc_now
from bot.domain import DONE, START, milestones
from bot.people.roster import Person, RosterError, parse_roster
from bot.schedule.outbox import Outbox


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
    parts = Parts(settings)
    scheduler = parts.planner()
    if not parts.store.has_progress() and not any(True for _ in parts.store.people()):
        parts.store.start_progress()  # a new data folder: counted from the start, never backfilled
    result, planned, resumed = scheduler.import_roster(people)
    if resumed:
        print("an earlier import was interrupted: it was finished first")
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


STAGES = ("reports", "invited", "started", "finished", "delivered", "agreed")


def cmd_roster_show(args: argparse.Namespace, settings: Settings) -> int:
    """By default per manager how far their reports are (counts, never answers) from the
    progress log alone; `--all` or `--manager ID` list the people (reading their records);
    `--json` for scripts."""
    parts = Parts(settings)
    parts.finish_interrupted_import()
    people = parts.roster.everyone()
    if not people:
        print("popbot: the roster is empty (popbot roster import FILE)", file=sys.stderr)
        return 1
    if args.manager:
        people = [p for p in people if p.manager == args.manager]
    outbox = Outbox(parts.outbox_files)
    if args.all or args.manager:
        rows = [_person(parts, outbox, p) for p in people]
        if args.json:
            print(json.dumps(rows, ensure_ascii=False, indent=1))
        else:
            _table(
                [("id", "name", "manager", "conversation", "platform", "status")],
                [
                    (r["id"], r["name"], r["manager"], r["conversation"], r["platform"], r["status"])
                    for r in rows
                ],
            )
        return 0
    active = [p for p in people if p.active]
    if not parts.store.has_progress():  # data from before the progress log: counted once, the slow way
        _count_from_records(parts, outbox, active)
    reached = parts.store.progress_of([(p.id, p.conversation) for p in active])
    teams: dict[str, Counter[str]] = {}
    for p in active:
        teams.setdefault(p.manager or "–", Counter()).update(["reports", *reached[p.id]])
    summary = {manager: {stage: team[stage] for stage in STAGES} for manager, team in sorted(teams.items())}
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=1))
        return 0
    total = {stage: sum(team[stage] for team in summary.values()) for stage in STAGES}
    lines = [(manager, *(str(team[stage]) for stage in STAGES)) for manager, team in summary.items()]
    _table([("manager", *STAGES)], [*lines, ("all", *(str(total[stage]) for stage in STAGES))])
    print("(--all lists everyone; --manager ID lists one manager's reports; --json for scripts)")
    return 0


def _count_from_records(parts: Parts, outbox: Outbox, people: list[Person]) -> None:
    """The progress log written from every record and plan, once (a data folder of before it)."""
    for p in people:
        row = _person(parts, outbox, p)
        parts.store.mark_progress(p.id, p.conversation, [s for s in STAGES[1:] if row[s]])
    parts.store.start_progress()


def _person(parts: Parts, outbox: Outbox, p: Person) -> dict[str, Any]:
    """Where one person stands — their progress, never their answers."""
    record = parts.store.load(p.id)
    sent = {e.kind for e in outbox.for_person(p.id) if e.status == "sent"}
    if not p.active:
        status = "inactive"
    elif record is None or record.state == START:
        status = "not started"
    elif record.state == DONE:
        status = "done"
    else:
        status = f"at {record.state} ({len(record.answers)} answers)"
    when = p.conversation_at()
    reached = milestones(record, p.conversation) if record else set()  # the rule the progress log counts by
    return {
        "id": p.id,
        "name": p.name,
        "manager": p.manager or "–",
        "conversation": when.strftime("%Y-%m-%d %H:%M %Z") if when else "–",
        "platform": p.platform or "–",
        "status": status,
        "active": p.active,
        "invited": "invitation" in sent,
        "started": (p.conversation, "started") in reached,
        "finished": (p.conversation, "finished") in reached,
        "delivered": "delivery" in sent,
        "agreed": (p.conversation, "agreed") in reached,
    }


def _table(head: list[tuple[str, ...]], rows: list[tuple[str, ...]]) -> None:
    lines = [*head, *rows]
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    for line in lines:
        print("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip())
