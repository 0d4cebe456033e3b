"""The one way popbot posts to Slack — for the chat's answers and the schedule's messages
alike: the engine's neutral `Outgoing` kinds through the same renderer (render.messages),
files through `files_upload_v2`.

A scheduled message carries its outbox key: in each message's metadata, and as a short
hash in each file's name, so after a crash the outbox can ask Slack what arrived.
"""

from __future__ import annotations

import hashlib
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import render
from bot.messages import Document, Outgoing

EVENT_TYPE = "popbot_outbox"


def tag(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]


def tagged_filename(filename: str, key: str) -> str:
    stem, dot, ext = filename.rpartition(".")
    return f"{stem}-{tag(key)}.{ext}" if dot else f"{filename}-{tag(key)}"


async def deliver(client: AsyncWebClient, channel: str, out: list[Outgoing], key: str | None = None) -> None:
    files = [o for o in out if isinstance(o, Document) and isinstance(o.content, bytes)]
    extra: dict[str, Any] = {}
    if key is not None:
        extra["metadata"] = {"event_type": EVENT_TYPE, "event_payload": {"key": key}}
    for text, blocks in render.messages([o for o in out if o not in files]):
        await client.chat_postMessage(
            channel=channel, text=text, blocks=blocks[: render.BLOCK_LIMIT], **extra
        )
    for doc in files:
        assert isinstance(doc.content, bytes)
        await client.files_upload_v2(
            channel=channel,
            content=doc.content,
            filename=tagged_filename(doc.filename, key) if key is not None else doc.filename,
            title=doc.filename,
            initial_comment=doc.caption or None,
        )
