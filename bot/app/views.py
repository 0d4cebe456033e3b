"""What HR and managers see, for the command line and the browser console alike: where each
person stands (counts and states, never answers) and what the schedule sends when."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.app.wiring import Parts
from bot.clock import Clock
from bot.domain import DONE, START
from bot.errors import StorageError
from bot.people.roster import Person, Roster
from bot.schedule.outbox import Entry, Outbox
from bot.schedule.progress import STAGES, recount
from bot.schedule.recipients import Recipients

SUMMARY_DAYS = 14


def count_from_records(parts: Parts, outbox: Outbox, people: list[Person]) -> None:
    """The progress log written from every record and plan, once (a data folder of before it).
    A damaged record counts as nothing reached (`popbot data check` names it)."""
    recount(parts.store, parts.store, outbox, people)


def standing(parts: Parts, outbox: Outbox, p: Person, damaged: list[str] | None = None) -> dict[str, Any]:
    """Where one person stands — their progress, never their answers. The stages come from
    the progress log, the one source every view counts from (the console's round, the
    manager's page, `roster show`), so no two places disagree. With `damaged`, a record that
    cannot be read is named there and the row says so, instead of raising."""
    try:
        record = parts.store.load(p.id)
    except StorageError as exc:
        if damaged is None:
            raise
        damaged.append(f"{p.id}: {exc}")
        return _row(p, "damaged", set()) | {"damaged": True}
    if not parts.store.has_progress():
        count_from_records(parts, outbox, [p])
    reached = parts.store.progress_of([(p.id, p.conversation)])[p.id] if p.active else set()
    return _row(p, _status(p, record), reached)


def _status(p: Person, record: Any) -> str:
    if not p.active:
        return "inactive"
    if record is None or record.state == START:
        return "not started"
    if record.state == DONE:
        return "done"
    return f"at {record.state} ({len(record.answers)} answers)"


def _row(p: Person, status: str, reached: set[str]) -> dict[str, Any]:
    when = p.conversation_at()
    return {
        "id": p.id,
        "name": p.name,
        "manager": p.manager or "–",
        "conversation": when.strftime("%Y-%m-%d %H:%M %Z") if when else "–",
        "platform": p.platform or "–",
        "status": status,
        "active": p.active,
        "damaged": False,
        **{stage: stage in reached for stage in STAGES[1:]},
    }


def team_counts(parts: Parts, people: list[Person]) -> dict[str, Counter[str]]:
    """Per manager, how many reports reached each stage, from the progress log alone."""
    outbox = Outbox(parts.outbox_files)
    active = [p for p in people if p.active]
    if not parts.store.has_progress():  # data from before the progress log: counted once, the slow way
        count_from_records(parts, outbox, active)
    reached = parts.store.progress_of([(p.id, p.conversation) for p in active])
    teams: dict[str, Counter[str]] = {}
    for p in active:
        teams.setdefault(p.manager or "–", Counter()).update(["reports", *reached[p.id]])
    return teams


@dataclass(frozen=True)
class ScheduleView:
    """What is planned, for whom, how: no scripts needed (loading them took two seconds)."""

    roster: Roster
    outbox: Outbox
    recipients: Recipients
    clock: Clock
    damaged: list[str] = field(default_factory=list)  # what could not be read, to mark on the page


def entry_row(scheduler: ScheduleView, e: Entry) -> dict[str, Any]:
    person = scheduler.roster.get(e.person)
    to = scheduler.roster.get(e.to) if e.to else scheduler.recipients.recipient(e, person) if person else None
    zone = ZoneInfo((to or person).timezone if (to or person) else "UTC")  # type: ignore[union-attr]
    via = e.channel or ((scheduler.recipients.route(to) or ("unreachable",))[0] if to else "–")
    detail = e.error if e.status == "failed" else e.note
    if e.status in ("planned", "sending") and e.attempts:
        detail = (
            f"try {e.attempts + 1} at {e.next_try:%Y-%m-%d %H:%M} UTC: {e.error}" if e.next_try else e.error
        )
    if e.deadline and e.status == "planned":
        detail = f"when finished, at the latest {e.deadline.astimezone(zone):%Y-%m-%d %H:%M %Z}"
    return {
        "key": e.key,
        "due": e.due.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z"),
        "due_utc": e.due.astimezone(UTC).isoformat(),
        "kind": e.kind,
        "person": e.person,
        "to": to.id if to else "–",
        "via": via,
        "status": e.status,
        "late": e.late,
        "detail": detail,
    }


def schedule_summary(scheduler: ScheduleView) -> dict[str, Any]:
    """Failures, what is due per UTC day and kind for the next two weeks, and how many are
    open at all — counted from the due-time index (an hour's file each), so it costs the
    same at 10,000 people as at 10."""
    today = scheduler.clock().astimezone(UTC).date()
    last = today + timedelta(days=SUMMARY_DAYS - 1)
    everything = scheduler.outbox.store.due_counts(
        datetime.min.replace(tzinfo=UTC), datetime.max.replace(tzinfo=UTC)
    )
    days: dict[str, Counter[str]] = {}
    for (hour, kind), n in everything.items():
        if today.isoformat() <= hour[:10] <= last.isoformat():
            days.setdefault(hour[:10], Counter())[kind] += n
    return {
        "failed": [entry_row(scheduler, e) for e in scheduler.outbox.failed(scheduler.damaged)],
        "next_days": {day: dict(sorted(kinds.items())) for day, kinds in sorted(days.items())},
        "from": today.isoformat(),
        "to": last.isoformat(),
        "open": sum(everything.values()),
    }


def schedule_view(parts: Parts) -> ScheduleView:
    return ScheduleView(
        parts.roster,
        Outbox(parts.outbox_files),
        Recipients(parts.roster, parts.access, parts.schedule_config),
        parts.clock,
    )
