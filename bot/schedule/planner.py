"""The planner: keeps the outbox in line with the roster — each person's messages planned
(at an import and at a start), moved when a date moves, cancelled when someone leaves.

It needs no dialog script and no channel: a roster import plans without loading either
(the scripts were ~2 s of every import). The sender (`bot.schedule.scheduler.Scheduler`)
plans through one of these too.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.people.roster import ImportResult, Person, Roster
from bot.ports import ProgressStore, Store
from bot.schedule.failures import reason as _reason
from bot.schedule.failures import where as _where
from bot.schedule.kinds import kind as message_kind
from bot.schedule.outbox import Entry, Outbox
from bot.schedule.progress import recount
from bot.schedule.timeline import ScheduleConfig, added_by_the_cycle, plan

log = logging.getLogger("popbot.schedule")

_BATCH = 2000  # people planned in memory before their entries are written (~20 MB at 2,000)


class Planner:
    """Plans the outbox from the roster (see the module)."""

    def __init__(
        self,
        *,
        roster: Roster,
        store: Store,
        outbox: Outbox,
        config: ScheduleConfig,
        clock: Clock,
        milestones: ProgressStore | None = None,
        manager_prep: bool = True,
    ) -> None:
        """`manager_prep`: whether managers prepare too (their script is there)."""
        self.roster = roster
        self.store = store
        self.outbox = outbox
        self.config = config
        self.clock = clock
        self.milestones = milestones  # how far each person is, for HR's counts (optional)
        self.manager_prep = manager_prep
        self.unplanned: list[str] = []  # people `sync` could not plan for (logged; see the CLI)

    def sync(self, people: Iterable[Person] | None = None) -> int:
        """Plan (or re-plan) messages; returns how many entries changed.

        New entries are planned in memory and written a batch of people at a time: the due
        index takes a batch's lines in one write per hour, each person's plan one write."""
        now = self.clock()
        changed = 0
        batch: dict[str, list[Entry]] = {}
        with self.outbox.store.pass_lock(wait=True):
            for person in self.roster.everyone() if people is None else people:
                try:
                    moved, new = self._sync_person(person, now)
                except Exception as exc:  # one person's damaged file must not leave everyone unplanned
                    self._unplanned([person.id], exc)
                    continue
                changed += moved
                if new:
                    batch[person.id] = new
                if len(batch) >= _BATCH:
                    changed += self._add(batch)
            changed += self._add(batch)
        return changed

    def _add(self, batch: dict[str, list[Entry]]) -> int:
        try:
            self.outbox.add_all([e for new in batch.values() for e in new])
        except Exception as exc:  # a full disk: these people are not planned; said, not lost
            self._unplanned(list(batch), exc)
            added = 0
        else:
            added = sum(len(new) for new in batch.values())
        batch.clear()
        return added

    def _unplanned(self, people: list[str], exc: Exception) -> None:
        self.unplanned.extend(people)
        for person in people[:10]:
            log.error("could not plan for %s: %s", person, _reason(exc, f"in {_where(exc)}"))

    def import_roster(self, people: list[Person]) -> tuple[ImportResult, int, bool]:
        """A new roster and the schedule that follows from it: all-or-nothing.

        The new roster is written in one atomic write together with the people whose
        schedule must change (`pending`); then they are planned, then the list is cleared. A
        kill before that write leaves the old roster and schedule untouched; after it, the
        next start (`finish_import`) plans who is left. Returns the import's result, how many
        entries changed, and whether it finished an interrupted import first.
        """
        resumed = self.finish_import() is not None
        result, after = self.roster.compare(people)
        changed = {*result.added, *result.updated, *result.deactivated}
        # Reports of a changed manager too (their manager's time zone may have moved).
        affected = [p.id for p in after if p.id in changed or p.manager in changed]
        self.roster.save(after, pending=affected)
        planned = self._plan_pending(affected)
        # someone new to the roster, or in a new round, may have answered before: their
        # record counts from now on, so every view shows the same figures (issue 27)
        fresh = {*result.added, *result.updated}
        if self.milestones is not None and self.milestones.has_progress():
            # their plans were just made (nothing sent in the new round): their records alone
            damaged = recount(self.store, self.milestones, None, [p for p in after if p.id in fresh])
            if damaged:
                log.error("the progress counts passed over what they could not read: %s", "; ".join(damaged))
        return result, planned, resumed

    def finish_import(self) -> int | None:
        """Plan whom an import that was cut off had still to plan; None when there was none."""
        pending = self.roster.store.pending_plan()
        if pending is None:
            return None
        log.warning("finishing an interrupted roster import: planning %d people", len(pending))
        return self._plan_pending(pending)

    def _plan_pending(self, ids: list[str]) -> int:
        self.unplanned = []
        wanted = set(ids)
        planned = self.sync([p for p in self.roster.everyone() if p.id in wanted])
        if not self.unplanned:
            self.roster.save(self.roster.everyone(), pending=None)
        else:  # only who is left stays pending: a second run plans them
            self.roster.save(self.roster.everyone(), pending=sorted(set(self.unplanned)))
        return planned

    def _sync_person(self, person: Person, now: datetime) -> tuple[int, list[Entry]]:
        """Closes and moves what changed (written at once: rare); returns how many, and the
        entries to add."""
        manager = self.roster.get(person.manager) if person.manager else None
        if manager is None:
            desired = {}  # nobody to prepare for: no schedule
        else:
            zone = ZoneInfo(manager.timezone)
            prep = self.manager_prep
            desired = {
                p.key: p
                for p in plan(
                    person, zone, self.config, now, manager_prep=prep, manager_country=manager.country
                )
            }
        changed = 0
        existing = {e.key: e for e in self.outbox.for_person(person.id)}
        if any(e.late and e.conversation == person.conversation for e in existing.values()):
            # Folded late once (the invitation went at once, the draft waits for the employee):
            # it stays so. A re-plan under a clock that was behind would otherwise add the
            # reminders and the review back, and turn the waiting draft into a plain one, all
            # overdue the moment the clock is right again.
            desired = {
                k: p for k, p in desired.items() if k in existing or not message_kind(p.kind).on_time_only
            }
        for key, e in existing.items():
            if e.status != "planned":
                continue  # on its way or done: a re-plan never touches it
            if added_by_the_cycle(e.kind, e.key):  # only a new round or leaving ends them
                ended = not person.active or e.conversation != person.conversation
                if ended and e.kind not in ("delivered", "points"):
                    self.outbox.close(e, "cancelled", now, note="left_or_new_round")
                    changed += 1
                continue
            same = person.active and e.conversation == person.conversation and manager is not None
            if same and e.due <= now:
                continue  # overdue (the bot was down): the next pass catches it up
            p = desired.get(key)
            if p is not None and e.late and not p.late:
                continue  # never un-fold a late entry (see above)
            if p is None:
                self.outbox.close(e, "cancelled", now, note="moved")
                changed += 1
            elif (p.due, p.deadline, p.late) != (e.due, e.deadline, e.late):
                e.deadline, e.late = p.deadline, p.late
                self.outbox.move(e, p.due)
                changed += 1
        new = [
            Entry(
                key=key,
                kind=p.kind,
                person=person.id,
                conversation=person.conversation,
                due=p.due,
                deadline=p.deadline,
                late=p.late,
            )
            for key, p in desired.items()
            if key not in existing
        ]
        return changed, new
