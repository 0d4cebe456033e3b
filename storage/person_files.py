"""The files kept for a person beside their data in the files store: the console inbox's
attachments (a draft's PDF) and the exports the console saves. A folder per person, named by
a hash of the id, under the data folder. (On PostgreSQL they are rows of the database,
`storage.postgres.files`: the same methods, no folder.)"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

from bot.errors import StorageError
from storage.atomic import AtomicFile, confined


def file_name(name: str) -> str:
    """A file's name as given, if it is one name (no folder in it); else refused."""
    if name in ("", ".", "..") or name != Path(name).name or "\\" in name or "\x00" in name:
        raise StorageError(f"{name[:80]!r}: not a file name")
    return name


class FileKeeping(Protocol):
    """What keeps a person's files: `PersonFiles`, or `storage.postgres.files.DatabaseFiles`."""

    def save_file(self, person_id: str, name: str, content: bytes, *, export: bool = False) -> None: ...

    def read_file(self, person_id: str, name: str, *, export: bool = False) -> bytes | None: ...

    def file_names(self, person_id: str, *, export: bool = False) -> list[str]: ...

    def local_path(self, person_id: str, name: str, *, export: bool = False) -> Path | None: ...

    def delete_files(self, person_id: str, names: Iterable[str], *, export: bool = False) -> None: ...


class KeepsFiles:
    """A store's kept files (`bot.ports.InboxStore`), handed to what keeps them (its `_files`):
    the folder (`PersonFiles`) or the database's rows (`DatabaseFiles`)."""

    @property
    def _keeper(self) -> FileKeeping:
        return self._files  # type: ignore[attr-defined,no-any-return]

    def save_file(self, person_id: str, name: str, content: bytes, *, export: bool = False) -> None:
        """A file kept for the person (their inbox, or their saved exports), written whole."""
        self._keeper.save_file(person_id, name, content, export=export)

    def read_file(self, person_id: str, name: str, *, export: bool = False) -> bytes | None:
        """A kept file's content, or None."""
        return self._keeper.read_file(person_id, name, export=export)

    def file_names(self, person_id: str, *, export: bool = False) -> list[str]:
        """The names of the person's kept files."""
        return self._keeper.file_names(person_id, export=export)

    def local_path(self, person_id: str, name: str, *, export: bool = False) -> Path | None:
        """Where a kept file is on this machine's disk (None: in the database, or none)."""
        return self._keeper.local_path(person_id, name, export=export)

    def delete_files(self, person_id: str, names: Iterable[str], *, export: bool = False) -> None:
        """Some of the person's kept files, gone."""
        self._keeper.delete_files(person_id, names, export=export)

    def _drop_kept_exports(self, person_id: str, dropped_folder: bool) -> bool:
        """The person's saved exports kept in their inbox for a chat platform, which are marked
        `export` (either store's inbox), with their files; True if any (or `dropped_folder`)."""
        items: list[dict[str, Any]] = self.load_inbox(person_id)  # type: ignore[attr-defined]
        kept = [i for i in items if not i.get("export")]
        if len(kept) < len(items):
            self.delete_files(person_id, attachment_names(i for i in items if i.get("export")))
            self.save_inbox(person_id, kept)  # type: ignore[attr-defined]
            return True
        return dropped_folder


class PersonFiles:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _name(self, person_id: str) -> str:
        # the same names the inbox's documents have (storage.documents.DocumentFiles.digest)
        return hashlib.sha256(person_id.encode("utf-8")).hexdigest()[:40]

    def inbox_folder(self, person_id: str) -> Path:
        name = self._name(person_id)
        return confined(self.root / "inbox" / name[:2] / name, self.root)

    def exports_folder(self, person_id: str) -> Path:
        return confined(self.root / "exports" / self._name(person_id)[:16], self.root)

    def _folder(self, person_id: str, export: bool) -> Path:
        return self.exports_folder(person_id) if export else self.inbox_folder(person_id)

    def local_path(self, person_id: str, name: str, *, export: bool = False) -> Path | None:
        """Where the file is on this machine's disk (None: there is no such file)."""
        path = confined(self._folder(person_id, export) / file_name(name), self.root)
        return path if path.is_file() else None

    def save_file(self, person_id: str, name: str, content: bytes, *, export: bool = False) -> None:
        """A file kept for the person, written whole (never half a PDF): in their inbox, or
        with their saved exports."""
        AtomicFile(confined(self._folder(person_id, export) / file_name(name), self.root)).write_bytes(
            content
        )

    def read_file(self, person_id: str, name: str, *, export: bool = False) -> bytes | None:
        path = self.local_path(person_id, name, export=export)
        return path.read_bytes() if path is not None else None

    def file_names(self, person_id: str, *, export: bool = False) -> list[str]:
        folder = self._folder(person_id, export)
        if not folder.is_dir():
            return []
        # a writer's temporary file (a dot file, swept at start) is not one of them
        return sorted(f.name for f in folder.iterdir() if f.is_file() and not f.name.startswith("."))

    def delete_files(self, person_id: str, names: Iterable[str], *, export: bool = False) -> None:
        self.delete_files_in(self._folder(person_id, export), names)

    def delete_files_in(self, folder: Path, names: Iterable[str]) -> None:
        """Files of a person's folder found by a scan (whose owner's id no file names)."""
        for name in names:
            remove_file(confined(folder, self.root) / Path(name).name, self.root)

    def delete_inbox_folder(self, person_id: str) -> bool:
        name = self._name(person_id)
        return remove_folder(self.root / "inbox" / name[:2] / name, self.root)

    def delete_exports(self, person_id: str) -> bool:
        return remove_folder(self.root / "exports" / self._name(person_id)[:16], self.root)


def attachment_names(items: Iterable[dict[str, object]]) -> list[str]:
    """The files of inbox messages (an older popbot named them in the text: `📄 path`)."""
    names: list[str] = []
    for item in items:
        given = item.get("files") or named_files(str(item.get("text", "")))
        names += [str(n) for n in given] if isinstance(given, list) else []
    return names


def remove_folder(folder: Path, root: Path) -> bool:
    """A person's flat folder of files (inbox PDFs, exports), gone; False if there was none.

    A link is removed as a link: nothing it points to is touched, inside or outside."""
    if folder.is_symlink():
        folder.unlink()
        return True
    if not folder.exists():
        return False
    for f in confined(folder, root).iterdir():
        if f.is_dir() and not f.is_symlink():
            remove_folder(f, root)
        else:
            f.unlink()  # a file, or a link (unlinked itself, never followed)
    folder.rmdir()
    return True


def remove_file(path: Path, root: Path) -> None:
    if path.is_symlink() or path.resolve().is_relative_to(root.resolve()):
        path.unlink(missing_ok=True)


def named_files(text: str) -> list[str]:
    """Files an inbox message of an older popbot named (`📄 path`), by their names."""
    return [Path(line[2:].strip()).name for line in text.splitlines() if line.startswith("📄 ")]
