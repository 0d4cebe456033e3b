"""Local accounts for the embedded default (no OpenID Connect): an e-mail address, a role and
an argon2id hash. There is no default account and no default password: `popbot web add-user`
makes each one. Setting an account again (a new password, another role) or removing it ends
every session it has.

Failed sign-ins are throttled so that an attacker cannot turn the throttle against HR: a
client that has failed waits, longer after each failure (per client, and per account for the
clients that failed on it); a client that has not failed is never made to wait — so five
wrong guesses from a stranger (or from everybody behind the same load balancer, were it
counted per address alone) never lock HR out."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from bot.errors import PopbotError
from bot.ports import AccountStore

Role = Literal["hr", "manager"]
ROLES: tuple[Role, ...] = ("hr", "manager")
MIN_PASSWORD = 12  # characters
FREE = 3  # failures a client (or an account) may have before each next try waits
FIRST_WAIT = 2.0  # seconds after the first failure past FREE; doubled after each further one
LONGEST_WAIT = 15 * 60.0  # seconds: the wait grows no longer than this
WINDOW = 15 * 60.0  # seconds: failures older than this are forgotten


@dataclass(frozen=True)
class Account:
    email: str
    role: Role


class Throttle:
    """Failed sign-ins per client and per account, kept in this process (see the module)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, key: str) -> deque[float]:
        failures = self._failures.get(key, deque())
        while failures and failures[0] < self.clock() - WINDOW:
            failures.popleft()
        if not failures:
            self._failures.pop(key, None)
        return failures

    @staticmethod
    def _delay(failures: int) -> float:
        return 0.0 if failures < FREE else min(FIRST_WAIT * 2 ** (failures - FREE), LONGEST_WAIT)

    def wait(self, account: str, client: str) -> float:
        """Seconds `client` must wait before it may try `account` again (0: now)."""
        mine = self._recent(f"client:{client}")
        if not mine:
            return 0.0  # a client that has not failed is never kept from the right password
        delay = max(self._delay(len(mine)), self._delay(len(self._recent(f"account:{account}"))))
        return max(0.0, mine[-1] + delay - self.clock())

    def failed(self, account: str, client: str) -> None:
        now = self.clock()
        for key in (f"client:{client}", f"account:{account}"):
            self._failures.setdefault(key, deque()).append(now)

    def succeeded(self, client: str) -> None:
        self._failures.pop(f"client:{client}", None)


class Accounts:
    def __init__(self, store: AccountStore, throttle: Throttle | None = None) -> None:
        self.store = store
        self._hasher = PasswordHasher()  # argon2id, the library's current parameters
        self.throttle = throttle or Throttle()

    def add(self, email: str, role: str, password: str) -> Account:
        email = email.strip().lower()
        if "@" not in email or len(email) > 254:
            raise PopbotError(f"{email!r} is not an e-mail address")
        if role not in ROLES:
            raise PopbotError(f"the role is one of {', '.join(ROLES)}, not {role!r}")
        if len(password) < MIN_PASSWORD:
            raise PopbotError(f"a password has at least {MIN_PASSWORD} characters")
        self.store.save_account(email, {"email": email, "role": role, "hash": self._hasher.hash(password)})
        self.store.delete_sessions(email=email)  # a new password or role: signed in again
        return Account(email, role)

    def remove(self, email: str) -> bool:
        """The account gone, and every session it had."""
        email = email.strip().lower()
        gone = self.store.delete_account(email)
        self.store.delete_sessions(email=email)
        return gone

    def sign_in(self, email: str, password: str, client: str) -> Account | None:
        """The account, if the password is its own; None otherwise (and counted). The same
        work is done for an address without an account, so timing does not tell which.
        argon2 takes a CPU for a while: call it from a thread, not the event loop."""
        email = email.strip().lower()[:254]
        doc = self.store.load_account(email)
        stored = str(doc["hash"]) if doc else _DUMMY
        try:
            self._hasher.verify(stored, password[:1024])
            ok = doc is not None
        except (VerificationError, InvalidHashError):
            ok = False
        if not ok or doc is None:
            self.throttle.failed(email, client)
            return None
        self.throttle.succeeded(client)
        return Account(email, doc["role"])


_DUMMY = PasswordHasher().hash("no account has this password")
