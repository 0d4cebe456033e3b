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
from bot.dialog.render import fmt
from bot.domain import DONE, START
from bot.errors import StorageError
from bot.people.roster import Person, Roster
from bot.schedule.outbox import Entry, Outbox
from bot.schedule.progress import STAGES, recount
from bot.schedule.recipients import Recipients
from bot.schedule.timeline import Texts

SUMMARY_DAYS = 14


def ensure_progress(parts: Parts, outbox: Outbox) -> None:
    """A data folder from before the progress log: the log written from every record and
    plan, once, the slow way. A damaged record counts as nothing reached (`popbot data check`
    names it)."""
    if not parts.store.has_progress():
        recount(parts.store, parts.store, outbox, parts.roster.everyone())


def standings(
    parts: Parts, outbox: Outbox, people: list[Person], damaged: list[str] | None = None
) -> list[dict[str, Any]]:
    """Where each person stands — their progress, never their answers. The stages come from
    the progress log, the one source every view counts from (the console's round, the
    manager's page, `roster show`), read once for them all. With `damaged`, a record that
    cannot be read is named there and its row says so, instead of raising."""
    ensure_progress(parts, outbox)
    reached = parts.store.progress_of([(p.id, p.conversation) for p in people if p.active])
    rows = []
    for p in people:
        try:
            record = parts.store.load(p.id)
        except StorageError as exc:
            if damaged is None:
                raise
            damaged.append(f"{p.id}: {exc}")
            rows.append(_row(p, "damaged", set()) | {"damaged": True})
            continue
        rows.append(_row(p, _status(p, record), reached.get(p.id, set()) if p.active else set()))
    return rows


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
    ensure_progress(parts, outbox)
    reached = parts.store.progress_of([(p.id, p.conversation) for p in active])
    per_manager: dict[str, Counter[str]] = {}
    for p in active:
        per_manager.setdefault(p.manager or "–", Counter()).update(["reports", *reached[p.id]])
    return per_manager


@dataclass(frozen=True)
class ScheduleView:
    """What is planned, for whom, how: no scripts needed (loading them took two seconds)."""

    roster: Roster
    outbox: Outbox
    recipients: Recipients
    clock: Clock
    damaged: list[str] = field(default_factory=list)  # what could not be read, to mark on the page


def entry_row(scheduler: ScheduleView, e: Entry, words: Texts | None = None) -> dict[str, Any]:
    """One message of the schedule. With `words` (the schedule's texts in the reader's
    language) for people: names, the kind and state by their names, dates as the language
    writes them; without, for scripts and the operator's CLI: ids, kinds and ISO times."""
    person = scheduler.roster.get(e.person)
    to = scheduler.roster.get(e.to) if e.to else scheduler.recipients.recipient(e, person) if person else None
    zone = ZoneInfo((to or person).timezone if (to or person) else "UTC")  # type: ignore[union-attr]
    via = e.channel or ((scheduler.recipients.route(to) or ("unreachable",))[0] if to else "–")

    def when(at: datetime) -> str:
        local = at.astimezone(zone)
        return local.strftime("%Y-%m-%d %H:%M %Z") if words is None else words.moment(local)

    detail = e.error if e.status == "failed" else (words.notes.get(e.note, e.note) if words else e.note)
    if e.status in ("planned", "sending") and e.attempts:
        if e.next_try and words is not None:
            detail = fmt(words.retrying, number=e.attempts + 1, when=when(e.next_try), error=e.error)
        elif e.next_try:
            detail = f"try {e.attempts + 1} at {e.next_try:%Y-%m-%d %H:%M} UTC: {e.error}"
        else:
            detail = e.error
    if e.deadline and e.status == "planned":
        latest = words.at_the_latest if words is not None else "when finished, at the latest {when}"
        detail = fmt(latest, when=when(e.deadline))
    named = words is not None
    return {
        "key": e.key,
        "due": when(e.due),
        "due_utc": e.due.astimezone(UTC).isoformat(),
        "kind": words.kinds.get(e.kind, e.kind) if words is not None else e.kind,
        "person": (person.name if person else e.person) if named else e.person,
        "to": ((to.name if named else to.id) if to else "–"),
        "via": via,
        "status": words.statuses.get(e.status, e.status) if words is not None else e.status,
        "late": e.late,
        "detail": detail,
    }


def schedule_summary(scheduler: ScheduleView, words: Texts | None = None) -> dict[str, Any]:
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
        "failed": [entry_row(scheduler, e, words) for e in scheduler.outbox.failed(scheduler.damaged)],
        "next_days": {
            _day(day, words): {(words.kinds.get(k, k) if words else k): n for k, n in sorted(kinds.items())}
            for day, kinds in sorted(days.items())
        },
        "from": today.isoformat(),
        "to": last.isoformat(),
        "open": sum(everything.values()),
    }


def _day(iso: str, words: Texts | None) -> str:
    if words is None:
        return iso
    d = datetime.fromisoformat(iso)
    return fmt(
        words.day_format,
        weekday=words.weekdays[d.weekday()],
        day=d.day,
        month=words.months[d.month - 1],
        year=d.year,
    )


def schedule_view(parts: Parts) -> ScheduleView:
    return ScheduleView(
        parts.roster,
        Outbox(parts.outbox_files),
        Recipients(parts.roster, parts.access, parts.schedule_config),
        parts.clock,
    )
