"""popbot on Teams for the tests: the real SDK behind popbot's own HTTP server on 127.0.0.1,
built by the composition root, and the fake Bot Connector beside it."""

from __future__ import annotations

import argparse
import itertools
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from aiohttp import web

from adapters.teams import PLATFORM as TEAMS
from adapters.teams.adapter import TeamsAdapter
from adapters.teams.channel import TeamsChannel
from adapters.teams.settings import TeamsSettings
from bot.app.runtime import AppHost
from bot.app.settings import Settings
from bot.app.wiring import Parts
from storage import TinyDBStore
from tests.fakes.bot_connector import APP_ID, TENANT, FakeConnector, TestTokens, texts
from tests.helpers import import_roster
from tests.schedule_world import free_port

ANNA_OID = "0a0a0a0a-0000-4000-8000-00000000a0a0"
MILA_OID = "0b0b0b0b-0000-4000-8000-00000000b0b0"
ROSTER = f"""id,name,email,language,manager,platform,handle,conversation,timezone
mila,Mila Bakker,mila@example.org,nl,,teams,mila@example.org,,Europe/Amsterdam
anna,Anna de Vries,anna@example.org,nl,mila,teams,{ANNA_OID},2027-01-18 10:00,Europe/Amsterdam
"""
_ids = itertools.count(1)


@dataclass
class User:
    oid: str
    teams_id: str
    conversation: str
    locale: str = "nl-NL"


ANNA = User(ANNA_OID, "29:anna", "a:1-anna-personal")
MILA = User(MILA_OID, "29:mila", "a:1-mila-personal")


