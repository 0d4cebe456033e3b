"""During the year both watch progress (seed 001 §2.5): under a check-in summary the manager
presses "add a note", writes it, and the employee reads it when the next check-in opens.

The note lives in the employee's record (their POP's history: exported and erased with it);
while the manager is writing one, their record says for which check-in (`note_for`)."""

from __future__ import annotations

from typing import Any

from bot.dialog import answers
from bot.dialog.answers import Problem
from bot.dialog.render import fmt
from bot.dialog.schema import Script
from bot.domain import EmployeeRecord
from bot.engine.context import EngineView, Reply
from bot.messages import Incoming, Outgoing, Text


def written(script: Script, incoming: Incoming) -> str | Reply | None:
    """What a manager wrote as a note or remark: the text, None for a stop word (nothing is
    written), or the reply that says why it cannot be taken (too long, not text) — still
    waiting for it."""
    head = incoming.text.strip().casefold().lstrip("/")
    if head in (w.casefold() for w in script.commands.stop):
        return None
    text = answers.accept(incoming.text, script.limits.max_message_length)
    if isinstance(text, Problem):
        return Reply([Text(fmt(getattr(script.messages, text.key), **text.params))])
    return text


class ManagerNotes:
    """A manager's note under a check-in's summary, read by the employee at the next check-in."""

    def __init__(self, engine: EngineView) -> None:
        self.engine = engine

    async def start(self, manager: str, payload: str) -> list[Outgoing]:
        """ "note:<check-in number>:<ref>" from a check-in summary's button."""
        engine = self.engine
        number, _, ref = payload.partition(":")
        reports = engine.team.reports(manager) if engine.team is not None else []
        report = next((r for r in reports if r.ref == ref), None)
        async with engine.sessions.turn(manager):
            record = await engine.load(manager, None)
            texts = engine.scripts.for_language(record.language).script.follow_up
            if report is None or not number.isdigit() or texts is None or not texts.note_ask:
                return [Text(engine.messages_for(record.language).stale_choice)]
            record.note_for = f"{report.id}|{report.conversation}|{number}"
            await engine.save(record)
        stop = engine.scripts.for_language(record.language).script.commands.stop[0]
        return [Text(fmt(texts.note_ask, number=number, name=report.name, stop=stop))]

    async def handle(self, record: EmployeeRecord, incoming: Incoming) -> Reply | None:
        """The manager's next message is the note (or a stop word: no note)."""
        if record.note_for is None or incoming.kind != "text":
            return None
        engine = self.engine
        script = engine.scripts.for_language(record.language).script
        texts = script.follow_up
        assert texts is not None
        employee, conversation, number = record.note_for.rsplit("|", 2)
        text = written(script, incoming)
        if text is None:
            record.note_for = None
            return Reply([Text(texts.note_cancelled)])
        if isinstance(text, Reply):
            return text
        async with engine.sessions.turn(employee):
            report = await engine.load(employee, None)
            note: dict[str, Any] = {
                "conversation": conversation,
                "checkin": int(number),
                "by": record.employee_id,
                "text": text,
                "at": engine.clock().isoformat(),
                "read": False,
            }
            report.notes = [*report.notes, note]
            await engine.save(report)
        record.note_for = None
        name = engine.team.name_of(employee) if engine.team is not None else None
        return Reply([Text(fmt(texts.note_saved, number=number, name=name or employee))])

    def unread(self, record: EmployeeRecord, language: str) -> list[Outgoing]:
        """The manager's notes the employee has not read yet; marked read."""
        texts = self.engine.scripts.for_language(language).script.follow_up
        fresh = [n for n in record.notes if not n.get("read")]
        if not fresh or texts is None:
            return []
        team = self.engine.team
        out: list[Outgoing] = []
        for note in fresh:
            manager = (team.name_of(str(note["by"])) if team is not None else None) or ""
            out.append(
                Text(fmt(texts.note_shown, manager=manager, number=note["checkin"], text=note["text"]))
            )
            note["read"] = True
        record.notes = list(record.notes)
        return out
