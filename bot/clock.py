"""Time, as everything in popbot reads it: a clock is a function, so tests can move it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """Now, in UTC (the clock every part uses unless a test gives another)."""
    return datetime.now(UTC)
