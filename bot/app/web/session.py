"""The console's sessions, kept on the server (in the store every replica shares).

The browser holds only a random token; the store keeps, under a hash of it, who signed in,
their role, the CSRF token every form must send back, and when the session began and was
last used. So a session ends everywhere at once when:
- its owner signs out (the record is deleted: a copied cookie opens nothing any more);
- it was not used for `idle` seconds, or began more than `absolute` seconds ago;
- the role it was given is no longer theirs — the local account was removed, its role or
  password changed (`Accounts` ends its sessions), or for a sign-in by the identity provider,
  the roster or POPBOT_WEB_HR no longer make them a manager or HR (checked every `RECHECK`
  seconds, on every replica).

`seal`/`unseal` sign the short-lived values the browser carries before there is a session
(the OpenID Connect flow's state): readable, but not alterable unnoticed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace

from bot.ports import AccountStore

COOKIE = "popbot_console"
IDLE = 30 * 60  # seconds: a session nobody used that long ends (POPBOT_WEB_IDLE_MINUTES)
ABSOLUTE = 8 * 3600  # seconds: a working day, then sign in again (POPBOT_WEB_SESSION_HOURS)
TOUCH = 60  # seconds between two writes of "last used" (not a write per page)
RECHECK = 60  # seconds between two checks that the role is still theirs
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,100}")


def same(given: str, expected: str) -> bool:
    """A constant-time comparison of two texts of any characters (a token a browser sent may
    hold anything; `hmac.compare_digest` refuses non-ASCII text)."""
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("utf-8", "replace"))


@dataclass(frozen=True)
class Session:
    key: str  # the store's key: a hash of the cookie
    email: str
    role: str
    csrf: str
    # "local" (a console account), "oidc" (the identity provider), "directory" (HR by its group or role)
    source: str
    began: float
    seen: float
    checked: float


class Sessions:
    def __init__(
        self,
        secret: bytes,
        store: AccountStore,
        role_of: Callable[[Session], str | None],
        *,
        idle: float = IDLE,
        absolute: float = ABSOLUTE,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.secret = secret
        self.store = store
        self.role_of = role_of
        self.idle = idle
        self.absolute = absolute
        self.clock = clock

    # ------------------------------------------------------------ signed values

    def _sign(self, payload: bytes) -> str:
        return hmac.new(self.secret, payload, hashlib.sha256).hexdigest()

    def seal(self, data: dict[str, object]) -> str:
        """`data` as a cookie value nobody can alter unnoticed (it is readable, not secret)."""
        payload = base64.urlsafe_b64encode(json.dumps(data).encode("utf-8"))
        return f"{payload.decode('ascii')}.{self._sign(payload)}"

    def unseal(self, cookie: str | None) -> dict[str, object] | None:
        if not cookie or "." not in cookie or len(cookie) > 4096 or not cookie.isascii():
            return None
        payload, _, signature = cookie.rpartition(".")
        if not same(signature, self._sign(payload.encode("ascii"))):
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(payload.encode("ascii")))
        except ValueError:
            return None
        return data if isinstance(data, dict) else None

    # ------------------------------------------------------------ sessions

    @staticmethod
    def _key(cookie: str) -> str:
        return hashlib.sha256(cookie.encode("ascii")).hexdigest()

    def issue(self, email: str, role: str, source: str) -> tuple[Session, str]:
        """A new session, stored; the cookie that names it. Sessions of anyone that ran out
        are swept away here (sign-ins are rare; pages are not)."""
        now = self.clock()
        self.store.delete_sessions(before=now - self.idle)
        cookie = secrets.token_urlsafe(32)
        session = Session(self._key(cookie), email, role, secrets.token_urlsafe(24), source, now, now, now)
        self.store.save_session(session.key, asdict(session))
        return session, cookie

    def read(self, cookie: str | None) -> Session | None:
        """The live session the cookie names, or None (and an ended one is deleted)."""
        if not cookie or not _TOKEN.fullmatch(cookie):
            return None
        key = self._key(cookie)
        doc = self.store.load_session(key)
        if doc is None:
            return None
        try:
            session = Session(**{f: doc[f] for f in Session.__dataclass_fields__})
        except (KeyError, TypeError):
            self.store.delete_session(key)
            return None
        now = self.clock()
        if now - session.seen > self.idle or now - session.began > self.absolute:
            self.store.delete_session(key)
            return None
        if now - session.checked > RECHECK:
            if self.role_of(session) != session.role:
                self.store.delete_session(key)
                return None
            session = replace(session, checked=now)
        if now - session.seen > TOUCH or session.checked == now:
            session = replace(session, seen=now)
            self.store.save_session(key, asdict(session))
        return session

    def end(self, session: Session) -> None:
        self.store.delete_session(session.key)

    def end_all(self, email: str) -> int:
        """Every session of `email`, on every replica (a password or role changed, an account gone)."""
        return self.store.delete_sessions(email=email)

    @property
    def lifetime(self) -> int:
        return int(self.absolute)
