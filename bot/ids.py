"""The ids of the records beside a person's own, built and read back in one place.

A person's own POP is stored under their roster id. Everything else they go through has an
id that names its kind, whose turn writes it (the owner, locked while it is written) and whom
it is about:

    prep|<manager>|<report>|<conversation>          a manager's preparation for a report
    org|<manager>|<manager>                          a manager's organisation's side (their own)
    checkin|<person>|<conversation>|<n>|<goal>       one goal's check-in
    evaluation|<person>|<conversation>|<goal>        one goal's evaluation
    review|<person>|<conversation>|<goal>            a medium-term goal's review at the round's end

Goals are numbered from 0 here (the order of the POP's goals).
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RecordId:
    """What a record's id says: its kind, owner, whom it is about, its round and goal."""

    kind: str  # "" for a person's own record
    owner: str  # whose turn writes it
    about: str  # whom it is about (the owner for their own records)
    conversation: str = ""
    goal: int | None = None


def prep_id(manager: str, report: str, conversation: str) -> str:
    """The record id of a manager's preparation for one report and conversation."""
    return f"prep|{manager}|{report}|{conversation}"


def organisation_id(manager: str) -> str:
    """The manager is named twice so the id reads like every other (`kind|owner|about`)."""
    return f"org|{manager}|{manager}"


def checkin_id(person: str, conversation: str, number: int, goal: int) -> str:
    """The record id of a check-in on one goal."""
    return f"checkin|{person}|{conversation}|{number}|{goal}"


def evaluation_id(person: str, conversation: str, goal: int) -> str:
    """The record id of the evaluation of one goal."""
    return f"evaluation|{person}|{conversation}|{goal}"


def review_id(person: str, conversation: str, goal: int) -> str:
    """The record id of the medium-term review."""
    return f"review|{person}|{conversation}|{goal}"


def parse(record_id: str) -> RecordId:
    """What an id says; a person's own id (no `|`) is theirs and about them."""
    parts = record_id.split("|")
    if len(parts) < 3:
        return RecordId("", record_id, record_id)
    kind, owner, rest = parts[0], parts[1], parts[2:]
    if kind == "prep":
        return RecordId(kind, owner, rest[0], rest[1] if len(rest) > 1 else "")
    if kind == "org":
        return RecordId(kind, owner, owner)
    goal = int(rest[-1]) if len(rest) > 1 and rest[-1].isdigit() else None
    return RecordId(kind, owner, owner, rest[0], goal)


# The chat turn in progress in this task (and the threads it hands work to): a random id the
# operator's log lines carry (`bot.app.logs`), never who is talking or what they said.
TURN_ID: ContextVar[str] = ContextVar("popbot_turn_id", default="")
