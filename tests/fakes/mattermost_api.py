"""A fake Mattermost server on 127.0.0.1: the REST API v4 calls popbot makes, recorded, and the
WebSocket that delivers events — as Mattermost's API reference describes them. It can push a
posted event, press a button (POST to the action URL with the integration's context, as the
server does), drop the socket, answer 429 or fail."""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.web_request import FileField

from tests.fakes.server import LoopbackServer

TOKEN = "mm-bot-token-0123456789abcdefghij"
BOT_ID = "botuserid0000000000000000a"
USERS = {  # user id → e-mail, as the server knows its users
    "annauserid00000000000000aa": "anna@example.org",
    "milauserid00000000000000mm": "mila@example.org",
    "zoeuserid000000000000000zz": "zoe@elsewhere.org",
}


@dataclass
class Call:
    method: str  # "POST /posts"
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)
    failed: bool = False
    result: Any = None


class FakeMattermost(LoopbackServer):
    def __init__(self, per_second: float = 0) -> None:
        super().__init__()
        self.per_second = per_second  # the server's rate limit (0: none), answered with 429
        self._recent: list[float] = []
        self.calls: list[Call] = []
        self.posts: dict[str, dict[str, Any]] = {}  # post id → the post as stored (updates applied)
        self.files: dict[str, dict[str, Any]] = {}  # file id → {"name", "content", "channel_id"}
        self.sockets: list[web.WebSocketResponse] = []
        self.connections = 0  # WebSocket connections authenticated so far
        self.sent: list[str] = []  # every event sent on the sockets, in order
        self._ids = itertools.count(1)
        self._seq = itertools.count(1)
        self._failures: dict[str, list[int]] = {}

    def routes(self, app: web.Application) -> None:
        app.router.add_get("/api/v4/websocket", self._socket)
        app.router.add_route("*", "/api/v4/{path:.*}", self._handle)

    # ------------------------------------------------------------ the test's controls

    def fail(self, method: str, status: int = 429, times: int = 1) -> None:
        """The next `times` calls of `method` ("POST /posts") answer `status`."""
        self._failures.setdefault(method, []).extend([status] * times)

    def of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def dm_of(self, user: str) -> str:
        return f"dm-{min(BOT_ID, user)}-{max(BOT_ID, user)}"

    def posted(self, channel: str) -> list[str]:
        """Every post's text in a channel, its attachments' texts and buttons included, as now."""
        out = []
        for post in self.posts.values():
            if post["channel_id"] != channel:
                continue
            texts = [post.get("message", "")]
            for attachment in (post.get("props") or {}).get("attachments") or []:
                texts.append(attachment.get("text", ""))
                texts.extend(f"[{a['name']}]" for a in attachment.get("actions") or [])
            out.append("\n".join(t for t in texts if t))
        return out

    async def push(self, user: str, message: str, channel_type: str = "D", channel: str | None = None) -> str:
        """A post by `user`, delivered as the `posted` event on every open socket; its id."""
        post_id = f"post{next(self._ids):06d}"
        post = {
            "id": post_id,
            "create_at": int(time.time() * 1000),
            "user_id": user,
            "channel_id": channel or self.dm_of(user),
            "message": message,
            "type": "",
        }
        await self.event(
            "posted", {"channel_type": channel_type, "post": json.dumps(post), "sender_name": "@x"}
        )
        return post_id

    async def repeat(self) -> None:
        """The last event again, as a server does after the socket came back (the same post)."""
        if self.sent:
            for ws in list(self.sockets):
                if not ws.closed:
                    await ws.send_str(self.sent[-1])

    async def event(self, name: str, data: dict[str, Any], seq: int | None = None) -> None:
        body = {"event": name, "data": data, "broadcast": {}, "seq": next(self._seq) if seq is None else seq}
        self.sent.append(json.dumps(body))
        for ws in list(self.sockets):
            if not ws.closed:
                await ws.send_str(self.sent[-1])

    async def drop_socket(self) -> None:
        for ws in list(self.sockets):
            await ws.close()
        self.sockets.clear()

    async def press(self, post_id: str, label: str, user: str, http: aiohttp.ClientSession) -> dict[str, Any]:
        """As the server does when `user` presses a button: POST to its integration URL with
        its context; the post is updated with what popbot answers."""
        post = self.posts[post_id]
        for attachment in post["props"]["attachments"]:
            for action in attachment.get("actions") or []:
                if action["name"].casefold().startswith(label.casefold()):
                    return await self.act(post, action, user, http)
        raise AssertionError(f"no button {label!r} on {post_id}")

    async def act(
        self, post: dict[str, Any], action: dict[str, Any], user: str, http: aiohttp.ClientSession
    ) -> dict[str, Any]:
        integration = action["integration"]
        body = {
            "user_id": user,
            "user_name": user[:4],
            "channel_id": post["channel_id"],
            "team_id": "",
            "post_id": post["id"],
            "trigger_id": f"tr{next(self._ids)}",
            "type": "button",
            "context": integration.get("context") or {},
        }
        async with http.post(integration["url"], json=body) as response:
            answer: dict[str, Any] = (
                await response.json() if response.status == 200 else {"status": response.status}
            )
        update = answer.get("update") if isinstance(answer, dict) else None
        if update:
            post.update({k: v for k, v in update.items() if k in ("message", "props")})
        return answer

    # ------------------------------------------------------------ the API

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        authorised = request.headers.get("Authorization") == f"Bearer {TOKEN}"
        async for message in ws:
            if message.type != aiohttp.WSMsgType.TEXT:
                continue
            data = json.loads(message.data)
            if data.get("action") == "authentication_challenge":
                authorised = authorised or (data.get("data") or {}).get("token") == TOKEN
                if not authorised:
                    await ws.close()
                    break
                self.sockets.append(ws)
                self.connections += 1
                await ws.send_str(json.dumps({"status": "OK", "seq_reply": data.get("seq")}))
                await ws.send_str(json.dumps({"event": "hello", "data": {}, "broadcast": {}, "seq": 0}))
        return ws

    async def _handle(self, request: web.Request) -> web.Response:
        method = f"{request.method} /{request.match_info['path']}"
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return web.json_response(
                {"id": "api.context.session_expired.app_error", "status_code": 401}, status=401
            )
        params: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json" and request.can_read_body:
            body = await request.json()
            params.update(body if isinstance(body, dict) else {"ids": body})  # a DM is asked with a list
        elif request.content_type.startswith("multipart/"):
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, FileField):
                    params[key] = {"filename": value.filename, "content": value.file.read()}
                else:
                    params[key] = value
        call = Call(self._route(method), params)
        self.calls.append(call)
        failures = self._failures.get(call.method)
        if self.per_second and self._over_the_limit():
            call.failed = True
            return web.json_response({"status_code": 429}, status=429, headers={"X-RateLimit-Reset": "1"})
        if failures:
            call.failed = True
            status = failures.pop(0)
            headers = {"X-RateLimit-Reset": "1", "Retry-After": "1"} if status == 429 else {}
            return web.json_response({"status_code": status}, status=status, headers=headers)
        result, status = self._result(call.method, request, params)
        call.result = result
        headers = {"X-RateLimit-Limit": "10", "X-RateLimit-Remaining": "9", "X-RateLimit-Reset": "1"}
        return web.json_response(result, status=status, headers=headers)

    def _over_the_limit(self) -> bool:
        now = time.monotonic()
        self._recent = [t for t in self._recent if now - t < 1.0]
        if len(self._recent) >= self.per_second:
            return True
        self._recent.append(now)
        return False

    @staticmethod
    def _route(method: str) -> str:
        """ "PUT /posts/post000001" → "PUT /posts/{id}" (ids are not the method)."""
        verb, path = method.split(" ", 1)
        parts = path.lstrip("/").split("/")
        if len(parts) >= 2 and parts[0] in ("posts", "users") and parts[1] not in ("me", "email"):
            parts[1] = "{id}"
        if len(parts) >= 3 and parts[:2] == ["users", "email"]:
            parts[2] = "{email}"
        return f"{verb} /{'/'.join(parts)}"

    def _result(self, method: str, request: web.Request, p: dict[str, Any]) -> tuple[Any, int]:
        if method == "GET /users/me":
            return {"id": BOT_ID, "username": "popbot", "is_bot": True}, 200
        if method == "GET /users/{id}":
            user = request.match_info["path"].split("/")[1]
            if user not in USERS:
                return {"status_code": 404}, 404
            return {"id": user, "username": user[:4], "email": USERS[user]}, 200
        if method == "GET /users/email/{email}":
            email = request.match_info["path"].split("/")[2]
            found = [u for u, e in USERS.items() if e == email.lower()]
            return ({"id": found[0], "email": email}, 200) if found else ({"status_code": 404}, 404)
        if method == "POST /channels/direct":
            ids = p.get("ids") or []
            return {"id": self.dm_of(next((i for i in ids if i != BOT_ID), BOT_ID)), "type": "D"}, 201
        if method == "POST /posts":
            post_id = f"post{next(self._ids):06d}"
            post = {
                "id": post_id,
                "channel_id": p["channel_id"],
                "message": p.get("message", ""),
                "props": p.get("props") or {},
                "file_ids": p.get("file_ids") or [],
                "user_id": BOT_ID,
            }
            self.posts[post_id] = post
            return post, 201
        if method == "PUT /posts/{id}":
            post_id = request.match_info["path"].split("/")[1]
            self.posts[post_id].update({k: v for k, v in p.items() if k in ("message", "props")})
            return self.posts[post_id], 200
        if method == "POST /files":
            file_id = f"file{next(self._ids):06d}"
            upload = p.get("files") or {}
            self.files[file_id] = {**upload, "channel_id": p.get("channel_id")}
            return {"file_infos": [{"id": file_id, "name": upload.get("filename")}]}, 201
        return {"status_code": 404, "message": f"{method} is not faked"}, 404
