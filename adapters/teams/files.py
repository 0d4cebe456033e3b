"""The documents popbot sends in Teams, and the short-lived links that open them.

A bot cannot attach a PDF to a Teams message without the file consent flow, which asks the
person to accept an upload into their OneDrive (a Graph permission IT must approve, and a
copy of the draft in a second place to erase). popbot keeps the file itself instead, in the
recipient's own inbox folder (the console inbox's, so export and erasure already cover it,
and a manager's copy of a report's draft goes when the report is erased), and sends a card
with an *Open* button. Pressing it (a signed activity from the presser's own chat) mints a
link that is the presser's, not a bearer pass to their document:
- opaque: 256 random bits; it carries nothing (no id, no name), and the store keeps only its
  hash with what it opens, where every replica finds it;
- single use: the first request takes it (atomically, as an invitation is redeemed), so a
  copy of the URL — forwarded, in a proxy's log, in the browser's history — opens nothing;
- short-lived (`LINK_MINUTES`): a press in the chat, then the download, is a matter of seconds;
- one document of the person who pressed, and nobody else's (the store looks only in that
  person's inbox).
Binding it to a signed-in identity is not possible: the browser Teams opens it in has no
popbot session. Pressing *Open* again mints a new link.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from bot.ports import InboxStore

LINK_MINUTES = 5
KIND = "teams-file"  # how a link's record is told from a chat invitation (whose `platform` it fills)
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")


class LinkStore(Protocol):
    """The invitations' single-use tokens (`bot.ports.AccessStore`), which links share."""

    def load_invite(self, token_hash: str) -> dict[str, Any] | None: ...
    def save_invite(self, token_hash: str, invite: dict[str, Any]) -> None: ...
    def use_invite(self, token_hash: str, used_at: str) -> bool: ...


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

    def keep(
        self,
        owner: str,
        key: str,
        filename: str,
        content: bytes,
        mime: str,
        caption: str,
        export: bool = False,
    ) -> str:
        """Keep a file for `owner`; the same key again keeps nothing new (a resumed send).
        `export`: the person's own export, which the erasure of anyone it mentions removes."""
        doc = self.doc_id(key)
        items = self.store.load_inbox(owner)
        if any(i.get("teams") == doc for i in items):
            return doc
        name = f"{doc[:8]}-{filename}"  # two drafts of the same name stay apart
        self.store.save_file(owner, name, content)
        item = {"key": key, "text": caption, "files": [name], "shown": True, "teams": doc, "mime": mime}
        if export:
            item["export"] = True
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
        content = self.store.read_file(owner, kept.stored)  # a row every replica reads, or a file
        return (kept, content) if content is not None else None


class Links:
    def __init__(self, store: LinkStore, minutes: int = LINK_MINUTES) -> None:
        self.store = store
        self.minutes = minutes

    @staticmethod
    def _hash(token: str) -> str:
        return hashlib.sha256(token.encode("ascii")).hexdigest()

    def mint(self, owner: str, doc: str, now: datetime | None = None) -> str:
        now = now or datetime.now(UTC)
        token = secrets.token_urlsafe(32)
        self.store.save_invite(
            self._hash(token),
            {
                "employee_id": owner,  # so erasing the person removes their links too
                "platform": KIND,  # never redeemable as a chat invitation
                "doc": doc,
                "expires_at": (now + timedelta(minutes=self.minutes)).isoformat(),
                "used_at": None,
            },
        )
        return token

    def open(self, token: str, now: datetime | None = None) -> tuple[str, str] | None:
        """(owner, document) of a valid, unexpired, unused link — used up by this call; None
        for anything else."""
        if not _TOKEN.fullmatch(token):
            return None
        now = now or datetime.now(UTC)
        key = self._hash(token)
        link = self.store.load_invite(key)
        if link is None or link.get("platform") != KIND or link.get("used_at") is not None:
            return None
        if datetime.fromisoformat(str(link["expires_at"])) <= now:
            return None
        if not self.store.use_invite(key, now.isoformat()):  # another request took it first
            return None
        return str(link["employee_id"]), str(link["doc"])
