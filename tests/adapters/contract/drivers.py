"""One driver per platform for the contract suite: the platform started by popbot's own
runtime (`bot.app.runtime.running`, as `popbot serve` starts it) against its fake, and
fed payloads built from the recorded shapes in `payloads/` — never the adapter's own
helpers. The console is driven as its terminal is: typed lines, rendered output."""

from __future__ import annotations

import argparse
import asyncio
import copy
import itertools
import json
import time
import urllib.parse
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import httpx

from adapters.console import ConsoleInbox, render
from adapters.mattermost.settings import MattermostSettings
from adapters.slack.settings import SlackSettings
from adapters.teams.platform import TeamsPlatform
from adapters.teams.settings import TeamsSettings
from adapters.telegram.settings import TelegramSettings
from bot.app.platforms import named
from bot.app.runtime import running
from bot.app.settings import Settings
from bot.app.wiring import Parts
from bot.messages import Incoming, Outgoing, Question
from bot.platform import Platform
from bot.ports import Channel
from storage import TinyDBStore
from tests.fakes.bot_connector import APP_ID, TENANT, FakeConnector, TestTokens, texts
from tests.fakes.mattermost_api import TOKEN as MM_TOKEN
from tests.fakes.mattermost_api import FakeMattermost
from tests.fakes.slack_api import BOT_TOKEN, SECRET, FakeSlack, signed
from tests.fakes.telegram_api import TOKEN, FakeTelegram
from tests.helpers import import_roster
from tests.schedule_world import free_port

PAYLOADS = Path(__file__).parent / "payloads"
_ids = itertools.count(1)


def payload(platform: str, kind: str) -> dict[str, Any]:
    """A fresh copy of a recorded payload's shape."""
    loaded: dict[str, Any] = json.loads((PAYLOADS / f"{platform}.json").read_text(encoding="utf-8"))
    return copy.deepcopy(loaded[kind])


class Driver:
    """Anna on one platform, as the contract's scenarios use her."""

    name: str
    address: str  # where the schedule reaches her there
    channel: Channel  # the platform's way to send, as the runtime started it
    parts: Parts
    strangers = True  # an account popbot does not know can write to it
    redeliveries = True  # the platform may deliver one event twice

    async def begin(self) -> None:
        raise NotImplementedError

    async def say(self, text: str) -> None:
        raise NotImplementedError

    async def press(self, label: str) -> None:
        raise NotImplementedError

    async def redeliver(self) -> None:
        """The last event again, exactly as it was (a retry of the platform's)."""
        raise NotImplementedError

    async def stranger(self, text: str) -> list[str]:
        """What someone not in the roster is told when they write this."""
        raise NotImplementedError

    def texts(self) -> list[str]:
        raise NotImplementedError

    def documents(self) -> list[str]:
        """The files (or links to files) popbot gave her, by name."""
        raise NotImplementedError

    async def proactive(self) -> list[str]:
        """What she sees of what the schedule sent her (her chat; the console's inbox)."""
        return self.texts()

    @property
    def store(self) -> TinyDBStore:
        return TinyDBStore(self.parts.data_dir)


async def quiet(calls: Callable[[], int], settle: float = 0.25) -> None:
    """Until the fake has seen no new call for `settle` seconds (popbot answered)."""
    seen = -1
    for _ in range(200):
        if seen == calls():
            return
        seen = calls()
        await asyncio.sleep(settle)


def _roster(tmp_path: Path, platform: str, handle: str) -> Path:
    csv = tmp_path / "roster.csv"
    csv.write_text(
        "id,name,email,language,platform,handle\n"
        f"anna,Anna de Vries,anna@example.org,nl,{platform},{handle}\n",
        encoding="utf-8",
    )
    data = tmp_path / "data"
    import_roster(csv, data)
    return data


@asynccontextmanager
async def _run(parts: Parts, platform: Platform, **options: Any) -> AsyncIterator[tuple[Channel, str]]:
    # port 0: the system picks a free one as the server binds it (no race with another test)
    args = argparse.Namespace(platform=platform.name, listen="127.0.0.1", port=0, **options)
    async with running(parts, args, [platform], console=False) as started:
        yield started.chats[platform.name], f"http://127.0.0.1:{started.port}"


