"""The people: HR's roster, who may talk to popbot (invitations, chat accounts), who reports
to whom, and each person's rights over their data (export, erasure, retention)."""

from bot.people.access import Access
from bot.people.privacy import PersonalData
from bot.people.roster import Person, Roster, RosterError, parse_roster
from bot.people.team import RosterTeam

__all__ = ["Access", "Person", "PersonalData", "Roster", "RosterError", "RosterTeam", "parse_roster"]
