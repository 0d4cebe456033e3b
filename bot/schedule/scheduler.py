"""The scheduler: sends what is due (`Scheduler`), planning through a `Planner`
(`bot.schedule.planner`), which keeps the outbox in line with the roster.

`sync()` plans each person's messages (at import and at start); `run_due()`
is one pass: it reads the due-time index, checks each entry against the
roster and the employee's progress, composes it once, and sends it part by
part through the recipient's channel, writing down each step first — so a
crash at any point is resumed without loss, and without a repeat wherever
the channel can tell what it already delivered.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from bot.clock import Clock
from bot.dialog import followup
from bot.domain import DONE, EmployeeRecord
from bot.errors import PopbotError
from bot.messages import Part
from bot.people.access import Access
from bot.people.roster import ImportResult, Person, Roster
from bot.people.team import organisation_id, prep_id
from bot.ports import Channel, ProgressStore, Store
from bot.schedule import ahead
from bot.schedule.compose import Composer
from bot.schedule.failures import reason as _reason
from bot.schedule.failures import where as _where
from bot.schedule.kinds import kind as message_kind
from bot.schedule.outbox import OPEN, Entry, Outbox
from bot.schedule.planner import Planner
from bot.schedule.recipients import Recipients
from bot.schedule.timeline import (
    ScheduleConfig,
    entry_key,
    in_working_hours,
    next_working,
    version_key,
)

log = logging.getLogger("popbot.schedule")

_COUNTED = {"invitation": "invited", "delivery": "delivered"}  # sends HR's summary counts
_BATCH = 2000  # people planned in memory before their entries are written (~20 MB at 2,000)


def _faultless(_point: str, _key: str) -> None:
    return None


@dataclass
class PassReport:
    """What one pass did: keys sent, skipped, cancelled, failed, retrying, waiting."""

    busy: bool = False  # another process holds the outbox
    sent: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    retrying: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)
    composed_ahead: int = 0  # drafts due later, composed now (bot.schedule.ahead)


class Scheduler:
    """The sender: each pass sends what is due, checked against the roster and the person's
    progress, composed once, part by part; it plans through its `Planner` (a re-plan after
    an agreement, the next round)."""

    def __init__(
        self,
        *,
        roster: Roster,
        store: Store,
        access: Access,
        outbox: Outbox,
        composer: Composer,
        config: ScheduleConfig,
        channels: dict[str, Channel],
        clock: Clock,
        milestones: ProgressStore | None = None,
    ) -> None:
        self.roster = roster
        self.milestones = milestones  # how far each person is, for HR's counts (optional)
        self.store = store
        self.access = access
        self.outbox = outbox
        self.composer = composer
        self.manager_prep = manager_prep = composer.managers is not None  # their script is there
        self.config = config
        self.channels = channels
        self.recipients = Recipients(roster, access, config)
        self.planner = Planner(
            roster=roster, store=store, outbox=outbox, config=config, clock=clock,
            milestones=milestones, manager_prep=manager_prep,
        )  # fmt: skip
        self.clock = clock
        # Tests put a crash here, at each named point of a send.
        self.fault: Callable[[str, str], None] = _faultless  # (point, entry key)

    @property
    def clock(self) -> Clock:
        """The time the scheduler plans and sends by."""
        return self._clock

    @clock.setter
    def clock(self, clock: Clock) -> None:
        """The time the scheduler plans and sends by."""
        # one clock for sending and planning (the tests move it)
        self._clock = clock
        self.planner.clock = clock

    # ------------------------------------------------------------ planning (the planner's)

    def sync(self, people: Iterable[Person] | None = None) -> int:
        """Plan (or re-plan) messages (`Planner.sync`)."""
        return self.planner.sync(people)

    def import_roster(self, people: list[Person]) -> tuple[ImportResult, int, bool]:
        """A new roster and the schedule that follows from it (`Planner.import_roster`)."""
        return self.planner.import_roster(people)

    def finish_import(self) -> int | None:
        """Plan whom a cut-off import had still to plan (`Planner.finish_import`)."""
        return self.planner.finish_import()

    @property
    def unplanned(self) -> list[str]:
        """Whom the last planning could not plan for (logged; the command line says it)."""
        return self.planner.unplanned

    # ------------------------------------------------------------ sending

    async def run_due(self) -> PassReport:
        """One pass over what is due now (cron: `popbot schedule run-due`)."""
        report = PassReport()
        now = self.clock()
        with self.outbox.store.pass_lock(shared=True) as mine:
            if not mine:
                report.busy = True
                return report
            for listed in list(self.outbox.due(now)):
                if listed.status not in OPEN:
                    self.outbox.store.unindex_due(listed.key, listed.kind, listed.due)
                    continue
                if not _due(listed, now):
                    continue  # the index is by hour: this one is later in the hour
                entry = self.outbox.claim(listed)  # None: another replica is sending it
                if entry is None:
                    continue
                try:
                    if entry.status in OPEN and _due(entry, now):  # as it is now, not as listed
                        await self._isolated(entry, now, report)
                finally:
                    self.outbox.release(entry)
            report.composed_ahead = await ahead.compose_ahead(self, now)
        return report

    async def _isolated(self, entry: Entry, now: datetime, report: PassReport) -> None:
        """One entry, whatever goes wrong with it: any failure is this entry's (an attempt with
        its reason, back-off, finally FAILED), never the pass's — the others still go."""
        try:
            await self._process(entry, now, report)
        except Exception as exc:
            reason = _reason(exc, "while preparing or sending (see the log for where)")
            if not isinstance(exc, PopbotError):
                log.error("%s for %s: %s in %s", entry.kind, entry.person, type(exc).__name__, _where(exc))
        else:
            return
        try:
            self._failed(entry, now, reason, report)
        except Exception as exc:  # not even the failure could be written down: the next pass retries
            log.error("%s for %s: cannot record the failure (%s)", entry.kind, entry.person, exc)

    def recipient(self, entry: Entry, person: Person) -> Person | None:
        """Who gets this entry: the person, their manager as the roster says now, or HR."""
        return self.recipients.recipient(entry, person)

    async def _process(self, entry: Entry, now: datetime, report: PassReport) -> None:
        # Composing (two PDFs for a draft: ~0.7 s) runs in a thread, so a running bot keeps
        # answering chats while a T−7 pass composes for every manager.
        if entry.status == "planned" and not await asyncio.to_thread(self._prepare, entry, now, report):
            return
        channel = self.channels.get(entry.channel)
        if channel is None:
            self._failed(entry, now, f"the {entry.channel} channel is not configured here", report)
            return
        try:
            await self._send(entry, channel)
        except Exception as exc:  # the platform or the network: try again later
            self._failed(entry, now, f"{type(exc).__name__}: {str(exc)[:300]}", report)
            return
        self.fault("before_close", entry.key)
        if self.milestones is not None and entry.kind in _COUNTED:  # HR's counts, before the close
            self.milestones.mark_progress(entry.person, entry.conversation, [_COUNTED[entry.kind]])
        self.outbox.close(entry, "sent", now)
        report.sent.append(entry.key)
        log.info("sent %s for %s to %s via %s", entry.kind, entry.person, entry.to, entry.channel)
        if entry.kind == "final":  # the POP is agreed (or the working POP): the follow-up
            self._plan_follow_ups(entry, now)
            record = self.store.load(entry.person)
            both = (record.agreed if record else {}).get(entry.conversation, {}).keys() >= {
                "employee",
                "manager",
            }
            if self.config.hr.email and both:  # agreed actions only: a working POP has none yet
                version = record.versions.get(entry.conversation, 1) if record else 1
                self.outbox.add(
                    Entry(  # each version's actions once (a change during the year: again)
                        key=version_key(entry.person, entry.conversation, "hr-actions", version),
                        kind="hr_actions",
                        person=entry.person,
                        conversation=entry.conversation,
                        due=now,
                    )
                )
        if entry.kind in ("evaluation_summary", "review_summary"):
            self._next_round_if_all_evaluated(entry, now)
        if entry.kind == "delivery":  # tell the employee it went, and give them the manager's points
            follow = ["delivered", *(["points"] if self.composer.managers is not None else [])]
            for kind in follow:
                self.outbox.add(
                    Entry(
                        key=entry_key(entry.person, entry.conversation, kind),
                        kind=kind,
                        person=entry.person,
                        conversation=entry.conversation,
                        due=now,
                    )
                )

    def _plan_follow_ups(self, final: Entry, now: datetime) -> None:
        """Seed 001 §2.5: check-ins every few months, each goal evaluated when it was due
        (the last date its planning names), a summary of each to the manager, the next round."""
        person = self.roster.get(final.person)
        record = self.store.load(final.person)
        conv = person.conversation_at() if person is not None else None
        if person is None or conv is None or record is None or self.composer.follow_ups is None:
            return
        cfg, zone, hours = (
            self.config.follow_up,
            ZoneInfo(person.timezone),
            self.config.calendar_for(person.country),
        )
        later = timedelta(days=cfg.summary_after_days)
        end = conv + relativedelta(months=cfg.cycle_months)
        planned: list[tuple[str, str, datetime]] = []
        chosen = record.checkin_agreed.get(final.conversation) or record.values().get(
            cfg.checkin_question or ""
        )
        every = (
            cfg.checkin_choices.get(chosen, cfg.checkin_months)
            if isinstance(chosen, str)
            else cfg.checkin_months
        )
        n = 1
        while n * every < cfg.cycle_months:
            at = next_working(conv + relativedelta(months=n * every), zone, hours)
            planned += [
                (f"checkin-{n}", "checkin", at),
                (f"checkin-summary-{n}", "checkin_summary", at + later),
            ]
            n += 1
        loaded = self.composer.scripts.for_record(record)
        for i, item in enumerate(followup.goals(loaded, record)):
            due = followup.deadline(loaded, item, conv.date())
            moment = datetime.combine(due, hours.start, zone) if due is not None else end
            at = next_working(min(moment, end), zone, hours)
            if followup.medium_term(loaded, item) and moment > end:  # not due yet: a review
                planned += [
                    (f"review-{i}", "goal_review", at),
                    (f"review-summary-{i}", "review_summary", at + later),
                ]
                continue
            planned += [
                (f"evaluation-{i}", "evaluation", at),
                (f"evaluation-summary-{i}", "evaluation_summary", at + later),
            ]
        at = next_working(end, zone, hours)
        planned += [("next-cycle", "next_cycle", at), ("next-cycle-manager", "next_cycle_manager", at)]
        for suffix, kind, due in planned:
            key = entry_key(person.id, final.conversation, suffix)
            if self.outbox.get(key) is None:
                self.outbox.add(
                    Entry(
                        key=key,
                        kind=kind,
                        person=person.id,
                        conversation=final.conversation,
                        due=max(due, now),
                    )
                )

    def _next_round_if_all_evaluated(self, entry: Entry, now: datetime) -> None:
        """Seed 001 §2.5.1: after the evaluation the cycle starts again — as soon as every goal
        is evaluated, the next round is announced (rather than waiting for the year to end)."""
        record = self.store.load(entry.person)
        if record is None:
            return
        loaded = self.composer.scripts.for_record(record)
        for i, _item in enumerate(followup.goals(loaded, record)):
            reviewed = self.outbox.get(entry_key(entry.person, entry.conversation, f"review-{i}"))
            make = followup.review_id if reviewed is not None else followup.evaluation_id
            sub = self.store.load(make(entry.person, entry.conversation, i))
            if sub is None or sub.state != DONE:
                return
        for kind in ("next-cycle", "next-cycle-manager"):
            upcoming = self.outbox.get(entry_key(entry.person, entry.conversation, kind))
            if upcoming is not None and upcoming.status == "planned" and upcoming.due > now:
                self.outbox.move(upcoming, now)

    def _prepare(self, entry: Entry, now: datetime, report: PassReport) -> bool:
        """Decide whether a planned entry goes now; if so compose it and mark it sending."""
        person = self.roster.get(entry.person)
        if person is None or not person.active or person.conversation != entry.conversation:
            self.outbox.close(entry, "cancelled", now, note="not_in_roster")
            report.cancelled.append(entry.key)
            return False
        stale = self._passed(entry, person, now)
        if stale is not None:  # its moment went by (the bot was down, the clock was wrong)
            self.outbox.close(entry, "skipped", now, note=stale)
            report.skipped.append(entry.key)
            return False
        record = self.store.load(person.id)
        held = self._held(entry, person, record, now)
        if held == "waiting":
            report.waiting.append(entry.key)
            return False
        if held:  # not needed any more: said why
            self.outbox.close(entry, "skipped", now, note=held)
            report.skipped.append(entry.key)
            return False
        to = self.recipient(entry, person)
        if to is None:
            self._failed(entry, now, "the roster names no manager", report, final=True)
            return False
        zone, hours = ZoneInfo(to.timezone), self.config.calendar_for(to.country)
        if not in_working_hours(now, zone, hours):
            # caught up in the recipient's next working hours; re-indexed there, so the
            # passes in between do not read it again
            self.outbox.move(entry, next_working(now, zone, hours))
            report.waiting.append(entry.key)
            return False
        route = self.route(to)
        if route is None:
            self._failed(entry, now, f"no way to reach {to.id}: no chat account and no e-mail", report)
            return False
        entry.channel, entry.address = route
        entry.to = to.id
        manager = self.roster.get(person.manager) if person.manager else None
        bundle = self._bundle(entry, to, now) if entry.kind == "prep_invitation" else []
        delivery = self.outbox.get(entry_key(person.id, entry.conversation, "delivery"))
        delivery_at = (delivery.deadline or delivery.due) if delivery else None
        prep = self.prep(person, entry.conversation)
        made = None
        if message_kind(entry.kind).ahead:  # composed in an earlier pass, from exactly this?
            key = ahead.fingerprint(self, entry, person, manager, to, (record, prep), delivery_at, now)
            made = ahead.take(entry, key)
        if made is not None:
            entry.parts, entry.subject = made
        else:
            composed = self.composer.compose(
                entry,
                person,
                manager,
                to,
                record,
                now,
                delivery_at=delivery_at,
                email=entry.channel == "email",
                prep=prep,
                bundle=[p for p, _e in bundle],
            )
            entry.parts = [Part.of(p) for p in composed.parts]
            entry.subject = composed.subject
        entry.parts_done = 0
        entry.inflight = None
        entry.status = "sending"
        self.outbox.save(entry)  # from here on the same message is resumed, never recomposed
        for _p, sibling in bundle:  # their invitations went in this one
            if sibling.status == "planned":
                self.outbox.close(sibling, "skipped", now, note="bundled")
        self.fault("composed", entry.key)
        return True

    def _passed(self, entry: Entry, person: Person, now: datetime) -> str | None:
        """Why this entry's moment has clearly passed, or None: what is sent late must still
        make sense. A catch-up after a day's outage sends the invitation and the draft, but not
        yesterday's reminder, nor a review once the draft went, nor anything meant to prepare a
        conversation that already took place."""
        conv = person.conversation_at()
        if message_kind(entry.kind).before_conversation and conv is not None and now >= conv:
            return "conversation_over"
        zone = ZoneInfo(person.timezone)
        if entry.kind in ("reminder", "prep_reminder") and entry.due.astimezone(zone).date() < (
            now.astimezone(zone).date()
        ):
            return "reminder_passed"
        if entry.kind == "review":
            delivery = self.outbox.get(entry_key(person.id, entry.conversation, "delivery"))
            if delivery is not None and (
                delivery.status == "sent" or (not delivery.late and delivery.due <= now)
            ):
                return "draft_gone"
        return None

    def _bundle(self, entry: Entry, manager: Person, now: datetime) -> list[tuple[Person, Entry]]:
        """A manager who chose `team week`: the other reports whose invitation to prepare falls
        in the same week go into this one message (their entries are closed as bundled)."""
        record = self.store.load(manager.id)
        if record is None or not record.digest:
            return []
        zone = ZoneInfo(manager.timezone)
        week = entry.due.astimezone(zone).isocalendar()[:2]
        out = []
        for report in self.roster.everyone():
            if report.manager != manager.id or report.id == entry.person or not report.active:
                continue
            other = self.outbox.get(entry_key(report.id, report.conversation, "prep-invitation"))
            if other is None or other.due.astimezone(zone).isocalendar()[:2] != week:
                continue
            if other.status == "planned" or other.note == f"bundled into {entry.key}":
                out.append((report, other))
        return out

    def _held(self, entry: Entry, person: Person, record: EmployeeRecord | None, now: datetime) -> str:
        """Why an entry does not go now: "waiting" (for agreements, or a late draft for the
        employee to finish), a skip note (it is not needed any more), or "" (it goes)."""
        k = message_kind(entry.kind)
        if k.needs:  # the vaststelling: it waits for the agreements it needs, up to the window
            agreed = (record.agreed if record is not None else {}).get(entry.conversation, {})
            if set(k.needs) <= agreed.keys():
                return ""
            if entry.deadline is None or now < entry.deadline:
                return "waiting"
            # the window is over: the final POP goes anyway (the working POP, the follow-up is
            # planned, both read whose agreement is open); a request has nobody left to ask
            return "no_agreement" if k.without_them == "skip" else ""
        unneeded = _UNNEEDED.get(entry.kind)
        note = unneeded(self, entry, person, record) if unneeded is not None else ""
        if note:
            return note
        done = record is not None and record.state == DONE
        if entry.deadline is not None and not done and now < entry.deadline:
            return "waiting"  # a late draft waits for the employee to finish
        return ""

    def _organisation_known(self, person: Person, entry: Entry) -> str:
        """Why the manager need not be asked for the organisation's side (again): it is filled
        in, or the request went out for another report of theirs this round."""
        if not person.manager or self.composer.organisation is None:
            return "organisation_done"
        org = self.store.load(organisation_id(person.manager))
        if org is not None and org.state == DONE:
            return "organisation_done"
        for other in self.roster.everyone():
            if other.manager != person.manager or other.id == person.id:
                continue
            asked = self.outbox.get(entry_key(other.id, other.conversation, "organisation-request"))
            if asked is not None and asked.status in ("sending", "sent") and asked.key != entry.key:
                return "organisation_asked"
        return ""

    def prep(self, person: Person, conversation: str) -> EmployeeRecord | None:
        """The manager's preparation for this conversation (as the roster names the manager now)."""
        return self.store.load(prep_id(person.manager, person.id, conversation)) if person.manager else None

    def _prep_done(self, person: Person, entry: Entry) -> bool:
        prep = self.prep(person, entry.conversation)
        return prep is not None and prep.state == DONE

    def route(self, person: Person) -> tuple[str, str] | None:
        """(channel, address) the person is reached by, or None."""
        return self.recipients.route(person)

    async def _send(self, entry: Entry, channel: Channel) -> None:
        units = [entry.parts] if channel.whole else [[p] for p in entry.parts]
        for i in range(entry.parts_done, len(units)):
            key = entry.key if channel.whole else f"{entry.key}#{i}"
            if entry.inflight == i:  # a crash or failure during this part: did it arrive?
                seen = await channel.was_sent(entry.address, key)
                if seen:
                    self._receipt(entry, i)
                    continue
                if seen is None:
                    entry.repeats += 1
            entry.inflight = i
            self.outbox.save(entry)
            self.fault("before_send", entry.key)
            await channel.send(entry.address, units[i], key, entry.subject)
            self.fault("after_send", entry.key)
            self._receipt(entry, i)
            self.fault("after_receipt", entry.key)

    def _receipt(self, entry: Entry, i: int) -> None:
        entry.parts_done = i + 1
        entry.inflight = None
        self.outbox.save(entry)

    def _failed(
        self, entry: Entry, now: datetime, error: str, report: PassReport, final: bool = False
    ) -> None:
        entry.attempts += 1
        entry.error = error
        policy = self.config.retry
        if final or entry.attempts >= policy.attempts:
            self.outbox.close(entry, "failed", now)
            report.failed.append(entry.key)
            # HR's signal: the log and `popbot schedule status` (never silently dropped)
            log.error(
                "could not send %s for %s after %d tries: %s — see 'popbot schedule status'",
                entry.kind,
                entry.person,
                entry.attempts,
                error,
            )
            return
        entry.next_try = now + policy.delay(entry.attempts)
        self.outbox.save(entry)
        report.retrying.append(entry.key)
        log.warning("%s for %s failed (try %d): %s", entry.kind, entry.person, entry.attempts, error)


def _due(entry: Entry, now: datetime) -> bool:
    return entry.due <= now and (entry.next_try is None or entry.next_try <= now)


# Kinds that are not needed any more once something happened: why, as a skip note ("" = needed).
_UNNEEDED: dict[str, Callable[[Scheduler, Entry, Person, EmployeeRecord | None], str]] = {
    "reminder": lambda _s, _e, _p, record: "prepared" if record is not None and record.state == DONE else "",
    "prep_reminder": lambda s, e, p, _r: "manager_prepared" if s._prep_done(p, e) else "",
    "organisation_request": lambda s, e, p, _r: s._organisation_known(p, e),
}