@asynccontextmanager
async def _driving(
    fake: Any, parts: Parts, platform: Platform, make: Any, **options: Any
) -> AsyncIterator[Driver]:
    """The platform started by the runtime, a driver on it; the fake stopped after."""
    try:
        async with _run(parts, platform, **options) as (channel, url), httpx.AsyncClient(timeout=30) as http:
            driver = make(fake, parts, url, http)
            driver.channel = channel
            yield driver
    finally:
        await fake.stop()


# ---------------------------------------------------------------- Telegram (a webhook)

CHAT = 5101


class TelegramDriver(Driver):
    name = "telegram"

    def __init__(self, api: FakeTelegram, parts: Parts, url: str, http: httpx.AsyncClient) -> None:
        self.api, self.parts, self.url, self.http = api, parts, url, http
        self.address = str(CHAT)
        self.last: dict[str, Any] = {}

    async def _post(self, update: dict[str, Any]) -> None:
        self.last = update
        headers = {"X-Telegram-Bot-Api-Secret-Token": "webhook-secret"}
        answer = await self.http.post(f"{self.url}/telegram", json=update, headers=headers)
        assert answer.status_code == 200, answer.text
        await quiet(lambda: len(self.api.calls))

    def _update(self, chat: int, text: str) -> dict[str, Any]:
        update = payload("telegram", "message")
        update["update_id"] = next(_ids)
        message = update["message"]
        message["message_id"] = next(_ids)
        message["chat"]["id"] = message["from"]["id"] = chat
        message["text"] = text
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return update

    async def begin(self) -> None:
        await self.say("/start")

    async def say(self, text: str) -> None:
        await self._post(self._update(CHAT, text))

    async def press(self, label: str) -> None:
        asked = [c.result for c in self.api.of("sendMessage") if c.params.get("reply_markup")][-1]
        data = next(
            b["callback_data"]
            for row in asked["reply_markup"]["inline_keyboard"]
            for b in row
            if b["text"].casefold().startswith(label.casefold())
        )
        update = payload("telegram", "callback_query")
        update["update_id"] = next(_ids)
        query = update["callback_query"]
        query["id"], query["data"], query["message"] = str(next(_ids)), data, asked
        query["from"]["id"] = CHAT
        await self._post(update)

    async def redeliver(self) -> None:
        await self._post(self.last)

    async def stranger(self, text: str) -> list[str]:
        await self._post(self._update(9999, text))
        return self.api.sent_texts(9999)

    def texts(self) -> list[str]:
        return self.api.sent_texts(CHAT)

    def documents(self) -> list[str]:
        return [
            str(c.params["document"]["filename"])
            for c in self.api.of("sendDocument")
            if str(c.params.get("chat_id")) == str(CHAT) and not c.failed
        ]


@asynccontextmanager
async def telegram(tmp_path: Path) -> AsyncIterator[Driver]:
    api = FakeTelegram()
    await api.start()
    data = _roster(tmp_path, "telegram", "@anna")
    settings = TelegramSettings(
        telegram_bot_token=TOKEN,  # type: ignore[arg-type]
        telegram_api_base_url=api.url,
        telegram_webhook_secret="webhook-secret",  # type: ignore[arg-type]
    )
    parts = Parts(Settings(), data_dir=data, platform_settings={"telegram": settings})
    parts.access.bind("telegram", str(CHAT), "anna")  # her /start with an invitation, done before
    webhook = {"webhook": True, "polling": False, "url": "http://127.0.0.1/telegram"}
    async with _driving(api, parts, named("telegram"), TelegramDriver, **webhook) as driver:
        yield driver


# ---------------------------------------------------------------- Slack (the Events API over HTTP)

USER = "U0ANNA"


