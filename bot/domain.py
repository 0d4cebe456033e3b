"""The employee's stored dialog state: where they are and what they answered."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

START = "__start__"
DONE = "__done__"

# How many delivery ids are remembered per employee to drop duplicates: far
# more than any platform retries, small enough to keep the record short.
SEEN_DELIVERIES = 50


ROSTER_MARK = "roster:"  # in `EmployeeRecord.values()`: this answer came from the roster


class Answer(BaseModel):
    """One stored answer: its value (or skipped), the script version it was given in, when,
    and whether it is private or came from the roster."""

    model_config = ConfigDict(extra="ignore")

    value: Any = None  # str | int | list[str] | list[dict] — None when skipped
    skipped: bool = False
    private: bool = False  # the employee chose to keep this answer out of the draft
    roster: bool = False  # taken from the roster (the conversation's date), not asked
    version: str = ""  # the script version that asked it
    at: datetime | None = None


class Pending(BaseModel):
    """A side question the engine asked that is not part of the script's flow."""

    kind: Literal["restart_confirm", "edit_select", "language_select", "smart_follow_up", "group_more"]
    check: str | None = None  # for smart_follow_up: which check failed
    tries: int = 0  # for smart_follow_up: follow-ups already answered for this field
    field: str | None = None


class GroupProgress(BaseModel):
    """A goal being filled in; kept so a half-entered goal survives a crash."""

    index: int = 0  # which item (0-based); equals len(items) for a new one
    field: int = 0  # which field of the item
    item: dict[str, Any] = {}
    editing: bool = False  # re-asking an existing item's fields


class EmployeeRecord(BaseModel):
    """Everything popbot keeps about one employee's preparation."""

    model_config = ConfigDict(extra="ignore")

    employee_id: str
    language: str = "nl"
    script_id: str = "pop"
    script_version: str = ""
    state: str = START
    answers: dict[str, Answer] = {}
    history: list[str] = []  # questions passed through, for 'back'
    return_to: str | None = None  # where to go after editing an earlier answer
    pending: Pending | None = None
    group: GroupProgress | None = None
    paused: bool = False
    seen: list[str] = Field(default_factory=list)  # recent delivery ids
    active: str | None = None  # a manager's preparation for a report, while they are in it
    # Vaststelling: per conversation, who agreed to the final POP and when ("employee", "manager").
    agreed: dict[str, dict[str, datetime]] = {}
    # Acceptabel (SMART): per conversation and role, the goals (numbered from 1) agreed one by one;
    # the role's agreement above is set once every goal has its yes.
    agreed_goals: dict[str, dict[str, list[int]]] = {}
    # Changes during the year: the goals as both signed them, and the POP's version (from 1)
    signed_goals: dict[str, list[dict[str, Any]]] = {}
    # how often the check-ins come, as agreed at the vaststelling (overrides the employee's choice)
    checkin_agreed: dict[str, str] = {}
    # the manager's notes on check-ins ({conversation, checkin, by, text, at, read})
    notes: list[dict[str, Any]] = []
    note_for: str | None = None  # a manager writing a note: "<employee>|<conversation>|<check-in>"
    # What manager and employee answer each other about a goal (the POP's history, exported and
    # erased with it): a manager's feasibility per goal, a goal sent back at the agreement, a
    # response to an evaluation, a proposed change, the manager's no to the short route.
    remarks: list[dict[str, Any]] = []
    remark_for: str | None = None  # writing one: "<kind>|<employee>|<conversation>|<goal>"
    organisation_seen: str = ""  # the organisation's side as the employee last saw it
    versions: dict[str, int] = {}
    queue: list[str] = []  # further sub-dialogs after `active` (a check-in's next goals)
    erase_pending: bool = False  # asked "verwijder": the next message confirms or not
    digest: bool = False  # a manager: one invitation to prepare a week, for all reports
    cycle: str = ""  # the conversation these answers are for (a new one starts a new round)
    previous: dict[str, Any] | None = None  # the previous round: {"cycle", "answers"}
    milestones: list[str] = []  # "stage@conversation" already counted for HR (progress log)
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def values(self) -> dict[str, Any]:
        """Answer values by question id, for conditions; `roster:<id>` marks one the roster gave."""
        values: dict[str, Any] = {k: a.value for k, a in self.answers.items() if not a.skipped}
        values.update({ROSTER_MARK + k: True for k, a in self.answers.items() if a.roster})
        return values


def milestones(record: EmployeeRecord, conversation: str) -> set[tuple[str, str]]:
    """(conversation, stage) that an employee's own POP record shows reached: started and
    finished for the round `conversation` (the roster's), agreed for every round both agreed."""
    found = set()
    if record.state != START:
        found.add((conversation, "started"))
    if record.state == DONE:
        found.add((conversation, "finished"))
    for round_, who in record.agreed.items():
        if {"employee", "manager"} <= who.keys():
            found.add((round_, "agreed"))
    return found


def find_remark(record: EmployeeRecord, remark_id: str) -> dict[str, Any] | None:
    """One of the remarks manager and employee made about the POP (`bot.engine.remarks`)."""
    return next((r for r in record.remarks if r.get("id") == remark_id), None)


def feasibility_remarks(record: EmployeeRecord, conversation: str) -> dict[int, dict[str, Any]]:
    """Per goal (numbered from 1), the manager's latest view of its feasibility."""
    out: dict[int, dict[str, Any]] = {}
    for r in record.remarks:
        if r.get("kind") == "feasible" and r.get("conversation") == conversation and r.get("goal"):
            out[int(r["goal"])] = r
    return out
