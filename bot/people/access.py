"""Who may talk to the bot: invitations and platform bindings.

HR runs `popbot invite EMPLOYEE`; the employee opens the link, and the chat
account that redeems it is bound to them. A token is single-use and expires.
Only a hash of each token is stored, so the data folder holds no usable link.
Someone unknown gets a refusal and nothing about them is stored.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from bot.errors import PopbotError
from bot.people.accounts import Accounts
from bot.ports import AccessStore

DEFAULT_INVITE_TTL = timedelta(days=14)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _handle_key(platform: str, handle: str) -> str:
    return f"{platform}:{handle}"


def _employee_key(platform: str, employee_id: str) -> str:
    return f"{platform}@employee:{employee_id}"


class Access:
    """Who may talk to popbot from which chat account: invitations, and the bindings of chat
    accounts to employees on each platform the registry knows (`accounts`)."""

    def __init__(
        self,
        store: AccessStore,
        clock: Callable[[], datetime],
        ttl: timedelta = DEFAULT_INVITE_TTL,
        accounts: Accounts | None = None,
    ):
        self.store = store
        self.clock = clock
        self.ttl = ttl
        self.accounts = accounts if accounts is not None else Accounts()

    def _known(self, platform: str) -> None:
        # a binding on a platform the registry does not list would be missed by the export,
        # the erasure and `data migrate`, which go by the registry: refused, not kept quietly
        if platform not in self.accounts:
            raise PopbotError(f"no platform '{platform}' is registered (bot.app.platforms)")

    def invite(self, employee_id: str, platform: str) -> str:
        """A new single-use token for the employee (URL-safe, 22 characters)."""
        self._known(platform)
        token = secrets.token_urlsafe(16)
        now = self.clock()
        self.store.save_invite(
            _hash(token),
            {
                "token_hash": _hash(token),  # so a copy to another store (data migrate) has its key
                "employee_id": employee_id,
                "platform": platform,
                "created_at": now.isoformat(),
                "expires_at": (now + self.ttl).isoformat(),
                "used_at": None,
            },
        )
        return token

    def redeem(self, token: str, platform: str, handle: str) -> str | None:
        """Bind `handle` to the invited employee; None if the token is not valid.

        Redeeming again from the account it is bound to (a retried delivery)
        answers the same employee.
        """
        if not token or len(token) > 64:
            return None
        invite = self.store.load_invite(_hash(token))
        if invite is None or invite["platform"] != platform:
            return None
        employee_id: str = invite["employee_id"]
        if invite["used_at"] is not None:
            return employee_id if self.who(platform, handle) == employee_id else None
        if datetime.fromisoformat(invite["expires_at"]) <= self.clock():
            return None
        if not self.store.use_invite(_hash(token), self.clock().isoformat()):
            # another redemption (another replica) used it a moment ago: the same rule as above
            return employee_id if self.who(platform, handle) == employee_id else None
        self.bind(platform, handle, employee_id)
        return employee_id

    def bind(
        self, platform: str, handle: str, employee_id: str, reference: dict[str, Any] | None = None
    ) -> None:
        """Bind a chat account to an employee (a new binding replaces the old one).

        `reference`: where the platform lets popbot write to them first (a conversation
        reference); kept with the binding, so unbinding and erasure remove it too."""
        self._known(platform)
        old = self.store.load_binding(_employee_key(platform, employee_id))
        if old is not None and old["handle"] != handle:
            self.store.delete_binding(_handle_key(platform, old["handle"]))
        mine: dict[str, Any] = {"handle": handle}
        if reference is not None:
            mine["reference"] = reference
        if old == mine and self.who(platform, handle) == employee_id:
            return  # every Teams message names the conversation: write only what changed
        self.store.save_binding(_handle_key(platform, handle), {"employee_id": employee_id})
        self.store.save_binding(_employee_key(platform, employee_id), mine)

    def unbind(self, platform: str, employee_id: str) -> bool:
        """Forget the employee's chat account on a platform (both directions)."""
        old = self.store.load_binding(_employee_key(platform, employee_id))
        if old is None:
            return False
        self.store.delete_binding(_handle_key(platform, old["handle"]))
        self.store.delete_binding(_employee_key(platform, employee_id))
        return True

    def who(self, platform: str, handle: str) -> str | None:
        """The employee a chat account on a platform is bound to, or None."""
        binding = self.store.load_binding(_handle_key(platform, handle))
        return binding["employee_id"] if binding else None

    def handle_of(self, platform: str, employee_id: str) -> str | None:
        """The employee's bound handle on a platform, or None."""
        binding = self.store.load_binding(_employee_key(platform, employee_id))
        return binding["handle"] if binding else None

    def reference_of(self, platform: str, employee_id: str) -> dict[str, Any] | None:
        """Where the platform lets popbot write to the employee first (as it told popbot), or None."""
        binding = self.store.load_binding(_employee_key(platform, employee_id))
        reference = binding.get("reference") if binding else None
        return dict(reference) if isinstance(reference, dict) else None

    def chat_accounts(self, employee_id: str) -> dict[str, str]:
        """The employee's bound handle on each platform they are bound on."""
        return {p: h for p in self.accounts.names if (h := self.handle_of(p, employee_id))}

    def references(self, employee_id: str) -> dict[str, dict[str, Any]]:
        """Where each platform lets popbot write to the employee first, where it told popbot."""
        return {p: r for p in self.accounts.names if (r := self.reference_of(p, employee_id)) is not None}

    def unbind_all(self, employee_id: str) -> int:
        """Forget the employee's chat accounts on every platform; how many there were."""
        return sum(int(self.unbind(p, employee_id)) for p in self.accounts.names)
