"""`popbot serve`, `popbot <platform>` and a platform's one-off commands: all through the one
runtime (`bot.app.runtime`)."""

from __future__ import annotations

import argparse

from bot.app.runtime import run, tool
from bot.app.settings import Settings
from bot.app.wiring import Parts


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Every configured platform in one process, with the console, sharing one engine, one
    watcher and one schedule."""
    run(Parts(settings, language=args.lang), args, console=True)
    return 0


def cmd_platform(args: argparse.Namespace, settings: Settings) -> int:
    """One platform alone (`popbot <platform>`)."""
    run(Parts(settings, language=args.lang), args, console=False)
    return 0


def cmd_tool(args: argparse.Namespace, settings: Settings) -> int:
    """A platform's own command that runs once (an invitation link, an app package)."""
    return tool(Parts(settings, language=getattr(args, "lang", "nl")), args)