@dataclass
class Clock:
    now: datetime = field(default_factory=lambda: datetime(2027, 1, 5, 9, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Teams:
    connector: FakeConnector
    url: str  # popbot's server
    http: httpx.AsyncClient
    parts: Parts
    adapter: TeamsAdapter
    data: Path
    clock: Clock

    def activity(self, user: User = ANNA, **fields: Any) -> dict[str, Any]:
        base: dict[str, Any] = {
            "type": "message",
            "id": f"act{next(_ids)}",
            "channelId": "msteams",
            "serviceUrl": self.connector.url,
            "from": {"id": user.teams_id, "aadObjectId": user.oid, "name": "Someone"},
            "recipient": {"id": f"28:{APP_ID}", "name": "popbot"},
            "conversation": {"id": user.conversation, "conversationType": "personal", "tenantId": TENANT},
            "channelData": {"tenant": {"id": TENANT}},
            "locale": user.locale,
        }
        return {**base, **fields}

    async def post(self, activity: dict[str, Any], token: str | None = None) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token if token is not None else self.connector.token()}"}
        return await self.http.post(f"{self.url}/api/messages", json=activity, headers=headers)

    async def send(self, activity: dict[str, Any]) -> None:
        response = await self.post(activity)
        assert response.status_code in (200, 202), response.text

    async def install(self, user: User = ANNA) -> None:
        bot = {"id": f"28:{APP_ID}", "name": "popbot"}
        await self.send(self.activity(user, type="conversationUpdate", membersAdded=[bot]))

    async def say(self, text: str, user: User = ANNA) -> None:
        await self.send(self.activity(user, text=text))

    # ------------------------------------------------------------ what popbot sent

    def sent(self, user: User = ANNA) -> list[dict[str, Any]]:
        return [
            c.body
            for c in self.connector.calls
            if c.kind in ("send", "reply") and not c.failed and c.conversation == user.conversation
        ]

    def read(self, user: User = ANNA) -> list[str]:
        return [texts(a) for a in self.sent(user)]

    def card_id(self, activity: dict[str, Any]) -> str:
        for call in self.connector.calls:
            if call.body is activity:
                return call.returned
        raise AssertionError("not sent")

    def last_card(self, user: User = ANNA) -> dict[str, Any]:
        cards = [a for a in self.sent(user) if a.get("attachments")]
        assert cards, self.read(user)
        return cards[-1]

    async def submit(self, card_activity: dict[str, Any], data: dict[str, Any], user: User = ANNA) -> None:
        await self.send(self.activity(user, value=data, replyToId=self.card_id(card_activity)))

    async def press(self, title: str, user: User = ANNA, card_activity: dict[str, Any] | None = None) -> None:
        card_activity = card_activity or self.last_card(user)
        for action in content(card_activity).get("actions", []):
            if action.get("title", "").casefold().startswith(title.casefold()):
                await self.submit(card_activity, action["data"], user)
                return
        raise AssertionError(f"no action {title!r} on {texts(card_activity)}")

    async def answer(self, answer: str, user: User = ANNA) -> None:
        """As a person would: a button, a choice set, ticks, a date, or typing."""
        card_activity = self.last_card(user)
        card = content(card_activity)
        inputs = {i["id"]: i for i in card["body"] if i.get("type", "").startswith("Input.")}
        submits = [a for a in card.get("actions", []) if a["type"] == "Action.Submit"]
        if "date" in inputs and answer[:1].isdigit():
            iso = datetime.strptime(answer, "%d-%m-%Y").date().isoformat()
            await self.submit(card_activity, {**submits[0]["data"], "date": iso}, user)
        elif "ticked" in inputs:
            choices = inputs["ticked"]["choices"]
            ticked = [choices[int(n) - 1]["value"] for n in answer.replace(" ", "").split(",")]
            await self.submit(card_activity, {**submits[0]["data"], "ticked": ",".join(ticked)}, user)
        elif "choice" in inputs:
            option = pick(inputs["choice"]["choices"], answer, "title")
            await self.submit(card_activity, {**submits[0]["data"], "choice": option["value"]}, user)
        elif submits and all(a["data"].get("popbot") == "choice" for a in submits):
            action = pick(submits, answer, "title")
            await self.submit(card_activity, action["data"], user)
        else:
            await self.say(answer, user)

    def record(self, employee: str = "anna") -> Any:
        return TinyDBStore(self.data).load(employee)


def content(activity: dict[str, Any]) -> dict[str, Any]:
    return dict(activity["attachments"][0]["content"])


def pick(options: list[dict[str, Any]], answer: str, key: str) -> dict[str, Any]:
    wanted = answer.casefold()
    tests: list[Callable[[str], bool]] = [lambda t: t == wanted, lambda t: t.startswith(wanted)]
    for test in tests:
        found = [o for o in options if test(str(o[key]).casefold())]
        if found:
            return found[0]
    if answer.isdigit():
        return options[int(answer) - 1]
    raise AssertionError(f"no option {answer!r} in {[o[key] for o in options]}")


def dumps(activities: list[dict[str, Any]]) -> str:
    return json.dumps(activities, ensure_ascii=False)


def teams_parts(data: Path, port: int, max_rate: float, clock: Any = None) -> Parts:
    """popbot's parts with Teams on, against the fake connector on loopback; popbot's own
    server on `port`."""
    teams = TeamsSettings(
        teams_app_id=APP_ID,
        teams_app_password="test-secret",
        teams_tenant_id=TENANT,
        teams_max_rate=max_rate,
        teams_service_hosts="127.0.0.1",
        popbot_public_url=f"http://127.0.0.1:{port}",
    )
    settings = Settings(popbot_data_dir=data, popbot_public_url=f"http://127.0.0.1:{port}")
    extra = {"clock": clock} if clock is not None else {}
    return Parts(settings, data_dir=data, platform_settings={TEAMS.name: teams}, **extra)


def teams_adapter(parts: Parts) -> TeamsAdapter:
    """The Teams adapter as the runtime builds it, with the tests' tokens (no Entra reached)."""
    return TEAMS.adapter(AppHost(parts, argparse.Namespace()), token_provider=TestTokens)


@asynccontextmanager
async def teams_world(tmp_path: Path, roster: str = ROSTER, max_rate: float = 0) -> AsyncIterator[Teams]:
    data = tmp_path / "data"
    csv = tmp_path / "roster.csv"
    csv.write_text(roster, encoding="utf-8")
    import_roster(csv, data)
    connector = FakeConnector()
    await connector.start()
    clock = Clock()
    port = free_port()  # first: the settings name popbot's public address
    parts = teams_parts(data, port, max_rate, clock)
    adapter = teams_adapter(parts)  # the runtime's
    app = web.Application()
    adapter.mount(app)
    runner = web.AppRunner(app)
    try:
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        parts.planner().sync()
        async with httpx.AsyncClient(timeout=30) as http:
            with connector.use_test_keys():
                yield Teams(connector, f"http://127.0.0.1:{port}", http, parts, adapter, data, clock)
    finally:
        await runner.cleanup()
        await connector.stop()


def channel(world: Teams) -> TeamsChannel:
    return TeamsChannel(world.adapter)
