"""Hot reload: a running bot picks up HR's edits to the scripts.

The script folders are watched with `watchfiles` (editors often save by
writing a new file and renaming it, so folders are watched, not files), and
SIGHUP triggers the same reload for those who prefer `kill -HUP`. Edits kept in
the database (several replicas) are polled: a save on one replica is live on
every other within `POLL` seconds.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable, Sequence
from contextlib import suppress
from pathlib import Path

from watchfiles import Change, awatch

from bot.dialog.registry import ScriptRegistry
from bot.errors import StorageError

log = logging.getLogger("popbot.scripts")
POLL = 5.0  # seconds between two looks at the database's edits


def _reload_all(regs: Sequence[ScriptRegistry]) -> None:
    for reg in regs:
        try:
            reg.reload()
        except Exception:  # whatever an edit did, the watcher keeps watching
            log.exception("reloading %s failed; the previous scripts stay live", [str(p) for p in reg.paths])


async def poll_edits(
    registries: Sequence[ScriptRegistry], marker: Callable[[], str], stop: asyncio.Event, every: float = POLL
) -> None:
    """Reload the registries whenever the edits' marker changes (another replica saved one),
    until `stop` is set. A database that does not answer is tried again at the next look."""
    seen: str | None = None
    while not stop.is_set():
        now: str | None
        try:
            now = await asyncio.to_thread(marker)
        except StorageError as exc:
            log.warning("cannot look for edited scripts: %s", exc)
            now = seen
        if seen is not None and now != seen:
            await asyncio.to_thread(_reload_all, registries)
        seen = now
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every)


async def watch_scripts(
    registries: ScriptRegistry | Sequence[ScriptRegistry], stop: asyncio.Event | None = None
) -> None:
    """Reload the registries whenever a script file changes, until `stop` is set.

    Every registry reloads on any change: a manager's script extends the
    employee's, so an edit of one can change the other.
    """
    regs = [registries] if isinstance(registries, ScriptRegistry) else list(registries)
    paths = {p.resolve() for reg in regs for p in reg.paths if isinstance(p, Path)}
    if not paths:
        return
    loop = asyncio.get_running_loop()

    def reload() -> None:
        _reload_all(regs)

    with suppress(NotImplementedError, RuntimeError, ValueError):  # no signals off the main thread
        loop.add_signal_handler(signal.SIGHUP, reload)

    def ours(_change: Change, path: str) -> bool:
        return Path(path).resolve() in paths

    folders = sorted({str(p.parent) for p in paths})
    try:
        async for _changes in awatch(
            *folders, watch_filter=ours, stop_event=stop, debounce=300, recursive=False
        ):
            reload()
    finally:
        with suppress(NotImplementedError, RuntimeError, ValueError):
            loop.remove_signal_handler(signal.SIGHUP)
