"""From the outbox layout before issue 16 (a file per entry, a marker file per due entry, a
list of keys per person) to a plan file per person and an index file per hour.

Run once, by the first popbot that opens an old data folder, under the pass lock. A kill
midway is safe: the old files go only after every entry is in its plan (the index lines
first), and running it again adds what is missing and keeps what is there.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from storage.documents import DocumentFiles


def migrate(root: Path, add_entries: Callable[[list[dict[str, Any]]], None]) -> int:
    """Every old entry into its person's plan (`OutboxFiles.add_entries`: the index lines of
    the open ones first); returns how many were moved."""
    old = DocumentFiles(root / "entries", table="entry", backups=False)
    entries: list[dict[str, Any]] = list(old.values())
    add_entries(entries)
    # the entries last: while they are there, a second run finds everything again
    for folder in ("due", "people", "entries"):
        if (root / folder).exists():
            shutil.rmtree(root / folder)
    return len(entries)
