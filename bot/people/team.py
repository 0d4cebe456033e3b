"""Who reports to whom, as the engine needs it for a manager's preparations.

A manager prepares each report's conversation in a dialog of its own, stored
under a record id of its own (`prep_id`), so it never mixes with their own
POP. The roster decides who is whose report; a button or a `team N` can only
open a preparation for someone the roster lists under that manager.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot import ids
from bot.people.roster import Person, Roster


@dataclass(frozen=True)
class Report:
    """One of a manager's reports as the team command lists them: who, and how far."""

    id: str
    name: str
    conversation: str  # ISO, with offset
    at: datetime  # the conversation, in the employee's time zone

    @property
    def ref(self) -> str:
        """The short reference a button carries for this report."""
        return conversation_ref(self.id, self.conversation)


def conversation_ref(person_id: str, conversation: str) -> str:
    """A short stand-in for a person's conversation in button payloads (no personal data)."""
    return hashlib.sha256(f"{person_id}|{conversation}".encode()).hexdigest()[:10]


prep_id, organisation_id = ids.prep_id, ids.organisation_id  # kept where the team is built


class TeamDirectory(Protocol):
    """Who reports to whom, as the engine asks it (the roster, in popbot)."""

    def reports(self, manager_id: str) -> list[Report]:
        """The manager's active reports."""

    def own(self, person_id: str) -> Report | None:
        """The person's own roster entry (their name, their manager), or None."""

    def name_of(self, person_id: str) -> str | None:
        """A person's name by id, or None."""

    def manager_of(self, person_id: str) -> str | None:
        """The person's manager's id, or None."""


class RosterTeam:
    """The imported roster as a team directory: active reports with a conversation date."""

    def __init__(self, roster: Roster) -> None:
        self.roster = roster

    def reports(self, manager_id: str) -> list[Report]:
        """The manager's active reports."""
        out = []
        for p in self.roster.everyone():
            if p.manager == manager_id and (report := _report(p)) is not None:
                out.append(report)
        return sorted(out, key=lambda r: (r.conversation, r.id))

    def own(self, person_id: str) -> Report | None:
        """The person's own roster entry, or None."""
        person = self.roster.get(person_id)
        return _report(person) if person is not None else None

    def manager_of(self, person_id: str) -> str | None:
        """The person's manager's id, or None."""
        person = self.roster.get(person_id)
        return person.manager or None if person is not None else None

    def name_of(self, person_id: str) -> str | None:
        """A person's name by id, or None."""
        person = self.roster.get(person_id)
        return person.name if person is not None else None


def _report(p: Person) -> Report | None:
    when = p.conversation_at()
    if not p.active or when is None:
        return None
    return Report(p.id, p.name, p.conversation, when)
