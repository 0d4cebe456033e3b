"""The Mattermost adapter: the WebSocket's posts, pressed buttons and `/pop` in, engine
messages out — only translating.

Identity is the user id the server gives (the post's author, the presser, the command's
caller), never a field of a button's context; a button's context must carry popbot's
signature for that very user (`render.checked`). Only direct messages with the bot are
served: a mention in a channel gets one short refusal there, and nothing is stored.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
from typing import Any

from aiohttp import web

from adapters.base import ChatAdapter
from adapters.mattermost import render
from adapters.mattermost.client import Client
from adapters.text import package_words
from bot.messages import Incoming, Outgoing, Question

NAME = "mattermost"
ACTIONS_PATH = "/mattermost/actions"
COMMAND_PATH = "/mattermost/command"

log = logging.getLogger("popbot.mattermost")


def action_key(token: str) -> bytes:
    """The key buttons are signed with: from the bot's token, so every replica has the same one
    and nobody without the token can make a button."""
    return hmac.new(token.encode(), b"popbot mattermost actions", hashlib.sha256).digest()


class MattermostAdapter(ChatAdapter):
    """Mattermost (see the module)."""

    def build(self, client: Client, public_url: str, slash_token: str) -> None:
        self.client = client
        self.key = action_key(client.token)
        self.action_url = public_url.rstrip("/") + ACTIONS_PATH
        self.slash_token = slash_token
        self._sending: set[asyncio.Task[None]] = set()  # answers sent after the server was answered

    # ------------------------------------------------------------ who

    async def employee(self, user_id: str) -> str | None:
        """The roster's employee for a Mattermost user: bound, by the roster's user id, or by the
        e-mail the server shows for them (asked once, then bound)."""
        known = self.access.who(NAME, user_id)
        if known is not None:
            return known
        match = self.roster.by_account(NAME, user_id.lower())
        if match is None:
            user = await self.client.user(user_id)
            email = str((user or {}).get("email") or "")
            by_mail = (
                self.roster.by_account(NAME, email.lower()) or self.roster.by_email(email) if email else None
            )
            match = by_mail
        if match is None:
            return None  # a stranger: nothing is stored
        self.access.bind(NAME, user_id, match.id)
        return match.id

    async def _refuse(self, user_id: str, channel: str | None = None) -> None:
        text = self.engine.messages_for(None).not_invited
        await self.client.post(channel or await self.client.dm(user_id), render.esc(text))

    # ------------------------------------------------------------ events

    async def listen(self, stop: asyncio.Event) -> None:
        """The WebSocket's posts until `stop` (reconnecting after a drop)."""
        await self.client.login()
        async for event in self.client.events(stop):
            if event.get("event") == "posted":
                try:
                    await self.on_posted(event.get("data") or {})
                except Exception:  # one bad event must not stop the others
                    log.exception("a Mattermost post could not be handled")

    async def on_posted(self, data: dict[str, Any]) -> None:
        try:
            post = json.loads(data.get("post") or "{}")
        except ValueError:
            return
        user, channel = str(post.get("user_id") or ""), str(post.get("channel_id") or "")
        if not user or user == self.client.me.get("id") or post.get("type"):
            return  # our own post, or a system message
        if data.get("channel_type") != "D":  # a mention elsewhere: one short refusal, nothing kept
            words = package_words("adapters.mattermost", "direct_only")
            await self.client.post(
                channel, render.esc(words.get("nl", "")) + "\n\n" + render.esc(words["en"])
            )
            return
        employee = await self.employee(user)
        if employee is None:
            await self._refuse(user)
            return
        person = self.roster.get(employee)
        incoming = Incoming.say(str(post.get("message") or ""), f"mm:{post.get('id')}")
        out = await self.engine.handle(employee, incoming, language=person.language if person else None)
        await self.send(user, out)

    async def on_action(self, request: web.Request) -> web.Response:
        """A pressed button, posted by the server: the presser's id, the context popbot signed."""
        try:
            body = await request.json()
        except (ValueError, RecursionError):
            return web.json_response({"ephemeral_text": ""}, status=400)
        user = str(body.get("user_id") or "") if isinstance(body, dict) else ""
        value = render.checked(self.key, user, body.get("context")) if user else None
        if value is None:  # forged, altered, or pressed by someone it was not sent to
            return web.json_response({"ephemeral_text": ""}, status=403)
        employee = await self.employee(user)
        if employee is None:
            return web.json_response({"ephemeral_text": ""})
        delivery = f"mm:action:{body.get('trigger_id') or body.get('post_id')}"
        person = self.roster.get(employee)
        language = person.language if person else None
        answer: dict[str, Any] = {}
        if value.startswith("act:"):
            out = await self.engine.act(employee, value[4:], language, delivery)
        else:
            ref, _, option = value.partition("|")
            current = await self.engine.current_question(employee)
            on_screen = current is not None and current.ref == ref
            if option.startswith("tick|"):  # a tick: the same post, the option (un)ticked, nothing sent
                if current is None or not on_screen:
                    return web.json_response({})
                _tick, before, picked = option.split("|", 2) if option.count("|") == 2 else ("", "", "")
                ticked = tuple(t for t in before.split(",") if t)
                ticked = tuple(t for t in ticked if t != picked) if picked in ticked else (*ticked, picked)
                valid = {o.id for o in current.options}
                buttons = render.ticks(
                    current, tuple(t for t in ticked if t in valid), user, self.key, self.action_url
                )
                return web.json_response({"update": {"props": {"attachments": buttons}}})
            if option.startswith("done|"):
                option = option.removeprefix("done|")
            if current is not None and on_screen:  # the post shows what was chosen, no buttons
                shown = f"**{render.esc(current.text)}**\n→ {render.esc(_label(current, option) or '–')}"
                answer = {"update": {"message": shown, "props": {}}}
            if on_screen and not option:  # confirmed with nothing ticked: the engine says how to answer
                out = await self.engine.handle(employee, Incoming.say("", delivery))
            else:
                out = await self.engine.handle(employee, Incoming.press(ref, option, delivery))
        self._later(self.send(user, out))  # the server waits on this answer, not on the sending
        return web.json_response(answer)

    async def on_command(self, request: web.Request) -> web.Response:
        """`/pop …` — its token checked; answered in the caller's direct message."""
        form = await request.post()
        token = str(form.get("token") or "")
        if not self.slash_token or not hmac.compare_digest(token.encode(), self.slash_token.encode()):
            return web.json_response({"text": ""}, status=401)
        user = str(form.get("user_id") or "")
        employee = await self.employee(user) if user else None
        if employee is None:
            if user:
                await self._refuse(user)
            return web.json_response({"response_type": "ephemeral", "text": ""})
        words = self.engine.script(await self.engine.language_of(employee)).commands
        text = str(form.get("text") or "").strip() or words.help[0]
        delivery = f"mm:command:{form.get('trigger_id')!s}"
        out = await self.engine.handle(employee, Incoming.say(text, delivery))
        self._later(self.send(user, out))
        return web.json_response({"response_type": "ephemeral", "text": ""})

    def _later(self, sending: Any) -> None:
        task = asyncio.get_running_loop().create_task(sending)
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)

    def mount(self, app: web.Application) -> None:
        """The action URL and the slash command, on popbot's one server."""
        app.router.add_post(ACTIONS_PATH, self.on_action)
        app.router.add_post(COMMAND_PATH, self.on_command)

    # ------------------------------------------------------------ sending

    async def send(self, user: str, out: list[Outgoing]) -> None:
        """The engine's answer in the user's direct message."""
        await self.deliver(await self.client.dm(user), user, out)

    async def deliver(self, channel: str, user: str, out: list[Outgoing]) -> None:
        for post in render.posts(out, user, self.key, self.action_url):
            file_ids = []
            doc = post.file
            if doc is not None and isinstance(doc.content, bytes):
                file_ids = [await self.client.upload(channel, doc.filename, doc.content, doc.mime)]
            props = {"attachments": post.attachments} if post.attachments else None
            await self.client.post(channel, post.message, props, file_ids or None)


def _label(current: Question | None, value: str) -> str:
    if current is None:
        return ""
    labels = {o.id: o.label for o in current.options}
    return ", ".join(labels.get(v, v) for v in value.split(",") if v)
