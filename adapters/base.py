"""What every chat adapter holds: the engine, who may talk, and the script watcher."""

from __future__ import annotations

import asyncio

from bot.access import Access
from bot.engine import Engine
from bot.reload import watch_scripts
from bot.roster import Roster


class ChatAdapter:
    def __init__(self, engine: Engine, access: Access, roster: Roster, watch: bool = True) -> None:
        self.engine = engine
        self.access = access
        self.roster = roster
        self.watch = watch
        self._watcher: asyncio.Task[None] | None = None
        self._stop_watch = asyncio.Event()

    async def start_watching(self) -> None:
        """Hot reload of HR's scripts, inside the adapter's own process."""
        if self.watch and self._watcher is None:
            self._watcher = asyncio.create_task(watch_scripts(self.engine.scripts, self._stop_watch))

    async def stop_watching(self) -> None:
        self._stop_watch.set()
        if self._watcher is not None:
            await self._watcher
