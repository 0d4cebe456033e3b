"""`mijngegevens` (everything held, as JSON and Markdown) and `verwijder` (after a yes): the
employee's rights over their data, in the chat."""

from __future__ import annotations

import asyncio
import json

from bot.dialog.render import fmt
from bot.domain import EmployeeRecord
from bot.engine.context import EngineView, Reply
from bot.messages import Document, Incoming, Text
from bot.people.privacy import to_markdown


class DataRights:
    def __init__(self, engine: EngineView) -> None:
        self.engine = engine

    async def handle(self, record: EmployeeRecord, incoming: Incoming) -> Reply | None:
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
            readable = to_markdown(data, words.export_labels).encode("utf-8")
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
