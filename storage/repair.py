"""Damaged data files: find them, and put the kept backup back (or start that one afresh).

Every data file is written with its previous version kept beside it as
`.bak` (see `storage.atomic`). A file that no longer parses is never
overwritten by popbot; HR (or whoever runs it) decides with
`popbot data check` and `popbot data restore FILE [--fresh]`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from bot.errors import PopbotError
from storage.atomic import DAMAGED_SUFFIX, AtomicFile, backup_of
from storage.documents import remove_with_copies


@dataclass(frozen=True)
class Damage:
    path: Path
    problem: str
    backup: bool  # a readable backup is there to restore


def _problem(path: Path) -> str | None:
    """Why the file cannot be used, or None when it reads as a data file."""
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        return "it is missing"
    except (OSError, UnicodeDecodeError) as exc:
        return f"cannot be read ({exc})"
    except json.JSONDecodeError as exc:
        return f"{exc.msg} at line {exc.lineno}"
    return None if isinstance(data, dict) else "it does not hold a TinyDB document"


def check(root: Path) -> list[Damage]:
    """Every data file under `root` that does not read (a scan)."""
    found = []
    for path in sorted(root.rglob("*.json")) if root.exists() else []:
        if path.name.startswith(".") or not path.is_file():
            continue
        problem = _problem(path)
        if problem is not None:
            backup = backup_of(path)
            found.append(Damage(path, problem, backup.exists() and _problem(backup) is None))
    return found


def restore(root: Path, path: Path, fresh: bool = False) -> str:
    """Put the backup in place of a damaged file (the damaged one kept as `.damaged` to look
    at), or with `fresh` remove the file and its copies so that one starts afresh."""
    path = path.resolve()
    if not path.is_relative_to(root.resolve()) or path.suffix != ".json":
        raise PopbotError(f"{path}: not a data file under {root}")
    problem = _problem(path)
    if problem is None:
        raise PopbotError(f"{path}: reads fine; nothing was changed")
    if fresh:
        remove_with_copies(path)
        return f"{path}: removed with its backup; it starts afresh"
    backup = backup_of(path)
    if not backup.exists() or _problem(backup) is not None:
        raise PopbotError(f"{path}: no readable backup; nothing was changed (use --fresh to start afresh)")
    if path.exists():
        path.replace(path.with_name(path.name + DAMAGED_SUFFIX))
    AtomicFile(path).write_bytes(backup.read_bytes())
    return (
        f"{path}: the previous version is back (from {backup.name}); the damaged file is kept as "
        f"{path.name}{DAMAGED_SUFFIX} — delete it when you are done with it (it holds personal data)"
    )