class SlackDriver(Driver):
    name = "slack"

    def __init__(self, api: FakeSlack, parts: Parts, url: str, http: httpx.AsyncClient) -> None:
        self.api, self.parts, self.url, self.http = api, parts, url, http
        self.address = USER
        self.last: tuple[str, str, dict[str, str]] = ("", "", {})

    async def _post(self, body: str, content_type: str, headers: dict[str, str] | None = None) -> None:
        headers = {**signed(body), **(headers or {}), "Content-Type": content_type}
        self.last = (body, content_type, headers)
        answer = await self.http.post(f"{self.url}/slack/events", content=body.encode(), headers=headers)
        assert answer.status_code == 200, answer.text
        await quiet(lambda: len(self.api.calls))

    def _event(self, user: str, text: str) -> str:
        body = payload("slack", "event_callback")
        body["event_id"] = f"Ev{next(_ids)}"
        ts = f"{time.time():.6f}"
        body["event"].update(channel=f"D{user}", user=user, text=text, ts=ts, event_ts=ts)
        return json.dumps(body)

    async def begin(self) -> None:
        await self.say("hoi")

    async def say(self, text: str) -> None:
        await self._post(self._event(USER, text), "application/json")

    async def press(self, label: str) -> None:
        posts = [
            (n, c)
            for n, c in enumerate(self.api.of("chat.postMessage"), start=1)
            if any(b.get("type") == "actions" for b in c.params.get("blocks") or [])
        ]
        n, call = posts[-1]
        message = {"ts": f"{1700000000 + n}.000100", "blocks": call.params["blocks"]}
        elements = [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]
        button = next(
            e
            for e in elements
            if e["type"] == "button" and e["text"]["text"].casefold().startswith(label.casefold())
        )
        body = payload("slack", "block_actions")
        body["user"]["id"], body["trigger_id"] = USER, f"tr{next(_ids)}"
        body["channel"]["id"], body["container"]["message_ts"] = f"D{USER}", message["ts"]
        body["message"] = message
        action = {"type": "button", "action_id": button["action_id"], "value": button["value"]}
        body["actions"] = [{**action, "block_id": "b", "action_ts": f"{time.time():.6f}"}]
        await self._post(
            urllib.parse.urlencode({"payload": json.dumps(body)}), "application/x-www-form-urlencoded"
        )

    async def redeliver(self) -> None:
        body, content_type, _headers = self.last
        # Slack's retry of an event it got no answer to in time: the same body, marked a retry
        await self._post(
            body, content_type, {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
        )

    async def stranger(self, text: str) -> list[str]:
        await self._post(self._event("U0ZOE", text), "application/json")
        return self.api.posted("DU0ZOE")

    def texts(self) -> list[str]:
        return self.api.posted(f"D{USER}")

    def documents(self) -> list[str]:
        return [str(f["name"]) for m in self.api.history.get(f"D{USER}", []) for f in m.get("files", [])]


@asynccontextmanager
async def slack(tmp_path: Path) -> AsyncIterator[Driver]:
    api = FakeSlack()
    await api.start()
    data = _roster(tmp_path, "slack", USER)
    settings = SlackSettings(
        slack_bot_token=BOT_TOKEN,  # type: ignore[arg-type]
        slack_signing_secret=SECRET,  # type: ignore[arg-type]
        slack_api_url=api.url,
    )
    parts = Parts(Settings(), data_dir=data, platform_settings={"slack": settings})
    async with _driving(api, parts, named("slack"), SlackDriver) as driver:
        yield driver


# ---------------------------------------------------------------- Microsoft Teams (the Bot Connector)

OID = "0a0a0a0a-0000-4000-8000-00000000a0a0"


class TeamsDriver(Driver):
    name = "teams"

    def __init__(self, connector: FakeConnector, parts: Parts, url: str, http: httpx.AsyncClient) -> None:
        self.connector, self.parts, self.url, self.http = connector, parts, url, http
        self.address = "anna"
        self.last: dict[str, Any] = {}

    def _activity(self, kind: str, oid: str = OID, **fields: Any) -> dict[str, Any]:
        activity = payload("teams", kind)
        activity["id"] = f"act{next(_ids)}"
        activity["serviceUrl"] = self.connector.url
        activity["from"].update(id=f"29:{oid[:8]}", aadObjectId=oid)
        activity["recipient"]["id"] = f"28:{APP_ID}"
        activity["conversation"].update(id=f"a:1-{oid[:8]}-personal", tenantId=TENANT)
        activity["channelData"]["tenant"]["id"] = TENANT
        activity.update(fields)
        return activity

    async def _post(self, activity: dict[str, Any]) -> None:
        self.last = activity
        headers = {"Authorization": f"Bearer {self.connector.token()}"}
        answer = await self.http.post(f"{self.url}/api/messages", json=activity, headers=headers)
        assert answer.status_code in (200, 202), answer.text
        await quiet(lambda: len(self.connector.calls))

    def _sent(self, oid: str = OID) -> list[dict[str, Any]]:
        conversation = f"a:1-{oid[:8]}-personal"
        return [
            c.body
            for c in self.connector.calls
            if c.kind in ("send", "reply") and not c.failed and c.conversation == conversation
        ]

    async def begin(self) -> None:
        bot = {"id": f"28:{APP_ID}", "name": "popbot"}
        await self._post(self._activity("install", membersAdded=[bot]))  # the app's install
        await self.press("Beginnen")

    async def say(self, text: str) -> None:
        await self._post(self._activity("message", text=text))

    async def press(self, label: str) -> None:
        """A card's button by its title, or a choice of its choice set and then its submit."""
        wanted = label.casefold()
        for card in reversed([a for a in self._sent() if a.get("attachments")]):
            content = card["attachments"][0]["content"]
            actions = content.get("actions", [])
            value = next(
                (a["data"] for a in actions if a.get("title", "").casefold().startswith(wanted)), None
            )
            for field in (i for i in content["body"] if i.get("type") == "Input.ChoiceSet"):
                for choice in field["choices"]:
                    if value is None and choice["title"].casefold().startswith(wanted):
                        submit = next(a for a in actions if a["type"] == "Action.Submit")
                        value = {**submit["data"], field["id"]: choice["value"]}
            if value is not None:
                await self._post(self._activity("message", value=value, replyToId=self._card_id(card)))
                return
        raise AssertionError(f"no action {label!r}")

    def _card_id(self, card: dict[str, Any]) -> str:
        return next(c.returned for c in self.connector.calls if c.body is card)

    async def redeliver(self) -> None:
        await self._post(self.last)

    async def stranger(self, text: str) -> list[str]:
        zoe = "0c0c0c0c-0000-4000-8000-00000000c0c0"
        await self._post(self._activity("message", oid=zoe, text=text))
        return [texts(a) for a in self._sent(zoe)]

    def texts(self) -> list[str]:
        return [texts(a) for a in self._sent()]

    def documents(self) -> list[str]:
        # a file is a card with its name and an "open" button (which gives a short-lived link)
        return [
            str(a.get("summary"))
            for a in self._sent()
            for attachment in a.get("attachments") or []
            if any(
                (b.get("data") or {}).get("popbot") == "file"
                for b in attachment["content"].get("actions", [])
            )
        ]


@asynccontextmanager
async def teams(tmp_path: Path) -> AsyncIterator[Driver]:
    connector = FakeConnector()
    await connector.start()
    data = _roster(tmp_path, "teams", OID)
    port = free_port()
    settings = TeamsSettings(
        teams_app_id=APP_ID,
        teams_app_password="test-secret",  # type: ignore[arg-type]
        teams_tenant_id=TENANT,
        teams_max_rate=0,
        teams_service_hosts="127.0.0.1",
        popbot_public_url=f"http://127.0.0.1:{port}",
    )
    parts = Parts(Settings(), data_dir=data, platform_settings={"teams": settings})
    platform = TeamsPlatform(token_provider=TestTokens)  # the registered one, with the tests' tokens
    args = argparse.Namespace(platform="teams", listen="127.0.0.1", port=port)
    try:
        with connector.use_test_keys():
            started = running(parts, args, [platform], console=False)
            async with started as inside, httpx.AsyncClient(timeout=30) as http:
                driver = TeamsDriver(connector, parts, f"http://127.0.0.1:{port}", http)
                driver.channel = inside.chats["teams"]
                yield driver
    finally:
        await connector.stop()


# ---------------------------------------------------------------- Mattermost (REST, WebSocket, buttons)

MM_USER = "annauserid00000000000000aa"


class MattermostDriver(Driver):
    name = "mattermost"

    def __init__(self, api: FakeMattermost, parts: Parts, url: str, http: aiohttp.ClientSession) -> None:
        self.api, self.parts, self.url, self.http = api, parts, url, http
        self.address = MM_USER
        self.dm = api.dm_of(MM_USER)

    async def _settled(self) -> None:
        await quiet(lambda: len(self.api.calls))

    async def begin(self) -> None:
        await self.api.wait_for(lambda: self.api.connections >= 1, timeout=30)
        await self.say("hoi")

    async def say(self, text: str) -> None:
        await self.api.push(MM_USER, text)
        await self._settled()

    async def press(self, label: str) -> None:
        with_buttons = [
            p for p in self.api.posts.values() if p["channel_id"] == self.dm and p["props"].get("attachments")
        ]
        await self.api.press(with_buttons[-1]["id"], label, MM_USER, self.http)
        await self._settled()

    async def redeliver(self) -> None:
        await self.api.repeat()
        await self._settled()

    async def stranger(self, text: str) -> list[str]:
        zoe = "zoeuserid000000000000000zz"
        await self.api.push(zoe, text)
        await self._settled()
        return self.api.posted(self.api.dm_of(zoe))

    def texts(self) -> list[str]:
        return self.api.posted(self.dm)

    def documents(self) -> list[str]:
        return [str(f.get("filename")) for f in self.api.files.values() if f.get("channel_id") == self.dm]


@asynccontextmanager
async def mattermost(tmp_path: Path, slash_token: str = "") -> AsyncIterator[Driver]:
    api = FakeMattermost()
    await api.start()
    data = _roster(tmp_path, "mattermost", "anna@example.org")  # by e-mail: matched on first contact
    port = free_port()  # the buttons' URL names it, so it is known before the start
    settings = MattermostSettings(
        mattermost_url=api.url,
        mattermost_bot_token=MM_TOKEN,  # type: ignore[arg-type]
        mattermost_max_rate=1000,
        mattermost_slash_token=slash_token,  # type: ignore[arg-type]
        popbot_public_url=f"http://127.0.0.1:{port}",
    )
    parts = Parts(Settings(), data_dir=data, platform_settings={"mattermost": settings})
    args = argparse.Namespace(platform="mattermost", listen="127.0.0.1", port=port)
    try:
        async with (
            running(parts, args, [named("mattermost")], console=False) as inside,
            aiohttp.ClientSession() as http,
        ):
            driver = MattermostDriver(api, parts, f"http://127.0.0.1:{port}", http)
            driver.channel = inside.chats["mattermost"]
            yield driver
    finally:
        await api.stop()


# ---------------------------------------------------------------- the console (a terminal)


class ConsoleDriver(Driver):
    name = "console"
    strangers = False  # the terminal is the operator's own: whoever runs it is `--user`
    redeliveries = False  # a typed line arrives once

    def __init__(self, parts: Parts) -> None:
        self.parts = parts
        self.address = "anna"
        self.channel = ConsoleInbox(parts.store)
        self.shown: list[str] = []
        self.saved: list[str] = []
        self.last: list[Outgoing] = []

    def _show(self, out: list[Outgoing]) -> None:
        self.last = out
        self.shown.append(render(out, 100, self._save))

    def _save(self, name: str, content: bytes) -> Path | None:
        self.saved.append(name)
        self.parts.store.save_file("anna", name, content, export=True)
        return self.channel.where("anna", name, export=True)

    async def begin(self) -> None:
        self._show(await self.parts.engine.start("anna", "nl"))

    async def say(self, text: str) -> None:
        self._show(await self.parts.engine.handle("anna", Incoming.say(text)))

    async def press(self, label: str) -> None:
        asked = next(o for o in reversed(self.last) if isinstance(o, Question))
        number = next(
            n for n, o in enumerate(asked.options, 1) if o.label.casefold().startswith(label.casefold())
        )
        await self.say(str(number))  # a console's button is its number, typed

    def texts(self) -> list[str]:
        return self.shown

    def documents(self) -> list[str]:
        return self.saved + [t for t in self.shown if "📄" in t]

    async def proactive(self) -> list[str]:
        return ConsoleInbox(self.parts.store).take("anna")  # shown when she opens the console


@asynccontextmanager
async def console(tmp_path: Path) -> AsyncIterator[Driver]:
    data = _roster(tmp_path, "console", "")
    yield ConsoleDriver(Parts(Settings(), data_dir=data))


PLATFORMS: dict[str, Callable[[Path], AbstractAsyncContextManager[Driver]]] = {
    "telegram": telegram,
    "slack": slack,
    "teams": teams,
    "mattermost": mattermost,
    "console": console,
}
