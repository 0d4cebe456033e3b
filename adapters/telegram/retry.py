"""Every call to the Bot API survives a Telegram (or network) hiccup.

python-telegram-bot's `AIORateLimiter` keeps to Telegram's flood limits and
waits out a 429; a 5xx answer or a dropped connection it passes on, and the
employee's reply would be lost although their answer is saved. This limiter
retries those with exponential back-off (tenacity), around the rate limiter,
so a retry queues like any other call.

A request Telegram refused for what it is (400 Bad Request, 403 Forbidden) is
not retried: it would fail again. getUpdates does not pass through a rate
limiter; python-telegram-bot's polling loop retries it on its own.

Telegram has no idempotency key, so a connection dropped *after* Telegram took
the message (rare) shows that reply twice; a 5xx or a refused connection does
not.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import AIORateLimiter
from tenacity import wait_exponential_jitter

from adapters.retry import retrying
from bot.platform import CALLS

log = logging.getLogger("popbot.telegram")


def _transient(exc: BaseException) -> bool:
    # BadRequest is a NetworkError in python-telegram-bot, but Telegram did answer it
    return isinstance(exc, NetworkError) and not isinstance(exc, BadRequest)


class RetryingRateLimiter(AIORateLimiter):
    def __init__(
        self,
        max_retries: int,
        attempts: int = 6,
        first_wait: float = 0.5,
        max_wait: float = 30.0,
        max_rate: float = 30.0,
    ) -> None:
        # max_rate: Telegram's overall limit, messages per second (0: none; only for measuring)
        super().__init__(overall_max_rate=max_rate, max_retries=max_retries)
        self.attempts = attempts
        self.first_wait = first_wait
        self.max_wait = max_wait

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        wait = wait_exponential_jitter(multiplier=self.first_wait, max=self.max_wait)

        async def counted(*a: Any, **kw: Any) -> Any:
            try:
                return await callback(*a, **kw)
            except RetryAfter:  # waited out by the rate limiter: counted for /metrics
                CALLS.throttle("telegram")
                raise

        async for attempt in retrying("telegram", endpoint, _transient, wait, self.attempts, log, _reason):
            with attempt:
                return await super().process_request(counted, args, kwargs, endpoint, data, rate_limit_args)
        raise AssertionError("unreachable: tenacity re-raises the last error")


def _reason(state: Any) -> str:
    # the error's class and Telegram's short description; never the request (it holds text)
    exc = state.outcome.exception() if state.outcome else None
    return f"{type(exc).__name__}: {exc}" if exc else "?"
