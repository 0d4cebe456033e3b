"""`popbot`: the command line, the entry point of the composition root.

It reads the settings once and runs a command from `bot/app/commands/`; the commands
build what they need with `bot/app/wiring.py`. Nothing outside `bot/app/` reads the
environment, picks a store or starts a platform.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from importlib import import_module
from pathlib import Path

from pydantic import ValidationError

from bot.app import platforms
from bot.app.configuration import models, secret_names, secrets_from_files
from bot.app.logs import configure as configure_logs
from bot.app.release import version
from bot.app.settings import LANGUAGES, Settings, platform_settings
from bot.dialog.problems import ScriptError
from bot.errors import PopbotError
from bot.platform import person_id

__all__ = ["main", "parser"]

Command = Callable[[argparse.Namespace, Settings], int]


def command(name: str) -> Command:
    """`bot.app.commands.<module>.cmd_<…>`, imported when it runs: a command loads only what
    it needs (`popbot schedule status` does not load the engine, the scripts' parser or
    fpdf2 — they were ~0.8 s of every call)."""
    module, function = name.split(":")

    def run(args: argparse.Namespace, settings: Settings) -> int:
        found: Command = getattr(import_module(f"bot.app.commands.{module}"), function)
        return found(args, settings)

    return run


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="popbot", description="Prepare a POP-gesprek in chat.")
    p.add_argument("--version", action="version", version=f"popbot {version()}")
    sub = p.add_subparsers(dest="command", required=True)

    chat = sub.add_parser("chat", help="the dialog in this terminal (reads piped input too)")
    chat.add_argument("--user", required=True, type=person_id, help="the employee id to answer as")
    chat.add_argument("--lang", default="nl", choices=LANGUAGES, help="language for someone new (default nl)")
    chat.add_argument("--script", help="a script file instead of the bundled ones")
    chat.set_defaults(func=command("chat:cmd_chat"))

    draft = sub.add_parser("draft", help="an employee's draft POP: Markdown, or the PDF the manager gets")
    draft.add_argument("employee", type=person_id)
    draft.add_argument("--lang", default="nl", choices=LANGUAGES)
    draft.add_argument("--script")
    draft.add_argument(
        "--pdf", action="store_true", help="write the PDF the manager gets (the roster's names)"
    )
    draft.add_argument(
        "--alignment", action="store_true", help="write the manager's alignment summary PDF instead"
    )
    draft.add_argument("-o", "--output", type=Path, help="the PDF's file (default: its own name, here)")
    draft.set_defaults(func=command("chat:cmd_draft"))

    dialogs = sub.add_parser("dialogs", help="work on dialog scripts")
    dsub = dialogs.add_subparsers(dest="dialogs_command", required=True)
    validate = dsub.add_parser("validate", help="check scripts; prints file:line:column: message")
    validate.add_argument("files", nargs="+")
    validate.add_argument("--lang", default="en", choices=LANGUAGES, help="language of the messages")
    validate.set_defaults(func=command("dialogs:cmd_validate"))
    schema = dsub.add_parser("schema", help="write the JSON Schema of scripts (dialogs/schema.json)")
    schema.add_argument("-o", "--output")
    schema.set_defaults(func=command("dialogs:cmd_schema"))
    graph = dsub.add_parser("graph", help="draw the flow: -o flow.mmd | flow.svg | flow.png")
    graph.add_argument("file")
    graph.add_argument("-o", "--output", required=True)
    graph.set_defaults(func=command("dialogs:cmd_graph"))
    preview = dsub.add_parser("preview", help="try a script in the console with a throw-away store")
    preview.add_argument("file")
    preview.set_defaults(func=command("chat:cmd_preview"))

    for platform in platforms.registered():  # each platform's own commands (`popbot telegram`, …)
        platform.commands(sub, LANGUAGES)

    serve = sub.add_parser(
        "serve", help="the console, every configured platform and the schedule in one process (--only: some)"
    )
    serve.add_argument(
        "--port",
        type=int,
        default=3000,
        help="the HTTP port: every platform's routes, /console, /healthz, /readyz, /metrics",
    )
    serve.add_argument("--listen", default="0.0.0.0", help="the HTTP address")
    serve.add_argument(
        "--only",
        type=platforms.only,
        metavar="PARTS",
        help="serve only these, comma-separated: "
        + ", ".join([platforms.CONSOLE, *(p.name for p in platforms.registered())])
        + " (default: the console and every configured platform)",
    )
    for platform in platforms.registered():
        platform.serve_options(serve)
    serve.add_argument("--lang", default="nl", choices=LANGUAGES)
    serve.set_defaults(func=command("serve:cmd_serve"))

    roster = sub.add_parser("roster", help="the employees: import HR's CSV, show where each stands")
    rsub = roster.add_subparsers(dest="roster_command", required=True)
    rimport = rsub.add_parser(
        "import", help="load a roster CSV (nothing is imported from a file with errors)"
    )
    rimport.add_argument("file")
    rimport.set_defaults(func=command("roster:cmd_roster_import"))
    rshow = rsub.add_parser("show", help="per manager, how far their reports are; with --all, everyone")
    rshow.add_argument("--all", action="store_true", help="list everyone and where each stands")
    rshow.add_argument("--manager", metavar="ID", help="list this manager's reports")
    rshow.add_argument("--json", action="store_true", help="for scripts")
    rshow.set_defaults(func=command("roster:cmd_roster_show"))

    schedule = sub.add_parser("schedule", help="the invitations, reminders and drafts the clock sends")
    ssub = schedule.add_subparsers(dest="schedule_command", required=True)
    sstatus = ssub.add_parser(
        "status", help="a summary of what failed and what is due; with a filter, the messages"
    )
    sstatus.add_argument("--all", action="store_true", help="list every message")
    sstatus.add_argument("--person", metavar="ID", help="only this person's messages")
    sstatus.add_argument("--manager", metavar="ID", help="only the messages about this manager's reports")
    sstatus.add_argument("--from", dest="since", metavar="DATE", help="due on or after (YYYY-MM-DD, UTC)")
    sstatus.add_argument("--to", dest="until", metavar="DATE", help="due on or before (YYYY-MM-DD, UTC)")
    sstatus.add_argument("--status", choices=("planned", "sending", "sent", "skipped", "failed", "cancelled"))
    sstatus.add_argument("--kind", metavar="KIND", help="invitation, reminder, delivery, …")
    sstatus.add_argument("--json", action="store_true", help="for scripts")
    sstatus.set_defaults(func=command("schedule:cmd_schedule_status"))
    splan = ssub.add_parser("plan", help="re-plan everyone (after editing the schedule file)")
    splan.set_defaults(func=command("schedule:cmd_schedule_plan"))
    srun = ssub.add_parser("run-due", help="send what is due now, once (for cron)")
    srun.set_defaults(func=command("schedule:cmd_schedule_run_due"))

    privacy = sub.add_parser("privacy", help="an employee's data: export it, erase it (AVG/GDPR)")
    psub = privacy.add_subparsers(dest="privacy_command", required=True)
    pexport = psub.add_parser("export", help="everything held about an employee (JSON, or --markdown)")
    pexport.add_argument("employee", type=person_id)
    pexport.add_argument("--markdown", action="store_true", help="readable Markdown instead of JSON")
    pexport.add_argument("-o", "--output", help="write to this file instead of standard output")
    pexport.set_defaults(func=command("privacy:cmd_privacy_export"))
    perase = psub.add_parser("erase", help="erase everything held about an employee (asks first)")
    perase.add_argument("employee", type=person_id)
    perase.add_argument("--yes", action="store_true", help="do not ask (for scripts)")
    perase.set_defaults(func=command("privacy:cmd_privacy_erase"))
    ppurge = psub.add_parser("purge", help="retention: erase finished rounds older than the schedule says")
    ppurge.set_defaults(func=command("privacy:cmd_privacy_purge"))

    data = sub.add_parser("data", help="damaged data files: find them, restore the kept backup")
    dsub = data.add_subparsers(dest="data_command", required=True)
    dcheck = dsub.add_parser("check", help="list data files that do not read (exit 1 if any)")
    dcheck.set_defaults(func=command("data:cmd_data_check"))
    drestore = dsub.add_parser("restore", help="put a damaged file's previous version back")
    drestore.add_argument("file", help="the file the error message names")
    drestore.add_argument("--fresh", action="store_true", help="remove it instead: that one starts afresh")
    drestore.set_defaults(func=command("data:cmd_data_restore"))

    dmigrate = dsub.add_parser(
        "migrate", help="copy all data between the files and PostgreSQL (idempotent, resumable, verified)"
    )
    dmigrate.add_argument("--to", required=True, help="postgresql://… or a data folder")
    dmigrate.add_argument("--from", dest="source", help="postgresql://… or a data folder (POPBOT_DATA_DIR)")
    how = dmigrate.add_mutually_exclusive_group()
    how.add_argument("--replace", action="store_true", help="a target with other data: remove that first")
    how.add_argument("--merge", action="store_true", help="a target with other data: keep it beside")
    dmigrate.set_defaults(func=command("database:cmd_data_migrate"))

    config = sub.add_parser("config", help="popbot's settings")
    csub = config.add_subparsers(dest="config_command", required=True)
    example = csub.add_parser("example", help="write .env.example: every variable at its default")
    example.add_argument("-o", "--output", type=Path, help="the file (default: standard output)")
    example.set_defaults(func=command("configure:cmd_config_example"))

    db = sub.add_parser("db", help="the PostgreSQL schema (POPBOT_DATABASE_URL)")
    dbsub = db.add_subparsers(dest="db_command", required=True)
    upgrade = dbsub.add_parser(
        "upgrade", help="apply the schema migrations this release needs (each release)"
    )
    upgrade.set_defaults(func=command("database:cmd_db_upgrade"))
    dbstatus = dbsub.add_parser("status", help="the schema's version, and the one this popbot needs")
    dbstatus.set_defaults(func=command("database:cmd_db_status"))

    webp = sub.add_parser(
        "web", help="the browser console for HR and managers (serve has it too, at /console)"
    )
    # --listen on every command that listens (--host: the name of earlier releases)
    webp.add_argument(
        "--listen", "--host", dest="listen", default="127.0.0.1", help="the address to listen on"
    )
    webp.add_argument("--port", type=int, default=8080)
    webp.set_defaults(func=command("web:cmd_web"))
    wsub = webp.add_subparsers(dest="web_command")
    adduser = wsub.add_parser("add-user", help="a local account (password asked, or --password-stdin)")
    adduser.add_argument("email")
    adduser.add_argument("--role", choices=("hr", "manager"), required=True)
    adduser.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    adduser.set_defaults(func=command("web:cmd_web_add_user"))
    removeuser = wsub.add_parser("remove-user", help="remove a local account (its sessions end at once)")
    removeuser.add_argument("email")
    removeuser.set_defaults(func=command("web:cmd_web_remove_user"))

    # what a command does with the data folder, when the files hold the data (see `_data_folder`)
    for reads in (draft, rshow, sstatus, splan, srun, pexport, perase, ppurge, dcheck, drestore, removeuser):
        reads.set_defaults(data="reads")
    # they say where they started one; `chat` does not: in the employee's terminal every
    # sentence is the script's (README: answers go to ./data), and a server says it in its log
    for creates in (rimport, adduser):
        creates.set_defaults(data="creates")
    _defaults_in_help(p)
    return p


class _Defaults(argparse.HelpFormatter):
    """An option's default in its help, where it has one worth saying (not None or off) and
    the help does not say it already."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        default = action.default
        if default in (None, False, argparse.SUPPRESS) or "default" in text or not action.option_strings:
            return text
        return f"{text} (default: %(default)s)".strip()


