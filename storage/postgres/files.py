"""The files kept for a person — the console inbox's PDFs, saved exports — as rows of the
database every replica shares: a document made on one replica opens on another, and no
replica needs a folder of its own (`storage.person_files` is the files store's counterpart)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from storage.person_files import file_name
from storage.postgres.database import Database


def _area(export: bool) -> str:
    return "exports" if export else "inbox"


class DatabaseFiles:
    def __init__(self, db: Database) -> None:
        self.db = db

    def local_path(self, person_id: str, name: str, *, export: bool = False) -> Path | None:
        """Never a file on this machine's disk: the content is in the database."""
        return None

    def save_file(self, person_id: str, name: str, content: bytes, *, export: bool = False) -> None:
        """One statement, committed when it returns: the file whole, or not at all."""
        with self.db.connection() as conn:
            conn.execute(
                "INSERT INTO person_files (person, area, name, content) VALUES (%s, %s, %s, %s) "
                "ON CONFLICT (person, area, name) DO UPDATE SET content = excluded.content, saved_at = now()",
                (person_id, _area(export), file_name(name), content),
            )

    def read_file(self, person_id: str, name: str, *, export: bool = False) -> bytes | None:
        with self.db.connection() as conn:
            row = conn.execute(
                "SELECT content FROM person_files WHERE person = %s AND area = %s AND name = %s",
                (person_id, _area(export), name),
            ).fetchone()
        return bytes(row[0]) if row else None

    def file_names(self, person_id: str, *, export: bool = False) -> list[str]:
        with self.db.connection() as conn:
            rows = conn.execute(
                "SELECT name FROM person_files WHERE person = %s AND area = %s ORDER BY name",
                (person_id, _area(export)),
            ).fetchall()
        return [str(r[0]) for r in rows]

    def delete_files(self, person_id: str, names: Iterable[str], *, export: bool = False) -> None:
        wanted = [Path(n).name for n in names]
        if not wanted:
            return
        with self.db.connection() as conn:
            conn.execute(
                "DELETE FROM person_files WHERE person = %s AND area = %s AND name = ANY(%s)",
                (person_id, _area(export), wanted),
            )

    def delete_area(self, person_id: str, *, export: bool) -> bool:
        """Every file of the person's inbox (or exports); True if there were any."""
        with self.db.connection() as conn:
            return (
                conn.execute(
                    "DELETE FROM person_files WHERE person = %s AND area = %s", (person_id, _area(export))
                ).rowcount
                > 0
            )
