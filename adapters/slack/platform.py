"""Slack as popbot's runtime sees it: its settings, its accounts, its command, and how it
starts (Socket Mode, or its events on popbot's one HTTP server) and sends.

Bolt and slack_sdk are imported when Slack starts, never to build the command line."""

from __future__ import annotations

import argparse
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

from adapters.slack.settings import SlackSettings
from adapters.text import package_words
from bot.people.accounts import AccountRules, Bindings, Someone
from bot.platform import Host, Platform

if TYPE_CHECKING:
    from aiohttp import web

    from bot.ports import Channel

NAME = "slack"
EVENTS_PATH = "/slack/events"
USER_ID = re.compile(r"[UW][A-Z0-9]{2,}")


def _check(handle: str) -> Mapping[str, str] | None:
    return None if USER_ID.fullmatch(handle) else package_words("adapters.slack", "handle")


def _reach(person: Someone, access: Bindings) -> str | None:
    # the roster's Slack id, else the account that wrote to popbot (found by its e-mail)
    return person.accounts.get(NAME) or access.handle_of(NAME, person.id)


class SlackPlatform(Platform):
    """Slack (see the module)."""

    name = NAME
    title = "Slack"
    settings = SlackSettings
    switch = "SLACK_BOT_TOKEN"
    paths = (EVENTS_PATH,)

    def accounts(self) -> AccountRules:
        return AccountRules(NAME, _reach, check=_check)

    def configured(self, settings: SlackSettings) -> bool:
        return bool(settings.slack_bot_token.get_secret_value())

    def problems(self, settings: SlackSettings, options: argparse.Namespace, replicas: bool) -> list[str]:
        missing = [] if settings.slack_bot_token.get_secret_value() else ["SLACK_BOT_TOKEN"]
        if not _socket_mode(settings) and not settings.slack_signing_secret.get_secret_value():
            missing.append("SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode)")
        if missing:
            return [f"missing configuration: {', '.join(missing)} (see the README: 'Slack')"]
        return []

    def commands(self, sub: Any, languages: tuple[str, ...]) -> None:
        run = sub.add_parser("slack", help="run the Slack app (Socket Mode with SLACK_APP_TOKEN, else HTTP)")
        run.add_argument("--port", type=int, default=3000, help="HTTP mode: port (path /slack/events)")
        run.add_argument("--listen", default="0.0.0.0", help="HTTP mode: address to listen on")
        run.add_argument("--lang", default="nl", choices=languages)
        run.set_defaults(platform=NAME)

    def needs_server(self, settings: SlackSettings, options: argparse.Namespace) -> bool:
        return not _socket_mode(settings)

    def _client(self, settings: SlackSettings) -> Any:
        from slack_sdk.web.async_client import AsyncWebClient

        api = settings.slack_api_url.rstrip("/") + "/"
        return AsyncWebClient(token=settings.slack_bot_token.get_secret_value(), base_url=api)

    async def start(self, host: Host) -> Channel:
        from adapters.slack.adapter import SlackAdapter
        from adapters.slack.channel import SlackChannel

        settings: SlackSettings = host.settings(self)
        adapter = SlackAdapter(host.engine, host.access, host.roster)
        # Socket Mode verifies nothing by signature; Bolt still wants a value
        secret = settings.slack_signing_secret.get_secret_value() or "socket-mode"
        bolt = adapter.build(settings.slack_bot_token.get_secret_value(), secret, settings.slack_api_url)
        if _socket_mode(settings):
            from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

            handler = AsyncSocketModeHandler(bolt, settings.slack_app_token.get_secret_value())
            await handler.connect_async()  # type: ignore[no-untyped-call]
            host.stack.push_async_callback(handler.close_async)
        else:
            # Bolt's handler on popbot's own app (as a sub-app it would not know its path)
            host.web.router.add_post(EVENTS_PATH, signed(bolt.server(path=EVENTS_PATH).handle_post_requests))
        return SlackChannel(bolt.client)

    async def sender(self, host: Host) -> Channel:
        from adapters.slack.channel import SlackChannel

        return SlackChannel(self._client(host.settings(self)))


def _socket_mode(settings: SlackSettings) -> bool:
    """Slack over a WebSocket (no public address needed) when the app token is set."""
    return bool(settings.slack_app_token.get_secret_value())


Handler = Callable[["web.Request"], Awaitable[Any]]


def signed(handler: Handler) -> Handler:
    """Bolt's handler behind a check of the two headers Slack signs with: a request whose
    timestamp is not a number or whose signature is not `v0=` and hex is refused with 401 here
    (Bolt would fail on it with a 500)."""
    from aiohttp import web

    async def events(request: web.Request) -> web.StreamResponse:
        stamp = request.headers.get("X-Slack-Request-Timestamp", "")
        signature = request.headers.get("X-Slack-Signature", "")
        if not re.fullmatch(r"[0-9]{1,12}", stamp) or not re.fullmatch(r"v0=[0-9a-f]{64}", signature):
            return web.Response(status=401, text="not signed by Slack\n")
        response: web.StreamResponse = await handler(request)
        return response

    return events