def _defaults_in_help(p: argparse.ArgumentParser) -> None:
    """Every command's `--help` shows its options' defaults."""
    p.formatter_class = _Defaults
    for action in p._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                _defaults_in_help(child)


def _data_folder(args: argparse.Namespace, settings: Settings) -> str | None:
    """A command run from the wrong folder must not start an empty `./data` silently: one that
    reads data and finds no folder says where it looked; one that starts data says where."""
    folder = settings.popbot_data_dir
    if settings.database_url or folder.exists():
        return None
    what = getattr(args, "data", None)
    where = folder.resolve()
    if what == "reads":
        return (
            f"no data folder at {where} (POPBOT_DATA_DIR={folder}): run popbot from the folder "
            "that holds its data, or set POPBOT_DATA_DIR (or POPBOT_DATABASE_URL)"
        )
    if what == "creates":
        print(f"popbot: a new data folder at {where}", file=sys.stderr)
    return None


def main(argv: Sequence[str] | None = None) -> int:
    # Emoji, accents and invalid bytes (in an argument, echoed in an error) must not crash a
    # terminal with a narrow encoding.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")
    args = parser().parse_args(argv)
    configure_logs()  # until the settings are read: their level and format, then
    try:
        secrets_from_files(secret_names(models()))  # NAME_FILE: a mounted secret's file
    except PopbotError as exc:
        print(f"popbot: {exc}", file=sys.stderr)
        return 2
    try:
        settings = Settings()  # the environment, and a .env kept out of git for secrets
    except ValidationError as exc:
        for error in exc.errors():  # which variable and why; never its value (it may be a secret)
            print(f"popbot: {str(error['loc'][0]).upper()}: {error['msg']}", file=sys.stderr)
        return 2
    # Only popbot's own logger follows POPBOT_LOG_LEVEL: it never logs answer text. Libraries stay
    # at WARNING, because at DEBUG they log whole requests, answers included.
    configure_logs(settings.popbot_log_level, settings.popbot_log_format)
    try:
        for platform in platforms.registered():  # a platform's variable that does not fit: said now
            platform_settings(platform)
    except ValidationError as exc:
        for error in exc.errors():
            print(f"popbot: {str(error['loc'][0]).upper()}: {error['msg']}", file=sys.stderr)
        return 2
    wrong_folder = _data_folder(args, settings)
    if wrong_folder:
        print(f"popbot: {wrong_folder}", file=sys.stderr)
        return 1
    if getattr(args, "tool", None) is not None:  # a platform's one-off command
        args.func = command("serve:cmd_tool")
    elif getattr(args, "platform", None):  # `popbot <platform>`: that platform alone
        args.func = command("serve:cmd_platform")
    try:
        code: int = args.func(args, settings)
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
