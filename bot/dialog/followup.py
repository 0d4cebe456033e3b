"""After the conversation: check-ins and evaluations per goal (seed 001 §2.5).

Each goal's check-in or evaluation is a small dialog of its own (the
`followup` and `evaluation` scripts), stored under an id of its own, so the
employee's POP itself stays as agreed. The engine runs them one goal after
the other; the scheduler invites to them and sums them up for the manager.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.dialog.loaded import LoadedScript
from bot.dialog.questions import GroupQuestion
from bot.dialog.render import fmt
from bot.dialog.schema import Agreement
from bot.dialog.smart import deadline as named_deadline
from bot.domain import EmployeeRecord
from bot.messages import Button, Outgoing

# sub-dialog id prefix -> script id
SCRIPTS = {"prep": "manager", "org": "organisation", "checkin": "followup", "evaluation": "evaluation"}


def script_for(sub_id: str) -> str:
    return SCRIPTS.get(sub_id.split("|", 1)[0], "pop")


def checkin_id(person: str, conversation: str, number: int, goal: int) -> str:
    return f"checkin|{person}|{conversation}|{number}|{goal}"


def evaluation_id(person: str, conversation: str, goal: int) -> str:
    return f"evaluation|{person}|{conversation}|{goal}"


def goal_index(sub_id: str) -> int:
    return int(sub_id.rsplit("|", 1)[1])


def goals(loaded: LoadedScript, record: EmployeeRecord) -> list[dict[str, Any]]:
    """The goals as agreed (the group question's items)."""
    g = loaded.questions.get(loaded.script.draft.goals_question or "")
    answer = record.answers.get(g.id) if isinstance(g, GroupQuestion) else None
    return list(answer.value or []) if answer is not None and not answer.skipped else []


def goal_titles(loaded: LoadedScript, record: EmployeeRecord) -> list[str]:
    g = loaded.questions.get(loaded.script.draft.goals_question or "")
    if not isinstance(g, GroupQuestion):
        return []
    first = g.fields[0].id
    return [str(item.get(first) or f"#{n}") for n, item in enumerate(goals(loaded, record), start=1)]


def agreement_buttons(texts: Agreement, titles: list[str], ref: str) -> list[Outgoing]:
    """SMART's Acceptabel: a yes per goal — one button each ("agree:<ref>:<goal number>")."""
    return [
        Button(fmt(texts.goal, number=n, goal=title), texts.goal_button, f"agree:{ref}:{n}")
        for n, title in enumerate(titles, start=1)
    ]


def deadline(loaded: LoadedScript, item: dict[str, Any], after: date) -> date | None:
    """The moment a goal's planning names, counted from the conversation ("binnen een half
    jaar" → six months after it; "15 maart tot 1 mei 2027" → 1 May 2027), if any.

    Only the fields with a time-bound check are read: a number in the desired result
    ("3 klanten per week") is not a deadline."""
    g = loaded.questions.get(loaded.script.draft.goals_question or "")
    if not isinstance(g, GroupQuestion):
        return None
    timed = [f for f in g.fields if any(c.check == "has_date" for c in getattr(f, "smart", []))]
    found = [
        d
        for f in timed
        if (d := named_deadline(str(item.get(f.id) or ""), loaded.script.words, after)) is not None
    ]
    return max(found) if found else None
