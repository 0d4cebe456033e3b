"""`popbot web` (the browser console alone) and `popbot web add-user` (a local account)."""

from __future__ import annotations

import argparse
import getpass
import sys

from bot.app.settings import Settings
from bot.app.wiring import Parts
from bot.errors import PopbotError


def cmd_web(args: argparse.Namespace, settings: Settings) -> int:
    from aiohttp import web

    from bot.app.http import server_app
    from bot.app.web.app import console_app, max_body

    parts = Parts(settings)
    app = server_app(max_body(settings))
    app.add_subapp("/console", console_app(parts))

    async def home(_request: web.Request) -> web.StreamResponse:
        raise web.HTTPSeeOther("/console/")

    app.router.add_get("/", home)
    print(f"the console: http://{args.listen}:{args.port}/console/", file=sys.stderr)
    web.run_app(app, host=args.listen, port=args.port, print=None)
    return 0


def cmd_web_add_user(args: argparse.Namespace, settings: Settings) -> int:
    """A local account: the password asked twice at a terminal, or read from standard input."""
    from bot.app.web.accounts import Accounts

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        if not sys.stdin.isatty():
            raise PopbotError("no terminal to ask the password at: give it with --password-stdin")
        password = getpass.getpass("password: ")
        if getpass.getpass("again: ") != password:
            raise PopbotError("the two passwords differ; nothing was saved")
    parts = Parts(settings)
    account = Accounts(parts.store).add(args.email, args.role, password)
    parts.store.append_audit(f"console account {account.email} set ({account.role})")
    print(f"{account.email} can sign in to the console as {account.role}")
    return 0


def cmd_web_remove_user(args: argparse.Namespace, settings: Settings) -> int:
    """A local account gone, with every session it had (on every replica)."""
    from bot.app.web.accounts import Accounts

    parts = Parts(settings)
    if not Accounts(parts.store).remove(args.email):
        raise PopbotError(f"there is no console account {args.email.strip().lower()!r}")
    parts.store.append_audit(f"console account {args.email.strip().lower()} removed")
    print(f"{args.email.strip().lower()} can no longer sign in to the console")
    return 0
