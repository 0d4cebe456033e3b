"""HR's edited dialog scripts in a folder (`POPBOT_SCRIPTS_DIR`, else `<data dir>/dialogs`):
`<name>.<language>.yaml` is the live edit, read by the bot and watched for changes, and
`history/<name>.<language>/<stamp>.yaml` every version saved. (On PostgreSQL they are rows,
`storage.postgres.store`: every replica reads the same.)"""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path


def stamp_now() -> str:
    """A saved version's name: when it was saved, to the microsecond (sorts as it was saved)."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")


class ScriptEditFolder:
    """Implements `bot.ports.ScriptEdits` with files."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def edited_path(self, name: str, language: str) -> Path | None:
        """The live edit's file, if there is one (the bot loads it instead of the bundled)."""
        path = self.folder / f"{name}.{language}.yaml"
        return path if path.is_file() else None

    def edited_script(self, name: str, language: str) -> str | None:
        path = self.edited_path(name, language)
        return path.read_text(encoding="utf-8") if path is not None else None

    def _history(self, name: str, language: str) -> Path:
        return self.folder / "history" / f"{name}.{language}"

    def save_script_edit(self, name: str, language: str, text: str) -> str:
        """The live file (atomically: a watcher never reads half of it) and a copy in the history."""
        history = self._history(name, language)
        history.mkdir(parents=True, exist_ok=True)
        stamp = stamp_now()
        (history / f"{stamp}.yaml").write_text(text, encoding="utf-8")
        target = self.folder / f"{name}.{language}.yaml"
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
        return stamp

    def script_edit_history(self, name: str, language: str) -> list[str]:
        folder = self._history(name, language)
        return sorted((p.stem for p in folder.glob("*.yaml")), reverse=True) if folder.exists() else []

    def script_edit_text(self, name: str, language: str, stamp: str) -> str | None:
        if stamp not in self.script_edit_history(name, language):
            return None
        return (self._history(name, language) / f"{stamp}.yaml").read_text(encoding="utf-8")

    def script_edit_names(self) -> list[tuple[str, str]]:
        folder = self.folder / "history"
        names = (p.name.rsplit(".", 1) for p in folder.iterdir() if p.is_dir()) if folder.exists() else ()
        return sorted((n[0], n[1]) for n in names if len(n) == 2)

    def keep_script_edit(self, name: str, language: str, stamp: str, text: str) -> None:
        history = self._history(name, language)
        history.mkdir(parents=True, exist_ok=True)
        (history / f"{stamp}.yaml").write_text(text, encoding="utf-8")
        if self.script_edit_history(name, language)[0] == stamp:  # the newest: live
            (self.folder / f"{name}.{language}.yaml").write_text(text, encoding="utf-8")

    def script_edits_marker(self) -> str:
        """Changes when an edit is saved (the newest history file's name)."""
        stamps = (p.stem for p in (self.folder / "history").glob("*/*.yaml"))
        return max(stamps, default="")
