"""What every fake platform server shares: serving on 127.0.0.1, waiting for calls."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import web


async def listen(runner: web.AppRunner) -> int:
    """Serve `runner` on 127.0.0.1 at a free port; returns the port."""
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return int(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]


@asynccontextmanager
async def serving(app: web.Application) -> AsyncIterator[str]:
    """An aiohttp application (e.g. a Bolt app's) on loopback, for as long as the block runs."""
    runner = web.AppRunner(app)
    port = await listen(runner)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


class LoopbackServer:
    """An aiohttp server on 127.0.0.1 with a free port; subclasses add the routes."""

    calls: list[Any]

    def __init__(self) -> None:
        self.calls = []
        self._runner: web.AppRunner | None = None
        self.port = 0

    def routes(self, app: web.Application) -> None:
        raise NotImplementedError

    async def start(self) -> str:
        app = web.Application()
        self.routes(app)
        self._runner = web.AppRunner(app)
        self.port = await listen(self._runner)
        return self.url

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out; last calls: {[c.method for c in self.calls[-10:]]}")
            await asyncio.sleep(0.02)
