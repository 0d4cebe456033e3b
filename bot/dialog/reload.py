"""Hot reload: a running bot picks up HR's edits to the script files.

The script folders are watched with `watchfiles` (editors often save by
writing a new file and renaming it, so folders are watched, not files), and
SIGHUP triggers the same reload for those who prefer `kill -HUP`.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path

from watchfiles import Change, awatch

from bot.dialog.registry import ScriptRegistry

log = logging.getLogger("popbot.scripts")


async def watch_scripts(
    registries: ScriptRegistry | Sequence[ScriptRegistry], stop: asyncio.Event | None = None
) -> None:
    """Reload the registries whenever a script file changes, until `stop` is set.

    Every registry reloads on any change: a manager's script extends the
    employee's, so an edit of one can change the other.
    """
    regs = [registries] if isinstance(registries, ScriptRegistry) else list(registries)
    paths = {p.resolve() for reg in regs for p in reg.paths}
    if not paths:
        return
    loop = asyncio.get_running_loop()

    def reload() -> None:
        for reg in regs:
            try:
                reg.reload()
            except Exception:  # whatever an edit did, the watcher keeps watching
                log.exception("reloading %s failed; the previous scripts stay live", reg.paths)

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
