"""The Teams adapter: the Microsoft 365 Agents SDK in, engine messages out.

It only translates: who is writing (their Entra object id, or their Teams e-mail, against the
roster), what they did (a message, a card action, installing the app), and how to show the
engine's answer (plain text and Adaptive Cards). No dialog logic.

What the SDK does and popbot does not redo: every request's token is checked by the SDK's
JWT middleware (signature against the Bot Framework's published keys, issuer, audience = the
app id, expiry), and the activity's `serviceUrl` must match the token's. popbot adds what is
its own rule: only the configured tenants, only personal chats, identity from the sender.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
import re
import warnings
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import jwt
from aiohttp import web
from microsoft_agents.activity import Activity, ActivityTypes, ConversationReference
from microsoft_agents.hosting.aiohttp import CloudAdapter, jwt_authorization_decorator
from microsoft_agents.hosting.core import AgentAuthConfiguration, TurnContext
from microsoft_agents.hosting.core.authorization import ClaimsIdentity, Connections
from microsoft_agents.hosting.core.security import OutboundHostValidator
from pydantic import ValidationError

from adapters.base import ChatAdapter
from adapters.teams import cards
from adapters.teams.files import Links, TeamsFiles
from adapters.teams.sender import Pacer
from adapters.teams.text import words
from bot.dialog.render import day
from bot.messages import Document, Incoming, Outgoing, Question
from bot.ports import InboxStore

NAME = "teams"
MESSAGES_PATH = "/api/messages"
FILES_PATH = "/teams/files"
CONNECTOR_CLIENT = "ConnectorClient"  # where the SDK keeps a turn's connector client
SEEN = 2048  # activity ids remembered per process: a redelivery is answered once
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

log = logging.getLogger("popbot.teams")


@dataclass(frozen=True)
class TeamsConfig:
    app_id: str
    tenants: frozenset[str]  # lower case
    home_tenant: str  # the app's own (the first configured): popbot's token is asked of it
    public_url: str  # where popbot's server is reached (the download links)
    max_rate: float = 25.0
    service_hosts: tuple[str, ...] = ()  # besides Microsoft's own: a sovereign cloud, a test connector


class TeamsAdapter(ChatAdapter):
    def build(
        self, config: TeamsConfig, connections: Connections, auth: AgentAuthConfiguration, inbox: InboxStore
    ) -> None:
        self.config = config
        self.auth = auth
        # An activity names the service popbot posts to with its token: only Microsoft's hosts,
        # over https, are ever sent one (the SDK's validator). Where another service is
        # configured (a sovereign cloud's own, the tests' connector on loopback, which the
        # SDK's validator refuses whatever it is told), exactly those hosts and no others.
        self.validator = OutboundHostValidator(enabled=not config.service_hosts)
        self.cloud = CloudAdapter(connection_manager=connections, host_validator=self.validator)
        self.cloud.on_turn_error = self._on_turn_error
        self.pacer = Pacer(config.max_rate)
        self.files = TeamsFiles(inbox)
        self.links = Links(inbox)  # type: ignore[arg-type]  # the store holds the invitations too
        self._seen: OrderedDict[str, None] = OrderedDict()

    # ------------------------------------------------------------ HTTP

    def mount(self, app: web.Application) -> None:
        """`/api/messages` (Teams' messaging endpoint) and the download links, on `app`."""
        with warnings.catch_warnings():  # the SDK's JWT check reads it by this string key
            warnings.simplefilter("ignore", web.NotAppKeyWarning)
            app["agent_configuration"] = self.auth
        checked = jwt_authorization_decorator(self.on_request)  # type: ignore[no-untyped-call]

        async def messages(request: web.Request) -> web.StreamResponse:
            # A token the SDK's check would stumble on (a JWT without a key id, a header that
            # is not JSON) is refused here with the 401 any other bad token gets.
            if not _plausible_bearer(request.headers.get("Authorization")):
                return web.json_response({"error": "not a valid bearer token"}, status=401)
            return await checked(request)  # type: ignore[no-any-return]

        app.router.add_post(MESSAGES_PATH, messages)
        app.router.add_get(FILES_PATH + "/{token}", self.on_download)

    async def on_request(self, request: web.Request) -> web.StreamResponse:
        try:
            activity = Activity.model_validate(await request.json())
        except (ValidationError, ValueError, RecursionError):  # not JSON, too deep, or not an activity
            return web.json_response({"error": "not a Bot Framework activity"}, status=400)
        if not _as_signed(request.get("claims_identity"), activity.service_url):
            return web.json_response({"error": "the activity's service is not its token's"}, status=401)
        response = await self.cloud.process(request, self)
        return response if response is not None else web.Response(status=202)

    async def on_download(self, request: web.Request) -> web.StreamResponse:
        opened = await asyncio.to_thread(self.links.open, request.match_info["token"])
        found = await asyncio.to_thread(self.files.read, *opened) if opened else None
        headers = {
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        }
        if found is None:
            person = self.roster.get(opened[0]) if opened else None
            text = words(person.language if person else None)["link_gone"]
            return web.Response(status=410, text=text, headers=headers)
        kept, content = found
        # an ASCII name for every browser, the real one (RFC 6266) for those that read it
        plain = re.sub(r"[^A-Za-z0-9._-]+", "_", kept.filename)
        headers["Content-Disposition"] = (
            f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(kept.filename)}"
        )
        return web.Response(body=content, content_type=kept.mime, headers=headers)

    # ------------------------------------------------------------ turns

    async def on_turn(self, context: TurnContext) -> None:
        activity = context.activity
        if activity.id and self._repeated(f"{activity.conversation.id}|{activity.id}"):
            return
        if not self._our_tenant(activity):
            log.warning("ignored a Teams activity from another tenant")
            return
        if not self.allowed_service(activity.service_url or ""):
            log.warning("ignored a Teams activity naming a service popbot does not post to")
            return
        personal = (activity.conversation.conversation_type or "personal") == "personal"
        if activity.type == ActivityTypes.message:
            if not personal:  # a group chat or a channel: a short refusal, nothing stored
                await self._send(context, cards.text_activities(words(_locale(activity))["personal_only"]))
                return
            await self._on_message(context)
        elif personal and self._installed(activity):
            await self._welcome(context)
        elif personal and activity.type == ActivityTypes.installation_update:
            await self._uninstalled(activity)

    def _repeated(self, key: str) -> bool:
        if key in self._seen:
            return True
        self._seen[key] = None
        if len(self._seen) > SEEN:
            self._seen.popitem(last=False)
        return False

    def allowed_service(self, url: str) -> bool:
        if not self.config.service_hosts:
            return self.validator.is_allowed(url)
        return urlsplit(url).hostname in self.config.service_hosts

    def _our_tenant(self, activity: Activity) -> bool:
        tenant = activity.conversation.tenant_id if activity.conversation else None
        data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
        tenant = tenant or (
            (data.get("tenant") or {}).get("id") if isinstance(data.get("tenant"), dict) else None
        )
        return isinstance(tenant, str) and tenant.lower() in self.config.tenants

    @staticmethod
    def _installed(activity: Activity) -> bool:
        if activity.type == ActivityTypes.installation_update:
            return (activity.action or "").startswith("add")
        if activity.type == ActivityTypes.conversation_update:
            bot = activity.recipient.id if activity.recipient else None
            return any(m.id == bot for m in activity.members_added or [])
        return False

    async def _on_turn_error(self, context: TurnContext, error: Exception) -> None:
        # never the text (an answer is personal data), never the error's text to the person
        log.error("Teams turn failed (%s): %s", context.activity.type, type(error).__name__)

    # ------------------------------------------------------------ who

    async def employee(self, context: TurnContext) -> str | None:
        """The roster's employee for the sender: by Entra object id, else by their Teams
        e-mail (asked of Teams once). Binding them keeps where popbot can write to them."""
        activity = context.activity
        user = activity.from_property
        oid = (user.aad_object_id or "").lower() if user else ""
        if not oid:
            return None
        reference = activity.get_conversation_reference().model_dump(
            mode="json", by_alias=True, exclude_none=True
        )
        known = await asyncio.to_thread(self.access.who, NAME, oid)
        if known is None:
            person = self.roster.by_account(NAME, oid.lower())
            if person is None:
                email = await self._email(context)
                person = (
                    (self.roster.by_account(NAME, email.lower()) or self.roster.by_email(email))
                    if email
                    else None
                )
            if person is None or not person.active:
                return None  # a stranger: nothing is stored
            known = person.id
        await asyncio.to_thread(self.access.bind, NAME, oid, known, reference)
        return known

    async def _email(self, context: TurnContext) -> str:
        client = context.turn_state.get(CONNECTOR_CLIENT)  # the SDK's client for this turn
        activity = context.activity
        get_member = getattr(client, "get_conversation_member", None)
        if get_member is None or activity.from_property is None:
            return ""
        try:
            member = await self.pacer.call(
                "getMember", lambda: get_member(activity.conversation.id, activity.from_property.id)
            )
        except Exception as exc:  # not found by e-mail: treated as a stranger
            log.warning("Teams did not say who wrote (%s)", type(exc).__name__)
            return ""
        return str(member.email or member.user_principal_name or "").lower()

    async def _language(self, employee: str) -> str | None:
        language = await self.engine.language_of(employee)
        if language is not None:
            return language
        person = self.roster.get(employee)
        return person.language if person else None

    async def _refuse(self, context: TurnContext) -> None:
        text = self.engine.messages_for(_locale(context.activity)).not_invited
        await self._send(context, cards.text_activities(text))

    # ------------------------------------------------------------ what they did

    async def _welcome(self, context: TurnContext) -> None:
        employee = await self.employee(context)
        if employee is None:
            # An org-wide install reaches everyone, also those not in this round's roster:
            # they are told nothing until they write (then they get the polite refusal).
            return
        lang = await self._language(employee)
        await self._send(context, [cards.as_activity(cards.welcome_card(lang), words(lang)["welcome_title"])])

    async def _uninstalled(self, activity: Activity) -> None:
        """The app was removed for someone: popbot can no longer write to them there, so the
        schedule reaches them by e-mail again (the binding and its conversation go)."""
        if not (activity.action or "").startswith("remove") or activity.from_property is None:
            return
        oid = (activity.from_property.aad_object_id or "").lower()
        employee = await asyncio.to_thread(self.access.who, NAME, oid) if oid else None
        if employee is not None:
            await asyncio.to_thread(self.access.unbind, NAME, employee)

    async def _on_message(self, context: TurnContext) -> None:
        activity = context.activity
        employee = await self.employee(context)
        if employee is None:
            await self._refuse(context)
            return
        delivery = f"teams:{activity.conversation.id}:{activity.id}"
        if isinstance(activity.value, dict):
            await self._on_card(context, employee, activity.value, delivery)
            return
        text = (activity.text or "").strip()
        files = [a for a in activity.attachments or [] if a.content_type != "text/html"]
        incoming = (
            Incoming.say(text, delivery)
            if text or not files
            else Incoming(kind="unsupported", delivery_id=delivery)
        )
        person = self.roster.get(employee)
        out = await self.engine.handle(employee, incoming, language=person.language if person else None)
        await self.post(context, employee, out)

    async def _on_card(
        self, context: TurnContext, employee: str, value: dict[str, Any], delivery: str
    ) -> None:
        kind, ref = str(value.get("popbot") or ""), str(value.get("q") or "")
        if kind == "act":
            person = self.roster.get(employee)
            # the engine checks the action against the roster: a forged one opens nothing
            action = str(value.get("a") or "")
            out = await self.engine.act(employee, action, person.language if person else None, delivery)
            await self.post(context, employee, out)
            return
        if kind == "file":
            await self._open_file(context, employee, str(value.get("d") or ""))
            return
        current = await self.engine.current_question(employee)
        if current is None or ref != current.ref:  # stale or forged: the engine says so, asks again
            out = await self.engine.handle(employee, Incoming.press(ref, "", delivery))
            await self.post(context, employee, out)
            return
        lang = await self._language(employee)  # the card's language, as it was shown
        if kind == "skip":  # the card's skip button: as if the skip word was typed
            word = self.engine.script(lang).commands.skip[0]
            await self._close(context, current, words(lang)["skipped"], lang)
            await self.post(
                context, employee, await self.engine.handle(employee, Incoming.say(word, delivery))
            )
            return
        if kind == "date":
            date = str(value.get("date") or "")
            # the engine checks the date (a future one, say); the card closes once it took it
            out = await self.engine.handle(
                employee, Incoming.say(date if ISO_DATE.fullmatch(date) else "", delivery)
            )
            after = await self.engine.current_question(employee)
            if date and (after is None or after.ref != current.ref):
                words_of = self.engine.script(lang).words
                await self._close(context, current, day(dt.date.fromisoformat(date), words_of), lang)
            await self.post(context, employee, out)
            return
        valid = {o.id: o.label for o in current.options}
        picked = str(value.get("ticked") if kind == "multi" else value.get("o") or value.get("choice") or "")
        option = ",".join(p for p in picked.split(",") if p in valid)
        if not option:  # nothing (valid) chosen on the card on screen: the engine says how to answer
            out = await self.engine.handle(employee, Incoming.say("", delivery))
        else:
            await self._close(context, current, ", ".join(valid[p] for p in option.split(",")), lang)
            out = await self.engine.handle(employee, Incoming.press(ref, option, delivery))
        await self.post(context, employee, out)

    async def _close(self, context: TurnContext, question: Question, chosen: str, lang: str | None) -> None:
        """The pressed card becomes "question → choice", with nothing left to press."""
        card_id = context.activity.reply_to_id
        if not card_id:
            return
        update = cards.as_activity(cards.closed_card(question.text, chosen, lang))
        update.id = card_id
        await self.pacer.call("updateActivity", lambda: context.update_activity(update))

    async def _open_file(self, context: TurnContext, employee: str, doc: str) -> None:
        lang = await self._language(employee)
        kept = await asyncio.to_thread(self.files.find, employee, doc)  # the presser's own only
        if kept is None:
            await self._send(context, cards.text_activities(words(lang)["file_gone"]))
            return
        url = f"{self.config.public_url.rstrip('/')}{FILES_PATH}/{self.links.mint(employee, doc)}"
        link = cards.link_card(kept.filename, url, self.links.minutes, lang)
        await self._send(context, [cards.as_activity(link, kept.filename)])

    # ------------------------------------------------------------ sending

    async def post(
        self, context: TurnContext, employee: str, out: list[Outgoing], key: str | None = None
    ) -> None:
        """The engine's answer (or a scheduled message) in the person's own chat. A file is
        kept for them and sent as a card with an *Open* button."""
        lang = await self._language(employee)  # after the turn: it may have switched language
        sent: list[Activity] = []
        for item in cards.activities(out, lang):
            if isinstance(item, Document):
                assert isinstance(item.content, bytes)
                # an outbox key starts with whom the message is about: their erasure finds this
                # copy in a manager's inbox too; a chat's own file (an export) is the person's
                digest = hashlib.sha256(item.content).hexdigest()[:16]
                doc_key = f"{key}|{item.filename}" if key else f"{employee}|teams|{digest}|{item.filename}"
                doc = await asyncio.to_thread(
                    self.files.keep, employee, doc_key, item.filename, item.content, item.mime, item.caption,
                    key is None,  # a chat's own file: an export
                )  # fmt: skip
                item = cards.as_activity(
                    cards.file_card(item.caption, item.filename, doc, lang), item.filename
                )
            sent.append(item)
        await self._send(context, sent)

    async def _send(self, context: TurnContext, activities: list[Activity]) -> None:
        for activity in activities:
            await self.pacer.call("sendActivity", lambda a=activity: context.send_activity(a))  # type: ignore[misc]

    async def write_first(self, employee: str, out: list[Outgoing], key: str) -> None:
        """A scheduled message, sent into the conversation Teams gave popbot at install."""
        reference = await asyncio.to_thread(self.access.reference_of, NAME, employee)
        if reference is None:
            raise LookupError(
                "no Teams conversation with this person yet (the app is not installed for them)"
            )
        continuation = ConversationReference.model_validate(reference).get_continuation_activity()
        if not self.allowed_service(continuation.service_url or ""):
            raise PermissionError("the stored Teams conversation names a service popbot does not post to")

        async def send(context: TurnContext) -> None:
            await self.post(context, employee, out, key)

        await self.cloud.continue_conversation(self.config.app_id, continuation, send)


def _as_signed(identity: ClaimsIdentity | None, service_url: object) -> bool:
    """The activity's service is the one its token names. The SDK checks this only while its
    own host validator is on; popbot keeps the rule with configured hosts too."""
    signed = identity.get_claim_value("serviceurl") if identity is not None else None
    if not signed:
        return True  # a token without the claim: the SDK accepted it as such
    return urlsplit(str(signed)).hostname == urlsplit(str(service_url or "")).hostname


def _locale(activity: Activity) -> str | None:
    return (activity.locale or "")[:2].lower() or None


def _plausible_bearer(header: str | None) -> bool:
    """A header the SDK can judge: none at all (it refuses that itself), or a bearer JWT whose
    header is a JSON object naming a key id — anything else is refused before it."""
    if header is None:
        return True
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return False
    try:
        head = jwt.get_unverified_header(token.strip())
    except (jwt.PyJWTError, ValueError, RecursionError):
        return False
    return isinstance(head.get("kid"), str) and bool(head["kid"])
