"""popbot's own HTTP server (`popbot serve`): one port for everything — Slack's events,
Telegram's webhook, and the operator's `/healthz`, `/readyz` and `/metrics`."""

from __future__ import annotations

import asyncio
import hmac
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.app.metrics import Metrics

log = logging.getLogger("popbot")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
TELEGRAM_PATH = "/telegram"


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


def telegram_webhook(
    app: web.Application, secret: str, take: Callable[[dict[str, Any]], Awaitable[None]]
) -> None:
    """Telegram posts each update here with the secret in a header; anything else is refused."""

    async def update(request: web.Request) -> web.Response:
        given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            return web.Response(status=403)
        try:
            data = await request.json()
        except (ValueError, RecursionError):
            return web.Response(status=400, text="not JSON\n")
        if not isinstance(data, dict):
            return web.Response(status=400, text="not an update\n")
        await take(data)
        return web.Response(text="ok")

    app.router.add_post(TELEGRAM_PATH, update)


def slack_events(handler: Handler) -> Handler:
    """Bolt's handler behind a check of the two headers Slack signs with: a request whose
    timestamp is not a number or whose signature is not `v0=` and hex is refused with 401 here
    (Bolt would fail on it with a 500)."""

    async def events(request: web.Request) -> web.StreamResponse:
        stamp = request.headers.get("X-Slack-Request-Timestamp", "")
        signature = request.headers.get("X-Slack-Signature", "")
        if not re.fullmatch(r"[0-9]{1,12}", stamp) or not re.fullmatch(r"v0=[0-9a-f]{64}", signature):
            return web.Response(status=401, text="not signed by Slack\n")
        return await handler(request)

    return events
