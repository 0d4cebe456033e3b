"""The outbox's due-time index: one small append-only file per hour (UTC) that has something due.

    outbox/due-index/2027-01-11T08      lines "+<entry> <plan> <kind>" and "-<entry> <plan> <kind>"

`<entry>` is a digest of the entry's key and `<plan>` the digest that names the person's plan
file, so the index holds no one's id. A `+` line says "an entry is due in this hour"; a `-`
line takes it back (sent, closed, moved). The rule the outbox keeps: a `+` line is written
(and fsync'd) *before* its entry, so an entry is never due without a line a pass will read;
a line without its entry, or a line whose entry has gone elsewhere, is harmless — the reader
checks the entry itself. A `-` line needs no fsync for the same reason.

Why files per hour and not a file per entry (the earlier layout): planning a round wrote
~9 marker files per person (each a 4 KB block and two fsyncs); a bucket takes a whole batch of
lines in one write. Appending is safe between processes (`storage.appending`): a bucket dropped while another
process waits for its lock is noticed, and the line goes to a fresh file.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from bot.errors import StorageError
from storage.appending import append, appending
from storage.atomic import confined, fsync_dir

_BUCKET = "%Y-%m-%dT%H"
log = logging.getLogger("popbot.storage")


def bucket_of(at: datetime) -> str:
    return at.astimezone(UTC).strftime(_BUCKET)


class Line(NamedTuple):  # a tuple: a bucket of thousands of lines is read in milliseconds
    entry: str  # digest of the entry's key
    plan: str  # digest naming the person's plan file
    kind: str


class DueIndex:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, bucket: str) -> Path:
        return confined(self.folder / bucket, self.folder.parent)

    def add(self, lines: dict[str, list[Line]], durable: bool = True) -> None:
        """`+` lines, a bucket's in one write; with `durable` each bucket is fsync'd before
        this returns (else the caller syncs a whole batch at once)."""
        created = False
        for bucket, items in sorted(lines.items()):
            created = created or not self._path(bucket).exists()
            self._append(bucket, "+", items, durable=durable)
        if created and durable:
            fsync_dir(self.folder)

    def remove(self, bucket: str, items: Iterable[Line]) -> None:
        if self._path(bucket).exists():
            self._append(bucket, "-", list(items), durable=False)

    def _append(self, bucket: str, sign: str, items: list[Line], durable: bool) -> None:
        data = "".join(f"{sign}{i.entry} {i.plan} {i.kind}\n" for i in items).encode("ascii")
        with appending(self._path(bucket), self.folder.parent) as fd:
            append(fd, self._path(bucket), data, durable)

    def buckets(self, first: str = "", last: str = "9999") -> list[str]:
        """The hour buckets from `first` to `last` (inclusive), oldest first."""
        if not self.folder.exists():
            return []
        return sorted(b for b in os.listdir(self.folder) if first <= b <= last and not b.startswith("."))

    def live(self, bucket: str) -> tuple[dict[str, Line], int]:
        """What the bucket still says is due, by entry digest, and the size read (for `drop`);
        a damaged line is logged and skipped, so one bad line never stops a pass."""
        path = self._path(bucket)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return {}, 0
        except OSError as exc:
            raise StorageError(f"{path}: cannot read ({exc.strerror})") from exc
        found: dict[str, Line] = {}
        for number, raw in enumerate(data.decode("ascii", errors="replace").splitlines(), 1):
            parts = raw[1:].split(" ")
            if raw[:1] not in "+-" or len(parts) != 3 or not all(parts):
                log.error(
                    "%s: line %d is damaged; skipped ('popbot schedule plan' mends the index)", path, number
                )
                continue
            line = Line(parts[0], parts[1], parts[2])
            if raw[0] == "+":
                found[line.entry] = line
            else:
                found.pop(line.entry, None)
        return found, len(data)

    def drop(self, bucket: str, seen_size: int) -> bool:
        """Remove a bucket whose lines all turned out to be stale — unless a line was added
        since it was read (its size then differs)."""
        path = self._path(bucket)
        with appending(path, self.folder.parent) as fd:
            if os.fstat(fd).st_size != seen_size:
                return False
            path.unlink()
        return True
