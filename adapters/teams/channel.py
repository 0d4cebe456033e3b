"""The schedule's way into Teams: invitations, reminders, the review, the T−7 draft and
summary, agreement and check-ins, sent into the person's chat with popbot.

Teams lets a bot write first only into a conversation it already has: the one Teams opens
when the app is installed for the person (IT's org-wide install does that for everyone). Its
reference is kept with the person's binding; someone without one yet is reached by e-mail
(`bot.schedule.recipients`). Teams has no idempotency key a bot can set and popbot does not
read the chat back, so `was_sent` cannot tell: a part in flight during a crash is sent again
(the outbox counts it), as on Telegram.
"""

from __future__ import annotations

from adapters.teams.adapter import TeamsAdapter
from bot.messages import Part


class TeamsChannel:
    name = "teams"
    whole = False

    def __init__(self, adapter: TeamsAdapter) -> None:
        self.adapter = adapter

    async def send(self, address: str, parts: list[Part], key: str, subject: str) -> None:
        await self.adapter.write_first(address, [p.outgoing() for p in parts], key)

    async def was_sent(self, address: str, key: str) -> bool | None:
        return None
