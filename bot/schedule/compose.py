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
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.dialog import followup
from bot.dialog.kinds import show
from bot.dialog.questions import ChoiceQuestion, GroupQuestion
from bot.dialog.registry import ScriptRegistry
from bot.dialog.render import day, fmt
from bot.documents import organisation
from bot.documents.alignment import AlignmentDoc, build_alignment, to_text
from bot.documents.draft import QA, DraftDoc, build_draft
from bot.documents.font_dirs import FONT_DIRS
from bot.domain import EmployeeRecord
from bot.messages import Button, Document, Outgoing, Text
from bot.people.roster import Person
from bot.people.team import conversation_ref, organisation_id
from bot.schedule import offers
from bot.schedule.outbox import Entry
from bot.schedule.timeline import ScheduleConfig, Texts, key_suffix


@dataclass(frozen=True)
class Composed:
    """A message made for one entry: its parts and its subject (an e-mail's)."""

    parts: list[Outgoing]
    subject: str = ""  # e-mail only


@dataclass(frozen=True)
class Request:
    """Everything a kind's composer may need: the entry, whom it is about and for, their
    records, and the reader's schedule texts with what they fill in."""

    entry: Entry
    person: Person  # whose conversation it is
    manager: Person | None
    to: Person  # who reads it
    record: EmployeeRecord | None
    now: datetime
    email: bool
    prep: EmployeeRecord | None  # the manager's preparation for this conversation
    bundle: list[Person]  # a manager's weekly invitation: the week's other reports
    texts: Texts
    params: dict[str, object]

    @property
    def kind(self) -> str:
        """The kind of message asked for."""
        return self.entry.kind


# Each kind of message and the Composer method that writes it (a new kind: one method with
# `@composes("kind")`; `tests/schedule/test_kinds.py` checks every kind has one).
COMPOSERS: dict[str, Callable[[Composer, Request], Composed]] = {}


def composes(
    *kinds: str,
) -> Callable[[Callable[[Composer, Request], Composed]], Callable[[Composer, Request], Composed]]:
    """Register a function as the composer of these kinds (`COMPOSERS`)."""

    def register(method: Callable[[Composer, Request], Composed]) -> Callable[[Composer, Request], Composed]:
        for kind in kinds:
            COMPOSERS[kind] = method
        return method

    return register


