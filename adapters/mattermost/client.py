"""Mattermost's REST API v4 and its WebSocket, on aiohttp — the calls popbot needs and no more.

No maintained asyncio client exists on PyPI (`mattermostdriver` was last released in 2022 and
blocks on `requests`; the others are young or unmaintained), and popbot already has aiohttp:
a dozen calls over it are clearer than a dependency. Every call is paced to the server's rate
(aiolimiter), a 429 is waited out as the server's `X-RateLimit-Reset` (or `Retry-After`) says
and tried again, a 5xx or a dropped connection a few times with back-off; popbot talks only
to the one configured server (every path is relative to it).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
from aiolimiter import AsyncLimiter

from bot.platform import CALLS

log = logging.getLogger("popbot.mattermost")
RETRIES = 4


class MattermostError(Exception):
    """A call the server refused (the status and the server's error id, never a message's text)."""

    def __init__(self, status: int, error_id: str = "") -> None:
        self.status = status
        super().__init__(f"Mattermost answered {status} {error_id}".strip())


class Client:
    """The bot account's session with one Mattermost server."""

    def __init__(self, url: str, token: str, max_rate: float, first_wait: float = 0.5) -> None:
        self.base = url.rstrip("/") + "/api/v4"
        self.token = token
        # one call per 1/rate seconds, no burst: the server counts calls in a sliding second
        self.pace = AsyncLimiter(1, 1 / max_rate) if max_rate else None
        self.first_wait = first_wait
        self._session: aiohttp.ClientSession | None = None
        self._dms: dict[str, str] = {}
        self.me: dict[str, Any] = {}

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            headers = {"Authorization": f"Bearer {self.token}"}
            self._session = aiohttp.ClientSession(headers=headers, timeout=aiohttp.ClientTimeout(total=30))
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def call(self, method: str, path: str, **kwargs: Any) -> Any:
        """One call, paced, a 429 waited out and a 5xx or a dropped connection tried again."""
        wait = self.first_wait
        for attempt in range(RETRIES + 1):
            if self.pace is not None:
                await self.pace.acquire()
            try:
                async with self.session.request(method, f"{self.base}{path}", **kwargs) as response:
                    if response.status == 429 and attempt < RETRIES:
                        CALLS.throttle("mattermost")
                        reset = response.headers.get("X-RateLimit-Reset") or response.headers.get(
                            "Retry-After"
                        )
                        await asyncio.sleep(float(reset) if reset and reset.isdigit() else wait)
                        continue
                    if response.status >= 500 and attempt < RETRIES:
                        CALLS.retry("mattermost")
                        await asyncio.sleep(wait)
                        wait *= 2
                        continue
                    body = await response.json(content_type=None) if response.content_length != 0 else None
                    if response.status >= 400:
                        error = body.get("id", "") if isinstance(body, dict) else ""
                        raise MattermostError(response.status, str(error))
                    return body
            except (TimeoutError, aiohttp.ClientConnectionError):
                if attempt == RETRIES:
                    raise
                CALLS.retry("mattermost")
                await asyncio.sleep(wait)
                wait *= 2
        raise MattermostError(429)

    async def login(self) -> dict[str, Any]:
        """Who the bot is (and that the token is good)."""
        self.me = dict(await self.call("GET", "/users/me"))
        return self.me

    async def dm(self, user: str) -> str:
        """The direct channel between the bot and `user` (opened once, then remembered)."""
        if user not in self._dms:
            if not self.me:
                await self.login()
            channel = await self.call("POST", "/channels/direct", json=[self.me["id"], user])
            self._dms[user] = str(channel["id"])
        return self._dms[user]

    async def post(self, channel: str, message: str, props: dict[str, Any] | None = None,
                   file_ids: list[str] | None = None) -> dict[str, Any]:  # fmt: skip
        """A post in a channel (its attachments' buttons in `props`, files by id)."""
        body: dict[str, Any] = {"channel_id": channel, "message": message}
        if props:
            body["props"] = props
        if file_ids:
            body["file_ids"] = file_ids
        return dict(await self.call("POST", "/posts", json=body))

    async def upload(self, channel: str, filename: str, content: bytes, mime: str) -> str:
        """A file for a post in `channel`; its id."""
        form = aiohttp.FormData()
        form.add_field("channel_id", channel)
        form.add_field("files", content, filename=filename, content_type=mime)
        uploaded = await self.call("POST", "/files", data=form)
        return str(uploaded["file_infos"][0]["id"])

    async def user(self, user_id: str) -> dict[str, Any] | None:
        """A user by id (their e-mail when the server shows it), or None."""
        try:
            return dict(await self.call("GET", f"/users/{user_id}"))
        except MattermostError as exc:
            if exc.status == 404:
                return None
            raise

    async def events(self, stop: asyncio.Event, backoff: float = 0.5) -> AsyncIterator[dict[str, Any]]:
        """The WebSocket's events until `stop`; after a drop it connects again with back-off."""
        url = self.base.replace("http", "ws", 1) + "/websocket"
        wait = backoff
        while not stop.is_set():
            try:
                async with self.session.ws_connect(url, heartbeat=30) as ws:
                    await ws.send_str(json.dumps({"seq": 1, "action": "authentication_challenge",
                                                  "data": {"token": self.token}}))  # fmt: skip
                    wait = backoff
                    async for message in ws:
                        if stop.is_set():
                            return
                        if message.type != aiohttp.WSMsgType.TEXT:
                            continue
                        event = json.loads(message.data)
                        if isinstance(event, dict) and "event" in event:
                            yield event
            except (TimeoutError, aiohttp.ClientError) as exc:
                log.warning("the Mattermost socket dropped (%s); connecting again", type(exc).__name__)
            if stop.is_set():
                return
            await asyncio.sleep(wait)
            wait = min(wait * 2, 30)
