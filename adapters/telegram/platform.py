"""Telegram as popbot's runtime sees it: its settings, its accounts, its commands, and how it
starts (long polling, or a webhook on popbot's one HTTP server) and sends.

python-telegram-bot is imported when Telegram starts, never to build the command line."""

from __future__ import annotations

import argparse
import asyncio
import hmac
import os
import secrets
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from adapters.telegram.settings import TelegramSettings
from bot.errors import PopbotError
from bot.people.accounts import AccountRules, Bindings, Someone
from bot.platform import Host, Platform, person_id

if TYPE_CHECKING:
    from aiohttp import web

    from bot.people.access import Access
    from bot.people.roster import Person
    from bot.ports import Channel

NAME = "telegram"
WEBHOOK_PATH = "/telegram"  # where Telegram posts when the webhook's address names no path


def _reach(person: Someone, access: Bindings) -> str | None:
    # Telegram lets a bot write to someone only after they opened its chat: their binding
    return access.handle_of(NAME, person.id)


def _webhook(options: argparse.Namespace) -> str | None:
    """The webhook's public address: `serve --telegram-webhook URL` or `telegram --webhook --url URL`."""
    if getattr(options, "telegram_webhook", None):
        return str(options.telegram_webhook)
    if getattr(options, "webhook", False):
        return str(options.url or "")
    return None


def _ptb_defaults() -> None:
    # python-telegram-bot 22 reads this to give retry_after as the next major will; set for
    # the library, not read by popbot
    os.environ.setdefault("PTB_TIMEDELTA", "1")


