"""Every kind of message the schedule sends, in one table.

A row says who reads it (the employee, their manager as the roster says now, or HR), whether
the plan makes it (`timeline.plan`) or the running cycle adds it (so a re-plan leaves it be),
whether it only makes sense before the conversation (a catch-up after it skips it), and
whether it is composed ahead of its busy morning (`ahead`). How each is written is its
composer (`compose.COMPOSERS`); what it is called, its words in `dialogs/schedule.yaml`. A new
kind is a row here, a composer, and its words; `tests/schedule/test_kinds.py` checks all three.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class MessageKind:
    """One kind of scheduled message: who reads it, when, on what it waits, how it is held."""

    name: str
    to: Literal["employee", "manager", "hr"] = "employee"
    by_cycle: bool = False  # added as the cycle goes, not by the plan
    before_conversation: bool = False  # pointless once the conversation took place
    ahead: bool = False  # composed in an earlier pass, before its morning
    on_time_only: bool = False  # only a conversation planned on time has it (not a late one)
    # waits for these agreements (vaststelling); once the window passed it is sent anyway
    # (the working POP) or, with `without_them="skip"`, not at all (nobody left to ask)
    needs: tuple[str, ...] = ()
    without_them: Literal["send", "skip"] = "send"


TABLE = (
    MessageKind("organisation_request", to="manager", before_conversation=True),  # T−21, seed 003
    MessageKind("invitation", before_conversation=True),  # T−14
    MessageKind("prep_invitation", to="manager", before_conversation=True),
    MessageKind("reminder", before_conversation=True, on_time_only=True),
    MessageKind("prep_reminder", to="manager", before_conversation=True, on_time_only=True),
    MessageKind("review", before_conversation=True, on_time_only=True),  # T−8: what the manager gets
    MessageKind("delivery", to="manager", before_conversation=True, ahead=True),  # T−7
    MessageKind("delivered", by_cycle=True),
    MessageKind("points", by_cycle=True),  # the manager's shared points, with the delivery
    MessageKind("finalize"),  # after the conversation: the employee agrees per goal
    MessageKind("agree_request", to="manager", needs=("employee",), without_them="skip"),
    MessageKind("final", needs=("employee", "manager")),
    MessageKind("final_manager", to="manager", needs=("employee", "manager")),
    MessageKind("hr_actions", to="hr", by_cycle=True),
    MessageKind("checkin", by_cycle=True),
    MessageKind("checkin_summary", to="manager", by_cycle=True),
    MessageKind("evaluation", by_cycle=True),
    MessageKind("evaluation_summary", to="manager", by_cycle=True),
    MessageKind("goal_review", by_cycle=True),  # a medium-term goal at the round's end
    MessageKind("review_summary", to="manager", by_cycle=True),
    MessageKind("remark", by_cycle=True),  # a manager's remark about a goal, to the employee
    MessageKind("next_cycle", by_cycle=True),
    MessageKind("next_cycle_manager", to="manager", by_cycle=True),
)
KINDS: dict[str, MessageKind] = {k.name: k for k in TABLE}


def kind(name: str) -> MessageKind:
    """The row of a kind; an unknown name is a programming error, said with the known ones."""
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"unknown kind of message {name!r}; known: {', '.join(KINDS)}") from None
