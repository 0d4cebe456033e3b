"""A chat platform written only for the tests, as a new platform would be: one package and
one registry line. It takes messages as JSON posts on popbot's one HTTP server
(`POST /echo {"from": "e-…", "text": …}`) and keeps what popbot sends it in memory."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.messages import Incoming, Part
from bot.people.accounts import AccountRules, Bindings, Someone
from bot.platform import Host, Platform
from bot.ports import Channel

NAME = "echo"
SENT: list[tuple[str, str]] = []  # (address, text) of every part popbot sent, in order


class EchoSettings(BaseSettings):
    """Its one variable: the switch."""

    model_config = SettingsConfigDict(extra="ignore")
    echo_on: bool = False


class EchoChannel:
    name = NAME
    whole = False

    async def send(self, address: str, parts: list[Part], key: str, subject: str) -> None:
        SENT.extend((address, p.text) for p in parts)

    async def was_sent(self, address: str, key: str) -> bool | None:
        return None


def _check(handle: str) -> Mapping[str, str] | None:
    return None if handle.startswith("e-") else {"en": "an echo handle (e-…)", "nl": "echo-handle (e-…)"}


def _reach(person: Someone, access: Bindings) -> str | None:
    return person.accounts.get(NAME) or access.handle_of(NAME, person.id)


class EchoPlatform(Platform):
    name = NAME
    title = "Echo"
    settings: ClassVar[type[Any]] = EchoSettings
    switch = "ECHO_ON"
    paths = ("/echo",)

    def accounts(self) -> AccountRules:
        return AccountRules(NAME, _reach, check=_check)

    def configured(self, settings: EchoSettings) -> bool:
        return settings.echo_on

    def commands(self, sub: Any, languages: tuple[str, ...]) -> None:
        run = sub.add_parser(NAME, help="run the echo platform alone")
        run.add_argument("--listen", default="127.0.0.1")
        run.add_argument("--port", type=int, default=3999)
        run.add_argument("--lang", default="nl", choices=languages)
        run.set_defaults(platform=NAME)

    async def start(self, host: Host) -> Channel:
        from aiohttp import web

        async def post(request: web.Request) -> web.Response:
            data = await request.json()
            handle = str(data.get("from", ""))
            person = host.roster.by_account(NAME, handle)
            if person is None:
                return web.json_response({"refused": True}, status=403)
            host.access.bind(NAME, handle, person.id)  # so the export and the erasure see it
            out = await host.engine.handle(person.id, Incoming.say(str(data.get("text", ""))))
            return web.json_response({"said": [getattr(o, "text", "") for o in out]})

        host.web.router.add_post("/echo", post)
        return EchoChannel()

    async def sender(self, host: Host) -> Channel:
        return EchoChannel()


PLATFORM = EchoPlatform()
__all__ = ["PLATFORM"]
