"""popbot's log lines: a timestamp always, and with `POPBOT_LOG_FORMAT=json` one JSON object a
line (time, level, logger, message, and the request's id while one is served) — structlog's
formatter under the standard library's logging, so every module keeps its plain
`logging.getLogger(...)`.

What a line may hold stays the rule it was: popbot's own loggers never log what someone wrote
(a test keeps it so), and libraries stay at WARNING, because at DEBUG they log whole requests.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import structlog

from bot.ids import TURN_ID


def _text(_logger: Any, _name: str, event: dict[str, Any]) -> str:
    """`2026-12-02T15:20:01.123Z INFO popbot: serving … request_id=…`."""
    head = f"{event.pop('time', '')} {str(event.pop('level', '')).upper()} {event.pop('logger', '')}:"
    message = event.pop("message", "")
    failure = event.pop("exception", None)
    rest = " ".join(f"{k}={v}" for k, v in event.items())
    line = " ".join(part for part in (head, str(message), rest) if part)
    return f"{line}\n{failure}" if failure else line


def _turn(_logger: Any, _name: str, event: dict[str, Any]) -> dict[str, Any]:
    """The chat turn a line belongs to (`bot.ids.TURN_ID`), when it does."""
    turn = TURN_ID.get()
    if turn:
        event.setdefault("turn_id", turn)
    return event


def configure(level: str = "INFO", form: str = "text") -> None:
    """Every log line through one handler on standard error, in `form`; popbot's own loggers
    at `level`, everyone else's at WARNING."""
    shared: list[Any] = [
        structlog.processors.TimeStamper(fmt="iso", utc=True, key="time"),
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.contextvars.merge_contextvars,  # the request id, bound by the HTTP server
        _turn,
    ]
    renderer: Any = structlog.processors.JSONRenderer(ensure_ascii=False) if form == "json" else _text
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                structlog.processors.EventRenamer("message"),
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    logging.getLogger("popbot").setLevel(level.upper())
