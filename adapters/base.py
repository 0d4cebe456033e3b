"""What every chat adapter holds: the engine, who may talk, the script watcher and the schedule."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from bot.dialog.reload import watch_scripts
from bot.engine.engine import Engine
from bot.people.access import Access
from bot.people.roster import Roster

if TYPE_CHECKING:
    from bot.schedule.background import Background


class ChatAdapter:
    def __init__(self, engine: Engine, access: Access, roster: Roster, watch: bool = True) -> None:
        self.engine = engine
        self.access = access
        self.roster = roster
        self.watch = watch
        self.schedule: Background | None = None  # set by the composition root
        self._watcher: asyncio.Task[None] | None = None
        self._stop_watch = asyncio.Event()

    async def start_background(self) -> None:
        """Inside the adapter's own process: hot reload of HR's scripts, and the schedule."""
        if self.watch and self._watcher is None:
            self._watcher = asyncio.create_task(watch_scripts(self.engine.registries, self._stop_watch))
        if self.schedule is not None:
            await self.schedule.start()

    async def stop_background(self) -> None:
        if self.schedule is not None:
            await self.schedule.stop()
        self._stop_watch.set()
        if self._watcher is not None:
            await self._watcher
