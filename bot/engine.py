"""The dialog engine: the one coroutine every adapter calls.

    outgoing = await engine.handle(employee_id, Incoming.say("..."))

A turn is: take the employee's lock, load their record, apply the message,
save durably, answer. Nothing is acknowledged before it is saved, and a turn
that fails half-way saves nothing, so a crash between two turns loses at most
the message that was not yet answered.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from bot.domain import SEEN_DELIVERIES, EmployeeRecord
from bot.draft import render_draft
from bot.errors import PopbotError
from bot.flow import Flow
from bot.messages import Incoming, Outgoing
from bot.script import LoadedScript
from bot.store import Store
from bot.turn import Turn

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class Engine:
    def __init__(
        self,
        scripts: Mapping[str, LoadedScript],
        store: Store,
        *,
        default_language: str = "nl",
        clock: Clock = utc_now,
    ) -> None:
        if default_language not in scripts:
            raise PopbotError(f"no script for the default language {default_language!r}")
        self.scripts = dict(scripts)
        self.flows = {lang: Flow(s) for lang, s in scripts.items()}
        self.store = store
        self.default_language = default_language
        self.clock = clock
        # One lock per employee: two adapters (or two button presses) for the
        # same person are applied one after the other, never interleaved.
        self._locks: dict[str, asyncio.Lock] = {}

    def _lock(self, employee_id: str) -> asyncio.Lock:
        return self._locks.setdefault(employee_id, asyncio.Lock())

    async def _load(self, employee_id: str, language: str | None) -> EmployeeRecord:
        record = await asyncio.to_thread(self.store.load, employee_id)
        if record is None:
            lang = language if language in self.scripts else self.default_language
            now = self.clock()
            record = EmployeeRecord(
                employee_id=employee_id,
                language=lang,
                script_id=self.scripts[lang].script.id,
                script_version=self.scripts[lang].version,
                created_at=now,
            )
        return record

    def _turn(self, record: EmployeeRecord) -> Turn:
        lang = record.language if record.language in self.scripts else self.default_language
        return Turn(self.scripts[lang], self.flows[lang], record, self.clock())

    async def _save(self, record: EmployeeRecord) -> None:
        record.updated_at = self.clock()
        await asyncio.to_thread(self.store.save, record)

    async def start(self, employee_id: str, language: str | None = None) -> list[Outgoing]:
        """Open a session: a welcome for someone new, or where they left off."""
        async with self._lock(employee_id):
            record = await self._load(employee_id, language)
            out = self._turn(record).begin()
            await self._save(record)
            return out

    async def handle(self, employee_id: str, incoming: Incoming) -> list[Outgoing]:
        async with self._lock(employee_id):
            record = await self._load(employee_id, None)
            if incoming.delivery_id is not None:
                if incoming.delivery_id in record.seen:
                    return []  # a platform retry: it was answered the first time
                record.seen = [*record.seen, incoming.delivery_id][-SEEN_DELIVERIES:]
            out = self._turn(record).handle(incoming)
            await self._save(record)
            return out

    async def draft(self, employee_id: str) -> str | None:
        """The draft POP in Markdown, or None if the employee has no record."""
        record = await asyncio.to_thread(self.store.load, employee_id)
        if record is None:
            return None
        turn = self._turn(record)
        return render_draft(turn.loaded, record, turn.flow, self.clock())
