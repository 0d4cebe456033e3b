"""Telegram's overall rate limit as a lower bound on the time a run of messages can take."""

from __future__ import annotations

from tests.fakes.telegram_api import Call

TELEGRAM_RATE = 30.0  # messages per second, overall (Telegram's documented broadcast limit)


def limited_calls(calls: list[Call]) -> list[Call]:
    """The calls Telegram's overall limit counts: carried out, with a chat (messages, edits, files)."""
    return [c for c in calls if "chat_id" in c.params and not c.failed]


def bound(messages: int) -> float:
    """Seconds at least; the limiter starts with a full bucket: one second's worth goes at once."""
    return max(messages - TELEGRAM_RATE, 0) / TELEGRAM_RATE


def ratio(seconds: float, lower: float) -> str:
    return f"{seconds / lower:.2f}×" if lower > 0 else "–"  # fewer messages than one burst
