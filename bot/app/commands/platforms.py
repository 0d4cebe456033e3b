"""`popbot telegram`, `popbot slack`, `popbot serve` and `popbot invite`: the chat platforms."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import re
import secrets
import signal
import sys
from contextlib import AsyncExitStack
from typing import Any

from bot.app.settings import Settings
from bot.app.wiring import Parts
from bot.dialog.reload import watch_scripts
from bot.errors import PopbotError

log = logging.getLogger("popbot")


def telegram_token(settings: Settings) -> str:
    from adapters.telegram.adapter import TOKEN_PATTERN

    token = settings.telegram_bot_token.get_secret_value()
    if not token:
        raise PopbotError("TELEGRAM_BOT_TOKEN is not set (see the README: 'Telegram')")
    if not TOKEN_PATTERN.match(token):
        raise PopbotError(
            "TELEGRAM_BOT_TOKEN does not look like a bot token (digits, ':', then 35 characters)"
        )
    return token


def telegram_bot(settings: Settings) -> Any:
    """A bare Bot for sending (cron's pass, `invite`), on the configured API."""
    from telegram import Bot

    api = settings.telegram_api_base_url.rstrip("/")
    return Bot(telegram_token(settings), base_url=f"{api}/bot{{token}}")


def slack_client(settings: Settings) -> Any:
    from slack_sdk.web.async_client import AsyncWebClient

    api = settings.slack_api_url.rstrip("/") + "/"
    return AsyncWebClient(token=settings.slack_bot_token.get_secret_value(), base_url=api)


GUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")


def teams_config(settings: Settings) -> Any:
    """Teams' settings, checked: each problem names its variable, never a value."""
    from adapters.teams.adapter import TeamsConfig

    app_id = settings.teams_app_id.strip()
    tenants = [t.strip().lower() for t in settings.teams_tenant_id.split(",") if t.strip()]
    problems = []
    if not GUID.fullmatch(app_id):
        problems.append("TEAMS_APP_ID is not an app (client) id (a GUID)")
    if not settings.teams_app_password.get_secret_value() and settings.teams_certificate is None:
        problems.append("TEAMS_APP_PASSWORD or TEAMS_CERTIFICATE is not set")
    if settings.teams_certificate is not None and not settings.teams_certificate.is_file():
        problems.append("TEAMS_CERTIFICATE is not a file")
    if not tenants or not all(GUID.fullmatch(t) for t in tenants):
        problems.append("TEAMS_TENANT_ID is not one or more tenant ids (GUIDs, comma-separated)")
    public = settings.popbot_public_url.strip().rstrip("/")
    if not re.fullmatch(r"https://[^/\s]+(/\S*)?|http://(127\.0\.0\.1|localhost)(:\d+)?(/\S*)?", public):
        problems.append("POPBOT_PUBLIC_URL is not popbot's public https:// address")
    if problems:
        raise PopbotError("Teams: " + "; ".join(problems) + " (see the README: 'Microsoft Teams')")
    hosts = tuple(h.strip() for h in settings.teams_service_hosts.split(",") if h.strip())
    return TeamsConfig(app_id, frozenset(tenants), tenants[0], public, settings.teams_max_rate, hosts)


def teams_adapter(parts: Parts, *, watch: bool = False, token_provider: Any = None) -> Any:
    """The Teams adapter on the SDK: the token check for incoming activities and MSAL for
    popbot's own token (`token_provider` replaces MSAL in the tests, which reach no Entra)."""
    from microsoft_agents.hosting.core import AgentAuthConfiguration
    from microsoft_agents.hosting.core.authorization import AuthTypes, ConnectionManager

    from adapters.teams.adapter import TeamsAdapter

    settings = parts.settings
    config = teams_config(settings)
    certificate = settings.teams_certificate
    auth = AgentAuthConfiguration(
        AuthTypes.certificate if certificate else AuthTypes.client_secret,
        client_id=config.app_id,
        tenant_id=config.home_tenant,
        client_secret=settings.teams_app_password.get_secret_value() or None,
        cert_pfx_file=str(certificate) if certificate else None,
        validate_issuer=True,  # the SDK's issuer allow-list: the Bot Framework's and the tenant's
    )
    if token_provider is None:
        from microsoft_agents.authentication.msal import MsalAuth

        token_provider = MsalAuth
    connections = ConnectionManager(token_provider, connections_configurations={"SERVICE_CONNECTION": auth})
    adapter = TeamsAdapter(parts.engine, parts.access, parts.roster, watch=watch)
    adapter.build(config, connections, auth, parts.store)
    return adapter


def cmd_teams(args: argparse.Namespace, settings: Settings) -> int:
    from aiohttp import web

    from adapters.teams.channel import TeamsChannel

    parts = Parts(settings, language=args.lang)
    adapter = teams_adapter(parts, watch=True)
    adapter.schedule = parts.background(teams=TeamsChannel(adapter))
    web_app = web.Application()
    adapter.mount(web_app)
    _run_web(web_app, adapter, args.host, args.port)
    return 0


def _run_web(web_app: Any, adapter: Any, host: str, port: int) -> None:
    """One adapter's own HTTP server, with its script watcher and schedule while it runs."""
    from aiohttp import web

    async def running(_app: web.Application) -> Any:
        await adapter.start_background()
        yield
        await adapter.stop_background()

    web_app.cleanup_ctx.append(running)
    web.run_app(web_app, host=host, port=port, print=None)


def cmd_teams_manifest(args: argparse.Namespace, settings: Settings) -> int:
    from importlib.metadata import version

    from adapters.teams.manifest import localizations, manifest, write_package

    app_id = settings.teams_app_id.strip()
    if not GUID.fullmatch(app_id):
        raise PopbotError("TEAMS_APP_ID is not an app (client) id (a GUID): the package names the bot by it")
    website = (args.website or settings.popbot_public_url).strip()
    if not re.fullmatch(r"https://\S+", website):
        raise PopbotError("the app needs a website: --website https://… or POPBOT_PUBLIC_URL")
    for name, url in (("--privacy-url", args.privacy_url), ("--terms-url", args.terms_url)):
        if url and not re.fullmatch(r"https://\S+", url):
            raise PopbotError(f"{name} is not an https:// address")
    script = Parts(settings, language=args.lang).engine.scripts.for_language(args.lang).script
    commands = [(words[0], script.command_descriptions.get(name, "")) for name, words in script.commands]
    doc = manifest(
        app_id,
        args.app_version or version("popbot"),
        args.developer,
        website,
        args.privacy_url or website,
        args.terms_url or website,
        [(t, d) for t, d in commands if d],
        args.lang,
    )
    write_package(args.output, doc, localizations(args.lang))
    print(f"{args.output}: the Teams app package for bot {app_id} (upload it in the Teams admin center)")
    return 0


def _ptb_defaults() -> None:
    # python-telegram-bot 22 reads this to give retry_after as the next major will; set for
    # the library, not read by popbot
    os.environ.setdefault("PTB_TIMEDELTA", "1")


def cmd_invite(args: argparse.Namespace, settings: Settings) -> int:
    parts = Parts(settings)
    person = parts.roster.get(args.employee)
    if person is None or not person.active:
        print(f"popbot: '{args.employee}' is not in the roster (popbot roster import FILE)", file=sys.stderr)
        return 1
    username = settings.telegram_bot_username.strip().lstrip("@")
    if not username:

        async def get_me() -> str:
            async with telegram_bot(settings) as bot:
                return str(bot.username)

        username = asyncio.run(get_me())
    token = parts.access.invite(args.employee, "telegram")
    print(f"https://t.me/{username}?start={token}")
    return 0


def cmd_telegram(args: argparse.Namespace, settings: Settings) -> int:
    from adapters.telegram.adapter import TelegramAdapter

    token = telegram_token(settings)
    _ptb_defaults()
    parts = Parts(settings, language=args.lang)
    adapter = TelegramAdapter(parts.engine, parts.access, parts.roster)
    app = adapter.build(token, settings.telegram_api_base_url)
    adapter.schedule = parts.background(telegram=app.bot)
    if args.webhook:
        if not args.url:
            raise PopbotError("--webhook needs --url (the public HTTPS address Telegram posts to)")
        # Telegram sends this secret in a header with every update; requests without it are refused.
        secret = settings.telegram_webhook_secret.get_secret_value() or secrets.token_urlsafe(32)
        path = args.url.rstrip("/").rsplit("/", 1)[-1] if "/" in args.url.split("//", 1)[-1] else ""
        app.run_webhook(
            listen=args.listen, port=args.port, url_path=path, webhook_url=args.url, secret_token=secret
        )
    else:
        app.run_polling()
    return 0


def cmd_slack(args: argparse.Namespace, settings: Settings) -> int:

    from adapters.slack.adapter import SlackAdapter

    bot_token = settings.slack_bot_token.get_secret_value()
    app_token = settings.slack_app_token.get_secret_value()
    secret = settings.slack_signing_secret.get_secret_value()
    missing = [] if bot_token else ["SLACK_BOT_TOKEN"]
    if not app_token and not secret:
        missing.append("SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode)")
    if missing:
        raise PopbotError(f"missing configuration: {', '.join(missing)} (see the README: 'Slack')")
    parts = Parts(settings, language=args.lang)
    adapter = SlackAdapter(parts.engine, parts.access, parts.roster)
    # Socket Mode verifies nothing by signature; Bolt still wants a value.
    app = adapter.build(bot_token, secret or "socket-mode", settings.slack_api_url)
    adapter.schedule = parts.background(slack=app.client)
    if app_token:
        asyncio.run(_socket_mode(adapter, app, app_token))
        return 0
    _run_web(app.web_app(path="/slack/events", port=args.port), adapter, args.listen, args.port)
    return 0


async def _socket_mode(adapter: Any, app: Any, app_token: str) -> None:
    """Slack over a WebSocket (no public address needed) until SIGINT or SIGTERM, then a clean
    stop: the socket closed, the schedule's pass finished."""
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)
    handler = AsyncSocketModeHandler(app, app_token)
    await adapter.start_background()
    try:
        await handler.connect_async()  # type: ignore[no-untyped-call]
        await stopping.wait()
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]
        await adapter.stop_background()


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Every configured adapter in one process, sharing one engine, one watcher, one schedule."""
    if not (settings.telegram_on or settings.slack_on or settings.teams_on):
        raise PopbotError(
            "popbot serve needs TELEGRAM_BOT_TOKEN, SLACK_BOT_TOKEN and/or TEAMS_APP_ID (see the README)"
        )
    if settings.teams_on:
        teams_config(settings)  # a Teams setting that does not fit stops it before anything starts
    if settings.slack_on and not settings.slack_signing_secret.get_secret_value():
        raise PopbotError("missing configuration: SLACK_SIGNING_SECRET (serve runs Slack in HTTP mode)")
    if settings.telegram_on and settings.database_url and not (args.telegram_webhook or args.polling):
        # Telegram gives updates to one polling consumer per token: a second replica polling
        # would take turns away from the first, and each would see half the messages.
        raise PopbotError(
            "with POPBOT_DATABASE_URL, replicas share Telegram: use --telegram-webhook URL "
            "(or --polling if this is the only replica)"
        )
    if (
        args.telegram_webhook
        and settings.database_url
        and not settings.telegram_webhook_secret.get_secret_value()
    ):
        # each replica would register a random secret of its own, and refuse the others' posts
        raise PopbotError("with several replicas, set TELEGRAM_WEBHOOK_SECRET (the same on each)")
    asyncio.run(_serve(args, Parts(settings, language=args.lang)))
    return 0


async def _serve(args: argparse.Namespace, parts: Parts) -> None:
    from aiohttp import web

    from bot.app.http import TELEGRAM_PATH, operations, server_app, slack_events, telegram_webhook
    from bot.app.web.app import console_app, max_body

    settings = parts.settings
    # One engine: its per-employee lock orders a Slack and a Telegram message of the same person.
    engine = parts.engine
    metrics = parts.metrics
    engine.observe = metrics.turn
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)
    web_app = server_app(max_body(settings))
    operations(web_app, parts.ready, metrics)
    web_app.add_subapp("/console", console_app(parts))  # HR and managers in the browser
    async with AsyncExitStack() as stack:
        tg_bot = slack = None
        if settings.telegram_on:
            from telegram import Update

            from adapters.telegram.adapter import TelegramAdapter

            _ptb_defaults()
            tg = TelegramAdapter(engine, parts.access, parts.roster, watch=False)
            app = tg.build(telegram_token(settings), settings.telegram_api_base_url)
            await stack.enter_async_context(app)
            await tg.register_commands(app)
            if args.telegram_webhook:
                secret = settings.telegram_webhook_secret.get_secret_value() or secrets.token_urlsafe(32)

                async def take(data: dict[str, Any]) -> None:
                    await app.update_queue.put(Update.de_json(data, app.bot))

                telegram_webhook(web_app, secret, take)
                await app.bot.set_webhook(url=args.telegram_webhook, secret_token=secret)
            else:
                assert app.updater is not None
                await app.updater.start_polling()
                stack.push_async_callback(app.updater.stop)
            await app.start()
            stack.push_async_callback(app.stop)
            tg_bot = app.bot
        if settings.slack_on:
            from adapters.slack.adapter import SlackAdapter

            sl = SlackAdapter(engine, parts.access, parts.roster, watch=False)
            bolt = sl.build(
                settings.slack_bot_token.get_secret_value(),
                settings.slack_signing_secret.get_secret_value(),
                settings.slack_api_url,
            )
            # Bolt's handler on popbot's own app (as a sub-app it would not know its path)
            web_app.router.add_post(
                "/slack/events", slack_events(bolt.server(path="/slack/events").handle_post_requests)
            )
            slack = bolt.client
        teams = None
        if settings.teams_on:
            from adapters.teams.channel import TeamsChannel

            ms = teams_adapter(parts)
            ms.mount(web_app)  # /api/messages and its download links, on the same port
            teams = TeamsChannel(ms)
        runner = web.AppRunner(web_app)
        await runner.setup()
        stack.push_async_callback(runner.cleanup)
        await web.TCPSite(runner, args.listen, args.port).start()
        stop_watch = asyncio.Event()
        watcher = asyncio.create_task(watch_scripts(engine.registries, stop_watch))
        background = parts.background(telegram=tg_bot, slack=slack, teams=teams)
        background.observe = metrics.pass_seconds.observe
        await background.start()
        on = (("telegram", settings.telegram_on), ("slack", settings.slack_on), ("teams", settings.teams_on))
        log.info(
            "serving: %s on %s:%d (/healthz /readyz /metrics%s%s%s)",
            ", ".join(n for n, yes in on if yes),
            args.listen,
            args.port,
            " /slack/events" if settings.slack_on else "",
            " /api/messages" if settings.teams_on else "",
            f" {TELEGRAM_PATH}" if settings.telegram_on and args.telegram_webhook else "",
        )
        await stopping.wait()
        await background.stop()
        stop_watch.set()
        await watcher
