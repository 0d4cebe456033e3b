"""Small JSON documents, one TinyDB file per key, written atomically.

The shared mechanism behind every store here: a key (an employee id, a chat
id, a token hash) maps to its own file, so reading or writing one costs the
same however many there are. Keys are hashed into file names, so no key can
reach outside the folder; files are spread over 256 sub-folders.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bot.errors import StorageError
from storage.atomic import DAMAGED_SUFFIX, AtomicFile, AtomicJSONStorage, backup_of, confined
from storage.atomic import damaged as damaged_file

_TABLE = "doc"
_DOC_ID = 1


class DocumentFiles:
    def __init__(self, folder: str | Path, table: str = _TABLE, backups: bool = True) -> None:
        self.folder = Path(folder)
        self.table = table
        self.backups = backups
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()

    @staticmethod
    def digest(key: str) -> str:
        """The name of a key's file: no id, name or e-mail address in a file name."""
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]

    def path_for(self, key: str) -> Path:
        return self.path_at(self.digest(key))

    def path_at(self, digest: str) -> Path:
        if len(digest) != 40 or not all(c in "0123456789abcdef" for c in digest):
            raise StorageError(f"{digest!r}: not the name of a data file")
        return confined(self.folder / digest[:2] / f"{digest}.json", self.folder)

    def lock(self, key: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(key, threading.Lock())

    def get(self, key: str) -> dict[str, Any] | None:
        with self.lock(key):
            return self._read(self.path_for(key))

    def get_at(self, digest: str) -> dict[str, Any] | None:
        """The document in the file a digest names (from an index that holds no keys)."""
        return self._read(self.path_at(digest))

    def _read(self, path: Path) -> dict[str, Any] | None:
        # the TinyDB file read as TinyDB would (its storage), without a TinyDB object per read
        data = AtomicJSONStorage(path).read()
        table = (data or {}).get(self.table) or {}
        doc = table.get(str(_DOC_ID))
        return dict(doc) if isinstance(doc, dict) else None

    def put(self, key: str, data: dict[str, Any], durable: bool = True) -> None:
        with self.lock(key):
            # The whole TinyDB document in one atomic write. TinyDB's own upsert writes a new
            # file twice (an empty table, then the document): a kill between left a file with
            # no document, and cost a second fsync for every new person.
            text = json.dumps({self.table: {str(_DOC_ID): data}}, ensure_ascii=False, separators=(",", ":"))
            AtomicFile(self.path_for(key)).write_bytes(text.encode("utf-8"), self.backups, durable)

    def replace_at(self, path: Path, data: dict[str, Any]) -> None:
        """Rewrite the document of a file found by a scan, keeping no backup of what it held
        (erasure: the removed part must not stay in the previous version)."""
        storage = AtomicJSONStorage(confined(path, self.folder), keep_backup=False)
        storage.write({self.table: {str(_DOC_ID): data}})
        backup_of(path).unlink(missing_ok=True)

    def drop_backup(self, key: str) -> None:
        """After a save that removed something: the previous version must not keep it."""
        with self.lock(key):
            backup_of(self.path_for(key)).unlink(missing_ok=True)

    def delete(self, key: str) -> bool:
        with self.lock(key):
            return remove_with_copies(self.path_for(key))

    def items_where(self, field: str, value: object) -> Iterator[Path]:
        """The files whose document has `field` == `value` (a scan)."""
        for path, doc in self.documents():
            if doc.get(field) == value:
                yield path

    def values(self, damaged: list[str] | None = None) -> Iterator[dict[str, Any]]:
        for _path, doc in self.documents(damaged):
            yield doc

    def documents(self, damaged: list[str] | None = None) -> Iterator[tuple[Path, dict[str, Any]]]:
        """Every stored document with its file, in file order (a scan). A damaged file raises
        DamagedData — or, with `damaged` given, is named there and passed over (a page shows
        the rest; a migration must not leave anything out, and passes no list)."""
        if not self.folder.exists():
            return
        for path in sorted(self.folder.glob("*/*.json")):
            try:
                table = json.loads(confined(path, self.folder).read_text(encoding="utf-8"))[self.table]
                if not table:  # an empty table (an older popbot killed between its two writes)
                    continue
                doc = table[str(_DOC_ID)]
            except OSError as exc:
                raise StorageError(f"{path}: cannot read ({exc.strerror})") from exc
            except (ValueError, KeyError, TypeError) as exc:
                if damaged is None:
                    raise damaged_file(path, type(exc).__name__) from exc
                damaged.append(str(path))
                continue
            yield path, doc


def remove_with_copies(path: Path) -> bool:
    """A data file gone, with its backup and any copy set aside as damaged; False if it was not there."""
    for extra in (backup_of(path), path.with_name(path.name + DAMAGED_SUFFIX)):
        extra.unlink(missing_ok=True)
    if not path.exists():
        return False
    path.unlink()
    return True
