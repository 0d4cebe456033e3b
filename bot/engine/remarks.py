"""Manager and employee answer each other about a goal, once the goals are on the table.

- *feasible* (SMART's Realistisch, per goal): with the draft a week before the conversation the
  manager judges each goal — the time, budget and support they can offer — beside the
  employee's own answer.
- *returned* (Acceptabel, both ways): at the agreement a goal can be sent back with a remark;
  it reopens for the employee instead of drifting into the working POP.
- *response*: the manager's answer to an evaluation.
- *change*: a change the manager proposes during the year; the employee's edit opens the
  version flow (`revisions`).
- *short_declined*: the manager's "no" to the short conversation (seed 000), told to the
  employee with the full route on offer.

Each is a remark on the employee's record — their POP's history, exported and erased with it.
The manager presses a button, the bot asks, the manager's next message is the remark
(`remark_for` says for what, as `note_for` does for a check-in's note). What the employee must
hear goes through the outbox like every other message (kind `remark`).
"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any

from bot.dialog import followup
from bot.dialog.render import fmt
from bot.dialog.schema import RemarkTexts
from bot.domain import DONE, EmployeeRecord, GroupProgress
from bot.engine.context import EngineView, Reply
from bot.engine.notes import written
from bot.messages import Incoming, Outgoing, Text
from bot.people.team import Report
from bot.schedule.outbox import Entry
from bot.schedule.timeline import entry_key

ASKED = ("feasible", "returned", "response", "change")  # the kinds the manager writes
TO_EMPLOYEE = ("returned", "response", "change", "short_declined")  # told through the outbox
_LEADING_NUMBER = re.compile(r"^\s*(\d+)[\s.:,;)—–-]*(.*)$", re.DOTALL)


def remark_key(employee: str, conversation: str, remark_id: str) -> str:
    """The key a remark about one goal is kept under in the record."""
    return entry_key(employee, conversation, f"remark-{remark_id}")


def add(engine: EngineView, employee: EmployeeRecord, remark: dict[str, Any]) -> dict[str, Any]:
    """Keep a remark on the employee's record; one the employee must hear goes in the outbox."""
    remark = {"id": uuid.uuid4().hex[:12], "at": engine.clock().isoformat(), **remark}
    employee.remarks = [*employee.remarks, remark]
    if remark["kind"] in TO_EMPLOYEE and engine.outbox is not None:
        conversation = str(remark["conversation"])
        engine.outbox.add(
            Entry(
                key=remark_key(employee.employee_id, conversation, remark["id"]),
                kind="remark",
                person=employee.employee_id,
                conversation=conversation,
                due=engine.clock(),
            )
        )
    return remark


