"""What the engine's features see of it, and what they answer.

The features (`rights.py`, `team_commands.py`, `subdialogs.py`) are small handlers the
engine tries in order for each message; they reach the engine only through `EngineView`,
so each is a room of its own and nothing imports back in a circle.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from bot.clock import Clock
from bot.dialog.registry import ScriptRegistry
from bot.dialog.schema import ScriptMessages
from bot.domain import EmployeeRecord
from bot.engine.turn import Turn
from bot.messages import Incoming, Outgoing
from bot.people.privacy import PersonalData
from bot.people.team import TeamDirectory
from bot.ports import Store
from bot.schedule.outbox import Outbox
from bot.session import Sessions


@dataclass
class Reply:
    """What a feature answers: the messages, and whether the record is to be saved."""

    out: list[Outgoing] = field(default_factory=list)
    save: bool = True  # False: the record must not be written again (it was erased)


class Feature(Protocol):
    """One part of the engine beside the dialog (rights, team commands, sub-dialogs): it may take a message
    first."""

    async def handle(self, record: EmployeeRecord, incoming: Incoming) -> Reply | None:
        """The reply when this feature takes the message; None to leave it to the next."""


class EngineView(Protocol):
    """What the engine's features use of it (the engine itself, seen from its parts)."""

    scripts: ScriptRegistry
    managers: ScriptRegistry | None
    organisation: ScriptRegistry | None
    follow_ups: ScriptRegistry | None
    evaluations: ScriptRegistry | None
    team: TeamDirectory | None
    outbox: Outbox | None
    agreement_window: int
    personal: PersonalData | None
    store: Store
    clock: Clock
    sessions: Sessions
    kind_names: Callable[[str], dict[str, str]] | None  # the schedule's names of its messages

    def turn(self, record: EmployeeRecord) -> Turn:
        """A `Turn` over this record with the script, the names and the organisation's side it needs."""

    def registry_of(self, script_id: str) -> ScriptRegistry:
        """The registry of a script by its id (the employee's, a manager's, a check-in's …)."""

    async def load(self, employee_id: str, language: str | None, script_id: str = "pop") -> EmployeeRecord:
        """The person's record in the script it is on (a new one when there is none)."""

    async def save(self, record: EmployeeRecord) -> None:
        """The record written durably (and HR's progress noted from it)."""

    def apply(self, record: EmployeeRecord, incoming: Incoming) -> list[Outgoing]:
        """One message to one record: the whole turn under the person's lock, saved after."""

    def messages_for(self, language: str | None) -> ScriptMessages:
        """The engine's own messages in a language (a refusal, a notice)."""
