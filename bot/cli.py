"""`popbot`: the composition root.

The only place that reads configuration (the environment), picks the store,
loads the scripts and starts an adapter. Everything else gets what it needs
passed in.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import tempfile
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.engine import Engine
from bot.errors import PopbotError, ScriptError, ScriptProblem
from bot.registry import ScriptRegistry
from bot.schema import Script
from bot.script import LoadedScript, bundled_script_path, load_script, translation_problems

DEFAULT_DATA_DIR = "./data"
LANGUAGES = ("nl", "en")


def _data_dir() -> Path:
    return Path(os.environ.get("POPBOT_DATA_DIR", DEFAULT_DATA_DIR))


def _registry(script: str | None, language: str, data_dir: Path) -> ScriptRegistry:
    paths = [Path(script)] if script else [bundled_script_path("pop", lang) for lang in LANGUAGES]
    return ScriptRegistry(paths, archive=data_dir / "scripts", default_language=language)


def _engine(script: str | None, language: str, data_dir: Path | None = None) -> Engine:
    from bot.roster import Roster
    from bot.team import RosterTeam
    from storage import TinyDBStore

    data_dir = data_dir or _data_dir()
    store = TinyDBStore(data_dir)
    store.sweep_leftovers()  # what a kill -9 mid-write left: a copy of someone's answers

    def family(name: str) -> ScriptRegistry:
        paths = [bundled_script_path(name, lang) for lang in LANGUAGES]
        return ScriptRegistry(paths, archive=data_dir / "scripts", default_language=language)

    personal = _personal(data_dir)
    for pseudonym in personal.finish_unfinished():  # a crash cut an erasure off: finish it first
        logging.getLogger("popbot").warning("finished an interrupted erasure (%s)", pseudonym)
    return Engine(
        _registry(script, language, data_dir),
        store,
        managers=family("manager"),
        team=RosterTeam(Roster(store)),
        follow_ups=family("followup"),
        evaluations=family("evaluation"),
        personal=personal,
    )


async def _chat(engine: Engine, user: str, language: str, data_dir: Path | None = None) -> None:
    from adapters.console import ConsoleInbox, run_console
    from bot.reload import watch_scripts
    from storage import TinyDBStore

    stop = asyncio.Event()
    watcher = asyncio.create_task(watch_scripts(engine.registries, stop))
    inbox = ConsoleInbox(TinyDBStore(data_dir)) if data_dir is not None else None
    exports = TinyDBStore(data_dir).exports_folder(user) if data_dir is not None else None
    try:
        await run_console(engine, user, language=language, inbox=inbox, files=exports)
    finally:
        stop.set()
        await watcher


def cmd_chat(args: argparse.Namespace) -> int:
    engine = _engine(args.script, args.lang)
    try:
        asyncio.run(_chat(engine, args.user, args.lang, _data_dir()))
    except KeyboardInterrupt:
        print()
    return 0


def cmd_preview(args: argparse.Namespace) -> int:
    # A throw-away store: HR walks through a change without touching real data.
    with tempfile.TemporaryDirectory(prefix="popbot-preview-") as tmp:
        loaded = load_script(args.file)
        engine = _engine(args.file, loaded.script.language, Path(tmp))
        asyncio.run(_chat(engine, "preview", loaded.script.language))
    return 0


def cmd_draft(args: argparse.Namespace) -> int:
    engine = _engine(args.script, args.lang)
    text = asyncio.run(engine.draft(args.employee))
    if text is None:
        print(f"popbot: no data for employee '{args.employee}' in {_data_dir()}", file=sys.stderr)
        return 1
    sys.stdout.write(text)
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from bot.problems import say

    problems: list[ScriptProblem] = []
    loaded: list[LoadedScript] = []
    for path in args.files:
        try:
            loaded.append(load_script(path))
        except ScriptError as exc:
            problems.extend(exc.problems)
    problems.extend(translation_problems(loaded))
    warnings = [w for ls in loaded for w in ls.warnings]
    for p in problems + warnings:
        print(p.render(args.lang), file=sys.stderr)
    failing = {p.file for p in problems}
    for ls in loaded:
        if ls.path not in failing:
            print(say("_ok", args.lang, file=ls.path))
    return 1 if problems else 0


def schema_json() -> str:
    """The JSON Schema of the script format, generated from the pydantic models."""
    schema = Script.model_json_schema(by_alias=True)
    schema.pop("$schema", None)  # yaml-language-server understands draft 7 best without it
    schema["title"] = "popbot dialog script"
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def cmd_schema(args: argparse.Namespace) -> int:
    out = Path(args.output) if args.output else bundled_script_path().parent / "schema.json"
    out.write_text(schema_json(), encoding="utf-8")
    print(f"wrote {out}")
    return 0


def cmd_graph(args: argparse.Namespace) -> int:
    from bot.diagram import draw

    try:
        draw(load_script(args.file), Path(args.output))
    except ValueError as exc:
        print(f"popbot: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # graphviz missing: say what to install, not a trace
        if type(exc).__name__ != "ExecutableNotFound":
            raise
        print(
            "popbot: SVG and PNG need Graphviz ('apt-get install graphviz'); .mmd works without it",
            file=sys.stderr,
        )
        return 1
    print(f"wrote {args.output}")
    return 0


def _access(data_dir: Path) -> Any:
    from bot.access import Access
    from bot.engine import utc_now
    from storage import TinyDBStore

    days = int(os.environ.get("POPBOT_INVITE_DAYS", "14"))
    return Access(TinyDBStore(data_dir), utc_now, timedelta(days=days))


def _roster(data_dir: Path) -> Any:
    from bot.roster import Roster
    from storage import TinyDBStore

    return Roster(TinyDBStore(data_dir))


def _telegram_config() -> tuple[str, str]:
    from adapters.telegram.adapter import DEFAULT_API, TOKEN_PATTERN

    token = os.environ.get("TELEGRAM_BOT_TOKEN", "").strip()
    if not token:
        raise PopbotError("TELEGRAM_BOT_TOKEN is not set (see the README: 'Telegram')")
    if not TOKEN_PATTERN.match(token):
        raise PopbotError(
            "TELEGRAM_BOT_TOKEN does not look like a bot token (digits, ':', then 35 characters)"
        )
    return token, os.environ.get("TELEGRAM_API_BASE_URL", DEFAULT_API)


def cmd_invite(args: argparse.Namespace) -> int:
    person = _roster(_data_dir()).get(args.employee)
    if person is None or not person.active:
        print(f"popbot: '{args.employee}' is not in the roster (popbot roster import FILE)", file=sys.stderr)
        return 1
    username = os.environ.get("TELEGRAM_BOT_USERNAME", "").strip()
    if not username:
        from telegram import Bot

        token, api = _telegram_config()

        async def get_me() -> str:
            async with Bot(token, base_url=f"{api.rstrip('/')}/bot{{token}}") as bot:
                return str(bot.username)

        username = asyncio.run(get_me())
    token = _access(_data_dir()).invite(args.employee, "telegram")
    print(f"https://t.me/{username}?start={token}")
    return 0


def cmd_telegram(args: argparse.Namespace) -> int:
    import secrets

    from adapters.telegram.adapter import TelegramAdapter

    token, api = _telegram_config()
    data_dir = _data_dir()
    os.environ.setdefault("PTB_TIMEDELTA", "1")  # python-telegram-bot 22: the next major's retry_after
    adapter = TelegramAdapter(_engine(None, args.lang, data_dir), _access(data_dir), _roster(data_dir))
    app = adapter.build(token, api)
    adapter.schedule = _background(adapter.engine, data_dir, telegram=app.bot)
    if args.webhook:
        if not args.url:
            raise PopbotError("--webhook needs --url (the public HTTPS address Telegram posts to)")
        # Telegram sends this secret in a header with every update; requests without it are refused.
        secret = os.environ.get("TELEGRAM_WEBHOOK_SECRET") or secrets.token_urlsafe(32)
        path = args.url.rstrip("/").rsplit("/", 1)[-1] if "/" in args.url.split("//", 1)[-1] else ""
        app.run_webhook(
            listen=args.listen, port=args.port, url_path=path, webhook_url=args.url, secret_token=secret
        )
    else:
        app.run_polling()
    return 0


def cmd_slack(args: argparse.Namespace) -> int:
    from aiohttp import web

    from adapters.slack.adapter import DEFAULT_API, SlackAdapter

    bot_token = os.environ.get("SLACK_BOT_TOKEN", "").strip()
    app_token = os.environ.get("SLACK_APP_TOKEN", "").strip()
    secret = os.environ.get("SLACK_SIGNING_SECRET", "").strip()
    missing = [name for name, value in (("SLACK_BOT_TOKEN", bot_token),) if not value]
    if not app_token and not secret:
        missing.append("SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode)")
    if missing:
        raise PopbotError(f"missing configuration: {', '.join(missing)} (see the README: 'Slack')")
    data_dir = _data_dir()
    adapter = SlackAdapter(_engine(None, args.lang, data_dir), _access(data_dir), _roster(data_dir))
    # Socket Mode verifies nothing by signature; Bolt still wants a value.
    app = adapter.build(bot_token, secret or "socket-mode", os.environ.get("SLACK_API_URL", DEFAULT_API))
    adapter.schedule = _background(adapter.engine, data_dir, slack=app.client)
    if app_token:
        asyncio.run(_socket_mode(adapter, app, app_token))
        return 0
    web_app = app.web_app(path="/slack/events", port=args.port)

    async def watching(_app: web.Application) -> Any:
        await adapter.start_background()
        yield
        await adapter.stop_background()

    web_app.cleanup_ctx.append(watching)
    web.run_app(web_app, host=args.listen, port=args.port, print=None)
    return 0


async def _socket_mode(adapter: Any, app: Any, app_token: str) -> None:
    """Slack over a WebSocket (no public address needed) until SIGINT or SIGTERM, then a clean
    stop: the socket closed, the schedule's pass finished."""
    import signal

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


