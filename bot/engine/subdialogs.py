"""The dialogs a person goes through beside their own POP: a manager's preparation for a
report, and a goal's check-in or evaluation (one per goal, in a queue)."""

from __future__ import annotations

from bot.dialog import followup
from bot.dialog.render import fmt
from bot.domain import DONE, EmployeeRecord
from bot.engine import remarks, short_route
from bot.engine.context import EngineView, Reply
from bot.messages import Incoming, Outgoing, Text


class SubDialogs:
    """The dialogs beside the POP (check-ins, evaluations, reviews, the manager's preparation): which
    record a message is for."""

    def __init__(self, engine: EngineView) -> None:
        self.engine = engine

    async def handle(self, record: EmployeeRecord, incoming: Incoming) -> Reply | None:
        """The message goes to the sub-dialog the person is in, if any."""
        if record.active is None:
            return None
        engine = self.engine
        sub = await engine.load(record.active, record.language, followup.script_for(record.active))
        was_done = sub.state == DONE
        out = engine.apply(sub, incoming)
        await engine.save(sub)
        if followup.script_for(record.active) == "manager":  # a no to the short route is told at once
            await short_route.after_preparation_turn(engine, sub)
        if sub.state != DONE or was_done:
            return Reply(out)
        if record.queue:  # the next goal
            record.active, record.queue = record.queue[0], record.queue[1:]
            return Reply(out + await self.open_goal(record))
        script = engine.scripts.for_language(record.language).script
        kind = followup.script_for(record.active)
        record.active = None
        if kind in ("manager", "organisation") and script.team is not None:  # back to their own POP
            out.append(Text(script.team.back_to_own))
        elif kind in ("followup", "evaluation") and script.follow_up is not None:
            out.append(Text(script.follow_up.all_done))
        return Reply(out)

    async def open_goal(self, record: EmployeeRecord) -> list[Outgoing]:
        """Open the sub-dialog a button names (a check-in of one goal, say) for this person."""
        engine = self.engine
        assert record.active is not None
        texts = engine.scripts.for_language(record.language).script.follow_up
        assert texts is not None
        titles = followup.goal_titles(engine.scripts.for_record(record), record)
        i = followup.goal_index(record.active)
        header = fmt(
            texts.goal_header, number=i + 1, count=len(titles), goal=titles[i] if i < len(titles) else ""
        )
        sub = await engine.load(record.active, record.language, followup.script_for(record.active))
        out: list[Outgoing] = [Text(header), *engine.turn(sub).begin()]
        await engine.save(sub)
        return out


class OwnDialog:
    """The person's own script: what every message is when no feature before took it."""

    def __init__(self, engine: EngineView) -> None:
        self.engine = engine

    async def handle(self, record: EmployeeRecord, incoming: Incoming) -> Reply | None:
        """A message to the person's own dialog: the turn, applied and saved."""
        rule = self.engine.scripts.for_record(record).script.draft.route
        route = record.values().get(rule.question) if rule is not None else None
        out = self.engine.apply(record, incoming)
        if record.script_id == "pop":
            out += remarks.after_reopened_goal(self.engine, record)  # both agree to it again
            if rule is not None:
                await short_route.after_employee_turn(self.engine, record, route)
        return Reply(out)
