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
from bot.messages import Incoming, Outgoing, Question
from bot.registry import ScriptRegistry
from bot.schema import ScriptMessages
from bot.script import LoadedScript
from bot.store import Store
from bot.turn import Turn

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class Engine:
    def __init__(
        self,
        scripts: ScriptRegistry | Mapping[str, LoadedScript],
        store: Store,
        *,
        default_language: str = "nl",
        clock: Clock = utc_now,
    ) -> None:
        if not isinstance(scripts, ScriptRegistry):
            scripts = ScriptRegistry.of(*scripts.values(), default_language=default_language)
        self.scripts = scripts
        self.store = store
        self.clock = clock
        # One lock per employee: two adapters (or two button presses) for the
        # same person are applied one after the other, never interleaved.
        self._locks: dict[str, asyncio.Lock] = {}

    def _lock(self, employee_id: str) -> asyncio.Lock:
        return self._locks.setdefault(employee_id, asyncio.Lock())

    async def _load(self, employee_id: str, language: str | None) -> EmployeeRecord:
        record = await asyncio.to_thread(self.store.load, employee_id)
        if record is None:
            loaded = self.scripts.for_language(language)
            record = EmployeeRecord(
                employee_id=employee_id,
                language=loaded.script.language,
                script_id=loaded.script.id,
                script_version=loaded.version,
                created_at=self.clock(),
            )
        return record

    def _turn(self, record: EmployeeRecord) -> Turn:
        loaded = self.scripts.for_record(record)
        record.script_version = loaded.version
        others = [
            s.script.commands for s in self.scripts.current.values() if s.script.language != record.language
        ]
        return Turn(loaded, record, self.clock(), self.scripts.languages, others)

    async def _save(self, record: EmployeeRecord) -> None:
        record.updated_at = self.clock()
        await asyncio.to_thread(self.store.save, record)

    async def start(
        self, employee_id: str, language: str | None = None, delivery_id: str | None = None
    ) -> list[Outgoing]:
        """Open a session: a welcome for someone new, or where they left off."""
        async with self._lock(employee_id):
            record = await self._load(employee_id, language)
            if delivery_id is not None:
                if delivery_id in record.seen:
                    return []
                record.seen = [*record.seen, delivery_id][-SEEN_DELIVERIES:]
            out = self._turn(record).begin()
            await self._save(record)
            return out

    async def handle(
        self, employee_id: str, incoming: Incoming, language: str | None = None
    ) -> list[Outgoing]:
        """Apply one message; `language` is used only for someone new (from the roster)."""
        async with self._lock(employee_id):
            record = await self._load(employee_id, language)
            if incoming.delivery_id is not None:
                if incoming.delivery_id in record.seen:
                    return []  # a platform retry: it was answered the first time
                record.seen = [*record.seen, incoming.delivery_id][-SEEN_DELIVERIES:]
            turn = self._turn(record)
            out = turn.handle(incoming)
            if turn.switch_to is not None:
                record.language = turn.switch_to
                out += self._turn(record).after_language_switch()
            await self._save(record)
            return out

    async def current_question(self, employee_id: str) -> Question | None:
        """The question the employee is on (adapters check button presses against it)."""
        record = await asyncio.to_thread(self.store.load, employee_id)
        if record is None:
            return None
        return self._turn(record).current_question()

    async def progress(self, employee_id: str) -> str | None:
        record = await asyncio.to_thread(self.store.load, employee_id)
        return self._turn(record).progress_text() if record is not None else None

    async def answered(self, employee_id: str) -> list[tuple[str, str, str]]:
        record = await asyncio.to_thread(self.store.load, employee_id)
        return self._turn(record).answered() if record is not None else []

    async def set_answer(self, employee_id: str, question_id: str, text: str) -> str | None:
        """Change one answer from a form; returns the script's error message, or None."""
        async with self._lock(employee_id):
            record = await self._load(employee_id, None)
            error = self._turn(record).set_answer(question_id, text)
            if error is None:
                await self._save(record)
            return error

    def messages_for(self, language: str | None) -> ScriptMessages:
        """The script's sentences in a language (adapters' own labels: buttons, modals)."""
        return self.scripts.for_language(language).script.messages

    async def draft(self, employee_id: str) -> str | None:
        """The draft POP in Markdown, in the employee's language; None if unknown."""
        record = await asyncio.to_thread(self.store.load, employee_id)
        if record is None:
            return None
        turn = self._turn(record)
        return render_draft(turn.loaded, record, self.clock())