def cmd_serve(args: argparse.Namespace) -> int:
    """Every configured adapter in one process, sharing one engine, one watcher, one schedule."""
    data_dir = _data_dir()
    telegram_on = bool(os.environ.get("TELEGRAM_BOT_TOKEN", "").strip())
    slack_on = bool(os.environ.get("SLACK_BOT_TOKEN", "").strip())
    if not (telegram_on or slack_on):
        raise PopbotError("popbot serve needs TELEGRAM_BOT_TOKEN and/or SLACK_BOT_TOKEN (see the README)")
    if slack_on and not os.environ.get("SLACK_SIGNING_SECRET", "").strip():
        raise PopbotError("missing configuration: SLACK_SIGNING_SECRET (serve runs Slack in HTTP mode)")
    asyncio.run(_serve(args, data_dir, telegram_on, slack_on))
    return 0


async def _serve(args: argparse.Namespace, data_dir: Path, telegram_on: bool, slack_on: bool) -> None:
    import signal
    from contextlib import AsyncExitStack

    from bot.reload import watch_scripts

    # One engine: its per-employee lock orders a Slack and a Telegram message of the same person.
    engine = _engine(None, args.lang, data_dir)
    access, roster = _access(data_dir), _roster(data_dir)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)
    async with AsyncExitStack() as stack:
        tg_bot = slack_client = None
        if telegram_on:
            from adapters.telegram.adapter import TelegramAdapter

            os.environ.setdefault("PTB_TIMEDELTA", "1")
            token, api = _telegram_config()
            tg = TelegramAdapter(engine, access, roster, watch=False)
            app = tg.build(token, api)
            await stack.enter_async_context(app)
            await tg.register_commands(app)
            assert app.updater is not None
            await app.updater.start_polling()
            stack.push_async_callback(app.updater.stop)
            await app.start()
            stack.push_async_callback(app.stop)
            tg_bot = app.bot
        if slack_on:
            from aiohttp import web

            from adapters.slack.adapter import DEFAULT_API, SlackAdapter

            sl = SlackAdapter(engine, access, roster, watch=False)
            bolt = sl.build(
                os.environ["SLACK_BOT_TOKEN"].strip(),
                os.environ["SLACK_SIGNING_SECRET"].strip(),
                os.environ.get("SLACK_API_URL", DEFAULT_API),
            )
            runner = web.AppRunner(bolt.web_app(path="/slack/events"))
            await runner.setup()
            stack.push_async_callback(runner.cleanup)
            await web.TCPSite(runner, args.listen, args.port).start()
            slack_client = bolt.client
        stop_watch = asyncio.Event()
        watcher = asyncio.create_task(watch_scripts(engine.registries, stop_watch))
        background = _background(engine, data_dir, telegram=tg_bot, slack=slack_client)
        await background.start()
        logging.getLogger("popbot").info(
            "serving: %s", ", ".join(n for n, on in (("telegram", telegram_on), ("slack", slack_on)) if on)
        )
        await stopping.wait()
        await background.stop()
        stop_watch.set()
        await watcher


