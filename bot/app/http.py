"""popbot's own HTTP server: one port for everything — each platform's routes (it adds its
own, `bot.platform`), the console, and the operator's `/healthz`, `/readyz` and `/metrics`."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.app.metrics import Metrics

log = logging.getLogger("popbot")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def refuse_malformed(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Input no handler can read — JSON nested past Python's limit, text that is not valid in
    its encoding — is the sender's mistake: a 400 and one line in the log, never a 500 with a
    traceback. (Each handler still refuses what it can name itself, with its own answer.)"""
    try:
        return await handler(request)
    except (RecursionError, UnicodeError) as exc:
        log.warning("refused a malformed request to %s (%s)", request.path[:200], type(exc).__name__)
        return web.Response(status=400, text="malformed request\n")


def server_app(max_body: int) -> web.Application:
    """The root of popbot's HTTP server: one body limit for every route under it (aiohttp
    applies the root's, whatever a sub-application sets), and malformed input refused."""
    return web.Application(client_max_size=max_body, middlewares=[refuse_malformed])


def operations(app: web.Application, ready: Callable[[], list[str]], metrics: Metrics) -> None:
    """`/healthz`: the process answers. `/readyz`: it can serve (503 with the reasons if not).
    `/metrics`: Prometheus's text format."""

    async def healthz(_request: web.Request) -> web.Response:
        return web.Response(text="ok\n")

    async def readyz(_request: web.Request) -> web.Response:
        # in a thread: the database's probe waits on the network, the loop serves the chats
        problems = await asyncio.to_thread(ready)
        if problems:
            return web.Response(status=503, text="".join(f"{p}\n" for p in problems))
        return web.Response(text="ready\n")

    async def scrape(_request: web.Request) -> web.Response:
        body = await asyncio.to_thread(generate_latest, metrics.registry)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", scrape)
