"""The registry of chat platforms: the one place that names them.

A platform is one package under `adapters/` whose `PLATFORM` declares it (`bot.platform`).
Adding one is a line here and its dependencies in `pyproject.toml`; everything else — the
roster's `platform` column, the bindings, the export and erasure, `data migrate`, the
schedule's routes, the command line, `popbot serve` and the README's settings table — reads
this list.
"""

from __future__ import annotations

import argparse
from functools import cache
from importlib import import_module

from bot.people.accounts import Accounts
from bot.platform import Platform

REGISTRY = ("adapters.telegram", "adapters.slack", "adapters.teams", "adapters.mattermost")


@cache
def registered() -> tuple[Platform, ...]:
    """Every registered platform, in the registry's order (each package imported once, light:
    a package imports its SDK only when it starts)."""
    return tuple(import_module(package).PLATFORM for package in REGISTRY)


def named(name: str) -> Platform:
    """The registered platform of that name."""
    for platform in registered():
        if platform.name == name:
            return platform
    raise KeyError(name)


@cache
def accounts() -> Accounts:
    """Every platform's account rules: what the core is given of them."""
    return Accounts([p.accounts() for p in registered()])


CONSOLE = "console"  # `serve --only console`: the browser console (and /healthz, /readyz, /metrics)


def only(value: str) -> list[str]:
    """`serve --only console,slack`: the parts of `serve` to run, each known by name."""
    names = [n.strip().lower() for n in value.split(",") if n.strip()]
    known = [CONSOLE, *(p.name for p in registered())]
    wrong = [n for n in names if n not in known]
    if wrong or not names:
        raise argparse.ArgumentTypeError(f"{', '.join(wrong) or repr(value)}: choose from {', '.join(known)}")
    return names
