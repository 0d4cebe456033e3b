"""The dialog engine: the one coroutine every adapter calls.

    outgoing = await engine.handle(employee_id, Incoming.say("..."))

A turn is: take the employee's lock, load their record, apply the message,
save durably, answer. Nothing is acknowledged before it is saved, and a turn
that fails half-way saves nothing, so a crash between two turns loses at most
the message that was not yet answered.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING

from bot import ids
from bot.clock import Clock, utc_now
from bot.dialog import followup
from bot.dialog.loaded import LoadedScript
from bot.dialog.questions import DateQuestion
from bot.dialog.registry import ScriptRegistry
from bot.dialog.render import fmt
from bot.dialog.schema import Script, ScriptMessages
from bot.documents import organisation
from bot.documents.draft import render_draft
from bot.domain import SEEN_DELIVERIES, START, Answer, EmployeeRecord, milestones
from bot.errors import DamagedData, StorageError
from bot.messages import Incoming, Outgoing, Question, Text
from bot.people.team import TeamDirectory, organisation_id
from bot.ports import ProgressStore, Store
from bot.schedule.outbox import Outbox
from bot.session import Sessions

if TYPE_CHECKING:
    from bot.people.privacy import PersonalData
from bot.engine.context import Feature
from bot.engine.notes import ManagerNotes
from bot.engine.remarks import ASKED, RemarkActions, Remarks
from bot.engine.revisions import remember_signed, revise_if_changed
from bot.engine.rights import DataRights
from bot.engine.subdialogs import OwnDialog, SubDialogs
from bot.engine.team_commands import TeamCommands
from bot.engine.turn import Turn

log = logging.getLogger("popbot.engine")


class Engine:
    """The conversation for every person: one message in, the replies out. It loads the
    person's record, lets the first feature that takes the message answer it (data rights, a
    manager's note or remark, team words, a sub-dialog, the own POP), and saves — one turn per
    person at a time (`bot.session`), a platform's redelivery answered once."""

    def __init__(
        self,
        scripts: ScriptRegistry | Mapping[str, LoadedScript],
        store: Store,
        *,
        default_language: str = "nl",
        clock: Clock = utc_now,
        managers: ScriptRegistry | None = None,
        team: TeamDirectory | None = None,
        follow_ups: ScriptRegistry | None = None,
        evaluations: ScriptRegistry | None = None,
        personal: PersonalData | None = None,
        organisation: ScriptRegistry | None = None,
        outbox: Outbox | None = None,
        agreement_window: int = 30,
        kind_names: Callable[[str], dict[str, str]] | None = None,
        checkin_question: str | None = "evaluatiemoment",
        milestones: ProgressStore | None = None,
    ) -> None:
        if not isinstance(scripts, ScriptRegistry):
            scripts = ScriptRegistry.of(*scripts.values(), default_language=default_language)
        self.scripts = scripts
        # The managers' preparation script, and who reports to whom (both optional).
        self.managers = managers
        self.team = team
        # The organisation's side, once per team (optional; needs the managers' script).
        self.organisation = organisation
        # A POP changed during the year is agreed again: its requests go in the outbox.
        self.outbox = outbox
        self.agreement_window = agreement_window
        self.kind_names = kind_names  # the schedule's words for its kinds of message (the export)
        self.checkin_question = checkin_question  # the schedule's "how often" question
        # After the conversation: per-goal check-ins and evaluations (optional).
        self.follow_ups = follow_ups
        self.evaluations = evaluations
        self.personal = personal  # export and erasure (the employee's rights)
        self.milestones = milestones  # how far each person is, for HR's counts (optional)
        # told each turn's duration and whether it was saved (the server's metrics)
        self.observe: Callable[[float, bool], None] = lambda _seconds, _saved: None
        self.store = store
        self.clock = clock
        # One session per person: two adapters (or two button presses, or two processes) for
        # the same person are applied one after the other, never interleaved.
        self.sessions = Sessions(store)
        # What a message can be, tried in order after the data rights (which come even before
        # a new round): a manager's team words, the sub-dialog the person is in, their own POP.
        self.rights = DataRights(self)
        self.team_commands = TeamCommands(self)
        self.subdialogs = SubDialogs(self)
        self.notes = ManagerNotes(self)  # a manager's note is their next message: first
        self.remarks = Remarks(self)  # so is a remark on a goal
        self._organisation_texts: dict[tuple[str, str, str], str | None] = {}
        self.remark_actions = RemarkActions(self)
        self.features: list[Feature] = [
            self.notes,
            self.remarks,
            self.team_commands,
            self.subdialogs,
            OwnDialog(self),
        ]

    def _lock(self, employee_id: str) -> AbstractAsyncContextManager[None]:
        """The person's turn to themselves (see `bot.session`)."""
        return self.sessions.turn(employee_id)

    @property
    def registries(self) -> list[ScriptRegistry]:
        """Every script registry, for hot reload."""
        extra = (self.managers, self.organisation, self.follow_ups, self.evaluations)
        return [self.scripts, *(r for r in extra if r is not None)]

    def registry_of(self, script_id: str) -> ScriptRegistry:
        """The scripts of a record's kind: pop, manager, organisation, followup, evaluation."""
        return self._registry(script_id)

    def _registry(self, script_id: str) -> ScriptRegistry:
        found = {
            "manager": self.managers,
            "organisation": self.organisation,
            "followup": self.follow_ups,
            "evaluation": self.evaluations,
        }
        return found.get(script_id) or self.scripts

    async def load(self, employee_id: str, language: str | None, script_id: str = "pop") -> EmployeeRecord:
        """The person's record in the script it is on (a new one when there is none)."""
        record = await asyncio.to_thread(self.store.load, employee_id)
        if record is None:
            loaded = self._registry(script_id).for_language(language)
            record = EmployeeRecord(
                employee_id=employee_id,
                language=loaded.script.language,
                script_id=loaded.script.id,
                script_version=loaded.version,
                created_at=self.clock(),
            )
        return record

    def turn(self, record: EmployeeRecord) -> Turn:
        """A `Turn` over this record with the script, the names and the organisation's side it needs."""
        registry = self._registry(record.script_id)
        loaded = registry.for_record(record)
        record.script_version = loaded.version
        others = [
            s.script.commands for s in registry.current.values() if s.script.language != record.language
        ]
        own_pop = record.script_id == "pop" and "|" not in record.employee_id
        if own_pop:
            self._from_roster(record, loaded)
        return Turn(
            loaded,
            record,
            self.clock(),
            registry.languages,
            others,
            subject=self._subject(record),
            organisation=(lambda: self.organisation_for(record)) if own_pop else None,
            owner=self.team.name_of(record.employee_id) if own_pop and self.team else None,
        )

    def _from_roster(self, record: EmployeeRecord, loaded: LoadedScript) -> None:
        """The roster's conversation date answers the script's date question (`roster:
        conversation`), kept in step with the roster; without one the question is asked."""
        own = self.team.own(record.employee_id) if self.team is not None else None
        for q in loaded.questions.values():
            if not isinstance(q, DateQuestion) or q.roster != "conversation":
                continue
            held = record.answers.get(q.id)
            if own is not None:
                day = own.at.date().isoformat()
                if held is None or held.value != day or not held.roster:
                    record.answers[q.id] = Answer(
                        value=day, roster=True, version=loaded.version, at=self.clock()
                    )
                if record.state == q.id:  # standing at it: go on as if it was never asked
                    record.state = loaded.flow.next_state(q.id, record.values())
            elif held is not None and held.roster:  # the roster no longer has it: ask
                del record.answers[q.id]

    def organisation_for(self, record: EmployeeRecord) -> str | None:
        """What the employee's manager shares of the organisation's side, in the employee's
        language (seed 003: the organisation's expectations first): read at each turn of the
        employee's own POP, so it reaches them whenever the manager shares it."""
        if self.organisation is None or self.team is None:
            return None
        manager = self.team.manager_of(record.employee_id)
        team = self.scripts.for_language(record.language).script.team
        if manager is None or team is None:
            return None
        org = self.store.load(organisation_id(manager))
        if org is None:
            return None
        # read at each turn, but built only when the manager changed an answer (or for another language)
        answers = repr(sorted((qid, a.value, a.skipped, a.private) for qid, a in org.answers.items()))
        key = (org.employee_id, answers, record.language)
        if key not in self._organisation_texts:
            loaded = self.organisation.for_language(record.language)
            name = self.team.name_of(manager) or ""
            text = organisation.shared_text(loaded, org, team.organisation_shared, name, self.clock())
            if len(self._organisation_texts) > 1000:  # one per manager and language is plenty
                self._organisation_texts.clear()
            self._organisation_texts[key] = text
        return self._organisation_texts[key]

    def _subject(self, record: EmployeeRecord) -> str | None:
        """For a sub-dialog's record (a preparation, a check-in): the name of whom it is about."""
        rid = ids.parse(record.employee_id)
        if rid.kind in ("", "org") or self.team is None:
            return None
        return self.team.name_of(rid.about)

    @staticmethod
    def _repeated(record: EmployeeRecord, delivery_id: str | None) -> bool:
        """A platform's retry of a delivery already answered; else remember this one."""
        if delivery_id is None:
            return False
        if delivery_id in record.seen:
            return True
        record.seen = [*record.seen, delivery_id][-SEEN_DELIVERIES:]
        return False

    async def save(self, record: EmployeeRecord) -> None:
        """The record written durably (and HR's progress noted from it)."""
        record.updated_at = self.clock()
        await asyncio.to_thread(self._save, record)

    def _save(self, record: EmployeeRecord) -> None:
        if self.milestones is not None and record.script_id == "pop" and "|" not in record.employee_id:
            self._count(record, self.milestones)
        self.store.save(record)

    def _count(self, record: EmployeeRecord, progress: ProgressStore) -> None:
        """The stages this save reaches for the first time, told to HR's counts — before the
        record is saved: a kill between tells them again (a set: harmless); the other way
        round it would lose them for good."""
        own = self.team.own(record.employee_id) if self.team else None
        reached = milestones(record, record.cycle or (own.conversation if own else ""))
        new = sorted((r, stage) for r, stage in reached if r and f"{stage}@{r}" not in record.milestones)
        for round_, stage in new:
            progress.mark_progress(record.employee_id, round_, [stage])
        record.milestones = [*record.milestones, *(f"{stage}@{r}" for r, stage in new)]

    async def _guarded(self, language: str | None, work: Awaitable[list[Outgoing]]) -> list[Outgoing]:
        """A turn whose data file cannot be read or written: a clear answer, nothing acknowledged.

        The error (it names the file and what to do) goes to the operator's log; the damaged
        file is left as it is, and everyone else goes on as usual.
        """
        began = time.perf_counter()
        turn = ids.TURN_ID.set(secrets.token_hex(6))  # every log line of this turn names it
        try:
            out = await work
        except StorageError as exc:
            log.error("%s", exc)  # paths and the system's reason only, never an answer
            self.observe(time.perf_counter() - began, False)
            messages = self.messages_for(language)
            return [Text(messages.data_damaged if isinstance(exc, DamagedData) else messages.not_saved)]
        finally:
            ids.TURN_ID.reset(turn)
        self.observe(time.perf_counter() - began, True)
        return out

    async def start(
        self, employee_id: str, language: str | None = None, delivery_id: str | None = None
    ) -> list[Outgoing]:
        """Open a session: a welcome for someone new, or where they left off."""
        return await self._guarded(language, self._start(employee_id, language, delivery_id))

    async def _start(self, employee_id: str, language: str | None, delivery_id: str | None) -> list[Outgoing]:
        async with self._lock(employee_id):
            record = await self.load(employee_id, language)
            if self._repeated(record, delivery_id):
                return []
            out = self._new_cycle(record)
            out += self.turn(record).begin()
            await self.save(record)
            return out

    async def handle(
        self, employee_id: str, incoming: Incoming, language: str | None = None
    ) -> list[Outgoing]:
        """Apply one message; `language` is used only for someone new (from the roster)."""
        return await self._guarded(language, self._handle(employee_id, incoming, language))

    async def _handle(self, employee_id: str, incoming: Incoming, language: str | None) -> list[Outgoing]:
        async with self._lock(employee_id):
            record = await self.load(employee_id, language)
            if self._repeated(record, incoming.delivery_id):
                return []  # a platform retry: it was answered the first time
            reply = await self.rights.handle(record, incoming)
            if reply is None:
                out = self._new_cycle(record)
                for feature in self.features:  # the first that takes the message answers it
                    reply = await feature.handle(record, incoming)
                    if reply is not None:
                        break
                assert reply is not None  # the own dialog takes every message
                reply.out = out + reply.out
            if reply.save:
                await self.save(record)
            return reply.out

    def _new_cycle(self, record: EmployeeRecord) -> list[Outgoing]:
        """A new conversation in the roster, after the previous POP was agreed by both, starts a
        new round: the previous one is kept as the starting point (its goals are named) and the
        dialog begins afresh. A conversation that merely moved keeps the preparation.

        Only a closed round (both agreed, `record.cycle` set by `agree`) looks at the roster, so
        an ordinary turn reads nothing more.
        """
        texts = self.scripts.for_language(record.language).script.follow_up
        closed = set(record.agreed.get(record.cycle, {})) == {"employee", "manager"}
        if not closed or texts is None or self.team is None or record.script_id != "pop":
            return []
        own = self.team.own(record.employee_id)
        if own is None or own.conversation == record.cycle:
            return []
        loaded = self.scripts.for_record(record)
        titles = followup.goal_titles(loaded, record)
        goals = followup.goals(loaded, record)
        carried = [dict(g) for g in goals if followup.medium_term(loaded, g)]  # seed 001 §2.3.1
        answers = {k: a.model_dump(mode="json") for k, a in record.answers.items()}
        record.previous = {"cycle": record.cycle, "answers": answers}
        record.answers, record.history, record.state = {}, [], START
        record.pending = record.group = record.return_to = record.active = None
        record.queue, record.cycle = [], own.conversation
        out: list[Outgoing] = [Text(fmt(texts.new_cycle, goals="; ".join(titles) or "–"))]
        goals_question = loaded.script.draft.goals_question
        if carried and goals_question and texts.carried:  # they go on in the new POP
            record.answers[goals_question] = Answer(value=carried, version=loaded.version, at=self.clock())
            first = loaded.questions[goals_question].fields[0].id  # type: ignore[union-attr]
            out.append(Text(fmt(texts.carried, goals="; ".join(str(g.get(first, "")) for g in carried))))
        return out

    def apply(self, record: EmployeeRecord, incoming: Incoming) -> list[Outgoing]:
        """One message to one record: the whole turn under the person's lock, saved after."""
        turn = self.turn(record)
        out = turn.handle(incoming)
        if turn.switch_to is not None:
            record.language = turn.switch_to
            out += self.turn(record).after_language_switch()
        if record.signed_goals and record.script_id == "pop":  # changed after both agreed?
            out += revise_if_changed(self, record)
        return out

    async def follow_up(self, person: str, action: str, delivery_id: str | None = None) -> list[Outgoing]:
        """Open a check-in ("checkin:<n>:<ref>", every goal) or an evaluation ("evaluate:<goal>:<ref>").

        `ref` must name the person's own conversation in the roster; anything
        else (stale or forged) gets the script's stale-choice message.
        """
        kind, _, rest = action.partition(":")
        number, _, ref = rest.partition(":")
        own = self.team.own(person) if self.team is not None else None
        async with self._lock(person):
            record = await self.load(person, None)
            texts = self.scripts.for_language(record.language).script.follow_up
            registry = self.follow_ups if kind in ("checkin", "review") else self.evaluations
            valid = kind in ("checkin", "evaluate", "review") and number.isdigit() and registry is not None
            if own is None or own.ref != ref or texts is None or not valid:
                return [Text(self.messages_for(record.language).stale_choice)]
            if self._repeated(record, delivery_id):
                return []
            count = len(followup.goals(self.scripts.for_record(record), record))
            n = int(number)
            if kind == "checkin":
                sub_ids = [followup.checkin_id(person, own.conversation, n, i) for i in range(count)]
            else:
                make = followup.review_id if kind == "review" else followup.evaluation_id
                sub_ids = [make(person, own.conversation, n)] if n < count else []
            notes = self.notes.unread(record, record.language) if kind == "checkin" else []
            if not sub_ids:
                out: list[Outgoing] = [*notes, Text(texts.no_goals)]
            else:
                record.active, record.queue = sub_ids[0], sub_ids[1:]
                out = [*notes, *await self.subdialogs.open_goal(record)]
            await self.save(record)
            return out

    async def team_overview(self, manager: str) -> str | None:
        """The manager's reports and whether each preparation is done; None without reports."""
        record = await asyncio.to_thread(self.store.load, manager)
        language = record.language if record is not None else self.scripts.default_language
        reports = self.team.reports(manager) if self.team is not None and self.managers else []
        if not reports or self.scripts.for_language(language).script.team is None:
            return None
        return await self.team_commands.overview(
            record or EmployeeRecord(employee_id=manager, language=language), reports
        )

    async def act(
        self, person: str, action: str, language: str | None = None, delivery_id: str | None = None
    ) -> list[Outgoing]:
        """A button the schedule sent: "start", "prep:<ref>", "agree:<ref>", "checkin:<n>:<ref>",
        "evaluate:<goal>:<ref>". Every ref is checked against the roster; anything else is stale."""
        return await self._guarded(language, self._act(person, action, language, delivery_id))

    async def _act(
        self, person: str, action: str, language: str | None, delivery_id: str | None
    ) -> list[Outgoing]:
        kind, _, rest = action.partition(":")
        if kind == "start":
            return await self._start(person, language, delivery_id)
        if kind == "prep":
            return await self.prepare(person, rest, delivery_id)
        if kind == "agree":
            return await self.agree(person, rest, delivery_id)
        if kind == "interval":
            return await self.agree_interval(person, rest, delivery_id)
        if kind == "note":
            return await self.notes.start(person, rest)
        if kind in ASKED:
            return await self.remarks.start(person, kind, rest)
        if kind == "organisation":  # the schedule's request for the organisation's side
            async with self._lock(person):
                mine = await self.load(person, None)
                if self._repeated(mine, delivery_id):
                    return []
                out = await self.team_commands.open_organisation(mine)
                await self.save(mine)
                return out
        if kind == "checkin_now":
            return await self.remark_actions.checkin_now(person, rest)
        if kind in ("reopen", "fullroute"):
            return await self.remark_actions.own_action(person, kind, rest)
        if kind in ("checkin", "evaluate", "review"):
            return await self.follow_up(person, action, delivery_id)
        record = await asyncio.to_thread(self.store.load, person)
        return [Text(self.messages_for(record.language if record else language).stale_choice)]

    async def agree(self, person: str, payload: str, delivery_id: str | None = None) -> list[Outgoing]:
        """Vaststelling: the employee confirms their final POP, or their manager agrees to it —
        goal by goal (SMART's Acceptabel: a yes per goal, not one yes for the whole POP).

        `payload` is "<ref>" or "<ref>:<goal number>"; the ref names the conversation and
        counts only for the person's own conversation or one of their reports' (as the roster
        says). A POP without goals is agreed with one yes.
        """
        ref, _, goal = payload.partition(":")
        own = self.team.own(person) if self.team is not None else None
        reports = self.team.reports(person) if self.team is not None else []
        if own is not None and own.ref == ref:
            role, employee = "employee", own
        else:
            match = next((r for r in reports if r.ref == ref), None)
            role, employee = "manager", match  # type: ignore[assignment]
        mine = await asyncio.to_thread(self.store.load, person)
        language = mine.language if mine is not None else None  # replies in the presser's language
        loaded = self.scripts.for_language(language)
        texts = loaded.script.agreement
        if employee is None or texts is None:
            return [Text(self.messages_for(language).stale_choice)]
        async with self._lock(employee.id):
            record = await self.load(employee.id, None)
            if self._repeated(record, delivery_id):
                return []
            signed = record.agreed.setdefault(employee.conversation, {})
            if role in signed:
                return [Text(texts.already)]
            titles = followup.goal_titles(loaded, record)
            if titles:
                if not goal.isdigit() or not 1 <= int(goal) <= len(titles):
                    return followup.agreement_buttons(texts, titles, ref)  # a whole-POP button: one per goal
                yes = record.agreed_goals.setdefault(employee.conversation, {}).setdefault(role, [])
                if int(goal) not in yes:
                    yes.append(int(goal))
                still = [n for n in range(1, len(titles) + 1) if n not in yes]
                if still:
                    await self.save(record)
                    return [Text(fmt(texts.goal_agreed, number=goal, open=", ".join(map(str, still))))]
            signed[role] = self.clock()
            record.cycle = employee.conversation  # the round these agreements close
            record.agreed = {**record.agreed, employee.conversation: signed}
            remember_signed(self, record, employee.conversation)
            await self.save(record)
        if role == "employee":
            return [Text(fmt(texts.agreed_employee, name=employee.name))]
        return [Text(fmt(texts.agreed_manager, name=employee.name))]

    async def agree_interval(
        self, manager: str, payload: str, delivery_id: str | None = None
    ) -> list[Outgoing]:
        """At the vaststelling the manager sets how often the check-ins come ("<ref>:<choice>"),
        for a report the roster lists under them, with one of the question's own choices."""
        ref, _, choice = payload.partition(":")
        reports = self.team.reports(manager) if self.team is not None else []
        report = next((r for r in reports if r.ref == ref), None)
        mine = await asyncio.to_thread(self.store.load, manager)
        language = mine.language if mine is not None else None
        loaded = self.scripts.for_language(language)
        texts = loaded.script.agreement
        q = loaded.questions.get(self.checkin_question or "")
        options = {o.id: o.label for o in getattr(q, "options", [])}
        if report is None or texts is None or choice not in options:
            return [Text(self.messages_for(language).stale_choice)]
        async with self._lock(report.id):
            record = await self.load(report.id, None)
            if self._repeated(record, delivery_id):
                return []
            record.checkin_agreed = {**record.checkin_agreed, report.conversation: choice}
            await self.save(record)
        return [Text(fmt(texts.interval_set, name=report.name, choice=options[choice]))]

    async def prepare(self, manager: str, ref: str, delivery_id: str | None = None) -> list[Outgoing]:
        """Open (or resume) the preparation for the report a button names by `ref`.

        Only a report the roster lists under this manager can be opened; any
        other ref (stale or forged) gets the script's stale-choice message.
        """
        async with self._lock(manager):
            record = await self.load(manager, None)
            if self._repeated(record, delivery_id):
                return []
            reports = self.team.reports(manager) if self.team is not None and self.managers else []
            report = next((r for r in reports if r.ref == ref), None)
            out: list[Outgoing]
            if report is None:
                out = [Text(self.messages_for(record.language).stale_choice)]
            else:
                out = await self.team_commands.open_preparation(record, report)
            await self.save(record)
            return out

    async def current_question(self, employee_id: str) -> Question | None:
        """The question the person is on (adapters check button presses against it)."""
        record = await asyncio.to_thread(self.store.load, employee_id)
        if record is not None and record.active is not None:
            record = await asyncio.to_thread(self.store.load, record.active)
        if record is None:
            return None
        return self.turn(record).current_question()

    async def progress(self, employee_id: str) -> str | None:
        """How far the person is (`voortgang`), without changing anything."""
        record = await asyncio.to_thread(self.store.load, employee_id)
        return self.turn(record).progress_text() if record is not None else None

    async def answered(self, employee_id: str) -> list[tuple[str, str, str]]:
        """The person's answers as shown: (question id, question, answer)."""
        record = await asyncio.to_thread(self.store.load, employee_id)
        return self.turn(record).answered() if record is not None else []

    async def set_answer(self, employee_id: str, question_id: str, text: str) -> str | None:
        """Change one answer from a form; returns the script's error message, or None."""
        async with self._lock(employee_id):
            record = await self.load(employee_id, None)
            error = self.turn(record).set_answer(question_id, text)
            if error is None:
                await self.save(record)
            return error

    def messages_for(self, language: str | None) -> ScriptMessages:
        """The script's sentences in a language (adapters' own labels: buttons, modals)."""
        return self.scripts.for_language(language).script.messages

    def script(self, language: str | None) -> Script:
        """The employee's script in a language — its commands, words and limits — for an
        adapter's own menus and forms (adapters never reach into the engine's registry)."""
        return self.scripts.for_language(language).script

    def scripts_by_language(self) -> dict[str, Script]:
        """The employee's script in every language it is written in (a platform's command menus)."""
        return {lang: loaded.script for lang, loaded in self.scripts.current.items()}

    @property
    def default_language(self) -> str:
        """The language someone new gets when the roster does not say."""
        return self.scripts.default_language

    async def language_of(self, person: str) -> str | None:
        """The language the person talks with popbot in; None before their first message."""
        record = await asyncio.to_thread(self.store.load, person)
        return record.language if record is not None else None

    async def draft(self, employee_id: str) -> str | None:
        """The draft POP in Markdown, in the employee's language; None if unknown."""
        record = await asyncio.to_thread(self.store.load, employee_id)
        if record is None:
            return None
        turn = self.turn(record)
        return render_draft(turn.loaded, record, self.clock(), employee=turn.subject or turn.owner)
