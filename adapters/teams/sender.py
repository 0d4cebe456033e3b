"""Every call to the Bot Connector is paced and survives Teams' throttling.

Teams limits each bot per conversation and per app and tenant, and answers HTTP 429 with a
`Retry-After` when a bot goes faster. Every send goes through one `Pacer` per process: an
aiolimiter leaky bucket keeps to `max_rate` calls a second, a 429 is waited out for as long as
Teams asks (or with back-off when it does not say) and retried, and a 5xx or a dropped
connection is retried with exponential back-off (tenacity). A request Teams refused for what
it is (400, 401, 403, 404) is not retried: it would fail again. What still fails goes back to
the outbox, which retries later.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from aiohttp import ClientConnectionError, ClientResponseError
from aiolimiter import AsyncLimiter
from tenacity import RetryCallState
from tenacity.wait import wait_exponential_jitter

from adapters.retry import retrying
from bot.platform import CALLS

log = logging.getLogger("popbot.teams")

T = TypeVar("T")


def _transient(exc: BaseException) -> bool:
    if isinstance(exc, ClientResponseError):
        return exc.status == 429 or exc.status >= 500
    return isinstance(exc, ClientConnectionError | TimeoutError)


def _retry_after(exc: BaseException | None) -> float | None:
    if isinstance(exc, ClientResponseError) and exc.status == 429 and exc.headers is not None:
        try:
            return max(0.0, float(exc.headers.get("Retry-After", "")))
        except ValueError:
            return None
    return None


class Pacer:
    def __init__(
        self, max_rate: float = 25.0, attempts: int = 6, first_wait: float = 0.5, max_wait: float = 60.0
    ) -> None:
        # max_rate: calls a second for the whole process (0: no pacing, only for measuring)
        self.limiter = AsyncLimiter(max_rate, 1.0) if max_rate > 0 else None
        self.attempts = attempts
        self.backoff = wait_exponential_jitter(multiplier=first_wait, max=max_wait)
        self.max_wait = max_wait
        self.throttled = 0  # 429s seen: for the benchmark and the logs

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        asked = _retry_after(exc)
        if asked is not None:
            self.throttled += 1
            CALLS.throttle("teams")
            return min(asked, self.max_wait)
        return float(self.backoff(state))

    async def call(self, what: str, send: Callable[[], Awaitable[T]]) -> T:
        async for attempt in retrying("teams", what, _transient, self._wait, self.attempts, log, _reason):
            with attempt:
                if self.limiter is not None:
                    await self.limiter.acquire()  # every try waits its turn, a retry too
                return await send()
        raise AssertionError("unreachable: tenacity re-raises the last error")


def _reason(state: RetryCallState) -> str:
    # the status and class only; never the request, which holds someone's text
    exc = state.outcome.exception() if state.outcome else None
    if isinstance(exc, ClientResponseError):
        return f"HTTP {exc.status}"
    return type(exc).__name__ if exc else "?"
