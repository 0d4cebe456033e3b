"""`popbot chat`, `popbot draft` and `popbot dialogs preview`: the dialog in a terminal."""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

from pydantic import SecretStr

from adapters.console import ConsoleInbox, run_console
from bot.app.settings import Settings
from bot.app.wiring import Parts
from bot.dialog.reload import watch_scripts
from bot.dialog.script import load_script


async def _chat(parts: Parts, user: str, inbox: bool = True) -> None:
    engine = parts.engine
    stop = asyncio.Event()
    watcher = asyncio.create_task(watch_scripts(engine.registries, stop))
    try:
        await run_console(
            engine,
            user,
            language=parts.language,
            inbox=ConsoleInbox(parts.store) if inbox else None,
            files=parts.store.exports_folder(user) if inbox else None,
        )
    finally:
        stop.set()
        await watcher


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    parts = Parts(settings, language=args.lang, script=args.script)
    try:
        asyncio.run(_chat(parts, args.user))
    except KeyboardInterrupt:
        print()
    return 0


def cmd_preview(args: argparse.Namespace, settings: Settings) -> int:
    # A throw-away store: HR walks through a change without touching real data.
    with tempfile.TemporaryDirectory(prefix="popbot-preview-") as tmp:
        loaded = load_script(args.file)
        # files in the temporary folder even when the real data are in a database
        local = settings.model_copy(update={"popbot_database_url": SecretStr("")})
        parts = Parts(local, language=loaded.script.language, script=args.file, data_dir=Path(tmp))
        asyncio.run(_chat(parts, "preview", inbox=False))
    return 0


def cmd_draft(args: argparse.Namespace, settings: Settings) -> int:
    parts = Parts(settings, language=args.lang, script=args.script)
    text = asyncio.run(parts.engine.draft(args.employee))
    if text is None:
        print(f"popbot: no data for employee '{args.employee}' in {parts.data_dir}", file=sys.stderr)
        return 1
    sys.stdout.write(text)
    return 0
