"""Every version of a dialog script a record was started on, as a file in the data folder
(`scripts/<version>.yaml`): after a restart, someone midway an older version continues in it."""

from __future__ import annotations

from pathlib import Path


class ScriptFolder:
    """Implements `bot.ports.ScriptArchive`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, version: str) -> Path | None:
        # a version is a hex digest (bot.dialog.loaded); anything else names no file here
        return self.folder / f"{version}.yaml" if version.isalnum() else None

    def archive_script(self, version: str, text: str) -> None:
        path = self._path(version)
        if path is None or path.exists():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)

    def script_versions(self) -> list[str]:
        return sorted(p.stem for p in self.folder.glob("*.yaml")) if self.folder.exists() else []

    def script_text(self, version: str) -> str | None:
        path = self._path(version)
        if path is None or not path.exists():
            return None
        return path.read_text(encoding="utf-8")
