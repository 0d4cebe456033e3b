"""The files kept for a person beside their data, whichever store holds the data: the console
inbox's attachments (a draft's PDF) and the exports the console saves. A folder per person,
named by a hash of the id, under the data folder."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from bot.ports import InboxStore
from storage.atomic import AtomicFile, confined


class PersonFiles:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _name(self, person_id: str) -> str:
        # the same names the inbox's documents have (storage.documents.DocumentFiles.digest)
        return hashlib.sha256(person_id.encode("utf-8")).hexdigest()[:40]

    def inbox_folder(self, person_id: str) -> Path:
        name = self._name(person_id)
        return confined(self.root / "inbox" / name[:2] / name, self.root)

    def save_file(self, person_id: str, name: str, content: bytes, *, export: bool = False) -> Path:
        """A file kept for the person, written whole (never half a PDF): in their inbox, or
        with their saved exports; where it now is."""
        folder = self.exports_folder(person_id) if export else self.inbox_folder(person_id)
        path = confined(folder / name, self.root)
        AtomicFile(path).write_bytes(content)
        return path

    def exports_folder(self, person_id: str) -> Path:
        return confined(self.root / "exports" / self._name(person_id)[:16], self.root)

    def delete_inbox_folder(self, person_id: str) -> bool:
        name = self._name(person_id)
        return remove_folder(self.root / "inbox" / name[:2] / name, self.root)

    def delete_exports(self, person_id: str) -> bool:
        return remove_folder(self.root / "exports" / self._name(person_id)[:16], self.root)

    def drop_kept_exports(self, person_id: str, store: InboxStore) -> bool:
        """The person's saved exports: the console's files, and those kept in their inbox for a
        chat platform, which are marked `export` (either store's inbox)."""
        gone = self.delete_exports(person_id)
        items = store.load_inbox(person_id)
        kept = [i for i in items if not i.get("export")]
        if len(kept) < len(items):
            self.delete_attachments_at(store.inbox_folder(person_id), [i for i in items if i.get("export")])
            store.save_inbox(person_id, kept)
            gone = True
        return gone

    def delete_attachments_at(self, folder: Path, items: Iterable[dict[str, object]]) -> None:
        """The files of inbox messages removed from an inbox (whose folder is `folder`)."""
        for item in items:
            names = item.get("files") or named_files(str(item.get("text", "")))
            for name in names if isinstance(names, list) else []:
                remove_file(folder / str(name), self.root)


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
