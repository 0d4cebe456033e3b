"""Mattermost as popbot's runtime sees it: its settings, its accounts, its command, and how
it starts (the WebSocket for posts; the action URL and `/pop` on popbot's one server) and
sends (into the person's direct message)."""

from __future__ import annotations

import argparse
import asyncio
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from adapters.mattermost.settings import MattermostSettings
from adapters.text import package_words
from bot.people.accounts import AccountRules, Bindings, Someone
from bot.people.roster import EMAIL
from bot.platform import PUBLIC_URL, Host, Platform

if TYPE_CHECKING:
    from adapters.mattermost.adapter import MattermostAdapter
    from bot.ports import Channel

NAME = "mattermost"
USER_ID = re.compile(r"[a-z0-9]{26}")


def _check(handle: str) -> Mapping[str, str] | None:
    ok = USER_ID.fullmatch(handle.lower()) or EMAIL.fullmatch(handle)
    return None if ok else package_words("adapters.mattermost", "handle")


def _reach(person: Someone, access: Bindings) -> str | None:
    # the user id they wrote from, or the roster's when it is one (an e-mail is matched on first contact)
    bound = access.handle_of(NAME, person.id)
    handle = person.accounts.get(NAME, "")
    return bound or (handle if USER_ID.fullmatch(handle) else None)


class MattermostPlatform(Platform):
    """Mattermost (see the module)."""

    name = NAME
    title = "Mattermost"
    settings = MattermostSettings
    switch = "MATTERMOST_URL"
    paths = ("/mattermost/actions", "/mattermost/command")

    def accounts(self) -> AccountRules:
        return AccountRules(NAME, _reach, check=_check, normal=str.lower)

    def configured(self, settings: MattermostSettings) -> bool:
        return bool(settings.mattermost_url.strip())

    def problems(
        self, settings: MattermostSettings, options: argparse.Namespace, replicas: bool
    ) -> list[str]:
        problems = []
        if not PUBLIC_URL.fullmatch(settings.mattermost_url.strip().rstrip("/")):
            problems.append("MATTERMOST_URL is not the server's https:// address")
        if not settings.mattermost_bot_token.get_secret_value():
            problems.append("MATTERMOST_BOT_TOKEN is not set")
        if not PUBLIC_URL.fullmatch(settings.popbot_public_url.strip().rstrip("/")):
            problems.append("POPBOT_PUBLIC_URL is not popbot's public https:// address (buttons post to it)")
        if problems:
            return ["Mattermost: " + "; ".join(problems) + " (see the README: 'Mattermost')"]
        return []

    def commands(self, sub: Any, languages: tuple[str, ...]) -> None:
        run = sub.add_parser("mattermost", help="run the Mattermost bot (its buttons and /pop on --port)")
        run.add_argument("--listen", default="0.0.0.0", help="the address to listen on")
        run.add_argument(
            "--port", type=int, default=3980, help="the port (/mattermost/actions, /mattermost/command)"
        )
        run.add_argument("--lang", default="nl", choices=languages)
        run.set_defaults(platform=NAME)

    def adapter(self, host: Host) -> MattermostAdapter:
        """The adapter with its client on the configured server."""
        from adapters.mattermost.adapter import MattermostAdapter
        from adapters.mattermost.client import Client

        settings: MattermostSettings = host.settings(self)
        token = settings.mattermost_bot_token.get_secret_value()
        client = Client(settings.mattermost_url.strip(), token, settings.mattermost_max_rate)
        host.stack.push_async_callback(client.close)
        adapter = MattermostAdapter(host.engine, host.access, host.roster)
        adapter.build(
            client, settings.popbot_public_url.strip(), settings.mattermost_slash_token.get_secret_value()
        )
        return adapter

    async def start(self, host: Host) -> Channel:
        from adapters.mattermost.channel import MattermostChannel

        adapter = self.adapter(host)
        adapter.mount(host.web)
        stop = asyncio.Event()
        listening = asyncio.get_running_loop().create_task(adapter.listen(stop))

        async def stopped() -> None:
            stop.set()
            listening.cancel()
            await asyncio.gather(listening, return_exceptions=True)

        host.stack.push_async_callback(stopped)
        return MattermostChannel(adapter)

    async def sender(self, host: Host) -> Channel:
        from adapters.mattermost.channel import MattermostChannel

        return MattermostChannel(self.adapter(host))
