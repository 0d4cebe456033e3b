"""`popbot`: the composition root.

The only place that reads configuration (the environment), picks the store,
loads the scripts and starts an adapter. Everything else gets what it needs
passed in.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.engine import Engine
from bot.errors import PopbotError, ScriptError
from bot.script import LoadedScript, bundled_script_path, load_script

DEFAULT_DATA_DIR = "./data"
LANGUAGES = ("nl",)


def _data_dir() -> Path:
    return Path(os.environ.get("POPBOT_DATA_DIR", DEFAULT_DATA_DIR))


def _scripts(script: str | None, language: str) -> dict[str, LoadedScript]:
    if script is not None:
        loaded = load_script(script)
        return {loaded.script.language: loaded}
    return {lang: load_script(bundled_script_path("pop", lang)) for lang in LANGUAGES}


def _engine(script: str | None, language: str) -> Engine:
    from storage import TinyDBStore

    scripts = _scripts(script, language)
    default = language if language in scripts else next(iter(scripts))
    return Engine(scripts, TinyDBStore(_data_dir()), default_language=default)


def cmd_chat(args: argparse.Namespace) -> int:
    from adapters.console import run_console

    engine = _engine(args.script, args.lang)
    try:
        asyncio.run(run_console(engine, args.user, language=args.lang))
    except KeyboardInterrupt:
        print()
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
    failed = False
    for path in args.files:
        try:
            load_script(path)
        except ScriptError as exc:
            failed = True
            for problem in exc.problems:
                print(problem, file=sys.stderr)
        else:
            print(f"{path}: ok")
    return 1 if failed else 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="popbot", description="Prepare a POP-gesprek in chat.")
    sub = p.add_subparsers(dest="command", required=True)

    chat = sub.add_parser("chat", help="the dialog in this terminal (reads piped input too)")
    chat.add_argument("--user", required=True, help="the employee id to answer as")
    chat.add_argument("--lang", default="nl", help="language for someone new (default nl)")
    chat.add_argument("--script", help="a script file instead of the bundled one")
    chat.set_defaults(func=cmd_chat)

    draft = sub.add_parser("draft", help="print an employee's draft POP as Markdown")
    draft.add_argument("employee")
    draft.add_argument("--lang", default="nl")
    draft.add_argument("--script")
    draft.set_defaults(func=cmd_draft)

    dialogs = sub.add_parser("dialogs", help="work on dialog scripts")
    dsub = dialogs.add_subparsers(dest="dialogs_command", required=True)
    validate = dsub.add_parser("validate", help="check scripts; prints file:line:column: message")
    validate.add_argument("files", nargs="+")
    validate.set_defaults(func=cmd_validate)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    # Emoji and accents must not crash a terminal with a narrow encoding.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")
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