class Remarks:
    """What manager and employee answer each other about a goal during the year: feasible, returned,
    changed."""

    def __init__(self, engine: EngineView) -> None:
        self.engine = engine

    def _texts(self, language: str) -> RemarkTexts | None:
        return self.engine.scripts.for_language(language).script.remarks

    def _report(self, manager: str, ref: str) -> Report | None:
        team = self.engine.team
        return next((r for r in team.reports(manager) if r.ref == ref), None) if team else None

    async def start(self, manager: str, kind: str, payload: str) -> list[Outgoing]:
        """A button: "<kind>:<ref>" or "<kind>:<ref>:<goal>" for a report the roster lists
        under this manager. The next message is the remark."""
        engine = self.engine
        ref, _, goal = payload.partition(":")
        report = self._report(manager, ref)
        async with engine.sessions.turn(manager):
            record = await engine.load(manager, None)
            texts = self._texts(record.language)
            loaded = engine.scripts.for_language(record.language)
            employee = await engine.load(report.id, None) if report is not None else None
            titles = followup.goal_titles(loaded, employee) if employee is not None else []
            needs_goal = kind in ("feasible", "response")
            if (
                report is None
                or texts is None
                or kind not in ASKED
                or (needs_goal and not (goal.isdigit() and 1 <= int(goal) <= len(titles)))
                or (kind == "returned" and not titles)
            ):
                return [Text(engine.messages_for(record.language).stale_choice)]
            record.remark_for = f"{kind}|{report.id}|{report.conversation}|{goal}"
            await engine.save(record)
        assert employee is not None
        params = self._params(record.language, report.name, titles, goal)
        if kind == "feasible":
            own = followup.own_feasibility(engine.scripts.for_language(record.language), employee)
            params["own"] = own[int(goal) - 1] if int(goal) <= len(own) else ""
        ask = {"feasible": texts.feasible_ask, "returned": texts.return_ask}.get(kind)
        ask = ask or (texts.response_ask if kind == "response" else texts.change_ask)
        return [Text(fmt(ask, **params))]

    def _params(self, language: str, name: str, titles: list[str], goal: str) -> dict[str, Any]:
        n = int(goal) if goal.isdigit() else 0
        stop = self.engine.scripts.for_language(language).script.commands.stop[0]
        title = titles[n - 1] if 1 <= n <= len(titles) else ""
        return {"name": name, "number": n or "", "goal": title, "count": len(titles), "stop": stop}

    async def handle(self, record: EmployeeRecord, incoming: Incoming) -> Reply | None:
        """The manager's next message is the remark (or a stop word: nothing)."""
        if record.remark_for is None or incoming.kind != "text":
            return None
        engine = self.engine
        script = engine.scripts.for_language(record.language).script
        texts = script.remarks
        assert texts is not None
        kind, employee_id, conversation, goal = record.remark_for.split("|", 3)
        text = written(script, incoming)
        if text is None:
            record.remark_for = None
            return Reply([Text(texts.cancelled)])
        if isinstance(text, Reply):
            return text
        name = (engine.team.name_of(employee_id) if engine.team is not None else None) or ""
        async with engine.sessions.turn(employee_id):
            employee = await engine.load(employee_id, None)
            loaded = engine.scripts.for_language(record.language)
            titles = followup.goal_titles(loaded, employee)
            remark: dict[str, Any] = {"kind": kind, "conversation": conversation, "by": record.employee_id}
            if kind == "feasible":
                choices = list(texts.feasible_choices)
                picked, rest = _leading_number(text)
                if picked is None or not 1 <= picked <= len(choices):
                    return Reply([Text(fmt(texts.not_a_choice, count=len(choices)))])
                remark |= {"goal": int(goal), "choice": choices[picked - 1], "text": rest}
                said = fmt(
                    texts.feasible_saved,
                    choice=texts.feasible_choices[remark["choice"]],
                    **self._params(record.language, name, titles, goal),
                )
            elif kind == "returned":
                picked, rest = _leading_number(text)
                if picked is None or not 1 <= picked <= len(titles):
                    return Reply([Text(fmt(texts.not_a_goal, count=len(titles)))])
                remark |= {"goal": picked, "text": rest or text}
                _reopen_agreement(employee, conversation, picked)
                said = fmt(texts.return_saved, **self._params(record.language, name, titles, str(picked)))
            else:
                remark |= {"goal": int(goal) if goal.isdigit() else None, "text": text}
                ask = texts.response_saved if kind == "response" else texts.change_saved
                said = fmt(ask, **self._params(record.language, name, titles, goal))
            add(engine, employee, remark)
            await engine.save(employee)
        record.remark_for = None
        return Reply([Text(said)])


def _leading_number(text: str) -> tuple[int | None, str]:
    m = _LEADING_NUMBER.match(text)
    return (int(m[1]), m[2].strip()) if m else (None, text.strip())


def _reopen_agreement(employee: EmployeeRecord, conversation: str, goal: int) -> None:
    """A goal sent back is agreed again by both, once it is changed."""
    per_role = employee.agreed_goals.get(conversation, {})
    employee.agreed_goals = {
        **employee.agreed_goals,
        conversation: {role: [n for n in yes if n != goal] for role, yes in per_role.items()},
    }
    signed = dict(employee.agreed.get(conversation, {}))
    signed.pop("employee", None)  # the employee's yes was to the goal as it was
    employee.agreed = {**employee.agreed, conversation: signed}


def reopen_goal(record: EmployeeRecord, goals_question: str, goal: int, items: list[dict[str, Any]]) -> bool:
    """The employee goes through a goal that came back: the goal's fields, then back to where
    they were. False when there is no such goal."""
    if not 1 <= goal <= len(items):
        return False
    record.return_to = record.state if record.state != goals_question else DONE
    record.state = goals_question
    record.pending = None
    record.group = GroupProgress(index=goal - 1, field=0, item=dict(items[goal - 1]), editing=True)
    return True


