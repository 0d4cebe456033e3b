"""A file several processes append to: opened for appending under its `flock`.

Each write is one `write(2)` of whole lines on an `O_APPEND` file, under the lock. A file
may be replaced or removed by whoever holds the lock (compacted, dropped, rewritten for an
erasure): a writer that was waiting then holds a file with no name left, notices (no links)
and opens the one now in place.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.errors import StorageError
from storage.atomic import confined, fsync_dir


@contextmanager
def appending(path: Path, root: Path) -> Iterator[int]:
    """`path` (below `root`) open for appending, locked, and still the file of that name."""
    while True:
        try:
            fd = os.open(confined(path, root), os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        except FileNotFoundError:  # its folder is new
            path.parent.mkdir(parents=True, exist_ok=True)
            fsync_dir(path.parent.parent)
            continue
        except OSError as exc:
            raise StorageError(f"{path}: cannot write ({exc.strerror})") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            if os.fstat(fd).st_nlink:
                yield fd
                return
        finally:
            os.close(fd)


def append(fd: int, path: Path, data: bytes, durable: bool) -> None:
    try:
        os.write(fd, data)
        if durable:
            os.fsync(fd)
    except OSError as exc:
        raise StorageError(f"{path}: cannot write ({exc.strerror})") from exc
