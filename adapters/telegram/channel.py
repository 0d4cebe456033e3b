"""The schedule's way into Telegram: invitations, reminders, the draft PDF.

Telegram has no idempotency key and a bot cannot read back what it sent, so
`was_sent` cannot tell: a part that was in flight during a crash is sent
again (the outbox counts it). The bot's rate limiter (adapters/telegram/retry.py)
waits out a 429 and retries a 5xx or a dropped connection a few times; what
still fails goes back to the outbox, which retries with longer back-off.
"""

from __future__ import annotations

import base64

from telegram import Bot, InputFile
from telegram.constants import ParseMode

from adapters.telegram import render
from bot.messages import Part


class TelegramChannel:
    name = "telegram"
    whole = False

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(self, address: str, parts: list[Part], key: str, subject: str) -> None:
        chat_id = int(address)
        for part in parts:
            if part.kind == "button":
                await self.bot.send_message(
                    chat_id,
                    render.esc(part.text),
                    parse_mode=ParseMode.HTML,
                    reply_markup=render.action_keyboard(part.label, part.action),
                )
            elif part.kind == "document":
                await self.bot.send_document(
                    chat_id,
                    InputFile(base64.b64decode(part.data), filename=part.filename),
                    caption=render.esc(part.text[: render.MAX_CAPTION - 64]) or None,
                    parse_mode=ParseMode.HTML,
                )
            else:
                for chunk in render.plain(part.text):
                    await self.bot.send_message(chat_id, chunk, parse_mode=ParseMode.HTML)

    async def was_sent(self, address: str, key: str) -> bool | None:
        return None
