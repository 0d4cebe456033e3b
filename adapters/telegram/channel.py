"""The schedule's way into Telegram: invitations, reminders, the draft PDF.

Telegram has no idempotency key and a bot cannot read back what it sent, so
`was_sent` cannot tell: a part that was in flight during a crash is sent
again (the outbox counts it). The bot's rate limiter (adapters/telegram/retry.py)
waits out a 429 and retries a 5xx or a dropped connection a few times; what
still fails goes back to the outbox, which retries with longer back-off.
"""

from __future__ import annotations

from telegram import Bot

from adapters.telegram.sender import deliver
from bot.messages import Part


class TelegramChannel:
    name = "telegram"
    whole = False

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(self, address: str, parts: list[Part], key: str, subject: str) -> None:
        await deliver(self.bot, int(address), [p.outgoing() for p in parts])

    async def was_sent(self, address: str, key: str) -> bool | None:
        return None
