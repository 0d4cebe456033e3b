"""A data folder for the console's tests: a roster of two teams (one small, one of five), Anna
and Mila with answers that hold a marker, a failed send, and two local accounts."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from bot.app.settings import Settings
from bot.app.web.accounts import Accounts
from bot.app.web.app import console_app as app_of
from bot.app.wiring import Parts
from bot.schedule.outbox import Outbox
from storage import TinyDBStore
from storage.outbox_files import OutboxFiles
from tests.people.test_privacy import MARKER, prepared
from tests.schedule_world import world

ROSTER = """id,name,email,language,manager,platform,handle,conversation,timezone,department
mila,Mila Bakker,mila@example.org,nl,,slack,U0MILA,,Europe/Amsterdam,Zorg
anna,Anna de Vries,anna@example.org,nl,mila,telegram,,2027-01-18 10:00,Europe/Amsterdam,Zorg
rob,Rob Jansen,rob@example.org,nl,,console,,,Europe/Amsterdam,ICT
"""
# Rob's team of five (one with a name that must show as text), Mila's of one
ROSTER += "".join(
    f"r{n},{name},r{n}@example.org,nl,rob,console,,2027-01-{11 + n} 10:00,Europe/Amsterdam,ICT\n"
    for n, name in enumerate(["<script>alert(1)</script>", '=HYPERLINK("http://x")', "Eva", "Bo", "Kim"])
)
HR, MANAGER, PASSWORD = "hr@example.org", "mila@example.org", "een lang wachtwoord"
OTHER_MANAGER = "rob@example.org"


async def console_data(tmp_path: Path) -> Path:
    async with world(tmp_path, ROSTER, managers=True) as w:
        await prepared(w)
        data = w.data
    store = TinyDBStore(data)
    outbox = Outbox(OutboxFiles(data))
    entry = next(e for e in outbox.for_person("anna") if e.status == "planned")
    entry.error = "the chat platform said: blocked"
    outbox.close(entry, "failed", entry.due)
    accounts = Accounts(store)
    for email, role in ((HR, "hr"), (MANAGER, "manager"), (OTHER_MANAGER, "manager")):
        accounts.add(email, role, PASSWORD)
    return data


def console_app(data: Path, **settings: object) -> web.Application:
    return app_of(Parts(Settings(popbot_data_dir=data, popbot_web_secret="test-secret", **settings)))  # type: ignore[arg-type]


__all__ = ["HR", "MANAGER", "MARKER", "OTHER_MANAGER", "PASSWORD", "console_app", "console_data"]
