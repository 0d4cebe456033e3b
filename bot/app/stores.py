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
from storage.script_edits import ScriptEditFolder

if TYPE_CHECKING:  # the driver is imported only when a database is configured
    from bot.ports import ScriptArchive, ScriptEdits
    from storage.postgres.database import Database
    from storage.postgres.outbox import PostgresOutbox
    from storage.postgres.store import PostgresStore


@dataclass
class Stores:
    people: TinyDBStore | PostgresStore  # records, roster, progress, access, inbox, privacy
    outbox: OutboxFiles | PostgresOutbox
    scripts: ScriptArchive
    edits: ScriptEdits  # HR's edited scripts
    database: Database | None = None

    def close(self) -> None:
        if self.database is not None:
            self.database.close()


def scripts_folder(settings: Settings, data_dir: Path) -> Path:
    """Where HR's edited scripts are kept as files: POPBOT_SCRIPTS_DIR, else in the data folder."""
    return settings.popbot_scripts_dir or data_dir / "dialogs"


def open_stores(settings: Settings, data_dir: Path) -> Stores:
    url = settings.database_url
    edits = ScriptEditFolder(scripts_folder(settings, data_dir))
    if not url:
        return Stores(TinyDBStore(data_dir), OutboxFiles(data_dir), ScriptFolder(data_dir / "scripts"), edits)
    from storage.postgres.database import Database, check_schema
    from storage.postgres.outbox import PostgresOutbox
    from storage.postgres.store import PostgresStore

    db = Database(url)
    db.open()  # a wrong address or password: one clear line now, not at the first turn
    check_schema(db)  # older or newer than this popbot: refused, naming the command to run
    people = PostgresStore(db)
    # HR's edits in the database, the same on every replica — unless IT keeps them in a folder
    # the replicas share (POPBOT_SCRIPTS_DIR, as releases before this one did)
    on_disk = settings.popbot_scripts_dir is not None
    outbox = PostgresOutbox(db, settings.popbot_outbox_lease)
    return Stores(people, outbox, people, edits if on_disk else people, db)
