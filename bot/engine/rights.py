"""`mijngegevens` (everything held, as JSON and Markdown) and `verwijder` (after a yes): the
employee's rights over their data, in the chat."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from typing import Any

from bot.dialog.kinds import show
from bot.dialog.render import asked_text, day, fmt
from bot.domain import EmployeeRecord
from bot.engine.context import EngineView, Reply
from bot.messages import Document, Incoming, Text
from bot.people.privacy import to_markdown


class DataRights:
    """The employee's rights in the chat: `mijngegevens` (everything held, as JSON and
    Markdown) and `verwijder` (erase everything, after a confirmation)."""

    def __init__(self, engine: EngineView) -> None:
        self.engine = engine

    async def handle(self, record: EmployeeRecord, incoming: Incoming) -> Reply | None:
        """`mijngegevens` or `verwijder` (and its confirmation): the reply, or None when the text is
        neither."""
        engine = self.engine
        script = engine.scripts.for_language(record.language).script
        words = script.rights
        if words is None or engine.personal is None or incoming.kind != "text":
            return None
        text = incoming.text.strip().casefold().lstrip("/")
        if record.erase_pending:
            record.erase_pending = False
            if text in (w.casefold() for w in script.words.yes):
                await asyncio.to_thread(engine.personal.erase, record.employee_id, in_turn=True)
                return Reply([Text(words.erase_done)], save=False)  # an erased record is not written again
            question = engine.turn(record).current_question()
            return Reply([Text(words.erase_cancelled), *([question] if question else [])])
        if text in (w.casefold() for w in words.erase_words):
            record.erase_pending = True
            return Reply([Text(fmt(words.erase_confirm, yes=script.words.yes[0]))])
        if text in (w.casefold() for w in words.export_words):
            data = await asyncio.to_thread(engine.personal.export, record.employee_id)
            stamp = engine.clock().strftime("%Y%m%d")
            raw = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
            readable = to_markdown(data, ExportWords(engine, record.language)).encode("utf-8")
            return Reply(
                [
                    Document(
                        f"popbot-{stamp}.json", raw, mime="application/json", caption=words.export_caption
                    ),
                    Document(
                        f"popbot-{stamp}.md", readable, mime="text/markdown", caption=words.export_caption
                    ),
                ]
            )
        return None


class ExportWords:
    """The readable export in the reader's words: questions as asked, answers as labels,
    dates as the language writes them, kinds of message by their names (issue 27)."""

    def __init__(self, engine: EngineView, language: str) -> None:
        self.engine = engine
        self.language = language
        self.script = engine.scripts.for_language(language).script
        words = self.script.rights
        self.labels = dict(words.export_labels) if words is not None else {}
        if engine.kind_names is not None:
            self.labels = {**engine.kind_names(language), **self.labels}

    def label(self, key: str) -> str:
        """The reader's word for a key of the export (a heading, a roster column, a kind of message)."""
        return self.labels.get(key, key)

    def title(self, script_id: str) -> str:
        """A script's title in the reader's language (a record's heading in the export)."""
        return self.engine.registry_of(script_id).for_language(self.language).script.title

    def answer(self, script_id: str, qid: str, value: Any) -> tuple[str, str]:
        """(question as asked, answer as shown) of one stored answer."""
        loaded = self.engine.registry_of(script_id).for_language(self.language)
        q = loaded.questions.get(qid)
        if q is None:  # a question since removed from the script: as stored
            return qid, "; ".join(map(str, value)) if isinstance(value, list) else str(value)
        return asked_text(q, None), show(q, value, loaded.script)

    def when(self, iso: str) -> str:
        """An ISO date as the reader's language writes it."""
        try:
            return day(datetime.fromisoformat(iso).date(), self.script.words)
        except (TypeError, ValueError):
            return str(iso)

    def roster_value(self, key: str, value: Any) -> str:
        """A roster value as the reader reads it: a manager by name, a date, yes/no, the accounts by
        platform."""
        if key == "manager" and self.engine.team is not None:
            return self.engine.team.name_of(str(value)) or str(value)
        if key == "conversation":
            return self.when(str(value))
        if key == "language" and str(value) in self.engine.scripts.languages:
            return self.engine.scripts.languages[str(value)]
        if isinstance(value, dict):  # the accounts: each platform by the script's name for it
            return ", ".join(f"{self.label(str(k))}: {v}" for k, v in sorted(value.items()))
        if isinstance(value, bool):
            return self.script.words.yes[0] if value else self.script.words.no[0]
        return str(value)
