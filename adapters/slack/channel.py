"""The schedule's way into Slack: a DM per message, the PDF as a file.

Slack can say what it already has: every message carries the outbox key in
its metadata and every file the key's short hash in its name, so after a
crash `was_sent` reads the DM's recent history and a part that did arrive is
not sent again.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import render
from bot.messages import Part

EVENT_TYPE = "popbot_outbox"
HISTORY = 50  # how far back to look for an earlier attempt


def _tag(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]


def tagged_filename(filename: str, key: str) -> str:
    stem, dot, ext = filename.rpartition(".")
    return f"{stem}-{_tag(key)}.{ext}" if dot else f"{filename}-{_tag(key)}"


class SlackChannel:
    name = "slack"
    whole = False

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client

    async def _dm(self, user: str) -> str:
        opened = await self.client.conversations_open(users=user)
        return str((opened.get("channel") or {}).get("id") or user)

    async def send(self, address: str, parts: list[Part], key: str, subject: str) -> None:
        channel = await self._dm(address)
        metadata = {"event_type": EVENT_TYPE, "event_payload": {"key": key}}
        for part in parts:
            if part.kind == "document":
                await self.client.files_upload_v2(
                    channel=channel,
                    content=base64.b64decode(part.data),
                    filename=tagged_filename(part.filename, key),
                    title=part.filename,
                    initial_comment=part.text or None,
                )
                continue
            blocks: list[dict[str, Any]] = render.sections(part.text)
            if part.kind == "button":
                blocks.append(render.action_button(part.label, part.action))
            await self.client.chat_postMessage(
                channel=channel,
                text=render.esc(part.text)[: render.SECTION_LIMIT],
                blocks=blocks[: render.BLOCK_LIMIT],
                metadata=metadata,
            )

    async def was_sent(self, address: str, key: str) -> bool | None:
        channel = await self._dm(address)
        history = await self.client.conversations_history(
            channel=channel, limit=HISTORY, include_all_metadata=True
        )
        tag = _tag(key)
        for message in history.get("messages") or []:
            payload = (message.get("metadata") or {}).get("event_payload") or {}
            if payload.get("key") == key:
                return True
            if any(tag in str(f.get("name", "")) for f in message.get("files") or []):
                return True
        return False
