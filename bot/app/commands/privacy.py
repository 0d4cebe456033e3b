"""`popbot privacy export | erase | purge`: HR's side of the employee's data rights."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from bot.app.settings import Settings
from bot.app.wiring import Parts
from bot.engine.rights import ExportWords
from bot.errors import PopbotError
from bot.people.privacy import to_markdown


def cmd_privacy_export(args: argparse.Namespace, settings: Settings) -> int:
    """HR's counterpart of the employee's `mijngegevens`: everything held, as JSON (or Markdown)."""
    parts = Parts(settings)
    data = parts.personal.export(args.employee)
    if data["roster"] is None and not data["records"]:
        print(f"popbot: nothing is held about '{args.employee}'", file=sys.stderr)
        return 1
    language = (data["roster"] or {}).get("language") or (data["records"] or [{}])[0].get("language", "nl")
    words = ExportWords(parts.engine, language)  # the person's own language, as they would read it
    text = (
        to_markdown(data, words) if args.markdown else json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    )
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


def cmd_privacy_erase(args: argparse.Namespace, settings: Settings) -> int:
    """HR's counterpart of the employee's `verwijder`: erase everything, after confirmation."""
    if not args.yes:
        if not sys.stdin.isatty():
            print("popbot: add --yes to erase without a question (nothing was erased)", file=sys.stderr)
            return 1
        answer = input(f"Erase everything popbot holds about '{args.employee}'? Type the id to confirm: ")
        if answer.strip() != args.employee:
            print("popbot: not confirmed; nothing was erased", file=sys.stderr)
            return 1
    personal = Parts(settings).personal
    if args.employee in personal.store.unfinished_erasures():
        print(f"an earlier erasure of '{args.employee}' was interrupted; it is finished now")
    gone = personal.erase(args.employee)
    print("erased: " + ", ".join(f"{n} {what}" for what, n in gone.items()))
    print("The roster entry stays (HR's roster); remove it there and re-import to stop everything.")
    return 0


def cmd_privacy_purge(args: argparse.Namespace, settings: Settings) -> int:
    """Retention, once (for cron when no bot runs; a running bot does it daily)."""
    parts = Parts(settings)
    scheduler = parts.scheduler()
    gone = parts.retention(scheduler)()
    if gone is None:
        print("retention is running in another popbot process now (a replica): nothing done here")
        return 0
    months = scheduler.config.retention_months
    print(f"retention {months} months: " + ", ".join(f"{n} {what}" for what, n in gone.items()))
    return 0
