"""popbot's one runtime: every command that serves chats starts here — `popbot serve` (every
configured platform), `popbot <platform>` (one alone) — and so does one pass of the schedule
(`popbot schedule run-due`) and a platform's own one-off commands (an invitation link, say).

One engine, one script watcher, one schedule and (when anything needs it) one HTTP server
per process, whatever platforms run in it; each platform adds its routes and consumers
through the `Host` it is given and stops them on the runtime's stack.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.app import platforms
from bot.app.platforms import CONSOLE
from bot.app.wiring import Parts
from bot.dialog.reload import poll_edits, watch_scripts
from bot.errors import PopbotError
from bot.platform import Platform

if TYPE_CHECKING:
    from bot.engine.engine import Engine
    from bot.people.access import Access
    from bot.people.roster import Roster
    from bot.ports import Channel, InboxStore
    from bot.schedule.scheduler import PassReport

log = logging.getLogger("popbot")


class AppHost:
    """What a platform is given (`bot.platform.Host`), over the process's `Parts`."""

    def __init__(
        self, parts: Parts, options: argparse.Namespace, web: Any = None, stack: AsyncExitStack | None = None
    ) -> None:
        self.parts = parts
        self.options = options
        self.web = web
        self.stack = stack if stack is not None else AsyncExitStack()

    @property
    def engine(self) -> Engine:
        return self.parts.engine

    @property
    def access(self) -> Access:
        return self.parts.access

    @property
    def roster(self) -> Roster:
        return self.parts.roster

    @property
    def inbox(self) -> InboxStore:
        return self.parts.store

    @property
    def language(self) -> str:
        return self.parts.language

    @property
    def replicas(self) -> bool:
        return bool(self.parts.settings.database_url)

    def settings(self, platform: Platform) -> Any:
        return self.parts.platform_settings(platform)


def chosen(parts: Parts, options: argparse.Namespace) -> list[Platform]:
    """`popbot <platform>`: that one; `popbot serve --only …`: those named; `popbot serve`:
    every configured one — none is fine: the console, the probes and the schedule run alone
    (IT tries those first, before any chat platform has its tokens)."""
    name = getattr(options, "platform", None)
    if name:
        return [platforms.named(name)]
    picked = getattr(options, "only", None)
    if picked:
        return [platforms.named(n) for n in picked if n != CONSOLE]
    return parts.configured()


def with_console(options: argparse.Namespace) -> bool:
    """Whether `serve` runs the browser console: unless `--only` leaves it out."""
    picked = getattr(options, "only", None)
    return not picked or CONSOLE in picked


def check(parts: Parts, options: argparse.Namespace, chosen: list[Platform]) -> None:
    """Every platform's problems, said before anything starts, in one line."""
    replicas = bool(parts.settings.database_url)
    problems = [
        problem for p in chosen for problem in p.problems(parts.platform_settings(p), options, replicas)
    ]
    if problems:
        raise PopbotError("; ".join(problems))


def run(parts: Parts, options: argparse.Namespace, *, console: bool) -> None:
    """Serve the chosen platforms (and the console, for `serve`) until SIGINT or SIGTERM."""
    serving = chosen(parts, options)
    console = console and with_console(options)
    check(parts, options, serving)
    asyncio.run(serve(parts, options, serving, console=console))


async def serve(
    parts: Parts,
    options: argparse.Namespace,
    serving: list[Platform],
    *,
    console: bool,
    stopping: asyncio.Event | None = None,
) -> None:
    """The runtime until SIGINT or SIGTERM (or `stopping`): then the schedule's pass is
    finished and all of it closed."""
    if stopping is None:
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stopping.set)
    async with running(parts, options, serving, console=console):
        await stopping.wait()


@dataclass
class Started:
    """What runs inside `running`: each platform's way to send (by name), and the port the
    server listens on (the one asked for; the one the system gave for port 0)."""

    chats: dict[str, Channel]
    port: int | None


@asynccontextmanager
async def running(
    parts: Parts, options: argparse.Namespace, serving: list[Platform], *, console: bool
) -> AsyncIterator[Started]:
    """The runtime itself (see the module): the platforms started, then the server, the
    watcher and the schedule."""
    from aiohttp import web

    from bot.app.http import operations, server_app
    from bot.app.web.app import console_app, max_body

    engine = parts.engine  # one engine: its per-employee lock orders two platforms' messages
    needs_server = console or any(p.needs_server(parts.platform_settings(p), options) for p in serving)
    web_app = None
    if needs_server:
        metrics = parts.metrics
        engine.observe = metrics.turn
        web_app = server_app(max_body(parts.settings), metrics)
        operations(web_app, parts.ready, metrics)
        if console:
            web_app.add_subapp("/console", console_app(parts))  # HR and managers in the browser
    async with AsyncExitStack() as stack:
        host = AppHost(parts, options, web_app, stack)
        chats: dict[str, Channel] = {}
        for platform in serving:
            chats[platform.name] = await platform.start(host)
        port = None
        if web_app is not None:
            runner = web.AppRunner(web_app)
            await runner.setup()
            stack.push_async_callback(runner.cleanup)
            await web.TCPSite(runner, options.listen, options.port).start()
            port = int(runner.addresses[0][1])
        await stack.enter_async_context(watching(engine, parts.polled_edits()))
        background = parts.background(chats)
        if needs_server:
            background.observe = parts.metrics.pass_seconds.observe
        await background.start()
        paths = [path for p in serving for path in p.paths if web_app is not None]
        if console:
            paths.insert(0, "/console")
        where = f" on {options.listen}:{port} (/healthz /readyz /metrics {' '.join(paths)})"
        what = [*([CONSOLE] if console else []), *(p.name for p in serving)]
        log.info("serving: %s%s", ", ".join(what), where if web_app is not None else "")
        log.info("data: %s", parts.where_data())
        if not serving:
            *others, last = [p.switch for p in platforms.registered()]
            log.info("no chat platform configured: set %s and/or %s to add one", ", ".join(others), last)
        try:
            yield Started(chats, port)
        finally:
            await background.stop()


@asynccontextmanager
async def watching(engine: Engine, edits: Callable[[], str] | None = None) -> AsyncIterator[None]:
    """HR's edited scripts taken up while it runs (hot reload) — for every command that
    serves people: the platforms' and the terminal's (`popbot chat`). `edits`: the marker of
    edits kept in the database, polled (`Parts.polled_edits`)."""
    stop = asyncio.Event()
    watchers = [asyncio.create_task(watch_scripts(engine.registries, stop))]
    if edits is not None:
        watchers.append(asyncio.create_task(poll_edits(engine.registries, edits, stop)))
    try:
        yield
    finally:
        stop.set()
        await asyncio.gather(*watchers)


async def one_pass(parts: Parts) -> PassReport:
    """One pass of the schedule through every configured platform, receiving nothing (cron).
    No re-plan here: a pass reads only the due-time index, never the whole roster."""
    async with AsyncExitStack() as stack:
        host = AppHost(parts, argparse.Namespace(), None, stack)
        chats = {p.name: await p.sender(host) for p in parts.configured()}
        return await parts.scheduler(chats).run_due()


def tool(parts: Parts, options: argparse.Namespace) -> int:
    """A platform's one-off command (a link printed, an app package written)."""
    return int(options.tool(options, AppHost(parts, options)))
