"""Which store holds the data, chosen once from the settings: the files under
`POPBOT_DATA_DIR` (the embedded default), or PostgreSQL when `POPBOT_DATABASE_URL` is set.
Either way the same ports; nothing past this module knows which."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.app.settings import Settings
from storage import TinyDBStore
from storage.outbox_files import OutboxFiles
from storage.script_archive import ScriptFolder

if TYPE_CHECKING:  # the driver is imported only when a database is configured
    from bot.ports import ScriptArchive
    from storage.postgres.database import Database
    from storage.postgres.outbox import PostgresOutbox
    from storage.postgres.store import PostgresStore


@dataclass
class Stores:
    people: TinyDBStore | PostgresStore  # records, roster, progress, access, inbox, privacy
    outbox: OutboxFiles | PostgresOutbox
    scripts: ScriptArchive
    database: Database | None = None

    def close(self) -> None:
        if self.database is not None:
            self.database.close()


def open_stores(settings: Settings, data_dir: Path) -> Stores:
    url = settings.database_url
    if not url:
        return Stores(TinyDBStore(data_dir), OutboxFiles(data_dir), ScriptFolder(data_dir / "scripts"))
    from storage.postgres.database import Database, check_schema
    from storage.postgres.outbox import PostgresOutbox
    from storage.postgres.store import PostgresStore

    db = Database(url)
    db.open()  # a wrong address or password: one clear line now, not at the first turn
    check_schema(db)  # older or newer than this popbot: refused, naming the command to run
    people = PostgresStore(db, data_dir)
    return Stores(people, PostgresOutbox(db, settings.popbot_outbox_lease), people, db)
