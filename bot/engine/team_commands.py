"""A manager's `team` words: the list of reports, opening one's preparation, the weekly
bundle, and back to their own POP."""

from __future__ import annotations

import asyncio

from bot.dialog.render import day, fmt
from bot.domain import DONE, EmployeeRecord
from bot.engine.context import EngineView, Reply
from bot.messages import Incoming, Outgoing, Text
from bot.people.team import Report, organisation_id, prep_id


class TeamCommands:
    """A manager's `team` words: the reports and their preparations, one opened by number,
    the organisation's side, one invitation a week."""

    def __init__(self, engine: EngineView) -> None:
        self.engine = engine

    def _words(self, record: EmployeeRecord, incoming: Incoming) -> tuple[str, str | None] | None:
        """("team", arg) or ("own", None) when the message is one of the script's team words."""
        engine = self.engine
        team = engine.scripts.for_language(record.language).script.team
        if team is None or engine.team is None or incoming.kind != "text" or engine.managers is None:
            return None
        head, _, arg = incoming.text.strip().partition(" ")
        head = head.casefold().lstrip("/")
        if head in (w.casefold() for w in team.words):
            return "team", arg.strip() or None
        if head in (w.casefold() for w in team.own_words) and not arg.strip():
            return "own", None
        return None

    async def handle(self, record: EmployeeRecord, incoming: Incoming) -> Reply | None:
        """`team` and its choices for a manager: their reports, and a preparation per report."""
        words = self._words(record, incoming)
        if words is None:
            return None
        what, arg = words
        engine = self.engine
        texts = engine.scripts.for_language(record.language).script.team
        assert texts is not None and engine.team is not None
        if what == "own":
            record.active = None
            question = engine.turn(record).current_question()
            return Reply([Text(texts.back_to_own), *([question] if question else [])])
        reports = engine.team.reports(record.employee_id)
        if not reports:
            return Reply([Text(texts.none)])
        if arg is not None and arg.casefold() in (w.casefold() for w in texts.organisation_words):
            return Reply(await self.open_organisation(record))
        if arg is not None and arg.casefold() in (w.casefold() for w in texts.digest_words):
            record.digest = not record.digest
            return Reply([Text(texts.digest_on if record.digest else texts.digest_off)])
        if arg is None:
            return Reply([Text(await self.overview(record, reports))])
        if not arg.isdigit() or not 1 <= int(arg) <= len(reports):
            return Reply([Text(fmt(texts.not_found, count=len(reports)))])
        return Reply(await self.open_preparation(record, reports[int(arg) - 1]))

    async def overview(self, record: EmployeeRecord, reports: list[Report]) -> str:
        """The reports, and whether each preparation is done."""
        texts = self.engine.scripts.for_language(record.language).script.team
        assert texts is not None
        lines = [texts.header]
        for n, r in enumerate(reports, start=1):
            prep_record = prep_id(record.employee_id, r.id, r.conversation)
            prep = await asyncio.to_thread(self.engine.store.load, prep_record)
            status = texts.done if prep is not None and prep.state == DONE else texts.open
            lines.append(fmt(texts.line, number=n, name=r.name, date=self._shown(r, record), status=status))
        return "\n".join(lines)

    def _shown(self, report: Report, reader: EmployeeRecord) -> str:
        """The conversation's date and time as the reader's language writes them."""
        words = self.engine.scripts.for_language(reader.language).script.words
        return f"{day(report.at.date(), words)} {report.at:%H:%M}"

    async def open_organisation(self, record: EmployeeRecord) -> list[Outgoing]:
        """The organisation's side: one record per manager, reused for every report."""
        engine = self.engine
        if engine.organisation is None:
            return [Text(engine.messages_for(record.language).stale_choice)]
        record.active = organisation_id(record.employee_id)
        sub = await engine.load(record.active, record.language, "organisation")
        out = engine.turn(sub).begin()  # done already: it says how to change an answer
        await engine.save(sub)
        return out

    async def open_preparation(self, record: EmployeeRecord, report: Report) -> list[Outgoing]:
        """Begin (or go on with) the manager's preparation for one report."""
        engine = self.engine
        texts = engine.scripts.for_language(record.language).script.team
        assert texts is not None
        record.active = prep_id(record.employee_id, report.id, report.conversation)
        prep = await engine.load(record.active, record.language, "manager")
        out: list[Outgoing] = [Text(fmt(texts.preparing, name=report.name, date=self._shown(report, record)))]
        out += engine.turn(prep).begin()
        await engine.save(prep)
        return out
