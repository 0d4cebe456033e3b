"""A TinyDB storage that never leaves a file half-written.

TinyDB's own JSONStorage rewrites the file in place, so a crash mid-write
leaves a truncated file. This one writes a temporary file beside it, fsyncs
it, renames it over the old one (atomic on POSIX) and fsyncs the directory,
so after `write` returns the data survives `kill -9` and power loss.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from bot.errors import StorageError


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class AtomicJSONStorage(Storage):
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StorageError(f"{self.path}: cannot read ({exc.strerror})") from exc
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise StorageError(
                f"{self.path}: the data file is damaged ({exc.msg} at line {exc.lineno}); "
                "restore it from a backup or move it aside to start this employee afresh"
            ) from exc
        if not isinstance(data, dict):
            raise StorageError(f"{self.path}: the data file does not hold a TinyDB document")
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        AtomicFile(self.path).write_bytes(text.encode("utf-8"))

    def close(self) -> None:
        pass


class AtomicFile:
    """A whole file written the same safe way (temp file, fsync, rename)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def write_bytes(self, data: bytes) -> None:
        directory = self.path.parent
        try:
            created = not directory.exists()
            directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=directory)
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                    f.flush()
                    os.fsync(f.fileno())
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            fsync_dir(directory)
            if created:
                fsync_dir(directory.parent)
        except OSError as exc:
            raise StorageError(f"{self.path}: cannot write ({exc.strerror})") from exc