class TelegramPlatform(Platform):
    """Telegram (see the module)."""

    name = NAME
    title = "Telegram"
    settings = TelegramSettings
    switch = "TELEGRAM_BOT_TOKEN"

    def accounts(self) -> AccountRules:
        # @Name and @name are one account; popbot reaches someone by the chat their /start bound
        return AccountRules(NAME, _reach, normal=str.lower)

    def configured(self, settings: TelegramSettings) -> bool:
        return bool(settings.telegram_bot_token.get_secret_value())

    def problems(self, settings: TelegramSettings, options: argparse.Namespace, replicas: bool) -> list[str]:
        from adapters.telegram.adapter import TOKEN_PATTERN

        token = settings.telegram_bot_token.get_secret_value()
        if not token:
            return ["TELEGRAM_BOT_TOKEN is not set (see the README: 'Telegram')"]
        if not TOKEN_PATTERN.match(token):
            return ["TELEGRAM_BOT_TOKEN does not look like a bot token (digits, ':', then 35 characters)"]
        webhook = _webhook(options)
        if webhook == "":
            return ["--webhook needs --url (the public HTTPS address Telegram posts to)"]
        if replicas and webhook is None and not getattr(options, "polling", False):
            # Telegram gives updates to one polling consumer per token: a second replica polling
            # would take turns away from the first, and each would see half the messages.
            return [
                "with POPBOT_DATABASE_URL, replicas share Telegram: use --telegram-webhook URL "
                "(or --polling if this is the only replica)"
            ]
        if replicas and webhook and not settings.telegram_webhook_secret.get_secret_value():
            # each replica would register a random secret of its own, and refuse the others' posts
            return ["with several replicas, set TELEGRAM_WEBHOOK_SECRET (the same on each)"]
        return []

    def serve_options(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--telegram-webhook",
            metavar="URL",
            help="Telegram by webhook: the public HTTPS address of /telegram",
        )
        parser.add_argument(
            "--polling",
            action="store_true",
            help="Telegram by polling even with a database (one replica only)",
        )

    def commands(self, sub: Any, languages: tuple[str, ...]) -> None:
        run = sub.add_parser("telegram", help="run the Telegram bot (long polling, or --webhook)")
        run.add_argument("--webhook", action="store_true", help="receive updates by webhook")
        run.add_argument("--url", help="the webhook's public URL, e.g. https://pop.example.org/telegram")
        run.add_argument("--listen", default="127.0.0.1", help="the address to listen on")
        run.add_argument("--port", type=int, default=8443)
        run.add_argument(
            "--polling", action="store_true", help="poll even with a database (one replica only)"
        )
        run.add_argument("--lang", default="nl", choices=languages)
        run.set_defaults(platform=NAME)
        invite = sub.add_parser("invite", help="print a single-use invitation link for an employee")
        invite.add_argument("employee", type=person_id)
        invite.set_defaults(tool=self.invite)

    def needs_server(self, settings: TelegramSettings, options: argparse.Namespace) -> bool:
        return bool(_webhook(options))

    def _application(self, host: Host) -> Any:
        from adapters.telegram.adapter import TelegramAdapter

        _ptb_defaults()
        settings: TelegramSettings = host.settings(self)
        adapter = TelegramAdapter(host.engine, host.access, host.roster)
        return adapter, adapter.build(
            settings.telegram_bot_token.get_secret_value(), settings.telegram_api_base_url
        )

    async def start(self, host: Host) -> Channel:
        from telegram import Update

        from adapters.telegram.channel import TelegramChannel

        settings: TelegramSettings = host.settings(self)
        adapter, app = self._application(host)
        await host.stack.enter_async_context(app)
        await adapter.register_commands(app)
        webhook = _webhook(host.options)
        if webhook:
            secret = settings.telegram_webhook_secret.get_secret_value() or secrets.token_urlsafe(32)

            async def take(data: dict[str, Any]) -> None:
                await app.update_queue.put(Update.de_json(data, app.bot))

            host.web.router.add_post(
                urlsplit(webhook).path.rstrip("/") or WEBHOOK_PATH, updates(secret, take)
            )
            await app.bot.set_webhook(url=webhook, secret_token=secret)
        else:
            assert app.updater is not None
            await app.updater.start_polling()
            host.stack.push_async_callback(app.updater.stop)
        await app.start()
        host.stack.push_async_callback(app.stop)
        return TelegramChannel(app.bot)

    async def sender(self, host: Host) -> Channel:
        from adapters.telegram.channel import TelegramChannel

        return TelegramChannel(await host.stack.enter_async_context(self._bot(host.settings(self))))

    def _bot(self, settings: TelegramSettings) -> Any:
        """A bare Bot for sending (cron's pass, `invite`), on the configured API."""
        from telegram import Bot

        api = settings.telegram_api_base_url.rstrip("/")
        return Bot(settings.telegram_bot_token.get_secret_value(), base_url=f"{api}/bot{{token}}")

    def chat_link(self, settings: TelegramSettings) -> str:
        return f"https://t.me/{settings.username}" if settings.username else ""

    def invite_link(
        self, settings: TelegramSettings, access: Access
    ) -> Callable[[Person], str | None] | None:
        username = settings.username
        if not username:
            return None

        def link(person: Person) -> str | None:
            if person.platform != NAME:
                return None
            return f"https://t.me/{username}?start={access.invite(person.id, NAME)}"

        return link

    def invite(self, options: argparse.Namespace, host: Host) -> int:
        """`popbot invite EMPLOYEE`: their personal start link, printed for HR to pass on."""
        person = host.roster.get(options.employee)
        if person is None or not person.active:
            print(
                f"popbot: '{options.employee}' is not in the roster (popbot roster import FILE)",
                file=sys.stderr,
            )
            return 1
        settings: TelegramSettings = host.settings(self)
        problems = self.problems(settings, argparse.Namespace(), replicas=False)
        username = settings.username
        if not username:
            if problems:
                raise PopbotError(problems[0])

            async def get_me() -> str:
                async with self._bot(settings) as bot:
                    return str(bot.username)

            username = asyncio.run(get_me())
        print(f"https://t.me/{username}?start={host.access.invite(person.id, NAME)}")
        return 0


def updates(
    secret: str, take: Callable[[dict[str, Any]], Awaitable[None]]
) -> Callable[[web.Request], Awaitable[Any]]:
    """Telegram posts each update with the secret in a header; anything else is refused."""
    from aiohttp import web

    async def update(request: web.Request) -> web.Response:
        given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            return web.Response(status=403)
        try:
            data = await request.json()
        except (ValueError, RecursionError):
            return web.Response(status=400, text="not JSON\n")
        if not isinstance(data, dict):
            return web.Response(status=400, text="not an update\n")
        await take(data)
        return web.Response(text="ok")

    return update
