"""On PostgreSQL nothing is kept on a replica's disk: two replicas with separate, empty data
folders serve one round, and the draft PDF the schedule made on replica A is opened by the
manager on replica B — from the database, the folders never made."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pydantic import SecretStr
from pypdf import PdfReader

from adapters.console import ConsoleInbox
from bot.app.platforms import accounts
from bot.app.settings import Settings
from bot.app.wiring import Parts
from bot.people.roster import Roster, parse_roster
from tests.app.test_serve_cli import always_open_schedule
from tests.helpers import FULL_ROUTE, Chat

ROSTER = (
    "id,name,email,language,manager,platform,handle,conversation\n"
    "mila,Mila Bakker,mila@example.nl,nl,,console,,\n"
    "anna,Anna de Vries,anna@example.nl,nl,mila,console,,2027-01-18 10:00\n"
)


async def test_a_document_made_on_one_replica_opens_on_the_other(tmp_path: Path, database_url: str) -> None:
    now = [datetime(2027, 1, 4, 9, 0, tzinfo=UTC)]
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        popbot_database_url=SecretStr(database_url),
        popbot_schedule=always_open_schedule(tmp_path),
    )
    folders = [tmp_path / "replica-a", tmp_path / "replica-b"]
    a, b = (Parts(settings, data_dir=f, clock=lambda: now[0]) for f in folders)
    csv = tmp_path / "roster.csv"
    csv.write_text(ROSTER, encoding="utf-8")
    Roster(a.store).import_people(parse_roster(csv, ("nl", "en"), accounts=accounts()))

    anna = Chat(a.engine, user="anna")  # Anna prepares on replica A
    await anna.start()
    for answer in FULL_ROUTE[:6]:
        await anna.say(answer)
    scheduler = a.scheduler()
    scheduler.sync()
    now[0] = datetime(2027, 1, 11, 12, 0, tzinfo=UTC)  # a week before: the draft goes to Mila
    await scheduler.run_due()

    mila = ConsoleInbox(b.store)  # Mila opens her inbox on replica B
    shown = "\n".join(mila.take("mila"))
    opened = [
        Path(line[2:]) for line in shown.splitlines() if line.startswith("📄 ") and line.endswith(".pdf")
    ]
    assert opened, shown
    text = "".join(page.extract_text() for page in PdfReader(opened[0]).pages)
    assert "Plannen en klanten helpen" in text and "Anna de Vries" in text
    assert opened[0].stat().st_mode & 0o077 == 0  # a copy for this terminal: its user's only
    mila.close()
    assert not opened[0].exists()  # and gone when the chat ends

    for parts in (a, b):
        parts.stores.close()
    assert not any(f.exists() for f in folders), [str(p) for f in folders for p in f.rglob("*")]


async def test_a_script_hr_saves_on_one_replica_is_live_on_the_other(
    tmp_path: Path, database_url: str
) -> None:
    import asyncio

    from bot.dialog.reload import poll_edits
    from bot.dialog.script import bundled_script_path

    settings = Settings(_env_file=None, popbot_database_url=SecretStr(database_url))  # type: ignore[call-arg]
    folders = [tmp_path / "replica-a", tmp_path / "replica-b"]
    a, b = (Parts(settings, data_dir=f) for f in folders)
    assert not a.edits_in_files and b.polled_edits() is not None
    before = b.engine.scripts.for_language("nl").version
    stop = asyncio.Event()
    polling = asyncio.create_task(
        poll_edits(b.engine.registries, b.stores.edits.script_edits_marker, stop, 0.05)
    )
    await asyncio.sleep(0.2)  # B has looked once
    text = bundled_script_path("pop", "nl").read_text(encoding="utf-8")
    edited = text.replace("Waar krijg ik energie van?", "Waar krijg jij energie van?")
    assert edited != text
    a.stores.edits.save_script_edit("pop", "nl", edited)  # HR saves on replica A
    for _ in range(100):
        if b.engine.scripts.for_language("nl").version != before:
            break
        await asyncio.sleep(0.05)
    stop.set()
    await polling
    live = b.engine.scripts.for_language("nl")
    assert live.version != before and "Waar krijg jij energie van?" in live.text
    assert b.stores.edits.script_edit_history("pop", "nl")  # the version is kept for restore
    for parts in (a, b):
        parts.stores.close()
    assert not any(f.exists() for f in folders)
