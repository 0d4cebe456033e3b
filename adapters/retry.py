"""How every chat adapter retries a platform call: tenacity, the same shape for each.

Each platform says which errors are worth another try (`transient`) and how long to wait;
the log line names the call and the error's kind, never the request (it holds someone's
text)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt
from tenacity.wait import WaitBaseT

from bot.platform import CALLS


def retrying(
    platform: str,
    what: str,
    transient: Callable[[BaseException], bool],
    wait: WaitBaseT,
    attempts: int,
    log: logging.Logger,
    reason: Callable[[RetryCallState], str],
) -> AsyncRetrying:
    """Try `attempts` times while the error is transient; then the last error is raised.
    Each new try is counted for `platform` (`/metrics`)."""

    def again(state: RetryCallState) -> None:
        CALLS.retry(platform)
        log.warning("%s failed (try %d): %s; trying again", what, state.attempt_number, reason(state))

    return AsyncRetrying(
        retry=retry_if_exception(transient),
        wait=wait,
        stop=stop_after_attempt(attempts),
        before_sleep=again,
        reraise=True,
    )
