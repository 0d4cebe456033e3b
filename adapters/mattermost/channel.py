"""The schedule's way into Mattermost: each message sent first into the person's direct
message with the bot. The server cannot be asked what arrived, so `was_sent` cannot tell: a
part in flight during a crash is sent again (the outbox counts it); a 429 is waited out by
the client, what still fails goes back to the outbox."""

from __future__ import annotations

from adapters.mattermost.adapter import MattermostAdapter
from bot.messages import Part


class MattermostChannel:
    """The schedule's channel (`bot.ports.Channel`) over the adapter's client."""

    name = "mattermost"
    whole = False

    def __init__(self, adapter: MattermostAdapter) -> None:
        self.adapter = adapter

    async def send(self, address: str, parts: list[Part], key: str, subject: str) -> None:
        await self.adapter.send(address, [p.outgoing() for p in parts])

    async def was_sent(self, address: str, key: str) -> bool | None:
        return None
