"""What a chat platform is to popbot: the contract every package in `adapters/` fulfils.

A platform package declares itself with one `Platform` (its `PLATFORM`): its name and
settings, the rules of its accounts (the roster's handle, how the schedule reaches someone),
its command-line commands, how it starts inside popbot's one runtime (routes on the one
HTTP server, consumers on the one event loop) and how the schedule sends through it. The
composition root keeps the registry (`bot.app.platforms`) and offers each platform a
`Host`; nothing outside a platform's package and that registry names a platform.
"""

from __future__ import annotations

import argparse
import re
from abc import ABC, abstractmethod
from collections.abc import Callable
from contextlib import AsyncExitStack
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from bot.people.accounts import AccountRules
from bot.people.roster import id_problem

if TYPE_CHECKING:
    from bot.engine.engine import Engine
    from bot.people.access import Access
    from bot.people.roster import Person, Roster
    from bot.ports import Channel, InboxStore


# popbot's (or a server's) public address: https, or plain http on this machine only (a test)
PUBLIC_URL = re.compile(r"https://[^/\s]+(/\S*)?|http://(127\.0\.0\.1|localhost)(:\d+)?(/\S*)?")


class CallCounts:
    """How often a platform throttled popbot (an HTTP 429 waited out) and how often a call was
    tried again (any transient failure), by platform name — counted where it happens, in the
    platform's own client, and read by `/metrics` at each scrape. Plain counts in this process
    (an increment under the GIL is not lost between threads); the platform names are the
    registry's, never anything about a person."""

    def __init__(self) -> None:
        self.throttled: dict[str, int] = {}
        self.retried: dict[str, int] = {}

    def throttle(self, platform: str) -> None:
        """The platform answered 429 (too many requests) and popbot waited."""
        self.throttled[platform] = self.throttled.get(platform, 0) + 1

    def retry(self, platform: str) -> None:
        """A call to the platform is tried again."""
        self.retried[platform] = self.retried.get(platform, 0) + 1


CALLS = CallCounts()  # the process's counts: every platform's client adds to them


def person_id(text: str) -> str:
    """An id on the command line (argparse's `type=`), checked by the roster's rule — for
    popbot's own commands and every platform's alike."""
    problem = id_problem(text)
    if problem is not None:
        raise argparse.ArgumentTypeError(problem)
    return text


class Host(Protocol):
    """What popbot's runtime gives a platform: the one engine, who may talk, the roster, the
    inbox port (files the platform keeps for someone), its own settings, and — while it
    runs — the one HTTP server and the stack that stops what it started."""

    options: argparse.Namespace  # the command line it was started with
    web: Any  # the aiohttp application every route goes on; None when no server runs
    stack: AsyncExitStack  # what a platform starts, it stops here

    @property
    def engine(self) -> Engine:
        """The one engine."""

    @property
    def access(self) -> Access:
        """Who may talk, and the bindings."""

    @property
    def roster(self) -> Roster:
        """The roster."""

    @property
    def inbox(self) -> InboxStore:
        """The inbox port (a platform keeps someone's files through it)."""

    @property
    def language(self) -> str:
        """For someone new, when the roster does not say."""

    @property
    def replicas(self) -> bool:
        """Several processes share one database (and one bot account)."""

    def settings(self, platform: Platform) -> Any:
        """The platform's own settings (its `settings` class, read from the environment)."""


class Platform(ABC):
    """One chat platform, as its package declares it (see the module)."""

    name: ClassVar[str]  # the roster's `platform` value and the key of its bindings
    title: ClassVar[str]  # how people call it ("Microsoft Teams")
    settings: ClassVar[type[Any]]  # a pydantic-settings class: the variables it reads
    switch: ClassVar[str]  # the variable whose value starts it in `popbot serve`
    paths: ClassVar[tuple[str, ...]] = ()  # its routes on the HTTP server, for the start line

    @abstractmethod
    def accounts(self) -> AccountRules:
        """The roster's handle and how the schedule reaches someone here."""

    @abstractmethod
    def configured(self, settings: Any) -> bool:
        """Whether this process should start it (its token is set)."""

    def problems(self, settings: Any, options: argparse.Namespace, replicas: bool) -> list[str]:
        """What stops it from starting as configured, each naming its variable (never a value)."""
        return []

    def serve_options(self, parser: argparse.ArgumentParser) -> None:
        """Its options of `popbot serve` (every platform in one process); none by default."""
        return None

    def commands(self, sub: Any, languages: tuple[str, ...]) -> None:
        """Its own commands (`popbot <name> …`, each with `--lang` of `languages`): a parser
        sets `platform=self.name` to run it alone, or `tool=` a function of (options, host)
        returning the exit code, for a command that runs once. None by default."""
        return None

    def needs_server(self, settings: Any, options: argparse.Namespace) -> bool:
        """Whether, started alone, it needs the HTTP server (a webhook), or runs without one."""
        return True

    @abstractmethod
    async def start(self, host: Host) -> Channel:
        """Start receiving (routes on `host.web`, or a consumer of its own stopped by
        `host.stack`) and give the schedule's way to send through it."""

    @abstractmethod
    async def sender(self, host: Host) -> Channel:
        """The schedule's way to send through it for one pass, receiving nothing (cron)."""

    def chat_link(self, settings: Any) -> str:
        """Where someone opens popbot on this platform (the managers' page shows it), or ""."""
        return ""

    def invite_link(self, settings: Any, access: Access) -> Callable[[Person], str | None] | None:
        """For an e-mailed invitation: the personal link that binds their account, if it has one."""
        return None
