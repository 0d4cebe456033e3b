"""A TinyDB storage that never leaves a file half-written.

TinyDB's own JSONStorage rewrites the file in place, so a crash mid-write
leaves a truncated file. This one writes a temporary file beside it, fsyncs
it, renames it over the old one (atomic on POSIX) and fsyncs the directory,
so after `write` returns the data survives `kill -9` and power loss.

Each write keeps the version it replaces beside it as `<file>.bak` (a hard
link, so it costs no copy): if a file is ever damaged by something outside
popbot — a disk, a hand edit, a copy — the previous version is there to
restore (`popbot data restore FILE`).
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
import threading
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from bot.errors import DamagedData, StorageError

TEMP_SUFFIX = ".tmp"
BACKUP_SUFFIX = ".bak"
DAMAGED_SUFFIX = ".damaged"


def backup_of(path: Path) -> Path:
    return path.with_name(path.name + BACKUP_SUFFIX)


def damaged(path: Path, problem: str) -> DamagedData:
    """The error for a file that cannot be understood: which file, and what to do."""
    backup = backup_of(path)
    if backup.exists():
        way_out = (
            f"restore the previous version popbot kept: 'popbot data restore {path}' "
            f"(or start this one afresh: 'popbot data restore {path} --fresh')"
        )
    else:
        way_out = f"there is no backup of it; start this one afresh: 'popbot data restore {path} --fresh'"
    return DamagedData(
        f"{path}: the data file is damaged ({problem}); popbot has not changed it. To go on, {way_out}"
    )


def confined(path: Path, root: Path) -> Path:
    """`path` (built from `root`), if no part of it below `root` is a link; else a StorageError.

    A link planted inside the data folder must never make popbot read, write or delete
    anything outside it. popbot itself makes no links there, so any link below the folder is
    refused (the folder itself may be a link). Checked part by part with lstat — a few
    system calls, on every read and write, where resolving the whole path took ten.
    """
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        raise StorageError(f"{path}: not inside the data folder {root}") from None
    current = root
    for part in parts:
        current = current / part
        try:
            if stat.S_ISLNK(os.lstat(current).st_mode):
                raise StorageError(f"{path}: a link in the data folder; popbot does not follow it")
        except FileNotFoundError:
            break  # not there yet: nothing below it to follow
    return path


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class AtomicJSONStorage(Storage):
    def __init__(self, path: str | Path, keep_backup: bool = True) -> None:
        self.path = Path(path)
        self.keep_backup = keep_backup

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except UnicodeDecodeError as exc:
            raise damaged(self.path, f"not UTF-8 at byte {exc.start}") from exc
        except OSError as exc:
            raise StorageError(f"{self.path}: cannot read ({exc.strerror})") from exc
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise damaged(self.path, f"{exc.msg} at line {exc.lineno}") from exc
        if not isinstance(data, dict):
            raise damaged(self.path, "it does not hold a TinyDB document")
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        AtomicFile(self.path).write_bytes(text.encode("utf-8"), keep_backup=self.keep_backup)

    def close(self) -> None:
        pass


class AtomicFile:
    """A whole file written the same safe way (temp file, fsync, rename)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def write_bytes(self, data: bytes, keep_backup: bool = False, durable: bool = True) -> None:
        """With `durable` False the file and its folder are not fsync'd: for a batch of files
        whose writer syncs the file system once at its end (`sync_all`)."""
        directory = self.path.parent
        try:
            # the writer's pid in the name: a leftover of a killed process can be told from
            # a write in progress in another process (see sweep_leftovers)
            prefix = f".{self.path.name}.{os.getpid()}."
            created = False
            try:
                fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=TEMP_SUFFIX, dir=directory)
            except FileNotFoundError:  # a new folder: made only then (a mkdir a write cost ~0.15 ms)
                directory.mkdir(parents=True, exist_ok=True)
                created = True
                fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=TEMP_SUFFIX, dir=directory)
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                    f.flush()
                    if durable:
                        os.fsync(f.fileno())
                if keep_backup and self.path.exists():
                    # the old version stays reachable as .bak: a second name for its inode,
                    # put in place by a rename so a kill never leaves a half backup
                    link = directory / f"{prefix}bak{threading.get_ident()}{TEMP_SUFFIX}"
                    os.link(self.path, link)
                    os.replace(link, backup_of(self.path))
                    # rename(2) does nothing when both names are already the same file (a
                    # kill right after the last backup): then the extra name must go
                    Path(link).unlink(missing_ok=True)
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            if durable:
                fsync_dir(directory)
                if created:
                    fsync_dir(directory.parent)
        except OSError as exc:
            raise StorageError(f"{self.path}: cannot write ({exc.strerror})") from exc


def sync_all() -> None:
    """Everything written so far on disk: one `sync(2)` for a batch of thousands of files,
    where an fsync of each file and its folder cost ~0.3 ms a file."""
    os.sync()


def sweep_leftovers(root: Path) -> int:
    """Remove temporary files a killed writer left behind; returns how many.

    They hold a copy of someone's answers, so they must not linger (nor escape
    an erasure). A file whose writer is still running is another process's
    write in progress and is left alone.
    """
    gone = 0
    for path in root.rglob(f".*{TEMP_SUFFIX}") if root.exists() else []:
        parts = path.name[: -len(TEMP_SUFFIX)].rsplit(".", 2)
        pid = int(parts[1]) if len(parts) == 3 and parts[1].isdigit() else None
        if pid is not None and _running(pid):
            continue
        path.unlink(missing_ok=True)
        gone += 1
    return gone


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, someone else's
    return True
