"""A fake Telegram Bot API server on 127.0.0.1, spoken to over real HTTP.

It implements the methods popbot uses, records every call, and hands out
updates the tests queue (for getUpdates). `fail(method, status, retry_after)`
makes the next call of a method fail as Telegram would, e.g. with a 429 or a
502; `drop(method)` closes the connection of its next call without an answer.
A call that failed is recorded with `failed=True` and was not carried out.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.web_request import FileField

from tests.fakes.server import LoopbackServer

BOT = {
    "id": 4242,
    "is_bot": True,
    "first_name": "POP",
    "username": "pop_test_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
TOKEN = "123456:" + "A" * 35
JSON_FIELDS = {"reply_markup", "commands", "allowed_updates", "scope", "entities", "link_preview_options"}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)
    result: Any = None
    failed: bool = False


class FakeTelegram(LoopbackServer):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[Call] = []
        self.updates: list[dict[str, Any]] = []
        self._new_update = asyncio.Event()
        self._failures: dict[str, list[tuple[int, int | None]]] = {}
        self._drops: dict[str, int] = {}
        self._message_ids = itertools.count(1000)
        self._update_ids = itertools.count(1)

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/bot{token}/{method}", self._handle)

    # ------------------------------------------------------------ what tests use

    def fail(self, method: str, status: int = 429, retry_after: int | None = 1) -> None:
        self._failures.setdefault(method, []).append((status, retry_after))

    def drop(self, method: str, times: int = 1) -> None:
        self._drops[method] = self._drops.get(method, 0) + times

    def of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def sent_texts(self, chat_id: int | None = None) -> list[str]:
        return [
            str(c.params.get("text", ""))
            for c in self.of("sendMessage")
            if not c.failed and (chat_id is None or int(c.params["chat_id"]) == chat_id)
        ]

    def push(self, update: dict[str, Any]) -> dict[str, Any]:
        update.setdefault("update_id", next(self._update_ids))
        self.updates.append(update)
        self._new_update.set()
        return update

    def next_update_id(self) -> int:
        return next(self._update_ids)

    # ------------------------------------------------------------ the API

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            params.update(await request.json())
        elif request.can_read_body:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, FileField):  # an uploaded file
                    params[key] = {"filename": value.filename, "content": value.file.read()}
                else:
                    params[key] = value
        for key in JSON_FIELDS & params.keys():
            if isinstance(params[key], str):
                params[key] = json.loads(params[key])
        return params

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.match_info["token"] != TOKEN:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        params = await self._params(request)
        self.calls.append(Call(method, params))
        if self._drops.get(method):
            self._drops[method] -= 1
            self.calls[-1].failed = True
            assert request.transport is not None
            request.transport.close()  # the connection goes, no answer: the client cannot tell more
            return web.Response(status=500)
        failures = self._failures.get(method)
        if failures:
            self.calls[-1].failed = True
            status, retry_after = failures.pop(0)
            body: dict[str, Any] = {"ok": False, "error_code": status, "description": "Too Many Requests"}
            if retry_after is not None:
                body["parameters"] = {"retry_after": retry_after}
            return web.json_response(body, status=status)
        if method == "getUpdates":
            return await self._get_updates(params)
        self.calls[-1].result = self._result(method, params)
        return web.json_response({"ok": True, "result": self.calls[-1].result})

    async def _get_updates(self, params: dict[str, Any]) -> web.Response:
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), 1.0)
        pending = [u for u in self.updates if u["update_id"] >= offset]
        if not pending and timeout:
            self._new_update.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), timeout)
            pending = [u for u in self.updates if u["update_id"] >= offset]
        return web.json_response({"ok": True, "result": pending})

    def _message(self, chat_id: Any, **extra: Any) -> dict[str, Any]:
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": int(chat_id), "type": "private"},
            "from": BOT,
            **extra,
        }

    def _result(self, method: str, p: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT
        if method == "sendMessage":
            extra = {"text": p.get("text", "")}
            if p.get("reply_markup"):
                extra["reply_markup"] = p["reply_markup"]
            return self._message(p["chat_id"], **extra)
        if method in ("editMessageText", "editMessageReplyMarkup"):
            extra = {"text": p.get("text", "edited")}
            if p.get("reply_markup"):
                extra["reply_markup"] = p["reply_markup"]
            return {**self._message(p["chat_id"], **extra), "message_id": int(p["message_id"])}
        if method == "sendDocument":
            doc = p.get("document", {})
            name = doc.get("filename") if isinstance(doc, dict) else "file"
            return self._message(
                p["chat_id"], document={"file_id": "f1", "file_unique_id": "u1", "file_name": name}
            )
        # answerCallbackQuery, setMyCommands, setWebhook, deleteWebhook, …
        return True


# ---------------------------------------------------------------- update factories

USER = {"id": 777, "is_bot": False, "first_name": "Anna", "language_code": "nl"}


def message(chat_id: int, text: str | None = None, **extra: Any) -> dict[str, Any]:
    msg: dict[str, Any] = {
        "message_id": int(time.time() * 1000) % 10**9,
        "date": int(time.time()),
        "chat": {"id": chat_id, "type": "private"},
        "from": {**USER, "id": chat_id},
        **extra,
    }
    if text is not None:
        msg["text"] = text
        if text.startswith("/"):
            msg["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"message": msg}


def button(chat_id: int, data: str, on: dict[str, Any]) -> dict[str, Any]:
    """A press on a button of `on`, a message the bot sent (as the fake returned it)."""
    return {
        "callback_query": {
            "id": str(time.time_ns()),
            "from": {**USER, "id": chat_id},
            "chat_instance": "ci",
            "data": data,
            "message": on,
        }
    }


def sticker(chat_id: int) -> dict[str, Any]:
    return message(
        chat_id,
        sticker={
            "file_id": "s",
            "file_unique_id": "su",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        },
    )


def edited(chat_id: int, text: str) -> dict[str, Any]:
    return {"edited_message": {**message(chat_id, text)["message"], "edit_date": int(time.time())}}
