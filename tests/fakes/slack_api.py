"""A mock Slack Web API on 127.0.0.1 that records every call, plus signed requests.

`fail(method, 429, retry_after)` makes the next call of a method answer as
Slack does when rate limited (status 429 with a Retry-After header).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from slack_sdk.signature import SignatureVerifier

from tests.fakes.server import LoopbackServer

SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"
USERS = {"U0ANNA": "anna@example.org", "U0BEN": "ben@example.org", "U0EVE": "eve@elsewhere.org"}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)
    failed: bool = False  # answered with an error or dropped: not carried out


class FakeSlack(LoopbackServer):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[Call] = []
        self._failures: dict[str, list[tuple[int, int]]] = {}
        self._drops: dict[str, int] = {}
        self._ts = itertools.count(1)
        self.delay = 0.0  # seconds every call waits: a slow Slack
        self.held: asyncio.Event | None = None  # set: every call waits until it is set (a stuck Slack)
        self.history: dict[str, list[dict[str, Any]]] = {}  # channel -> messages, as Slack keeps them
        self.uploads: dict[str, dict[str, Any]] = {}  # file id -> {"name", "content"}
        self._file_ids = itertools.count(1)
        # Socket Mode: the WebSocket apps.connections.open hands out, and what came back on it
        self.sockets: list[web.WebSocketResponse] = []
        self.acks: dict[str, dict[str, Any]] = {}  # envelope id -> the app's acknowledgement
        self._envelopes = itertools.count(1)

    def routes(self, app: web.Application) -> None:
        app.router.add_get("/socket-mode", self._socket)
        app.router.add_post("/upload/{file_id}", self._upload)  # files.getUploadURLExternal's URL
        app.router.add_post("/api/{method}", self._handle)
        app.router.add_get("/api/{method}", self._handle)  # users.info and friends use GET

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def fail(self, method: str, status: int = 429, retry_after: int = 1) -> None:
        self._failures.setdefault(method, []).append((status, retry_after))

    def drop(self, method: str, times: int = 1) -> None:
        """Close the connection of the method's next call without an answer (not carried out)."""
        self._drops[method] = self._drops.get(method, 0) + times

    def of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def posted(self, channel: str | None = None) -> list[str]:
        """Every posted message's text, blocks included, in order."""
        out = []
        for c in self.of("chat.postMessage"):
            if not c.failed and (channel is None or c.params.get("channel") == channel):
                blocks = c.params.get("blocks") or []
                texts = [b.get("text", {}).get("text", "") for b in blocks if isinstance(b.get("text"), dict)]
                out.append("\n".join([str(c.params.get("text", "")), *texts]))
        return out

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            params.update(await request.json())
        elif request.method == "POST":
            params.update(await request.post())
        for key in ("blocks", "view", "metadata", "files"):
            if isinstance(params.get(key), str):
                params[key] = json.loads(params[key])
        self.calls.append(Call(method, params))
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.held is not None:
            await self.held.wait()
        if self._drops.get(method):
            self._drops[method] -= 1
            self.calls[-1].failed = True
            assert request.transport is not None
            request.transport.close()
            return web.Response(status=500)
        failures = self._failures.get(method)
        if failures:
            self.calls[-1].failed = True
            status, retry_after = failures.pop(0)
            return web.json_response(
                {"ok": False, "error": "ratelimited"},
                status=status,
                headers={"Retry-After": str(retry_after)},
            )
        return web.json_response(self._result(method, params))

    # ------------------------------------------------------------ Socket Mode

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        """Slack's Socket Mode as the app sees it: `hello`, then envelopes; each acknowledged
        by sending its envelope id back."""
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self.sockets.append(ws)
        await ws.send_json({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A1"}})
        async for message in ws:
            if message.type == web.WSMsgType.TEXT:
                data = json.loads(message.data)
                if "envelope_id" in data:
                    self.acks[data["envelope_id"]] = data
        return ws

    async def envelope(self, kind: str, payload: dict[str, Any]) -> str:
        """Send an `events_api`, `interactive` or `slash_commands` envelope on the open socket."""
        envelope_id = f"env-{next(self._envelopes)}"
        await self.sockets[-1].send_json(
            {"envelope_id": envelope_id, "type": kind, "payload": payload, "accepts_response_payload": False}
        )
        return envelope_id

    async def drop_socket(self) -> None:
        """Slack closes the connection (it does, every few hours): the app must reconnect."""
        await self.sockets[-1].close()

    def _result(self, method: str, p: dict[str, Any]) -> dict[str, Any]:
        if method == "apps.connections.open":
            return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/socket-mode"}
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://workspace.invalid/",  # never opened: Bolt only reads the team
                "team": "T",
                "user": "popbot",
                "team_id": "T1",
                "user_id": "UBOT",
                "bot_id": "BBOT",
            }
        if method == "bots.info":
            return {"ok": True, "bot": {"id": p.get("bot"), "app_id": "A1"}}
        if method == "users.info":
            user = str(p.get("user"))
            return {"ok": True, "user": {"id": user, "profile": {"email": USERS.get(user, "")}}}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": f"D{p.get('users')}"}}
        if method == "conversations.history":
            messages = list(reversed(self.history.get(str(p.get("channel")), [])))
            return {"ok": True, "messages": messages[: int(p.get("limit") or 100)], "has_more": False}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._file_ids)}"
            self.uploads[file_id] = {"name": p.get("filename"), "content": b""}
            return {
                "ok": True,
                "file_id": file_id,
                "upload_url": f"http://127.0.0.1:{self.port}/upload/{file_id}",
            }
        if method == "files.completeUploadExternal":
            files = [
                {"id": f["id"], "name": self.uploads[f["id"]]["name"], "title": f.get("title")}
                for f in p["files"]
            ]
            ts = f"{1700000000 + next(self._ts)}.000100"
            channel = str(p.get("channel_id"))
            self.history.setdefault(channel, []).append(
                {"ts": ts, "text": p.get("initial_comment", ""), "files": files}
            )
            return {"ok": True, "files": files}
        if method == "chat.postMessage":
            ts = f"{1700000000 + next(self._ts)}.000100"
            self.history.setdefault(str(p.get("channel")), []).append(
                {"ts": ts, "text": p.get("text"), "metadata": p.get("metadata")}
            )
            return {
                "ok": True,
                "channel": p.get("channel"),
                "ts": ts,
                "message": {"ts": ts, "text": p.get("text"), "blocks": p.get("blocks") or []},
            }
        if method in ("views.publish", "views.open"):
            return {"ok": True, "view": {"id": "V1", **(p.get("view") or {})}}
        return {"ok": True}

    async def _upload(self, request: web.Request) -> web.Response:
        file_id = request.match_info["file_id"]
        if file_id not in self.uploads:
            return web.Response(status=404)
        self.uploads[file_id]["content"] = await request.read()
        return web.Response(text="OK")


def signed(body: str, secret: str = SECRET, timestamp: int | None = None) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": str(signature)}


def event_body(event: dict[str, Any], event_id: str) -> str:
    return json.dumps(
        {
            "token": "t",
            "team_id": "T1",
            "api_app_id": "A1",
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "event": event,
        }
    )


def dm(user: str, text: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "message",
        "channel_type": "im",
        "channel": f"D{user}",
        "user": user,
        "text": text,
        "ts": f"{time.time():.6f}",
        **extra,
    }


def form(payload: dict[str, Any]) -> str:
    return urllib.parse.urlencode({"payload": json.dumps(payload)})
