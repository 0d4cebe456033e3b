"""`popbot data check | restore`: damaged data files, and erasures a crash cut off."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.app.settings import Settings
from bot.app.wiring import Parts
from bot.errors import PopbotError
from storage.repair import check, restore


def _files_only(settings: Settings) -> None:
    if settings.database_url:
        raise PopbotError(
            "data check and restore are for the files; with POPBOT_DATABASE_URL the data are in "
            "PostgreSQL: back it up and restore it with pg_dump and pg_restore"
        )


def cmd_data_check(args: argparse.Namespace, settings: Settings) -> int:
    """Every data file that does not read, and whether its backup does."""
    _files_only(settings)
    parts = Parts(settings)
    for pseudonym in parts.personal.finish_unfinished():
        print(f"an interrupted erasure ({pseudonym}, as in audit.log) is finished now")
    found = check(parts.data_dir)
    for damage in found:
        way = "popbot data restore FILE" if damage.backup else "no readable backup: --fresh"
        print(f"{damage.path}: {damage.problem} ({way})")
    print(f"{len(found)} damaged file(s)" if found else "every data file reads")
    return 1 if found else 0


def cmd_data_restore(args: argparse.Namespace, settings: Settings) -> int:
    _files_only(settings)
    print(restore(settings.popbot_data_dir, Path(args.file), fresh=args.fresh))
    return 0