class Composer:
    """Makes each scheduled message in its reader's language: texts, buttons, the PDFs."""

    def __init__(
        self,
        config: ScheduleConfig,
        scripts: ScriptRegistry,
        invite_link: Callable[[Person], str | None] | None = None,
        managers: ScriptRegistry | None = None,
        follow_ups: ScriptRegistry | None = None,
        evaluations: ScriptRegistry | None = None,
        load: Callable[[str], EmployeeRecord | None] | None = None,
        *,
        font_dirs: tuple[Path, ...] = FONT_DIRS,
        organisation: ScriptRegistry | None = None,
    ) -> None:
        self.font_dirs = font_dirs
        self.organisation = organisation  # the organisation's side, once per team
        self.config = config
        self.scripts = scripts
        self.managers = managers  # the managers' preparation script: alignment and points
        # After the conversation: the check-in and evaluation scripts, and how to read their answers.
        self.follow_ups = follow_ups
        self.evaluations = evaluations
        self.load = load or (lambda _id: None)
        # For someone on Telegram who has not opened the bot yet, the e-mailed
        # invitation carries their personal start link.
        self.invite_link = invite_link

    def when(self, at: datetime, to: Person) -> str:
        """The conversation's date and time as the reader's language writes them."""
        return self.config.texts(to.language).moment(at.astimezone(ZoneInfo(to.timezone)))

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
        prep: EmployeeRecord | None = None,
        bundle: list[Person] | None = None,
    ) -> Composed:
        """An outbox entry as messages for `to`: its kind's composer (`COMPOSERS`), handed
        everything a composer may need in one `Request`."""
        texts = self.config.texts(to.language)
        params = self._params(person, manager, to, delivery_at)
        req = Request(entry, person, manager, to, record, now, email, prep, bundle or [], texts, params)
        return COMPOSERS[entry.kind](self, req)

    def _params(
        self, person: Person, manager: Person | None, to: Person, delivery_at: datetime | None
    ) -> dict[str, object]:
        """What every schedule text may fill in, in the reader's language."""
        script = self.scripts.for_language(to.language).script
        conversation = person.conversation_at()
        return {
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

    @composes("remark")
    def _remark(self, r: Request) -> Composed:
        """A manager's remark about a goal, to the employee (`bot.engine.remarks`)."""
        loaded = self.scripts.for_language(r.to.language)
        told = offers.remark(r.entry, r.person, loaded, r.record, r.texts, r.params, r.email)
        return Composed(told, self._subject(r.texts, r.params))

    @composes("organisation_request")
    def _organisation_request(self, r: Request) -> Composed:
        """Before the invitations: the organisation's side first (seed 003)."""
        text = fmt(r.texts.organisation_request, **r.params)
        if r.email:
            return Composed([Text(text)], fmt(r.texts.prep_subject, **r.params))
        return Composed([Button(text, r.texts.organisation_button, "organisation")])

    @composes("invitation")
    def _invitation(self, r: Request) -> Composed:
        text = fmt(r.texts.invitation_late if r.entry.late else r.texts.invitation, **r.params)
        link = self.invite_link(r.person) if self.invite_link and r.email else None
        if r.email:
            return Composed([Text(f"{text}\n\n{link}" if link else text)], self._subject(r.texts, r.params))
        return Composed([Button(text, r.texts.start_button, "start")])

    @composes("prep_invitation")
    def _prep_invitation(self, r: Request) -> Composed:
        """The manager's invitation to prepare (seed 004) — or, with `team week`, the week's
        reports in one message, a button each."""
        texts, params = r.texts, r.params
        if not r.bundle:
            text = fmt(texts.prep_invitation, **params)
            if r.email:
                return Composed([Text(text)], fmt(texts.prep_subject, **params))
            ref = conversation_ref(r.person.id, r.person.conversation)
            return Composed([Button(text, texts.prepare_button, f"prep:{ref}")])
        everyone = sorted([r.person, *r.bundle], key=lambda p: (p.conversation, p.id))
        head = fmt(texts.prep_digest, count=len(everyone), **params)
        lines = []
        for p in everyone:
            when = p.conversation_at()
            line = fmt(texts.prep_digest_line, name=p.name, date=self.when(when, r.to) if when else "")
            ref = conversation_ref(p.id, p.conversation)
            lines.append(Text(line) if r.email else Button(line, texts.prepare_button, f"prep:{ref}"))
        if r.email:
            body = "\n".join([head, *(f"• {x.text}" for x in lines)])
            return Composed([Text(body)], fmt(texts.prep_subject, **params))
        return Composed([Text(head), *lines])

    @composes("prep_reminder", "reminder")
    def _reminder(self, r: Request) -> Composed:
        template = r.texts.prep_reminder if r.kind == "prep_reminder" else r.texts.reminder
        return self._plain(fmt(template, **r.params), r.texts, r.params, r.email)

    @composes("next_cycle", "next_cycle_manager")
    def _next_cycle(self, r: Request) -> Composed:
        """A new round: the previous POP is the starting point."""
        pdf = self.final_pdf(r.person, r.manager, r.to, r.record, r.now, r.texts)
        template = r.texts.next_cycle if r.kind == "next_cycle" else r.texts.next_cycle_manager
        return Composed([Text(fmt(template, **r.params)), pdf], self._subject(r.texts, r.params))

    @composes("points")
    def _points(self, r: Request) -> Composed:
        return self._plain(self.points(r.to, r.prep, r.params, r.now), r.texts, r.params, r.email)

    @composes("delivered")
    def _delivered(self, r: Request) -> Composed:
        template = r.texts.delivered_withheld if self.withheld(r.record) else r.texts.delivered
        return self._plain(fmt(template, **r.params), r.texts, r.params, r.email)

    @composes("review", "delivery")
    def _draft_message(self, r: Request) -> Composed:
        """The review (to the employee) and the delivery (to the manager) carry the draft as the
        manager gets it: the same answers, in the reader's own language; the delivery adds the
        alignment summary and the feasibility per goal. An employee who said no to the draft
        as the basis keeps it: the manager gets their own preparation only."""
        person, manager, to, record, now, texts, params = (
            r.person, r.manager, r.to, r.record, r.now, r.texts, r.params,
        )  # fmt: skip
        withheld = self.withheld(record)
        if r.kind == "delivery" and withheld:
            parts: list[Outgoing] = [Text(fmt(texts.delivery_withheld, **params))]
            if self.managers is not None and manager is not None:
                alignment = self.alignment(person, manager, None, r.prep, now)
                parts += [Text(to_text(alignment)), self._alignment_pdf(alignment, texts, person)]
            return self._mailed(parts, texts, params, r.email)
        doc = self.draft(person, to, record, now, manager=manager)
        pdf = Document(
            self.filename(texts, person),
            pdf_of(doc, self.font_dirs, self.config.letterhead.logo),
            mime="application/pdf",
        )
        if r.kind == "review":
            text = fmt(texts.review_withheld if withheld else texts.review, **params)
        else:
            text = self.summary(r.entry, texts, params, doc)
        parts = [Text(text), pdf]
        if r.kind == "review" and manager is not None:  # the organisation's side, if it came late
            shared = self.shared_organisation(to, manager, now)
            parts += [Text(shared)] if shared else []
        if r.kind == "delivery" and self.managers is not None and manager is not None:
            alignment = self.alignment(person, manager, record, r.prep, now)
            parts += [Text(to_text(alignment)), self._alignment_pdf(alignment, texts, person)]
            if not r.email:  # Realistisch per goal, now that the goals are known
                parts += offers.feasibility(
                    self.scripts.for_language(to.language), record, person, texts, params
                )
        return self._mailed(parts, texts, params, r.email)

    def _alignment_pdf(self, alignment: AlignmentDoc, texts: Texts, person: Person) -> Document:
        return Document(
            self.filename(texts, person, texts.alignment_filename),
            alignment_pdf_of(alignment, self.font_dirs, self.config.letterhead.logo),
            mime="application/pdf",
        )

    def _mailed(
        self, parts: list[Outgoing], texts: Texts, params: dict[str, object], email: bool
    ) -> Composed:
        if email:  # one mail: the texts, then where the PDFs are
            body = "\n\n".join(p.text for p in parts if isinstance(p, Text))
            parts = [Text(fmt(texts.email_body, text=body)), *(p for p in parts if isinstance(p, Document))]
        return Composed(parts, self._subject(texts, params))

    def withheld(self, record: EmployeeRecord | None) -> bool:
        """The employee said no to the draft as the basis of the final POP."""
        if record is None:
            return False
        consent = self.scripts.for_record(record).script.draft.consent
        return consent is not None and record.values().get(consent.question) is False

    @composes("finalize", "agree_request", "final", "final_manager")
    def agreement(self, r: Request) -> Composed:
        """Vaststelling: the request to confirm, the request to agree, and the signed final POP."""
        entry, person, manager, to, record, now, texts, params, email = (
            r.entry, r.person, r.manager, r.to, r.record, r.now, r.texts, r.params, r.email,
        )  # fmt: skip
        words = self.scripts.for_language(to.language).script.agreement
        assert words is not None  # only planned when the scripts have it
        ref = conversation_ref(person.id, person.conversation)
        loaded = self.scripts.for_language(to.language)
        titles = followup.goal_titles(loaded, record) if record else []
        day = (person.conversation_at() or now).date()
        still_open = followup.open_letters(loaded, record, day) if record else []

        def ask(text: str) -> list[Outgoing]:
            if email:
                return [Text(text)]
            if not titles:  # nothing to agree goal by goal: one yes for the POP
                return [Button(text, words.button, f"agree:{ref}")]
            return [Text(text), *followup.agreement_buttons(words, titles, ref, still_open)]

        if entry.kind == "finalize":
            text = fmt(texts.finalize, **params)
            if self.config.hr.email:  # told before agreeing: the agreed actions go to HR
                text += "\n\n" + fmt(texts.hr_told, **params)
            return Composed(ask(text), self._subject(texts, params))
        if entry.kind == "agree_request":
            parts = [
                self.final_pdf(person, manager, to, record, now, texts),
                *ask(fmt(texts.agree_request, **params)),
                *(offers.send_back(person, texts, params) if titles and not email else []),
                *self.interval_offer(person, to, record, texts, ref, email),
            ]
            return Composed(parts, self._subject(texts, params))
        agreed = (record.agreed if record is not None else {}).get(person.conversation, {})
        missing = [
            who.name
            for role, who in (("employee", person), ("manager", manager))
            if who and role not in agreed
        ]
        pdf = self.final_pdf(person, manager, to, record, now, texts, working=bool(missing))
        if missing:  # the window passed without both: the draft is the working POP
            days = self.config.timeline.agreement_window
            text = fmt(texts.working, open=", ".join(missing), days=days, **params)
            return Composed([Text(text), pdf], fmt(texts.final_subject, **params))
        during = (
            offers.during_the_year(person, texts, params)
            if entry.kind == "final_manager" and not email
            else []
        )
        return Composed([Text(fmt(texts.final, **params)), pdf, *during], fmt(texts.final_subject, **params))

    @composes("hr_actions")
    def hr_actions(self, r: Request) -> Composed:
        """The agreed development actions for HR: the configured goal fields, nothing else."""
        record, texts, params = r.record, r.texts, r.params
        loaded = self.scripts.for_language(self.config.hr.language)
        g = loaded.questions.get(loaded.script.draft.goals_question or "")
        lines = [fmt(texts.hr_actions, **params)]
        if isinstance(g, GroupQuestion) and record is not None:
            labels = loaded.script.draft.goal_columns  # the POP form's column headers
            fields = [f for f in g.fields if f.id in self.config.hr.fields]
            for n, item in enumerate(followup.goals(loaded, record), start=1):
                shown = [fmt(g.item_label, n=n)]
                shown += [
                    f"  {labels.get(f.id, f.id)}: {show(f, item[f.id], loaded.script)}"
                    for f in fields
                    if item.get(f.id)
                ]
                lines.append("\n".join(shown))
        return Composed([Text("\n\n".join(lines))], fmt(texts.hr_subject, **params))

    def interval_offer(
        self, person: Person, to: Person, record: EmployeeRecord | None, texts: Texts, ref: str, email: bool
    ) -> list[Outgoing]:
        """At the vaststelling the manager sees how often the check-ins come (the employee's
        choice) and can agree another interval with them: a button per choice."""
        qid = self.config.follow_up.checkin_question
        q = self.scripts.for_language(to.language).questions.get(qid or "")
        if email or record is None or not isinstance(q, ChoiceQuestion):
            return []
        chosen = record.checkin_agreed.get(person.conversation) or record.values().get(q.id)
        shown = (
            show(q, chosen, self.scripts.for_language(to.language).script) if chosen else texts.not_answered
        )
        return [
            Text(fmt(texts.interval_offer, name=person.name, choice=shown)),
            *(Button(o.label, texts.interval_button, f"interval:{ref}:{o.id}") for o in q.options),
        ]

    @composes(
        "checkin", "evaluation", "goal_review", "checkin_summary", "evaluation_summary", "review_summary"
    )
    def follow_up(self, r: Request) -> Composed:
        """Seed 001 §2.5: the invitation to a check-in, an evaluation or a medium-term goal's
        review, and the manager's summary of each."""
        entry, person, to, record, now, texts, params, email = (
            r.entry, r.person, r.to, r.record, r.now, r.texts, r.params, r.email,
        )  # fmt: skip
        suffix = key_suffix(entry.key)  # "checkin-2", "evaluation-summary-0"
        number = int(suffix.rsplit("-", 1)[1])
        titles = followup.goal_titles(self.scripts.for_language(person.language), record) if record else []
        ref = conversation_ref(person.id, person.conversation)
        subject = self._subject(texts, params)
        if entry.kind == "checkin":
            text = fmt(texts.checkin, **params)
            action = f"checkin:{number}:{ref}"
            return Composed([Text(text) if email else Button(text, texts.checkin_button, action)], subject)
        if entry.kind in ("evaluation", "goal_review"):
            goal = titles[number] if number < len(titles) else ""
            review = entry.kind == "goal_review"  # a medium-term goal: a review, not "reached?"
            text = fmt(texts.goal_review if review else texts.evaluation, goal=goal, **params)
            action = f"{'review' if review else 'evaluate'}:{number}:{ref}"
            label = texts.review_button if review else texts.evaluate_button
            return Composed([Text(text) if email else Button(text, label, action)], subject)
        # the manager's summary: the employee's answers per goal, in the manager's language
        checkin = entry.kind == "checkin_summary"
        review = entry.kind == "review_summary"
        registry = self.follow_ups if checkin or review else self.evaluations
        assert registry is not None
        loaded = registry.for_language(to.language)
        if checkin:
            lines = [fmt(texts.checkin_summary, number=number, **params)]
            goals = [
                (i, t, followup.checkin_id(person.id, person.conversation, number, i))
                for i, t in enumerate(titles)
            ]
        else:
            goal = titles[number] if number < len(titles) else ""
            lines = [fmt(texts.review_summary if review else texts.evaluation_summary, goal=goal, **params)]
            make = followup.review_id if review else followup.evaluation_id
            goals = [(number, "", make(person.id, person.conversation, number))]
        for _i, title, sub_id in goals:
            sub = self.load(sub_id)
            answers = build_draft(loaded, sub, now).sections if sub is not None else []
            body = [f"{qa.question} {qa.answer}" for _t, qas in answers for qa in qas]
            lines.append("\n".join([f"• {title}" if title else "", *(body or [texts.not_answered])]).strip())
        words = self.scripts.for_language(to.language).script.follow_up
        summary = "\n\n".join(lines)
        if email:
            return Composed([Text(summary)], subject)
        if checkin and words is not None and words.note_button:  # both watch progress
            note = Button(summary, words.note_button, f"note:{number}:{ref}")
            return Composed([note, *offers.during_the_year(person, texts, params)], subject)
        if not checkin:  # the manager responds to the evaluation
            return Composed([offers.respond(person, number + 1, summary, texts)], subject)
        return Composed([Text(summary)], subject)

    def final_pdf(
        self,
        person: Person,
        manager: Person | None,
        to: Person,
        record: EmployeeRecord | None,
        now: datetime,
        texts: Texts,
        working: bool = False,
    ) -> Document:
        """The POP with who agreed when, in the reader's language: titled and named as final,
        as a later version, or — without both agreements — as the working POP; never a concept."""
        reader = to
        title, signed = self.signatures(person, manager, reader, record)
        rtexts = self.config.texts(reader.language)
        version = record.versions.get(person.conversation, 1) if record is not None else 1
        words = self.scripts.for_language(reader.language).script.agreement
        if working and words is not None and words.working_title:
            title, name = words.working_title, rtexts.working_filename
        elif version > 1:
            name = fmt(rtexts.version_filename, name="{name}", version=version)
        else:
            name = rtexts.final_filename
        doc = self.draft(person, reader, record, now, final=(title, signed), manager=manager)
        return Document(
            self.filename(texts, person, name),
            pdf_of(doc, self.font_dirs, self.config.letterhead.logo),
            mime="application/pdf",
        )

    def signatures(
        self, person: Person, manager: Person | None, reader: Person, record: EmployeeRecord | None
    ) -> tuple[str, dict[str, str]]:
        """The final POP's title and signature lines: who agreed when, in the reader's language."""
        words = self.scripts.for_language(reader.language).script.agreement
        assert words is not None
        draft = self.scripts.for_language(reader.language).script.draft
        texts = self.config.texts(reader.language)
        agreed = (record.agreed if record is not None else {}).get(person.conversation, {})
        signed = {}
        for role, label, who in (
            ("employee", draft.employee_label, person),
            ("manager", texts.manager_label, manager),
        ):
            if role in agreed and who is not None:
                local = agreed[role].astimezone(ZoneInfo(reader.timezone))
                on = day(local.date(), self.scripts.for_language(reader.language).script.words)
                signed[label] = fmt(words.signed, name=who.name, date=on, time=f"{local:%H:%M}")
        version = record.versions.get(person.conversation, 1) if record is not None else 1
        if version > 1 and words.version_title:  # changed during the year: which version this is
            return fmt(words.version_title, version=version), signed
        return words.final_title, signed

    def alignment(
        self,
        person: Person,
        manager: Person,
        record: EmployeeRecord | None,
        prep: EmployeeRecord | None,
        now: datetime,
    ) -> AlignmentDoc:
        """The alignment summary for a manager: the employee's draft beside the manager's preparation."""
        assert self.managers is not None
        draft = self.draft(person, manager, record, now)
        return build_alignment(
            self.scripts.for_language(manager.language),
            self.managers.for_language(manager.language),
            record,
            prep,
            employee_name=person.name,
            header=draft.header[:-1],  # employee, manager, conversation — the same as the draft's
            conversation_day=(person.conversation_at() or now).date(),
            organisation=self.organisation_side(manager, now),
            letterhead=self.config.letterhead.organisation,
        )

    def shared_organisation(self, reader: Person, manager: Person, now: datetime) -> str | None:
        """What the manager shares of the organisation's side, as the employee reads it."""
        team = self.scripts.for_language(reader.language).script.team
        if self.organisation is None or team is None:
            return None
        org = self.load(organisation_id(manager.id))
        loaded = self.organisation.for_language(reader.language)
        return organisation.shared_text(loaded, org, team.organisation_shared, manager.name, now)

    def organisation_side(self, manager: Person, now: datetime) -> list[QA]:
        """The manager's organisation's side, all of it: the summary is the manager's own."""
        org = self.load(organisation_id(manager.id)) if self.organisation is not None else None
        if org is None or self.organisation is None:
            return []
        doc = build_draft(self.organisation.for_language(manager.language), org, now)
        return [qa for _title, body in doc.sections for qa in body]

    def points(
        self, to: Person, prep: EmployeeRecord | None, params: dict[str, object], now: datetime
    ) -> str:
        """The manager's shareable answers, for the employee (seed 004: exchanged a week before)."""
        assert self.managers is not None
        loaded = self.managers.for_language(to.language)
        a = loaded.script.alignment
        assert a is not None
        chosen = prep.values().get(a.share_question or "") if prep is not None else None
        lines = []
        for qid in chosen if isinstance(chosen, list) else []:  # only what the manager chose
            q, answer = loaded.questions.get(qid), prep.answers.get(qid) if prep else None
            if q is None or answer is None or answer.skipped or answer.private or q.private:
                continue  # never a 🔒 answer, even if it was chosen before it was marked
            lines.append(f"{q.for_employee or q.text}\n{show(q, answer.value, loaded.script)}")
        if not lines:
            return fmt(a.points_none, **params)
        return "\n\n".join([fmt(a.points_title, **params), *lines])

    def _plain(self, text: str, texts: Texts, params: dict[str, object], email: bool) -> Composed:
        return Composed([Text(text)], self._subject(texts, params) if email else "")

    @staticmethod
    def _subject(texts: Texts, params: dict[str, object]) -> str:
        return fmt(texts.email_subject, **params)

    def summary(self, entry: Entry, texts: Texts, params: dict[str, object], doc: DraftDoc) -> str:
        """The short summary of an employee's draft a manager gets in the chat."""
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

    def draft(
        self,
        person: Person,
        reader: Person,
        record: EmployeeRecord | None,
        now: datetime,
        final: tuple[str, dict[str, str]] | None = None,
        manager: Person | None = None,
    ) -> DraftDoc:
        """The POP about `person` for `reader`, with the manager's line (`manager`, or the
        reader when the reader is not the person)."""
        loaded = self.scripts.for_language(reader.language)
        record = record or EmployeeRecord(employee_id=person.id, language=person.language)
        texts = self.config.texts(reader.language)
        boss = manager or (reader if reader.id != person.id else None)
        line = (texts.manager_label, boss.name) if boss is not None else None
        conversation = person.conversation_at()
        return build_draft(
            loaded,
            record,
            now.astimezone(ZoneInfo(reader.timezone)),
            employee=person.name,
            manager=line,
            conversation=self.when(conversation, reader) if conversation else None,
            final=final,
            conversation_day=conversation.date() if conversation else None,
            department=person.department,
            organisation=self.config.letterhead.organisation,
            rhythm=self.rhythm(person, reader, record),
        )

    def rhythm(self, person: Person, reader: Person, record: EmployeeRecord) -> str:
        """How often progress is discussed: as agreed at the vaststelling, else as the employee
        chose, else the schedule's own rhythm (seed 002: the evaluation moments in the POP)."""
        cfg = self.config.follow_up
        loaded = self.scripts.for_language(reader.language)
        q = loaded.questions.get(cfg.checkin_question or "")
        chosen = record.checkin_agreed.get(person.conversation) or record.values().get(q.id if q else "")
        if isinstance(q, ChoiceQuestion) and isinstance(chosen, str) and chosen in {o.id for o in q.options}:
            return show(q, chosen, loaded.script)
        return fmt(self.config.texts(reader.language).rhythm_default, months=cfg.checkin_months)

    @staticmethod
    def filename(texts: Texts, person: Person, template: str | None = None) -> str:
        name = fmt(template or texts.pdf_filename, name=person.name)
        stem = re.sub(r"[^\w.-]+", "-", name.removesuffix(".pdf")).strip("-") or "pop"
        return f"{stem}.pdf"


def pdf_of(doc: DraftDoc, font_dirs: tuple[Path, ...], logo: str = "") -> bytes:
    """The draft POP as a PDF, as the manager gets it."""
    from bot.documents.pdf import render_pdf  # fpdf2 is loaded by the first PDF, not at start

    return render_pdf(doc, font_dirs, Path(logo) if logo else None)


def alignment_pdf_of(doc: AlignmentDoc, font_dirs: tuple[Path, ...], logo: str = "") -> bytes:
    """The alignment summary as a PDF."""
    from bot.documents.pdf import render_alignment_pdf

    return render_alignment_pdf(doc, font_dirs, Path(logo) if logo else None)
