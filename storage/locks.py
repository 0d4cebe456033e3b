"""One person's turns in order across processes: a lock file per person (`fcntl.flock`).

Two processes may serve the same person at once (two platforms' commands
as two processes, two consoles): each loads, applies and saves the person's record,
so without a lock shared between them one acknowledged answer could overwrite the
other. The lock is taken around the whole turn; the kernel releases it when the
holder dies, so a kill never leaves anyone locked out.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.errors import StorageError
from storage.atomic import confined


class PersonLocks:
    """A lock file per key; with `striped`, 256 lock files that keys share by their hash —
    for locks held a moment around one write, where creating a file per person cost more
    than the write (a new file here: ~0.17 ms)."""

    def __init__(self, folder: str | Path, striped: bool = False) -> None:
        self.folder = Path(folder)
        self.striped = striped

    @contextmanager
    def hold(self, key: str, wait: bool = True) -> Iterator[bool]:
        """Hold `key`'s lock for the block; True. With `wait` it blocks until no other holder
        has it (from async code: in a thread); without, it yields False at once if one has."""
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]  # no id in a file name
        name = f"{digest[:2]}.lock" if self.striped else f"{digest[:2]}/{digest}.lock"
        path = confined(self.folder / name, self.folder)
        try:
            try:
                fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
            except FileNotFoundError:  # the person's first turn: their folder is new
                path.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        except OSError as exc:  # a full or read-only disk: the turn is refused, told, not lost
            raise StorageError(f"{path}: cannot lock ({exc.strerror})") from exc
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                yield False
                return
            yield True
        finally:
            os.close(fd)  # closing releases the lock
