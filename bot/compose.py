"""What the schedule says: each outbox entry turned into messages, in the recipient's language.

All wording comes from `dialogs/schedule.yaml` and the dialog scripts; this
module only fills it in. The draft goes to the manager in the manager's
language (question texts and choices translated, free text as written), and
the employee's review shows exactly that same PDF.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain import EmployeeRecord
from bot.draft import DraftDoc, build_draft
from bot.messages import Button, Document, Outgoing, Text
from bot.outbox import Entry
from bot.pdf import render_pdf
from bot.registry import ScriptRegistry
from bot.render import fmt
from bot.roster import Person
from bot.timeline import ScheduleConfig, Texts


@dataclass(frozen=True)
class Composed:
    parts: list[Outgoing]
    subject: str = ""  # e-mail only


class Composer:
    def __init__(
        self,
        config: ScheduleConfig,
        scripts: ScriptRegistry,
        invite_link: Callable[[Person], str | None] | None = None,
    ) -> None:
        self.config = config
        self.scripts = scripts
        # For someone on Telegram who has not opened the bot yet, the e-mailed
        # invitation carries their personal start link.
        self.invite_link = invite_link

    def when(self, at: datetime, to: Person) -> str:
        texts = self.config.texts(to.language)
        local = at.astimezone(ZoneInfo(to.timezone))
        return fmt(
            texts.date_format,
            weekday=texts.weekdays[local.weekday()],
            day=local.day,
            month=texts.months[local.month - 1],
            year=local.year,
            time=local.strftime("%H:%M"),
        )

    def compose(
        self,
        entry: Entry,
        person: Person,
        manager: Person | None,
        to: Person,
        record: EmployeeRecord | None,
        now: datetime,
        *,
        delivery_at: datetime | None,
        email: bool,
    ) -> Composed:
        texts = self.config.texts(to.language)
        script = self.scripts.for_language(to.language).script
        conversation = person.conversation_at()
        params = {
            "name": person.name,
            "first_name": person.name.split()[0],
            "manager": manager.name if manager else "",
            "manager_first_name": manager.name.split()[0] if manager else "",
            "date": self.when(conversation, to) if conversation else "",
            "delivery": self.when(delivery_at, to) if delivery_at else "",
            "minutes": self.config.preparation_minutes,
            "edit": script.commands.edit[0],
            "draft": script.commands.draft[0],
            "private": script.privacy.words[0] if script.privacy else "",
        }
        kind = entry.kind
        if kind == "invitation":
            text = fmt(texts.invitation_late if entry.late else texts.invitation, **params)
            link = self.invite_link(person) if self.invite_link and email else None
            if email:
                return Composed([Text(f"{text}\n\n{link}" if link else text)], self._subject(texts, params))
            return Composed([Button(text, texts.start_button, "start")])
        if kind == "reminder":
            return self._plain(fmt(texts.reminder, **params), texts, params, email)
        if kind == "delivered":
            return self._plain(fmt(texts.delivered, **params), texts, params, email)
        # review (to the employee) and delivery (to the manager) carry the draft as the manager gets it
        reader = manager or to
        doc = self.draft(person, reader, record, now)
        pdf = Document(self.filename(texts, person), render_pdf(doc), mime="application/pdf")
        text = fmt(texts.review, **params) if kind == "review" else self.summary(entry, texts, params, doc)
        if email:  # the mail says where the PDF is
            text = fmt(texts.email_body, text=text)
        return Composed([Text(text), pdf], self._subject(texts, params))

    def _plain(self, text: str, texts: Texts, params: dict[str, object], email: bool) -> Composed:
        return Composed([Text(text)], self._subject(texts, params) if email else "")

    @staticmethod
    def _subject(texts: Texts, params: dict[str, object]) -> str:
        return fmt(texts.email_subject, **params)

    def summary(self, entry: Entry, texts: Texts, params: dict[str, object], doc: DraftDoc) -> str:
        lines = [fmt(texts.delivery, **params)]
        if entry.late:
            lines.append(fmt(texts.delivery_late, **params))
        goals = [row[0] for row in doc.goal_rows if row and row[0] != doc.empty]
        if goals:
            lines.append(fmt(texts.delivery_goals, count=len(goals), goals="; ".join(goals)))
        if doc.missing:
            missing = "\n".join(f"• {q}" for q in doc.missing)
            lines.append(fmt(texts.delivery_incomplete, missing=missing, **params))
        return "\n\n".join(lines)

    def draft(self, person: Person, reader: Person, record: EmployeeRecord | None, now: datetime) -> DraftDoc:
        loaded = self.scripts.for_language(reader.language)
        record = record or EmployeeRecord(employee_id=person.id, language=person.language)
        texts = self.config.texts(reader.language)
        manager = (texts.manager_label, reader.name) if reader.id != person.id else None
        conversation = person.conversation_at()
        return build_draft(
            loaded,
            record,
            now.astimezone(ZoneInfo(reader.timezone)),
            employee=person.name,
            manager=manager,
            conversation=self.when(conversation, reader) if conversation else None,
        )

    @staticmethod
    def filename(texts: Texts, person: Person) -> str:
        name = fmt(texts.pdf_filename, name=person.name)
        stem = re.sub(r"[^\w.-]+", "-", name.removesuffix(".pdf")).strip("-") or "pop"
        return f"{stem}.pdf"
