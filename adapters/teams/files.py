"""The documents popbot sends in Teams, and the short-lived links that open them.

A bot cannot attach a PDF to a Teams message without the file consent flow, which asks the
person to accept an upload into their OneDrive (a Graph permission IT must approve, and a
copy of the draft in a second place to erase). popbot keeps the file itself instead, in the
recipient's own inbox folder (the console inbox's, so export and erasure already cover it,
and a manager's copy of a report's draft goes when the report is erased), and sends a card
with an *Open* button. Pressing it (a signed activity from the presser's own chat) mints a
link that:
- expires (`LINK_MINUTES`),
- opens one document of the person who pressed, and nobody else's (the token names both,
  and the store looks only in that person's inbox),
- cannot be guessed or altered: a JWT signed with HMAC-SHA256 (PyJWT) under a key only the
  server holds.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from bot.ports import InboxStore
from storage.atomic import AtomicFile

LINK_MINUTES = 10
AUDIENCE = "popbot-teams-file"


@dataclass(frozen=True)
class Kept:
    doc: str
    stored: str  # its name in the inbox folder: "<doc id's first 8>-<filename>"
    mime: str

    @property
    def filename(self) -> str:
        return self.stored.split("-", 1)[-1]


class TeamsFiles:
    def __init__(self, store: InboxStore) -> None:
        self.store = store

    @staticmethod
    def doc_id(key: str) -> str:
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]

    def keep(self, owner: str, key: str, filename: str, content: bytes, mime: str, caption: str) -> str:
        """Keep a file for `owner`; the same key again keeps nothing new (a resumed send)."""
        doc = self.doc_id(key)
        items = self.store.load_inbox(owner)
        if any(i.get("teams") == doc for i in items):
            return doc
        name = f"{doc[:8]}-{filename}"  # two drafts of the same name stay apart
        AtomicFile(self.store.inbox_folder(owner) / name).write_bytes(content)
        item = {"key": key, "text": caption, "files": [name], "shown": True, "teams": doc, "mime": mime}
        self.store.save_inbox(owner, [*items, item])
        return doc

    def find(self, owner: str, doc: str) -> Kept | None:
        """One of `owner`'s own documents; another's id finds nothing."""
        for item in self.store.load_inbox(owner):
            if item.get("teams") == doc and item.get("files"):
                return Kept(doc, str(item["files"][0]), str(item.get("mime") or "application/pdf"))
        return None

    def read(self, owner: str, doc: str) -> tuple[Kept, bytes] | None:
        kept = self.find(owner, doc)
        if kept is None:
            return None
        path = self.store.inbox_folder(owner) / kept.stored
        return (kept, path.read_bytes()) if path.is_file() else None


class Links:
    def __init__(self, key: bytes, minutes: int = LINK_MINUTES) -> None:
        self.key = key
        self.minutes = minutes

    def mint(self, owner: str, doc: str, now: datetime | None = None) -> str:
        # the wall clock, as PyJWT checks `exp` against it
        now = now or datetime.now(UTC)
        claims = {"sub": owner, "doc": doc, "aud": AUDIENCE, "exp": now + timedelta(minutes=self.minutes)}
        return jwt.encode(claims, self.key, algorithm="HS256")

    def open(self, token: str) -> tuple[str, str] | None:
        """(owner, document) of a valid, unexpired link; None for anything else."""
        try:
            claims = jwt.decode(token, self.key, algorithms=["HS256"], audience=AUDIENCE)
        except jwt.PyJWTError:
            return None
        owner, doc = claims.get("sub"), claims.get("doc")
        return (owner, doc) if isinstance(owner, str) and isinstance(doc, str) else None
