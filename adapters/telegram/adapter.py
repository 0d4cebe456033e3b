"""The Telegram adapter: python-telegram-bot in, engine messages out.

It only translates: who is writing (bindings), what they did (text, a button,
a sticker, an edit), and how to show the engine's answer. No dialog logic.
"""

from __future__ import annotations

import logging
import re
from contextlib import suppress
from typing import Any

from telegram import BotCommand, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from adapters.base import ChatAdapter
from adapters.telegram import render
from adapters.telegram.retry import RetryingRateLimiter
from adapters.telegram.sender import deliver
from bot.messages import Incoming, Outgoing, Question

NAME = "telegram"
DEFAULT_API = "https://api.telegram.org"
TOKEN_PATTERN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{30,}$")
COMMAND_PATTERN = re.compile(r"^[a-z0-9_]{1,32}$")

log = logging.getLogger("popbot.telegram")


class TelegramAdapter(ChatAdapter):
    # ------------------------------------------------------------ building

    def build(
        self,
        token: str,
        api_url: str = DEFAULT_API,
        max_retries: int = 5,
        first_wait: float = 0.5,
        max_rate: float = 30.0,
    ) -> Application[Any, Any, Any, Any, Any, Any]:
        api_url = api_url.rstrip("/")
        app = (
            ApplicationBuilder()
            .token(token)
            .base_url(f"{api_url}/bot{{token}}")
            .base_file_url(f"{api_url}/file/bot{{token}}")
            # Telegram's flood limits; a 429 is waited out (retry_after) and retried; a 5xx or a
            # dropped connection is retried with back-off (adapters/telegram/retry.py).
            .rate_limiter(RetryingRateLimiter(max_retries, first_wait=first_wait, max_rate=max_rate))
            .build()
        )
        private = filters.ChatType.PRIVATE
        app.add_handler(CommandHandler("start", self.on_start, filters=private))
        app.add_handler(MessageHandler(filters.UpdateType.EDITED, self.on_edited))
        app.add_handler(MessageHandler(private & filters.TEXT, self.on_text))  # commands too
        app.add_handler(CallbackQueryHandler(self.on_button))
        app.add_handler(MessageHandler(private & ~filters.TEXT, self.on_other))
        app.add_error_handler(self.on_error)
        return app

    async def register_commands(self, app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        """The script's navigation words as Telegram commands, per language."""
        for lang, script in self.engine.scripts_by_language().items():
            commands = []
            for name, words in script.commands:
                word = next((w for w in words if COMMAND_PATTERN.match(w)), None)
                description = script.command_descriptions.get(name)
                if word and description:
                    commands.append(BotCommand(word, description))
            privacy = script.privacy
            word = next((w for w in privacy.words if COMMAND_PATTERN.match(w)), None) if privacy else None
            if privacy is not None and word and privacy.description:
                commands.append(BotCommand(word, privacy.description))
            team = script.team
            word = next((w for w in team.words if COMMAND_PATTERN.match(w)), None) if team else None
            if team is not None and word and team.description:
                commands.append(BotCommand(word, team.description))
            await app.bot.set_my_commands(commands, language_code=lang)
            if lang == self.engine.default_language:
                await app.bot.set_my_commands(commands)

    # ------------------------------------------------------------ updates

    @staticmethod
    def _delivery(update: Update) -> str:
        return f"tg:{update.update_id}"

    @staticmethod
    def _user(update: Update) -> int | None:
        """The person who acted, when they did so in their own private chat with the bot;
        else None (a group, a channel, a forwarded button: not ours to answer). Identity is
        always the sender or presser, never the chat an update names."""
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None or chat.type != "private" or chat.id != user.id:
            return None
        return user.id

    def _employee(self, user: int) -> str | None:
        return self.access.who(NAME, str(user))

    async def on_start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = self._user(update)
        if user is None:
            return
        token = context.args[0] if context.args else ""
        employee = self.access.redeem(token, NAME, str(user)) if token else None
        if employee is None:
            employee = self._employee(user)
            if employee is None:
                key = "invite_invalid" if token else "not_invited"
                await self._refuse(context, user, key)
                return
        person = self.roster.get(employee)
        # a repeated delivery of the same /start is not greeted twice
        out = await self.engine.start(employee, person.language if person else None, self._delivery(update))
        await self.send(context, user, out)

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        user = self._user(update)
        if message is None or user is None:
            return
        employee = self._employee(user)
        if employee is None:
            await self._refuse(context, user, "not_invited")
            return
        text = message.text or ""
        if text.startswith("/"):  # "/vorige@pop_bot" from the menu: the engine wants "/vorige"
            head, _, rest = text.partition(" ")
            text = " ".join(p for p in (head.split("@", 1)[0], rest) if p)
        out = await self.engine.handle(employee, Incoming.say(text, self._delivery(update)))
        await self.send(context, user, out)

    async def on_other(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A sticker, photo, voice message, location, file…: say what works."""
        await self._plain_event(
            update, context, Incoming(kind="unsupported", delivery_id=self._delivery(update))
        )

    async def on_edited(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._plain_event(update, context, Incoming(kind="edited", delivery_id=self._delivery(update)))

    async def _plain_event(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, incoming: Incoming
    ) -> None:
        user = self._user(update)
        if user is None:
            return
        employee = self._employee(user)
        if employee is None:
            await self._refuse(context, user, "not_invited")
            return
        await self.send(context, user, await self.engine.handle(employee, incoming))

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        await query.answer()  # stop the spinner whatever happens next
        user = self._user(update)
        if user is None:
            return
        employee = self._employee(user)
        if employee is None:
            await self._refuse(context, user, "not_invited")
            return
        data = query.data or ""
        if data.startswith(render.ACTION):  # an invitation's button: begin, or prepare for a report
            if isinstance(query.message, Message):
                await _close(query.message, "")
            person = self.roster.get(employee)
            language = person.language if person else None
            action = data.removeprefix(render.ACTION)  # the engine checks it against the roster
            out = await self.engine.act(employee, action, language, self._delivery(update))
            await self.send(context, user, out)
            return
        ref, _, value = (query.data or "").partition("|")
        current = await self.engine.current_question(employee)
        on_screen = current is not None and ref == current.ref and bool(value)
        message = query.message if isinstance(query.message, Message) else None
        if on_screen and current is not None and current.kind == "multi":
            if value.startswith(render.TOGGLE) and message is not None:
                await self._toggle(message, current, value[1:])
                return
            if value == render.DONE:
                picked = _picked(message)
                chosen = [current.options[i].id for i in sorted(picked) if i < len(current.options)]
                value = ",".join(chosen)
                if not chosen:  # nothing ticked: the engine says how to answer
                    await self.send(
                        context,
                        user,
                        await self.engine.handle(employee, Incoming.say("", self._delivery(update))),
                    )
                    return
        if message is not None:
            label = _label(current, value) if on_screen else ""
            await _close(message, label)  # old buttons can't be pressed again
        out = await self.engine.handle(employee, Incoming.press(ref, value, self._delivery(update)))
        await self.send(context, user, out)

    async def _toggle(self, message: Message, current: Question, index: str) -> None:
        picked = _picked(message)
        if not index.isdigit() or int(index) >= len(current.options):
            return
        picked ^= {int(index)}
        with suppress(BadRequest):  # "message is not modified" on a double tap
            await message.edit_reply_markup(render.keyboard(current, picked))

    async def _refuse(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, key: str) -> None:
        # Someone unknown: answer in the default script's words (they are in
        # Dutch and English) and store nothing about them.
        text = getattr(self.engine.messages_for(None), key)
        await context.bot.send_message(chat_id, render.esc(text), parse_mode=ParseMode.HTML)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        # Never log message text: it may be an answer (personal data).
        update_id = update.update_id if isinstance(update, Update) else None
        log.error("update %s failed: %r", update_id, context.error)

    # ------------------------------------------------------------ sending

    async def send(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, out: list[Outgoing]) -> None:
        await deliver(context.bot, chat_id, out)


def _picked(message: Message | None) -> set[int]:
    picked: set[int] = set()
    markup = message.reply_markup if message else None
    for row in markup.inline_keyboard if markup else ():
        for button in row:
            data = str(button.callback_data or "")
            _ref, _, value = data.partition("|")
            if value.startswith(render.TOGGLE) and button.text.startswith(render.CHECKED):
                with suppress(ValueError):
                    picked.add(int(value[1:]))
    return picked


def _label(current: Question | None, value: str) -> str:
    if current is None:
        return ""
    labels = {o.id: o.label for o in current.options}
    return ", ".join(labels.get(v, v) for v in value.split(",") if v)


async def _close(message: Message, label: str) -> None:
    """Show what was chosen under the question and take the buttons away."""
    with suppress(BadRequest):
        if label and message.text is not None:
            await message.edit_text(
                f"{render.esc(message.text)}\n→ {render.esc(label)}", parse_mode=ParseMode.HTML
            )
        else:
            await message.edit_reply_markup(None)
