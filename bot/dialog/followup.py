"""After the conversation: check-ins and evaluations per goal (seed 001 §2.5).

Each goal's check-in or evaluation is a small dialog of its own (the
`followup` and `evaluation` scripts), stored under an id of its own, so the
employee's POP itself stays as agreed. The engine runs them one goal after
the other; the scheduler invites to them and sums them up for the manager.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from bot import ids
from bot.dialog import smart
from bot.dialog.loaded import LoadedScript
from bot.dialog.questions import DateQuestion, GroupQuestion
from bot.dialog.render import fmt
from bot.dialog.schema import Agreement
from bot.dialog.smart import deadline as named_deadline
from bot.domain import EmployeeRecord
from bot.messages import Button, Outgoing

# sub-dialog id prefix -> script id
SCRIPTS = {
    "prep": "manager",
    "org": "organisation",
    "checkin": "followup",
    "evaluation": "evaluation",
    "review": "followup",  # a medium-term goal at the round's end: how is it going, not "reached?"
}


def script_for(sub_id: str) -> str:
    """The check-in's or evaluation's script for this record's language."""
    return SCRIPTS.get(ids.parse(sub_id).kind, "pop")


checkin_id, evaluation_id, review_id = ids.checkin_id, ids.evaluation_id, ids.review_id


def medium_term(loaded: LoadedScript, item: dict[str, Any]) -> bool:
    """A goal for one to five years (seed 001 §2.3.1): reviewed at the round's end, carried on."""
    rule = loaded.script.draft.medium_term
    return rule is not None and item.get(rule.field) in rule.values


def goal_index(sub_id: str) -> int:
    """Which goal of the POP a sub-dialog's record is about."""
    goal = ids.parse(sub_id).goal
    assert goal is not None, sub_id  # only a goal's sub-dialog is asked
    return goal


def goals(loaded: LoadedScript, record: EmployeeRecord) -> list[dict[str, Any]]:
    """The goals as agreed (the group question's items)."""
    g = loaded.questions.get(loaded.script.draft.goals_question or "")
    answer = record.answers.get(g.id) if isinstance(g, GroupQuestion) else None
    return list(answer.value or []) if answer is not None and not answer.skipped else []


def own_feasibility(loaded: LoadedScript, record: EmployeeRecord) -> list[str]:
    """Per goal, what the employee said of its feasibility (SMART's Realistisch), as the
    choice's label in `loaded`'s language."""
    d = loaded.script.draft
    rule, g = d.realistic, loaded.questions.get(d.goals_question or "")
    field = next((f for f in getattr(g, "fields", []) if rule is not None and f.id == rule.field), None)
    labels = {o.id: o.label for o in getattr(field, "options", [])}
    return [
        labels.get(item.get(rule.field) if rule else "", d.empty_answer) for item in goals(loaded, record)
    ]


def goal_titles(loaded: LoadedScript, record: EmployeeRecord) -> list[str]:
    """The goals' titles as the POP names them."""
    g = loaded.questions.get(loaded.script.draft.goals_question or "")
    if not isinstance(g, GroupQuestion):
        return []
    first = g.fields[0].id
    return [str(item.get(first) or f"#{n}") for n, item in enumerate(goals(loaded, record), start=1)]


def agreement_buttons(
    texts: Agreement, titles: list[str], ref: str, still_open: list[list[str]] | None = None
) -> list[Outgoing]:
    """SMART's Acceptabel: a yes per goal — one button each ("agree:<ref>:<goal number>"),
    with the letters that are still open for that goal (`open_letters`), if any."""
    out: list[Outgoing] = []
    for n, title in enumerate(titles, start=1):
        text = fmt(texts.goal, number=n, goal=title)
        letters = still_open[n - 1] if still_open and n <= len(still_open) else []
        if letters and texts.goal_open:
            text = fmt(texts.goal_open, number=n, goal=title, open="; ".join(letters))
        out.append(Button(text, texts.goal_button, f"agree:{ref}:{n}"))
    return out


def open_letters(loaded: LoadedScript, record: EmployeeRecord, after: date) -> list[list[str]]:
    """Per goal, the SMART letters that still miss, in the draft's words: what a follow-up
    asked twice left open, listed again when both are asked to agree."""
    d = loaded.script.draft
    g = loaded.questions.get(d.goals_question or "")
    if not isinstance(g, GroupQuestion):
        return []
    out = []
    for item in goals(loaded, record):
        checks = smart.goal_checks(g, d.realistic, item, loaded.script.words, after)
        out.append([d.smart_hints.get(c, c) for c, holds in checks.items() if not holds])
    return out


def conversation_day(loaded: LoadedScript, record: EmployeeRecord) -> date | None:
    """The conversation's day as the POP holds it (the roster's, or as the employee typed it
    without one): what relative deadlines count from, in the chat as in every document."""
    for q in loaded.questions.values():
        if isinstance(q, DateQuestion) and q.roster == "conversation":
            a = record.answers.get(q.id)
            if a is not None and not a.skipped and a.value:
                try:
                    return date.fromisoformat(str(a.value))
                except ValueError:  # kept when the question was another kind (a changed script)
                    return None
    return None


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
