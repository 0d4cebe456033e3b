"""Seed 000: someone who performs well, keeps up and moves with the changes can keep the
POP conversation short — the pleziervraag only — when both say so. The employee chooses the
route; the manager confirms it in the preparation (`alignment.short_route`). On the manager's
no the employee hears it at once, before the draft goes (T−7), with the full route on offer
(a remark through the outbox; the `fullroute` button takes the route)."""

from __future__ import annotations

from bot import ids
from bot.domain import EmployeeRecord
from bot.engine import remarks
from bot.engine.context import EngineView
from bot.people.team import prep_id


def declined(engine: EngineView, employee: EmployeeRecord, prep: EmployeeRecord | None) -> bool:
    """Tell the employee of the manager's no to the short route they chose, once per round.
    True when a remark was added (the caller saves the employee's record)."""
    own = engine.team.own(employee.employee_id) if engine.team is not None else None
    rule = engine.scripts.for_record(employee).script.draft.route
    check = engine.managers.for_language(employee.language).script.alignment if engine.managers else None
    if own is None or prep is None or rule is None or check is None or check.short_route is None:
        return False
    said_no = prep.values().get(check.short_route.question) is False
    if not said_no or employee.values().get(rule.question) != rule.short:
        return False
    told = any(
        r.get("kind") == "short_declined" and r.get("conversation") == own.conversation
        for r in employee.remarks
    )
    if told:
        return False
    manager = engine.team.manager_of(employee.employee_id) if engine.team is not None else None
    remarks.add(
        engine, employee, {"kind": "short_declined", "conversation": own.conversation, "by": manager or ""}
    )
    return True


async def after_employee_turn(engine: EngineView, employee: EmployeeRecord, route_before: object) -> None:
    """The employee just chose the short route: has the manager already said no?"""
    rule = engine.scripts.for_record(employee).script.draft.route
    if rule is None or employee.values().get(rule.question) == route_before or engine.team is None:
        return
    own, manager = engine.team.own(employee.employee_id), engine.team.manager_of(employee.employee_id)
    if own is None or manager is None:
        return
    prep = await engine.load(prep_id(manager, employee.employee_id, own.conversation), None, "manager")
    declined(engine, employee, prep)


async def after_preparation_turn(engine: EngineView, prep: EmployeeRecord) -> None:
    """The manager answered in a preparation: a no to the short route the employee chose?"""
    rid = ids.parse(prep.employee_id)
    if rid.kind != "prep":
        return
    async with engine.sessions.turn(rid.about):
        employee = await engine.load(rid.about, None)
        if declined(engine, employee, prep):
            await engine.save(employee)
