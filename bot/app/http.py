"""popbot's own HTTP server (`popbot serve`): one port for everything — Slack's events,
Telegram's webhook, and the operator's `/healthz`, `/readyz` and `/metrics`."""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.app.metrics import Metrics

log = logging.getLogger("popbot")
TELEGRAM_PATH = "/telegram"


def operations(app: web.Application, ready: Callable[[], list[str]], metrics: Metrics) -> None:
    """`/healthz`: the process answers. `/readyz`: it can serve (503 with the reasons if not).
    `/metrics`: Prometheus's text format."""

    async def healthz(_request: web.Request) -> web.Response:
        return web.Response(text="ok\n")

    async def readyz(_request: web.Request) -> web.Response:
        problems = ready()
        if problems:
            return web.Response(status=503, text="".join(f"{p}\n" for p in problems))
        return web.Response(text="ready\n")

    async def scrape(_request: web.Request) -> web.Response:
        body = generate_latest(metrics.registry)
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
        except ValueError:
            return web.Response(status=400, text="not JSON\n")
        if not isinstance(data, dict):
            return web.Response(status=400, text="not an update\n")
        await take(data)
        return web.Response(text="ok")

    app.router.add_post(TELEGRAM_PATH, update)
