"""`popbot db upgrade | status` and `popbot data migrate`: PostgreSQL, the server option."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pydantic import SecretStr

from bot.app import platforms
from bot.app.settings import Settings
from bot.errors import PopbotError


def _database(url: str):  # type: ignore[no-untyped-def]
    from storage.postgres.database import Database

    db = Database(url)
    db.open()
    return db


def _url(settings: Settings) -> str:
    if not settings.database_url:
        raise PopbotError("POPBOT_DATABASE_URL is not set (postgresql://user:password@host/database)")
    return settings.database_url


def cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from storage.postgres.database import expected_version, upgrade

    db = _database(_url(settings))
    try:
        done = upgrade(db)
    finally:
        db.close()
    print(f"applied {', '.join(done)}" if done else "the schema is current")
    print(f"schema version {expected_version()} at {db.where}")
    return 0


def cmd_db_status(args: argparse.Namespace, settings: Settings) -> int:
    from storage.postgres.database import expected_version, schema_version

    db = _database(_url(settings))
    try:
        have = schema_version(db)
    finally:
        db.close()
    want = expected_version()
    state = (
        "current"
        if have == want
        else ("run `popbot db upgrade`" if have < want else "newer than this popbot")
    )
    print(f"{db.where}: schema version {have}, this popbot needs {want} ({state})")
    return 0 if have == want else 1


def cmd_data_migrate(args: argparse.Namespace, settings: Settings) -> int:
    """Files → PostgreSQL, or back; the source is only read."""
    from bot.app.stores import Stores, open_stores
    from bot.people.roster import Roster
    from bot.schedule.outbox import Outbox
    from bot.schedule.progress import recount
    from storage.transfer import TargetNotEmpty, transfer

    def stores(where: str) -> Stores:
        if where.startswith(("postgresql://", "postgres://")):
            return open_stores(
                settings.model_copy(update={"popbot_database_url": SecretStr(where)}),
                settings.popbot_data_dir,
            )
        return open_stores(settings.model_copy(update={"popbot_database_url": SecretStr("")}), Path(where))

    source_where = args.source or str(settings.popbot_data_dir)
    if source_where == args.to:
        raise PopbotError("--from and --to name the same place")
    source, target = stores(source_where), stores(args.to)
    mode = "replace" if args.replace else "merge" if args.merge else "new"
    try:
        names = tuple(p.name for p in platforms.registered())
        report = transfer(source, target, origin=_origin(source_where), mode=mode, platforms=names, say=print)
        if report.verified:  # the target's counts from its own records: the same figures as here
            people = Roster(target.people).everyone()
            damaged = recount(target.people, target.people, Outbox(target.outbox), people)
            print(f"progress counts: rebuilt from the records of {len(people)} people in the target")
            for item in damaged:
                print(f"popbot: not counted (damaged): {item}", file=sys.stderr)
    except TargetNotEmpty as exc:
        raise PopbotError(
            f"{exc}. Nothing was copied. Use --replace to remove the target's data first, or "
            "--merge to keep it beside this data (both are written to the audit log)"
        ) from None
    finally:
        source.close()
        target.close()
    print(report.summary())
    return 0 if report.verified else 1


def _origin(where: str) -> str:
    """A place named without its secrets: a folder's full path, a database's host and name."""
    if where.startswith(("postgresql://", "postgres://")):
        from urllib.parse import urlsplit

        url = urlsplit(where)
        return f"postgresql://{url.hostname or ''}:{url.port or 5432}{url.path}"
    return str(Path(where).resolve())
