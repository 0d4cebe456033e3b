"""The schedule's way into Slack: a DM per message, the PDF as a file.

Slack can say what it already has: every message carries the outbox key in
its metadata and every file the key's short hash in its name, so after a
crash `was_sent` reads the DM's recent history and a part that did arrive is
not sent again.
"""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.sender import deliver, tag
from bot.messages import Part

HISTORY = 50  # how far back to look for an earlier attempt


class SlackChannel:
    name = "slack"
    whole = False

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client

    async def _dm(self, user: str) -> str:
        opened = await self.client.conversations_open(users=user)
        return str((opened.get("channel") or {}).get("id") or user)

    async def send(self, address: str, parts: list[Part], key: str, subject: str) -> None:
        await deliver(self.client, await self._dm(address), [p.outgoing() for p in parts], key)

    async def was_sent(self, address: str, key: str) -> bool | None:
        channel = await self._dm(address)
        history = await self.client.conversations_history(
            channel=channel, limit=HISTORY, include_all_metadata=True
        )
        short = tag(key)
        for message in history.get("messages") or []:
            payload = (message.get("metadata") or {}).get("event_payload") or {}
            if payload.get("key") == key:
                return True
            if any(short in str(f.get("name", "")) for f in message.get("files") or []):
                return True
        return False
