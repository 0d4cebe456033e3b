"""During the year the POP can change (seed 001 §2.5: "stellen zo nodig het POP bij"): once
both agreed, a goal the employee changes, adds or drops makes a new version of the POP, which
both agree to again, goal by goal. The new requests go through the outbox like every other
message; the signed PDF then names the version."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.dialog import followup
from bot.dialog.render import fmt
from bot.domain import EmployeeRecord
from bot.engine.context import EngineView
from bot.messages import Outgoing, Text
from bot.schedule.outbox import Entry
from bot.schedule.timeline import version_key

BOTH = {"employee", "manager"}


def agreed_by_both(record: EmployeeRecord, conversation: str) -> bool:
    """Whether both have agreed to this version of the POP."""
    return record.agreed.get(conversation, {}).keys() >= BOTH


def remember_signed(engine: EngineView, record: EmployeeRecord, conversation: str) -> None:
    """When both have agreed: the goals as they agreed them, to notice a later change."""
    if agreed_by_both(record, conversation):
        goals = followup.goals(engine.scripts.for_record(record), record)
        record.signed_goals = {**record.signed_goals, conversation: [dict(g) for g in goals]}


def revise_if_changed(engine: EngineView, record: EmployeeRecord) -> list[Outgoing]:
    """After a turn of the employee's own POP: a changed goal list opens a new version."""
    conversation = record.cycle
    signed: list[dict[str, Any]] | None = record.signed_goals.get(conversation)
    if not conversation or signed is None or not agreed_by_both(record, conversation):
        return []
    loaded = engine.scripts.for_record(record)
    if followup.goals(loaded, record) == signed:
        return []
    texts = loaded.script.agreement
    own = engine.team.own(record.employee_id) if engine.team is not None else None
    if texts is None or own is None or own.conversation != conversation or engine.outbox is None:
        return []
    version = record.versions.get(conversation, 1) + 1
    record.versions = {**record.versions, conversation: version}
    record.agreed = {**record.agreed, conversation: {}}
    record.agreed_goals = {**record.agreed_goals, conversation: {}}
    now = engine.clock()
    until = now + timedelta(days=engine.agreement_window)
    for kind, suffix in (
        ("agree_request", "agree-request"),
        ("final", "final"),
        ("final_manager", "final-manager"),
    ):
        engine.outbox.add(
            Entry(
                key=version_key(record.employee_id, conversation, suffix, version),
                kind=kind,
                person=record.employee_id,
                conversation=conversation,
                due=now,
                deadline=until,
            )
        )
    titles = followup.goal_titles(loaded, record)
    return [Text(fmt(texts.revised, version=version)), *followup.agreement_buttons(texts, titles, own.ref)]
