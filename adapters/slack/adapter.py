"""The Slack adapter: a Bolt AsyncApp in, engine messages out.

It only translates: who is writing (roster by Slack id or e-mail), what they
did (a DM, a button, a select, the App Home, a modal, /pop), and how to show
the engine's answer in Block Kit. No dialog logic.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt import BoltResponse
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from adapters.base import ChatAdapter
from adapters.slack import render
from adapters.slack.sender import deliver
from bot.messages import ACTIONS, Incoming, Outgoing, Question
from bot.platform import CALLS

NAME = "slack"
DEFAULT_API = "https://slack.com/api/"
EDIT_CALLBACK = "pop_edit"

log = logging.getLogger("popbot.slack")


class SlackAdapter(ChatAdapter):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._dms: dict[str, str] = {}  # Slack user -> their DM with the app
        self._app_id: str | None = None  # learned once from bots.info

    def build(
        self, bot_token: str, signing_secret: str, api_url: str = DEFAULT_API, max_retries: int = 3
    ) -> AsyncApp:
        client = AsyncWebClient(
            token=bot_token,
            base_url=api_url.rstrip("/") + "/",
            # slack_sdk's own handlers: a 429 is waited out (Retry-After) and retried, never
            # dropped; a 5xx or a dropped connection is retried with back-off
            retry_handlers=[
                _Counted429(max_retry_count=max_retries),
                _CountedServerError(max_retry_count=max_retries),
                _CountedConnectionError(max_retry_count=max_retries),
            ],
        )
        # Bolt reads SLACK_BOT_TOKEN itself and warns, at every start, that the client's token
        # wins over it: they are the same token (ours, given to the client). That one line only
        # is dropped; every other warning of Bolt's is kept.
        logging.getLogger("slack_bolt.AsyncApp").addFilter(_not_the_token_warning)
        app = AsyncApp(client=client, signing_secret=signing_secret)
        app.use(self.only_our_workspace)
        app.event("message")(self.on_message)
        app.event("app_home_opened")(self.on_home)
        app.action(re.compile(r"^pop_(choice_\d+|select|done)$"))(self.on_choice)
        # the schedule's buttons: start, prepare for a report, agree, check-in, evaluate
        app.action(re.compile(rf"^pop_({'|'.join(ACTIONS)})$"))(self.on_start)
        app.action("pop_multi")(self.on_ack_only)  # ticking options: read when "done" is pressed
        app.action(re.compile(r"^pop_edit$"))(self.on_edit)
        app.view(EDIT_CALLBACK)(self.on_edit_submit)
        app.command("/pop")(self.on_command)
        app.error(self.on_error)
        return app

    # ------------------------------------------------------------ who

    async def only_our_workspace(
        self,
        body: dict[str, Any],
        context: AsyncBoltContext,
        client: AsyncWebClient,
        next: Callable[[], Awaitable[None]],
    ) -> BoltResponse | None:
        """A request from another workspace or for another app is not ours, even when signed:
        the workspace (or Enterprise Grid org) is the bot token's, as `auth.test` told Bolt,
        and the app is the bot's own (`bots.info`)."""
        auth = context.authorize_result
        ours = auth is not None and (
            (auth.enterprise_id is not None and context.enterprise_id == auth.enterprise_id)
            or context.team_id == auth.team_id
        )
        app_id = body.get("api_app_id")
        if ours and app_id and auth is not None and auth.bot_id:
            if self._app_id is None:
                info = await client.bots_info(bot=auth.bot_id)
                self._app_id = str((info.get("bot") or {}).get("app_id") or "")
            ours = not self._app_id or app_id == self._app_id
        if not ours:
            log.warning("ignored a Slack request from another workspace or app")
            return BoltResponse(status=200, body="")
        await next()
        return None

    async def employee(self, client: AsyncWebClient, user_id: str) -> str | None:
        """The roster's employee for a Slack user: by id, else by profile e-mail (once)."""
        known = self.access.who(NAME, user_id)
        if known is not None:
            return known
        match = self.roster.by_account(NAME, user_id)
        if match is None:
            info = await client.users_info(user=user_id)
            email = str(((info.get("user") or {}).get("profile") or {}).get("email") or "")
            match = self.roster.by_email(email)
        if match is None:
            return None  # a stranger: nothing is stored
        self.access.bind(NAME, user_id, match.id)
        return match.id

    async def _dm(self, client: AsyncWebClient, user: str) -> str:
        """The user's own DM with the app: where every answer goes (never the channel a payload
        names: identity and destination both come from the person who acted)."""
        known = self._dms.get(user)
        if known is None:
            opened = await client.conversations_open(users=user)
            known = self._dms[user] = str((opened.get("channel") or {}).get("id") or user)
        return known

    async def _refuse(self, client: AsyncWebClient, user: str) -> None:
        channel = await self._dm(client, user)
        text = self.engine.messages_for(None).not_invited
        await client.chat_postMessage(channel=channel, text=render.esc(text), blocks=render.sections(text))

    # ------------------------------------------------------------ events

    async def on_message(self, event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient) -> None:
        if event.get("channel_type") != "im" or event.get("bot_id"):
            return  # channels are not ours to answer in, and never answer a bot (ourselves)
        subtype = event.get("subtype")
        user = event.get("user") or (event.get("message") or {}).get("user")
        if not user or subtype in ("bot_message", "message_deleted"):
            return
        employee = await self.employee(client, user)
        if employee is None:
            await self._refuse(client, user)
            return
        delivery = f"slack:{body.get('event_id') or event.get('client_msg_id') or event.get('ts')}"
        if subtype == "message_changed":
            incoming = Incoming(kind="edited", delivery_id=delivery)
        elif subtype == "file_share" or event.get("files"):
            incoming = Incoming(kind="unsupported", delivery_id=delivery)
        elif subtype is None:
            incoming = Incoming.say(event.get("text") or "", delivery)
        else:
            return
        person = self.roster.get(employee)
        # someone new is greeted in the roster's language
        out = await self.engine.handle(employee, incoming, language=person.language if person else None)
        await self.post(client, user, out)

    async def on_home(self, event: dict[str, Any], client: AsyncWebClient) -> None:
        user = event.get("user")
        if not user or event.get("tab", "home") != "home":
            return
        employee = await self.employee(client, user)
        if employee is None:
            return
        await self.publish_home(client, user, employee)

    async def publish_home(self, client: AsyncWebClient, user: str, employee: str) -> None:
        msgs = self.engine.messages_for(await self.engine.language_of(employee))
        blocks: list[dict[str, Any]] = []
        progress = await self.engine.progress(employee)
        if progress:
            blocks += render.sections(progress)
        team = await self.engine.team_overview(employee)
        if team:  # a manager: which preparations are open
            blocks += [{"type": "divider"}, *render.sections(team)]
        draft = await self.engine.draft(employee)
        if draft:
            blocks.append({"type": "divider"})
            blocks += render.draft_blocks(draft)
        answered = await self.engine.answered(employee)
        if answered:
            blocks.append({"type": "divider"})
        for qid, question, shown in answered:
            blocks.append(
                {
                    "type": "section",
                    "text": {
                        "type": "mrkdwn",
                        "text": f"*{render.esc(question)}*\n{render.esc(shown)}"[:3000],
                    },
                    "accessory": {
                        "type": "button",
                        "action_id": "pop_edit",
                        "value": qid,
                        "text": {"type": "plain_text", "text": msgs.edit_button},
                    },
                }
            )
        await client.views_publish(user_id=user, view={"type": "home", "blocks": blocks[:100]})

    # ------------------------------------------------------------ interactions

    async def on_ack_only(self, ack: AsyncAck) -> None:
        await ack()

    async def _presser(self, body: dict[str, Any], client: AsyncWebClient) -> tuple[str, str] | None:
        """(employee, Slack user) of whoever pressed a button; a stranger is refused (None)."""
        user = body["user"]["id"]
        employee = await self.employee(client, user)
        if employee is None:
            await self._refuse(client, user)
            return None
        return employee, user

    async def _close_buttons(
        self, client: AsyncWebClient, body: dict[str, Any], user: str, label: str, text: str
    ) -> None:
        """Show what was chosen on the pressed message; old buttons can't be pressed again.
        Only in the presser's own DM: a payload naming another channel changes nothing there."""
        message = body.get("message")
        channel = (body.get("channel") or {}).get("id")
        if message is not None and channel == await self._dm(client, user):
            await client.chat_update(
                channel=channel, ts=message["ts"], text=text, blocks=_closed(message, label)
            )

    async def on_choice(
        self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()  # within Slack's 3 seconds; the work follows
        who = await self._presser(body, client)
        if who is None:
            return
        employee, user = who
        raw = action.get("value") or (action.get("selected_option") or {}).get("value") or ""
        ref, _, value = str(raw).partition("|")
        current = await self.engine.current_question(employee)
        on_screen = current is not None and ref == current.ref
        if on_screen and current is not None and value == render.DONE:
            value = ",".join(_ticked(body, current))
        label = _label(current, value) if on_screen else ""
        await self._close_buttons(client, body, user, label, render.esc(label or "…"))
        delivery = f"slack:action:{body.get('trigger_id') or action.get('action_ts')}"
        if on_screen and not value:  # "done" with nothing ticked: the engine says how to answer
            out = await self.engine.handle(employee, Incoming.say("", delivery))
        else:
            out = await self.engine.handle(employee, Incoming.press(ref, value, delivery))
        await self.post(client, user, out)

    async def on_start(self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        who = await self._presser(body, client)
        if who is None:
            return
        employee, user = who
        message = body.get("message") or {}
        await self._close_buttons(client, body, user, "", message.get("text") or "…")  # its work is done
        person = self.roster.get(employee)
        delivery = f"slack:action:{body.get('trigger_id')}"
        value = str(((body.get("actions") or [{}])[0]).get("value") or "")
        # the engine checks the value against the roster: a forged one opens nothing
        out = await self.engine.act(employee, value, person.language if person else None, delivery)
        await self.post(client, user, out)

    async def on_edit(
        self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        user = body["user"]["id"]
        employee = await self.employee(client, user)
        if employee is None:
            return
        qid = str(action.get("value") or "")
        shown = {q: (text, answer) for q, text, answer in await self.engine.answered(employee)}
        if qid not in shown:  # forged or gone: nothing to open
            return
        language = await self.engine.language_of(employee)
        msgs = self.engine.messages_for(language)
        script = self.engine.script(language)
        limit = min(script.limits.max_message_length, 3000)  # 3000: Slack's own ceiling for an input
        question, answer = shown[qid]
        view = {
            "type": "modal",
            "callback_id": EDIT_CALLBACK,
            "private_metadata": qid,
            "title": {"type": "plain_text", "text": msgs.edit_title[:24]},
            "submit": {"type": "plain_text", "text": msgs.save[:24]},
            "close": {"type": "plain_text", "text": msgs.cancel[:24]},
            "blocks": [
                {
                    "type": "input",
                    "block_id": "answer",
                    "label": {"type": "plain_text", "text": question[:2000]},
                    "element": {
                        "type": "plain_text_input",
                        "action_id": "value",
                        "multiline": True,
                        # the chat's limit: Slack refuses more in the form itself (the engine
                        # refuses it too, for a form that was not built here)
                        "max_length": limit,
                        "initial_value": answer[:limit],
                    },
                }
            ],
        }
        await client.views_open(trigger_id=body["trigger_id"], view=view)

    async def on_edit_submit(
        self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        user = body["user"]["id"]
        employee = await self.employee(client, user)
        if employee is None:
            await ack()
            return
        qid = str(view.get("private_metadata") or "")
        value = str(
            (((view.get("state") or {}).get("values") or {}).get("answer") or {})
            .get("value", {})
            .get("value")
            or ""
        )
        error = await self.engine.set_answer(employee, qid, value)
        if error is not None:  # the form stays open with the script's message under the field
            await ack(response_action="errors", errors={"answer": error})
            return
        await ack()
        await self.publish_home(client, user, employee)

    async def on_command(self, ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        user = command["user_id"]
        employee = await self.employee(client, user)
        if employee is None:
            await self._refuse(client, user)
            return
        lang = await self.engine.language_of(employee)
        words = self.engine.script(lang).commands
        head, _, rest = (command.get("text") or "").strip().partition(" ")
        # /pop status | draft | help | language xx — in either language's words
        aliases = {
            "status": words.progress[0],
            "draft": words.draft[0],
            "concept": words.draft[0],
            "help": words.help[0],
            "language": words.language[0],
            "taal": words.language[0],
        }
        word = aliases.get(head.lower(), head or words.help[0])
        text = f"{word} {rest}".strip()
        delivery = f"slack:command:{command.get('trigger_id')}"
        out = await self.engine.handle(employee, Incoming.say(text, delivery))
        await self.post(client, user, out)  # answered in the DM, never in a shared channel

    async def on_error(self, error: Exception, body: dict[str, Any]) -> None:
        # Never log message text: it may be an answer (personal data).
        log.error("Slack request failed (%s): %r", body.get("type"), error)

    # ------------------------------------------------------------ sending

    async def post(self, client: AsyncWebClient, user: str, out: list[Outgoing]) -> None:
        """The engine's answer, in the user's own DM."""
        await deliver(client, await self._dm(client, user), out)


def _ticked(body: dict[str, Any], current: Question) -> list[str]:
    values = (body.get("state") or {}).get("values") or {}
    for block in values.values():
        picked = (block.get("pop_multi") or {}).get("selected_options") or []
        ids = [str(o.get("value", "")).partition("|")[2] for o in picked]
        valid = {o.id for o in current.options}
        return [i for i in ids if i in valid]
    return []


def _label(current: Question | None, value: str) -> str:
    if current is None:
        return ""
    labels = {o.id: o.label for o in current.options}
    return ", ".join(labels.get(v, v) for v in value.split(",") if v)


def _closed(message: dict[str, Any], label: str) -> list[dict[str, Any]]:
    kept = [b for b in message.get("blocks") or [] if b.get("type") != "actions"]
    if label:
        kept.append(render.section(f"→ {render.esc(label)}"))
    return kept


# slack_sdk's handlers, each retry (and each 429 waited out) counted for /metrics


class _Counted429(AsyncRateLimitErrorRetryHandler):
    async def can_retry_async(self, **kwargs: Any) -> bool:
        again = await super().can_retry_async(**kwargs)
        if again:
            CALLS.throttle("slack")
            CALLS.retry("slack")
        return again


class _CountedServerError(AsyncServerErrorRetryHandler):
    async def can_retry_async(self, **kwargs: Any) -> bool:
        again = await super().can_retry_async(**kwargs)
        if again:
            CALLS.retry("slack")
        return again


class _CountedConnectionError(AsyncConnectionErrorRetryHandler):
    async def can_retry_async(self, **kwargs: Any) -> bool:
        again = await super().can_retry_async(**kwargs)
        if again:
            CALLS.retry("slack")
        return again


def _not_the_token_warning(record: logging.LogRecord) -> bool:
    from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped

    return record.getMessage() != warning_client_prioritized_and_token_skipped()