def _background(engine: Engine, data_dir: Path, telegram: Any = None, slack: Any = None) -> Any:
    from bot.service import Background, retention

    scheduler = _scheduler(engine, data_dir, telegram=telegram, slack=slack)
    return Background(scheduler, purge=retention(_personal(data_dir), scheduler))


def _scheduler(engine: Engine, data_dir: Path, telegram: Any = None, slack: Any = None) -> Any:
    from bot.service import base_channels, build_scheduler

    channels = base_channels(data_dir)
    if telegram is not None:
        from adapters.telegram.channel import TelegramChannel

        channels["telegram"] = TelegramChannel(telegram)
    if slack is not None:
        from adapters.slack.channel import SlackChannel

        channels["slack"] = SlackChannel(slack)
    return build_scheduler(
        data_dir,
        engine.scripts,
        channels,
        invite_link=_invite_link(data_dir),
        managers=engine.managers,
        follow_ups=engine.follow_ups,
        evaluations=engine.evaluations,
    )


def _invite_link(data_dir: Path) -> Any:
    """For an e-mailed invitation to someone on Telegram: their personal start link."""
    username = os.environ.get("TELEGRAM_BOT_USERNAME", "").strip().lstrip("@")
    if not username:
        return None
    access = _access(data_dir)

    def link(person: Any) -> str | None:
        if person.platform != "telegram":
            return None
        return f"https://t.me/{username}?start={access.invite(person.id, 'telegram')}"

    return link


