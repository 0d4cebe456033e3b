"""`popbot roster import | show`: HR's roster and where each person stands."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.app import platforms
from bot.app.published import figures, per_stage
from bot.app.settings import LANGUAGES, Settings
from bot.app.views import standings, team_counts
from bot.app.wiring import Parts
from bot.clock import utc_now
from bot.people.roster import RosterError, parse_roster
from bot.people.said import Said
from bot.schedule.outbox import Outbox
from bot.schedule.progress import STAGES


def cmd_roster_import(args: argparse.Namespace, settings: Settings) -> int:
    warnings: list[Said] = []
    try:
        people = parse_roster(
            Path(args.file), LANGUAGES, accounts=platforms.accounts(), now=utc_now(), warnings=warnings
        )
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
        damaged: list[str] = []
        rows = standings(parts, outbox, people, damaged)
        for what in damaged:  # the others are listed; these are marked "damaged" in the list
            print(f"popbot: damaged, see `popbot data check`: {what}", file=sys.stderr)
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
    team_counts(parts, people)  # makes sure the progress log exists
    reached = parts.store.progress_of([(p.id, p.conversation) for p in people if p.active])
    # the console's figures, no others: a group smaller than the minimum cannot be worked out
    shown = figures(people, reached, settings.popbot_web_min_group)

    summary = {m: per_stage(c, shown.sizes[m], STAGES) for m, c in sorted(shown.per_manager.items())}
    total = per_stage(shown.total, shown.everyone, STAGES)
    if args.json:
        print(json.dumps(summary | {"all": total}, ensure_ascii=False, indent=1))
        return 0
    lines = [
        (m, *("–" if t[s] is None else str(t[s]) for s in STAGES))
        for m, t in [*summary.items(), ("all", total)]
    ]
    _table([("manager", *STAGES)], lines)
    print(
        f"(– : hidden, a group smaller than {settings.popbot_web_min_group} could be worked out from it; "
        "--all lists everyone; --manager ID lists one manager's reports; --json for scripts)"
    )
    return 0


def _table(head: list[tuple[str, ...]], rows: list[tuple[str, ...]]) -> None:
    lines = [*head, *rows]
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    for line in lines:
        print("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip())
