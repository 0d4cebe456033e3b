"""popbot's own HTTP server: one port for everything — each platform's routes (it adds its
own, `bot.platform`), the console, and the operator's `/healthz`, `/readyz` and `/metrics`."""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
from collections.abc import Awaitable, Callable

import structlog
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.app.metrics import Metrics

log = logging.getLogger("popbot")
READY_WITHIN = 1.5  # seconds /readyz waits for its checks: a probe answers within 2 s
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


_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def observed(metrics: Metrics | None) -> Callable[..., Awaitable[web.StreamResponse]]:
    """Each request's id in every log line it causes (the proxy's `X-Request-ID` when it sent
    a sane one, else a new one; echoed in the answer), and the request counted by route
    pattern and status — the pattern, never the path, which may hold an id or a token."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _REQUEST_ID.fullmatch(given) else secrets.token_hex(8)
        structlog.contextvars.bind_contextvars(request_id=request_id)
        status = 500
        try:
            response = await handler(request)
            status = response.status
            response.headers["X-Request-ID"] = request_id
            return response
        except web.HTTPException as exc:
            status = exc.status
            raise
        finally:
            structlog.contextvars.unbind_contextvars("request_id")
            if metrics is not None:
                metrics.request(_route(request), request.method, status)

    return middleware


def _route(request: web.Request) -> str:
    info = request.match_info
    if info.http_exception is not None or info.route.resource is None:
        return "unmatched"
    return info.route.resource.canonical[:100]  # a sub-application's routes carry its prefix


def server_app(max_body: int, metrics: Metrics | None = None) -> web.Application:
    """The root of popbot's HTTP server: one body limit for every route under it (aiohttp
    applies the root's, whatever a sub-application sets), malformed input refused, and each
    request observed (its id in the logs, counted in `metrics`)."""
    return web.Application(client_max_size=max_body, middlewares=[observed(metrics), refuse_malformed])


def operations(app: web.Application, ready: Callable[[], list[str]], metrics: Metrics) -> None:
    """`/healthz`: the process answers. `/readyz`: it can serve (503 with the reasons if not).
    `/metrics`: Prometheus's text format."""

    async def healthz(_request: web.Request) -> web.Response:
        return web.Response(text="ok\n")

    async def readyz(_request: web.Request) -> web.Response:
        # in a thread: the database's probe waits on the network, the loop serves the chats.
        # libpq's shortest connect timeout is 2 s: the answer does not wait that long (the
        # probe's thread ends on its own at its timeout)
        try:
            problems = await asyncio.wait_for(asyncio.to_thread(ready), READY_WITHIN)
        except TimeoutError:
            problems = [f"the database did not answer within {READY_WITHIN:g} s"]
        if problems:
            return web.Response(status=503, text="".join(f"{p}\n" for p in problems))
        return web.Response(text="ready\n")

    async def scrape(_request: web.Request) -> web.Response:
        body = await asyncio.to_thread(generate_latest, metrics.registry)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", scrape)