def cmd_schedule_status(args: argparse.Namespace) -> int:
    from zoneinfo import ZoneInfo

    data_dir = _data_dir()
    scheduler = _scheduler(_engine(None, "nl", data_dir), data_dir)
    if scheduler.roster.store.import_pending():
        print(
            "popbot: a roster import did not finish: run 'popbot roster import FILE' again",
            file=sys.stderr,
        )
    entries = scheduler.outbox.everything()
    if not entries:
        print("popbot: nothing is planned (popbot roster import FILE)", file=sys.stderr)
        return 1
    rows = [("due", "kind", "person", "to", "via", "status", "")]
    for e in entries:
        person = scheduler.roster.get(e.person)
        to = scheduler.roster.get(e.to) if e.to else scheduler.recipient(e, person) if person else None
        zone = ZoneInfo((to or person).timezone) if (to or person) else ZoneInfo("UTC")
        via = e.channel or ((scheduler.route(to) or ("unreachable",))[0] if to else "–")
        status = e.status + (" (late)" if e.late else "")
        if e.status == "failed":
            status = "FAILED"
        detail = e.error if e.status == "failed" else e.note
        if e.status in ("planned", "sending") and e.attempts:
            detail = (
                f"try {e.attempts + 1} at {e.next_try:%Y-%m-%d %H:%M} UTC: {e.error}"
                if e.next_try
                else e.error
            )
        if e.deadline and e.status == "planned":
            detail = f"when finished, at the latest {e.deadline.astimezone(zone):%Y-%m-%d %H:%M %Z}"
        rows.append(
            (
                e.due.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z"),
                e.kind,
                e.person,
                to.id if to else "–",
                via,
                status,
                detail,
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip())
    failed = sum(e.status == "failed" for e in entries)
    if failed:
        print(f"popbot: {failed} message(s) could not be delivered — see FAILED above", file=sys.stderr)
    return 0


def cmd_schedule_plan(args: argparse.Namespace) -> int:
    data_dir = _data_dir()
    changed = _scheduler(_engine(None, "nl", data_dir), data_dir).sync()
    print(f"schedule: {changed} message(s) planned, moved or cancelled (popbot schedule status)")
    return 0


def cmd_schedule_run_due(args: argparse.Namespace) -> int:
    data_dir = _data_dir()
    engine = _engine(None, "nl", data_dir)

    async def one_pass() -> Any:
        from contextlib import AsyncExitStack

        async with AsyncExitStack() as stack:
            telegram = slack = None
            if os.environ.get("TELEGRAM_BOT_TOKEN", "").strip():
                from telegram import Bot

                token, api = _telegram_config()
                telegram = await stack.enter_async_context(
                    Bot(token, base_url=f"{api.rstrip('/')}/bot{{token}}")
                )
            if os.environ.get("SLACK_BOT_TOKEN", "").strip():
                from slack_sdk.web.async_client import AsyncWebClient

                from adapters.slack.adapter import DEFAULT_API

                api_url = os.environ.get("SLACK_API_URL", DEFAULT_API).rstrip("/") + "/"
                slack = AsyncWebClient(token=os.environ["SLACK_BOT_TOKEN"].strip(), base_url=api_url)
            scheduler = _scheduler(engine, data_dir, telegram=telegram, slack=slack)
            # no re-plan here: a pass reads only the due-time index, never the whole roster
            return await scheduler.run_due()

    report = asyncio.run(one_pass())
    if report.busy:
        print("popbot: another process is sending right now; nothing done", file=sys.stderr)
        return 0
    print(
        f"sent {len(report.sent)}, skipped {len(report.skipped)}, cancelled {len(report.cancelled)}, "
        f"waiting {len(report.waiting)}, retrying {len(report.retrying)}, failed {len(report.failed)}"
    )
    return 1 if report.failed else 0


def _personal(data_dir: Path) -> Any:
    from bot.privacy import PersonalData
    from storage import TinyDBStore
    from storage.outbox_files import OutboxFiles

    access = _access(data_dir)
    return PersonalData(TinyDBStore(data_dir), OutboxFiles(data_dir), access, access.clock)


def cmd_privacy_export(args: argparse.Namespace) -> int:
    """HR's counterpart of the employee's `mijngegevens`: everything held, as JSON (or Markdown)."""
    from bot.privacy import to_markdown

    personal = _personal(_data_dir())
    data = personal.export(args.employee)
    if data["roster"] is None and not data["records"]:
        print(f"popbot: nothing is held about '{args.employee}'", file=sys.stderr)
        return 1
    text = to_markdown(data, {}) if args.markdown else json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if args.output:
        _write_private(Path(args.output), text)
        print(f"wrote {args.output}")
    else:
        sys.stdout.write(text)
    return 0


def _write_private(path: Path, text: str) -> None:
    """Personal data to a file of the user's choosing: readable by its owner only (0600),
    also when the file was there before with wider permissions."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    except OSError as exc:
        raise PopbotError(f"{path}: cannot write ({exc.strerror})") from None
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        os.fchmod(f.fileno(), 0o600)
        f.write(text)


def cmd_privacy_erase(args: argparse.Namespace) -> int:
    """HR's counterpart of the employee's `verwijder`: erase everything, after confirmation."""
    if not args.yes:
        if not sys.stdin.isatty():
            print("popbot: add --yes to erase without a question (nothing was erased)", file=sys.stderr)
            return 1
        answer = input(f"Erase everything popbot holds about '{args.employee}'? Type the id to confirm: ")
        if answer.strip() != args.employee:
            print("popbot: not confirmed; nothing was erased", file=sys.stderr)
            return 1
    personal = _personal(_data_dir())
    if args.employee in personal.store.unfinished_erasures():
        print(f"an earlier erasure of '{args.employee}' was interrupted; it is finished now")
    gone = personal.erase(args.employee)
    print("erased: " + ", ".join(f"{n} {what}" for what, n in gone.items()))
    print("The roster entry stays (HR's roster); remove it there and re-import to stop everything.")
    return 0


def cmd_privacy_purge(args: argparse.Namespace) -> int:
    """Retention, once (for cron when no bot runs; a running bot does it daily)."""
    from bot.service import retention

    data_dir = _data_dir()
    scheduler = _scheduler(_engine(None, "nl", data_dir), data_dir)
    gone = retention(_personal(data_dir), scheduler)()
    assert isinstance(gone, dict)
    months = scheduler.config.retention_months
    print(f"retention {months} months: " + ", ".join(f"{n} {what}" for what, n in gone.items()))
    return 0


def cmd_data_check(args: argparse.Namespace) -> int:
    """Every data file that does not read, and whether its backup does."""
    from storage.repair import check

    for pseudonym in _personal(_data_dir()).finish_unfinished():
        print(f"an interrupted erasure ({pseudonym}, as in audit.log) is finished now")
    found = check(_data_dir())
    for damage in found:
        way = "popbot data restore FILE" if damage.backup else "no readable backup: --fresh"
        print(f"{damage.path}: {damage.problem} ({way})")
    print(f"{len(found)} damaged file(s)" if found else "every data file reads")
    return 1 if found else 0


def cmd_data_restore(args: argparse.Namespace) -> int:
    from storage.repair import restore

    print(restore(_data_dir(), Path(args.file), fresh=args.fresh))
    return 0


def cmd_roster_import(args: argparse.Namespace) -> int:
    from bot.engine import utc_now
    from bot.roster import RosterError, parse_roster

    warnings: list[str] = []
    try:
        people = parse_roster(Path(args.file), LANGUAGES, now=utc_now(), warnings=warnings)
    except RosterError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"popbot: nothing was imported from {args.file}", file=sys.stderr)
        return 1
    for warning in warnings:
        print(warning, file=sys.stderr)
    data_dir = _data_dir()
    scheduler = _scheduler(_engine(None, "nl", data_dir), data_dir)
    result, planned, resumed = scheduler.import_roster(people)
    if resumed:
        print("an earlier import was interrupted: everyone is planned again")
    print(
        f"{len(people)} people: {len(result.added)} added, {len(result.updated)} updated, "
        f"{len(result.deactivated)} no longer in the roster (kept, schedule stopped)"
    )
    print(f"schedule: {planned} message(s) planned, moved or cancelled (popbot schedule status)")
    if scheduler.unplanned:
        print(
            f"popbot: {len(scheduler.unplanned)} could not be planned (see the log above): "
            f"{', '.join(scheduler.unplanned[:10])}; run the import again once that is mended",
            file=sys.stderr,
        )
        return 1
    return 0


def cmd_roster_show(args: argparse.Namespace) -> int:
    from bot.domain import DONE, START
    from storage import TinyDBStore

    store = TinyDBStore(_data_dir())
    people = _roster(_data_dir()).everyone()
    if not people:
        print("popbot: the roster is empty (popbot roster import FILE)", file=sys.stderr)
        return 1
    rows = [("id", "name", "manager", "conversation", "platform", "status")]
    for p in people:
        record = store.load(p.id)
        if not p.active:
            status = "inactive"
        elif record is None or record.state == START:
            status = "not started"
        elif record.state == DONE:
            status = "done"
        else:
            status = f"at {record.state} ({len(record.answers)} answers)"
        when = p.conversation_at()
        rows.append(
            (
                p.id,
                p.name,
                p.manager or "–",
                when.strftime("%Y-%m-%d %H:%M %Z") if when else "–",
                p.platform or "–",
                status,
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip())
    return 0


def person_id(text: str) -> str:
    """An id on the command line, checked by the roster's rule (invalid UTF-8 included)."""
    from bot.roster import id_problem

    problem = id_problem(text)
    if problem is not None:
        raise argparse.ArgumentTypeError(problem)
    return text


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="popbot", description="Prepare a POP-gesprek in chat.")
    sub = p.add_subparsers(dest="command", required=True)

    chat = sub.add_parser("chat", help="the dialog in this terminal (reads piped input too)")
    chat.add_argument("--user", required=True, type=person_id, help="the employee id to answer as")
    chat.add_argument("--lang", default="nl", choices=LANGUAGES, help="language for someone new (default nl)")
    chat.add_argument("--script", help="a script file instead of the bundled ones")
    chat.set_defaults(func=cmd_chat)

    draft = sub.add_parser("draft", help="print an employee's draft POP as Markdown")
    draft.add_argument("employee", type=person_id)
    draft.add_argument("--lang", default="nl", choices=LANGUAGES)
    draft.add_argument("--script")
    draft.set_defaults(func=cmd_draft)

    dialogs = sub.add_parser("dialogs", help="work on dialog scripts")
    dsub = dialogs.add_subparsers(dest="dialogs_command", required=True)
    validate = dsub.add_parser("validate", help="check scripts; prints file:line:column: message")
    validate.add_argument("files", nargs="+")
    validate.add_argument("--lang", default="en", choices=LANGUAGES, help="language of the messages")
    validate.set_defaults(func=cmd_validate)
    schema = dsub.add_parser("schema", help="write the JSON Schema of scripts (dialogs/schema.json)")
    schema.add_argument("-o", "--output")
    schema.set_defaults(func=cmd_schema)
    graph = dsub.add_parser("graph", help="draw the flow: -o flow.mmd | flow.svg | flow.png")
    graph.add_argument("file")
    graph.add_argument("-o", "--output", required=True)
    graph.set_defaults(func=cmd_graph)
    preview = dsub.add_parser("preview", help="try a script in the console with a throw-away store")
    preview.add_argument("file")
    preview.set_defaults(func=cmd_preview)

    telegram = sub.add_parser("telegram", help="run the Telegram bot (long polling, or --webhook)")
    telegram.add_argument("--webhook", action="store_true", help="receive updates by webhook")
    telegram.add_argument("--url", help="the webhook's public URL, e.g. https://pop.example.org/telegram")
    telegram.add_argument("--listen", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    telegram.add_argument("--port", type=int, default=8443)
    telegram.add_argument("--lang", default="nl", choices=LANGUAGES)
    telegram.set_defaults(func=cmd_telegram)

    slack = sub.add_parser("slack", help="run the Slack app (Socket Mode with SLACK_APP_TOKEN, else HTTP)")
    slack.add_argument("--port", type=int, default=3000, help="HTTP mode: port (path /slack/events)")
    slack.add_argument("--listen", default="0.0.0.0", help="HTTP mode: address to listen on")
    slack.add_argument("--lang", default="nl", choices=LANGUAGES)
    slack.set_defaults(func=cmd_slack)

    serve = sub.add_parser("serve", help="every configured adapter and the schedule in one process")
    serve.add_argument("--port", type=int, default=3000, help="Slack's HTTP port (path /slack/events)")
    serve.add_argument("--listen", default="0.0.0.0", help="Slack's HTTP address")
    serve.add_argument("--lang", default="nl", choices=LANGUAGES)
    serve.set_defaults(func=cmd_serve)

    roster = sub.add_parser("roster", help="the employees: import HR's CSV, show where each stands")
    rsub = roster.add_subparsers(dest="roster_command", required=True)
    rimport = rsub.add_parser(
        "import", help="load a roster CSV (nothing is imported from a file with errors)"
    )
    rimport.add_argument("file")
    rimport.set_defaults(func=cmd_roster_import)
    rshow = rsub.add_parser("show", help="list people and where each stands")
    rshow.set_defaults(func=cmd_roster_show)

    schedule = sub.add_parser("schedule", help="the invitations, reminders and drafts the clock sends")
    ssub = schedule.add_subparsers(dest="schedule_command", required=True)
    sstatus = ssub.add_parser("status", help="list what is due when, what was sent and what failed")
    sstatus.set_defaults(func=cmd_schedule_status)
    splan = ssub.add_parser("plan", help="re-plan everyone (after editing the schedule file)")
    splan.set_defaults(func=cmd_schedule_plan)
    srun = ssub.add_parser("run-due", help="send what is due now, once (for cron)")
    srun.set_defaults(func=cmd_schedule_run_due)

    privacy = sub.add_parser("privacy", help="an employee's data: export it, erase it (AVG/GDPR)")
    psub = privacy.add_subparsers(dest="privacy_command", required=True)
    pexport = psub.add_parser("export", help="everything held about an employee (JSON, or --markdown)")
    pexport.add_argument("employee", type=person_id)
    pexport.add_argument("--markdown", action="store_true", help="readable Markdown instead of JSON")
    pexport.add_argument("-o", "--output", help="write to this file instead of standard output")
    pexport.set_defaults(func=cmd_privacy_export)
    perase = psub.add_parser("erase", help="erase everything held about an employee (asks first)")
    perase.add_argument("employee", type=person_id)
    perase.add_argument("--yes", action="store_true", help="do not ask (for scripts)")
    perase.set_defaults(func=cmd_privacy_erase)
    ppurge = psub.add_parser("purge", help="retention: erase finished rounds older than the schedule says")
    ppurge.set_defaults(func=cmd_privacy_purge)

    data = sub.add_parser("data", help="damaged data files: find them, restore the kept backup")
    dsub = data.add_subparsers(dest="data_command", required=True)
    dcheck = dsub.add_parser("check", help="list data files that do not read (exit 1 if any)")
    dcheck.set_defaults(func=cmd_data_check)
    drestore = dsub.add_parser("restore", help="put a damaged file's previous version back")
    drestore.add_argument("file", help="the file the error message names")
    drestore.add_argument("--fresh", action="store_true", help="remove it instead: that one starts afresh")
    drestore.set_defaults(func=cmd_data_restore)

    invite = sub.add_parser("invite", help="print a single-use invitation link for an employee")
    invite.add_argument("employee", type=person_id)
    invite.set_defaults(func=cmd_invite)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    # Emoji, accents and invalid bytes (in an argument, echoed in an error) must not crash a
    # terminal with a narrow encoding.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")
    args = parser().parse_args(argv)
    from dotenv import load_dotenv

    load_dotenv(override=False)  # secrets may live in a .env that is kept out of git
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # Only popbot's own logger follows POPBOT_LOG_LEVEL: it never logs answer text. Libraries stay
    # at WARNING, because at DEBUG they log whole requests, answers included.
    logging.getLogger("popbot").setLevel(os.environ.get("POPBOT_LOG_LEVEL", "INFO").upper())
    try:
        code: int = args.func(args)
    except ScriptError as exc:
        print("popbot: the dialog script has problems:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    except PopbotError as exc:
        print(f"popbot: {exc}", file=sys.stderr)
        return 1
    return code


if __name__ == "__main__":
    raise SystemExit(main())
