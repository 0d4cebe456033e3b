"""Local accounts for the embedded default (no OpenID Connect): an e-mail address, a role and
an argon2id hash. There is no default account and no default password: `popbot web add-user`
makes each one. Failed sign-ins are counted per address and per client, and throttled."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from bot.errors import PopbotError
from bot.ports import AccountStore

Role = Literal["hr", "manager"]
ROLES: tuple[Role, ...] = ("hr", "manager")
MIN_PASSWORD = 12  # characters
ATTEMPTS = 5  # failed sign-ins allowed per address (and per client) in WINDOW
WINDOW = 15 * 60.0  # seconds


@dataclass(frozen=True)
class Account:
    email: str
    role: Role


class Accounts:
    def __init__(self, store: AccountStore) -> None:
        self.store = store
        self._hasher = PasswordHasher()  # argon2id, the library's current parameters
        self._failures: dict[str, deque[float]] = {}

    def add(self, email: str, role: str, password: str) -> Account:
        email = email.strip().lower()
        if "@" not in email or len(email) > 254:
            raise PopbotError(f"{email!r} is not an e-mail address")
        if role not in ROLES:
            raise PopbotError(f"the role is one of {', '.join(ROLES)}, not {role!r}")
        if len(password) < MIN_PASSWORD:
            raise PopbotError(f"a password has at least {MIN_PASSWORD} characters")
        self.store.save_account(email, {"email": email, "role": role, "hash": self._hasher.hash(password)})
        return Account(email, role)

    def throttled(self, *keys: str) -> bool:
        now = time.monotonic()
        for key in keys:
            failures = self._failures.get(key)
            while failures and failures[0] < now - WINDOW:
                failures.popleft()
            if failures and len(failures) >= ATTEMPTS:
                return True
        return False

    def sign_in(self, email: str, password: str, client: str) -> Account | None:
        """The account, if the password is its own; None otherwise (and counted). The same
        work is done for an address without an account, so timing does not tell which."""
        email = email.strip().lower()[:254]
        doc = self.store.load_account(email)
        stored = str(doc["hash"]) if doc else _DUMMY
        try:
            self._hasher.verify(stored, password[:1024])
            ok = doc is not None
        except (VerificationError, InvalidHashError):
            ok = False
        if not ok or doc is None:
            now = time.monotonic()
            for key in (f"email:{email}", f"client:{client}"):
                self._failures.setdefault(key, deque()).append(now)
            return None
        return Account(email, doc["role"])


_DUMMY = PasswordHasher().hash("no account has this password")
