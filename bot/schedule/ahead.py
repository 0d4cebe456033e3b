"""Composing ahead of the send window: the T−7 drafts are made before their morning.

On a round's busy morning a thousand managers get their report's draft at the same hour.
Composing one (the summary, the draft POP and the alignment summary as PDFs) takes ~0.5 s
here, while a chat platform lets a bot send a manager's four messages in 0.13 s: composed at the
send, the pass is slower than the platform by the composing. So each pass also composes
the drafts due in the next hours (within a time budget, so a pass stays short) and keeps
them in the entry (`ahead`). At the send the draft goes as composed only if everything it
was made from is the same — the records it reads (their content), the people in the
roster, the route, the scripts' versions, the day, this process — and is made again if not.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
import uuid
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.domain import EmployeeRecord
from bot.messages import Part
from bot.people.roster import Person, Roster
from bot.people.team import organisation_id
from bot.ports import Store
from bot.schedule.compose import Composer
from bot.schedule.kinds import kind as message_kind
from bot.schedule.outbox import Entry, Outbox


class Scheduler(Protocol):
    """What composing ahead needs of the scheduler (`bot.schedule.scheduler.Scheduler`)."""

    store: Store
    outbox: Outbox
    roster: Roster

    @property
    def composer(self) -> Composer:
        """The composer of the messages (the scripts, the PDFs)."""

    def recipient(self, entry: Entry, person: Person) -> Person | None:
        """Who gets this entry: the person, their manager as the roster says now, or HR."""

    def route(self, person: Person) -> tuple[str, str] | None:
        """(channel, address) the person is reached by, or None."""

    def prep(self, person: Person, conversation: str) -> EmployeeRecord | None:
        """The manager's preparation for this report and conversation, or None."""


log = logging.getLogger("popbot.schedule")
WINDOW = timedelta(hours=3)  # how far ahead a pass composes
BUDGET = 20.0  # seconds of composing ahead per pass: a pass never holds the outbox long
# Composed in this process only: a restart may bring another schedule file or other fonts.
_RUN = uuid.uuid4().hex


def fingerprint(
    scheduler: Scheduler,
    entry: Entry,
    person: Person,
    manager: Person | None,
    to: Person,
    records: tuple[EmployeeRecord | None, EmployeeRecord | None],
    delivery_at: datetime | None,
    now: datetime,
) -> str:
    """What a composed draft depends on, as one digest."""
    org = scheduler.store.load(organisation_id(manager.id)) if manager else None
    versions = [
        sorted((lang, s.version) for lang, s in registry.current.items())
        for registry in (
            scheduler.composer.scripts,
            scheduler.composer.managers,
            scheduler.composer.organisation,
        )
        if registry is not None
    ]
    inputs = [
        _RUN,
        entry.channel,
        entry.address,
        asdict(person),
        asdict(manager) if manager else None,
        asdict(to),
        [r.model_dump_json(exclude={"updated_at", "seen"}) if r else None for r in (*records, org)],
        delivery_at,
        now.astimezone(ZoneInfo(to.timezone)).date(),
        versions,
    ]
    return hashlib.sha256(json.dumps(inputs, default=str).encode("utf-8")).hexdigest()


def take(entry: Entry, key: str) -> tuple[list[Part], str] | None:
    """The draft composed ahead (its parts and subject), if it was made from exactly this;
    dropped from the entry either way."""
    parts, subject, made_for = entry.ahead, entry.ahead_subject, entry.ahead_for
    entry.ahead, entry.ahead_subject, entry.ahead_for = [], "", ""
    if not parts or made_for != key:
        return None
    return parts, subject


async def compose_ahead(scheduler: Scheduler, now: datetime) -> int:
    """Compose the drafts due within `WINDOW` that have none yet; returns how many."""
    stop = time.monotonic() + BUDGET
    made = 0
    for entry in list(scheduler.outbox.due(now + WINDOW)):
        if time.monotonic() > stop:
            break
        if not message_kind(entry.kind).ahead or entry.status != "planned" or entry.due <= now or entry.ahead:
            continue
        if entry.deadline is not None:
            continue  # a late draft waits for the employee: composed when it goes
        claimed = scheduler.outbox.claim(entry)  # None: another replica sends or composes it
        if claimed is None or claimed.status != "planned" or claimed.ahead:
            if claimed is not None:
                scheduler.outbox.release(claimed)
            continue
        try:
            made += await asyncio.to_thread(_one, scheduler, claimed)
        except Exception as exc:  # only a head start: the send composes anew (and says why)
            log.warning("%s for %s not composed ahead: %s", entry.kind, entry.person, type(exc).__name__)
        finally:
            scheduler.outbox.release(claimed)
    return made


def _one(scheduler: Scheduler, entry: Entry) -> int:
    person = scheduler.roster.get(entry.person)
    if person is None or not person.active or person.conversation != entry.conversation:
        return 0
    to = scheduler.recipient(entry, person)
    route = scheduler.route(to) if to else None
    if to is None or route is None:
        return 0
    entry.channel, entry.address = route
    manager = scheduler.roster.get(person.manager) if person.manager else None
    record = scheduler.store.load(person.id)
    prep = scheduler.prep(person, entry.conversation)
    delivery_at = entry.deadline or entry.due
    # composed as it would be at its due moment (the dates in it are that day's)
    composed = scheduler.composer.compose(
        entry,
        person,
        manager,
        to,
        record,
        entry.due,
        delivery_at=delivery_at,
        email=route[0] == "email",
        prep=prep,
        bundle=[],
    )
    key = fingerprint(scheduler, entry, person, manager, to, (record, prep), delivery_at, entry.due)
    entry.ahead = [Part.of(p) for p in composed.parts]
    entry.ahead_subject, entry.ahead_for = composed.subject, key
    entry.channel = entry.address = ""  # fixed when the send starts, as for every entry
    scheduler.outbox.save(entry)
    return 1
