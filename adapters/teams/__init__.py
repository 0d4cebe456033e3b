"""Microsoft Teams: the Microsoft 365 Agents SDK in, engine messages out (`adapters.teams.platform`)."""

from adapters.teams.platform import TeamsPlatform

PLATFORM = TeamsPlatform()
