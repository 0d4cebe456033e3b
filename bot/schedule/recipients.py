"""Who gets a scheduled message, and how they are reached — read by a pass before it sends,
and by `popbot schedule status`, which needs no scripts to say it."""

from __future__ import annotations

from bot.people.access import Access
from bot.people.accounts import CONSOLE
from bot.people.roster import Person, Roster
from bot.schedule.kinds import kind
from bot.schedule.outbox import Entry
from bot.schedule.timeline import ScheduleConfig


class Recipients:
    """Who gets a scheduled message, and by which channel and address."""

    def __init__(self, roster: Roster, access: Access, config: ScheduleConfig) -> None:
        self.roster = roster
        self.access = access
        self.config = config

    def recipient(self, entry: Entry, person: Person) -> Person | None:
        """Who gets this entry: the employee, or their manager as the roster says now."""
        to = kind(entry.kind).to
        if to == "hr":  # HR is no one in the roster: its address is configured
            hr = self.config.hr
            return Person(id="hr", name="HR", email=hr.email, language=hr.language) if hr.email else None
        if to == "employee":
            return person
        return self.roster.get(person.manager) if person.manager else None

    def route(self, person: Person) -> tuple[str, str] | None:
        """The recipient's own platform when they can be reached there, else e-mail."""
        platform = person.platform
        if platform == CONSOLE:
            return CONSOLE, person.id
        if platform in self.access.accounts:
            address = self.access.accounts[platform].reach(person, self.access)
            if address:
                return platform, address
        if person.email:
            return "email", person.email
        return None
