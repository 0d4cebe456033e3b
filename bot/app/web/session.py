"""The console's session: a cookie signed with HMAC-SHA256 (`POPBOT_WEB_SECRET`, the same on
every replica), holding who signed in, their role, when it ends, and the CSRF token every form
must send back. Nothing else; no answers, nothing of the roster."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass

COOKIE = "popbot_console"
LIFETIME = 8 * 3600  # seconds: a working day, then sign in again


@dataclass(frozen=True)
class Session:
    email: str
    role: str
    csrf: str
    until: float


class Sessions:
    def __init__(self, secret: bytes) -> None:
        self.secret = secret

    def _sign(self, payload: bytes) -> str:
        return hmac.new(self.secret, payload, hashlib.sha256).hexdigest()

    def seal(self, data: dict[str, object]) -> str:
        """`data` as a cookie value nobody can alter unnoticed (it is readable, not secret)."""
        payload = base64.urlsafe_b64encode(json.dumps(data).encode("utf-8"))
        return f"{payload.decode('ascii')}.{self._sign(payload)}"

    def unseal(self, cookie: str | None) -> dict[str, object] | None:
        if not cookie or "." not in cookie or len(cookie) > 4096:
            return None
        payload, _, signature = cookie.rpartition(".")
        if not hmac.compare_digest(signature, self._sign(payload.encode("ascii", "replace"))):
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(payload.encode("ascii")))
        except ValueError:
            return None
        return data if isinstance(data, dict) else None

    def issue(self, email: str, role: str) -> tuple[Session, str]:
        session = Session(email, role, secrets.token_urlsafe(24), time.time() + LIFETIME)
        return session, self.seal(dict(session.__dict__))

    def read(self, cookie: str | None) -> Session | None:
        data = self.unseal(cookie)
        if data is None:
            return None
        try:
            session = Session(str(data["email"]), str(data["role"]), str(data["csrf"]), float(data["until"]))  # type: ignore[arg-type]
        except (KeyError, TypeError, ValueError):
            return None
        return session if session.until > time.time() else None
