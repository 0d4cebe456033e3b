"""A person's chat accounts: which platform, which handle — in one neutral shape.

A person in the roster has *accounts* (`{"<platform>": "<handle>"}`), never a field per
platform. What a handle looks like on a platform, how two spellings of it compare and how
the schedule reaches someone there is the platform's own knowledge: each platform package
gives the core one `AccountRules`, and the composition root hands the core all of them
(`Accounts`). The core itself knows only the embedded channels: the console and e-mail.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

# the embedded channel every roster can name without a platform package
CONSOLE = "console"


class Someone(Protocol):
    """What a platform reads of a person to reach them (a `bot.people.roster.Person`)."""

    @property
    def id(self) -> str:
        """The person's roster id."""

    @property
    def accounts(self) -> dict[str, str]:
        """Their handle per platform."""


class Bindings(Protocol):
    """What a platform reads of the bindings to reach someone (`bot.people.access.Access`)."""

    def handle_of(self, platform: str, employee_id: str) -> str | None:
        """The employee's bound handle on a platform, or None."""

    def reference_of(self, platform: str, employee_id: str) -> dict[str, Any] | None:
        """Where the platform lets popbot write to the employee first, or None."""


def _same(handle: str) -> str:
    """A handle as it is written (a platform whose handles keep their case)."""
    return handle


def _any(handle: str) -> Mapping[str, str] | None:
    """Every handle is one (a platform that checks none)."""
    return None


@dataclass(frozen=True)
class AccountRules:
    """What the core needs to know of one platform's accounts.

    `check(handle)`: why the roster's handle is not one of this platform's (the words, per
    language, of what a handle looks like), or None when it is. `normal(handle)`: the
    spelling two handles are compared and kept in (GUIDs and e-mail addresses without
    case, say). `reach(person, access)`: the address the schedule sends to on this platform, or
    None when popbot cannot write to them there (yet) — then the schedule e-mails them."""

    name: str
    reach: Callable[[Someone, Bindings], str | None]
    check: Callable[[str], Mapping[str, str] | None] = _any
    normal: Callable[[str], str] = _same


class Accounts(Mapping[str, AccountRules]):
    """Every platform's account rules, by platform name: what the registry gives the core."""

    def __init__(self, rules: Iterator[AccountRules] | list[AccountRules] | tuple[AccountRules, ...] = ()):
        self._rules = {r.name: r for r in rules}

    def __getitem__(self, name: str) -> AccountRules:
        return self._rules[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._rules)

    def __len__(self) -> int:
        return len(self._rules)

    @property
    def names(self) -> tuple[str, ...]:
        """The platforms' names, in the registry's order."""
        return tuple(self._rules)

    def choosable(self) -> tuple[str, ...]:
        """What the roster's `platform` column may hold: nothing, the console, or a platform."""
        return ("", CONSOLE, *sorted(self._rules))


def person_doc(doc: Mapping[str, Any], fields: frozenset[str]) -> dict[str, Any]:
    """A roster document in today's shape: a field an earlier release kept per platform
    (`"<platform>": "<handle>"` beside the person's fields) moved into `accounts`, so a
    roster written before accounts existed reads, and is looked up, as one written today."""
    out: dict[str, Any] = {}
    accounts = dict(doc.get("accounts") or {})
    for key, value in doc.items():
        if key == "accounts":
            continue
        if key in fields:
            out[key] = value
        elif isinstance(value, str) and value:
            accounts.setdefault(key, value)
    out["accounts"] = accounts
    return out