class RemarkActions:
    """The buttons around remarks that are not a remark themselves."""

    def __init__(self, engine: EngineView) -> None:
        self.engine = engine

    async def checkin_now(self, manager: str, ref: str) -> list[Outgoing]:
        """The manager starts a check-in: the next planned one goes now (its summary after the
        usual days); with none left, one more."""
        engine = self.engine
        team, outbox = engine.team, engine.outbox
        report = next((r for r in team.reports(manager) if r.ref == ref), None) if team else None
        mine = await engine.load(manager, None)
        texts = engine.scripts.for_language(mine.language).script.remarks
        if report is None or outbox is None or texts is None:
            return [Text(engine.messages_for(mine.language).stale_choice)]
        now = engine.clock()

        def key(suffix: str) -> str:
            return entry_key(report.id, report.conversation, suffix)

        after = timedelta(days=7)  # the summary's distance, as the planned ones keep it
        n = 1
        while (planned := outbox.get(key(f"checkin-{n}"))) is not None:
            summary = outbox.get(key(f"checkin-summary-{n}"))
            after = summary.due - planned.due if summary is not None else after
            if planned.status == "planned":
                if summary is not None and summary.status == "planned":
                    outbox.move(summary, now + after)
                outbox.move(planned, now)
                break
            n += 1
        else:
            for suffix, kind, due in (
                (f"checkin-{n}", "checkin", now),
                (f"checkin-summary-{n}", "checkin_summary", now + after),
            ):
                outbox.add(
                    Entry(
                        key=key(suffix),
                        kind=kind,
                        person=report.id,
                        conversation=report.conversation,
                        due=due,
                    )
                )
        return [Text(fmt(texts.checkin_started, name=report.name))]

    async def own_action(self, person: str, kind: str, payload: str) -> list[Outgoing]:
        """The employee's own buttons: "reopen:<ref>:<goal>" (a goal that came back) and
        "fullroute:<ref>" (the full preparation after the manager's no to the short one)."""
        engine = self.engine
        ref, _, goal = payload.partition(":")
        own = engine.team.own(person) if engine.team is not None else None
        async with engine.sessions.turn(person):
            record = await engine.load(person, None)
            loaded = engine.scripts.for_record(record)
            texts = loaded.script.remarks
            if own is None or own.ref != ref or texts is None:
                return [Text(engine.messages_for(record.language).stale_choice)]
            turn = engine.turn(record)
            if kind == "reopen":
                items = followup.goals(loaded, record)
                g = loaded.script.draft.goals_question or ""
                if not goal.isdigit() or not reopen_goal(record, g, int(goal), items):
                    return [Text(engine.messages_for(record.language).stale_choice)]
                out: list[Outgoing] = [Text(fmt(texts.reopened, number=goal)), *turn.ask()]
            else:
                turn.say(texts.full_route)
                out = turn.take_full_route()
            await engine.save(record)
            return out


def after_reopened_goal(engine: EngineView, record: EmployeeRecord) -> list[Outgoing]:
    """The employee went through a goal that came back: both agree to it again — the employee
    here (a button per goal still open), the manager with a new request once the employee has."""
    own = engine.team.own(record.employee_id) if engine.team is not None else None
    goals_question = engine.scripts.for_record(record).script.draft.goals_question
    if own is None or record.group is not None or record.state == goals_question:
        return []  # still in it
    waiting = [
        r
        for r in record.remarks
        if r.get("kind") == "returned" and r.get("conversation") == own.conversation and not r.get("revised")
    ]
    if not waiting:
        return []
    for r in waiting:
        r["revised"] = engine.clock().isoformat()
    record.remarks = list(record.remarks)
    loaded = engine.scripts.for_record(record)
    texts = loaded.script.agreement
    if texts is None:
        return []
    if engine.outbox is not None:
        now = engine.clock()
        engine.outbox.add(
            Entry(
                key=entry_key(record.employee_id, own.conversation, f"agree-request-{waiting[-1]['id']}"),
                kind="agree_request",
                person=record.employee_id,
                conversation=own.conversation,
                due=now,
                deadline=now + timedelta(days=engine.agreement_window),
            )
        )
    titles = followup.goal_titles(loaded, record)
    yes = record.agreed_goals.get(own.conversation, {}).get("employee", [])
    buttons = followup.agreement_buttons(texts, titles, own.ref)
    return [b for n, b in enumerate(buttons, start=1) if n not in yes]
