"""What may be said in the log of a failure to plan or send: where, never what."""

from __future__ import annotations

from bot.errors import PopbotError


def reason(exc: BaseException, otherwise: str) -> str:
    """What may be said of a failure: popbot's own errors name a file and the system's reason,
    never an answer; any other exception's text might quote one, so only its type is said."""
    if isinstance(exc, PopbotError):
        return str(exc)
    return f"{type(exc).__name__} {otherwise}"


def where(exc: BaseException) -> str:
    """The innermost frame of a traceback, as file:line — where, never what (no values)."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return f"{tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}" if tb is not None else "?"
