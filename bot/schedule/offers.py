"""What the schedule offers around a POP besides the documents: the buttons with which manager
and employee answer each other about a goal (`bot.engine.remarks`), and the messages that carry
a manager's remark to the employee. Every word is the schedule's (`dialogs/schedule.yaml`).
"""

from __future__ import annotations

from bot.dialog import followup
from bot.dialog.loaded import LoadedScript
from bot.dialog.render import fmt
from bot.domain import EmployeeRecord, find_remark
from bot.messages import Button, Outgoing, Text
from bot.people.roster import Person
from bot.people.team import conversation_ref
from bot.schedule.outbox import Entry
from bot.schedule.timeline import Texts, key_suffix


def feasibility(
    loaded: LoadedScript,
    record: EmployeeRecord | None,
    person: Person,
    texts: Texts,
    params: dict[str, object],
) -> list[Outgoing]:
    """With the draft: the manager's view of each goal's feasibility, a button per goal beside
    what the employee said (SMART's Realistisch, once the goals are known)."""
    if record is None:
        return []
    titles = followup.goal_titles(loaded, record)
    if not titles:
        return []
    ref = conversation_ref(person.id, person.conversation)
    own = followup.own_feasibility(loaded, record)
    out: list[Outgoing] = [Text(fmt(texts.feasible_intro, **params))]
    for n, title in enumerate(titles, start=1):
        line = fmt(texts.feasible_goal, number=n, goal=title, own=own[n - 1], **params)
        out.append(Button(line, texts.feasible_button, f"feasible:{ref}:{n}"))
    return out


def send_back(person: Person, texts: Texts, params: dict[str, object]) -> list[Outgoing]:
    """With the request to agree: a goal can go back with a remark instead of drifting on."""
    ref = conversation_ref(person.id, person.conversation)
    return [Button(fmt(texts.return_offer, **params), texts.return_button, f"returned:{ref}")]


def during_the_year(person: Person, texts: Texts, params: dict[str, object]) -> list[Outgoing]:
    """Under the signed POP and a check-in's summary: a check-in now, a change to propose."""
    ref = conversation_ref(person.id, person.conversation)
    return [
        Button(fmt(texts.after_offer, **params), texts.checkin_now_button, f"checkin_now:{ref}"),
        Button(fmt(texts.change_offer, **params), texts.change_button, f"change:{ref}"),
    ]


def respond(person: Person, goal: int, summary: str, texts: Texts) -> Button:
    """An evaluation's summary, with a button to respond to it (goal numbered from 1)."""
    ref = conversation_ref(person.id, person.conversation)
    return Button(summary, texts.respond_button, f"response:{ref}:{goal}")


def remark(
    entry: Entry,
    person: Person,
    loaded: LoadedScript,
    record: EmployeeRecord | None,
    texts: Texts,
    params: dict[str, object],
    email: bool,
) -> list[Outgoing]:
    """A manager's remark to the employee, with what they can do about it."""
    remark_id = key_suffix(entry.key).removeprefix("remark-")
    found = find_remark(record, remark_id) if record is not None else None
    if found is None:
        return []
    titles = followup.goal_titles(loaded, record) if record is not None else []
    goal = int(found.get("goal") or 0)
    values = {**params, "number": goal, "goal": titles[goal - 1] if 1 <= goal <= len(titles) else ""}
    values["text"] = found.get("text", "")
    ref = conversation_ref(person.id, person.conversation)
    kind = found.get("kind")
    if kind == "returned":
        text = fmt(texts.remark_returned, **values)
        return [Text(text) if email else Button(text, texts.reopen_button, f"reopen:{ref}:{goal}")]
    if kind == "short_declined":
        text = fmt(texts.remark_short, **values)
        return [Text(text) if email else Button(text, texts.full_route_button, f"fullroute:{ref}")]
    template = texts.remark_response if kind == "response" else texts.remark_change
    return [Text(fmt(template, **values))]
