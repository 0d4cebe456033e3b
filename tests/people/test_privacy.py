"""The employee's rights: `mijngegevens` shows everything held, `verwijder` erases it — in the
chat and on HR's command line — and nothing of it is left in any file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.app.cli import main
from bot.app.platforms import accounts
from bot.messages import Document
from bot.people.access import Access
from bot.people.privacy import PersonalData
from storage import TinyDBStore
from storage.outbox_files import OutboxFiles
from tests.helpers import FULL_ROUTE, MANAGER_ROUTE, Chat
from tests.schedule_world import World, world

ROSTER = """id,name,email,language,manager,platform,handle,conversation,timezone
mila,Mila Bakker,mila@example.org,nl,,slack,U0MILA,,Europe/Amsterdam
anna,Anna de Vries,anna@example.org,nl,mila,telegram,,2027-01-18 10:00,Europe/Amsterdam
"""
MARKER = "ZEER-PERSOONLIJK-marker"


def files_holding(root: Path, text: str) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and text.encode() in p.read_bytes()]


async def prepared(w: World) -> Chat:
    """Anna answers (with a marker), is bound to Telegram, has an invitation and a schedule;
    Mila prepared her conversation."""
    store = TinyDBStore(w.data)
    access = Access(store, w.clock, accounts=accounts())
    access.bind("telegram", "6001", "anna")
    access.invite("anna", "telegram")
    w.engine.personal = PersonalData(store, OutboxFiles(w.data), access, w.clock)
    w.scheduler().sync()
    anna = Chat(w.engine, "anna")
    await anna.start()
    for answer in FULL_ROUTE[:2]:
        await anna.say(answer)
    await anna.say(MARKER)  # leukste
    mila = Chat(w.engine, "mila")
    await mila.say("team 1")
    for answer in MANAGER_ROUTE[:2]:
        await mila.say(answer)
    await mila.say("mijnpop")
    return anna


async def test_mijngegevens_sends_everything_as_json_and_markdown(tmp_path: Path) -> None:
    async with world(tmp_path, ROSTER, managers=True) as w:
        anna = await prepared(w)
        await anna.say("mijngegevens")
        json_doc, md_doc = (o for o in anna.last if isinstance(o, Document))
        data = json.loads(json_doc.content)
        assert data["roster"]["name"] == "Anna de Vries" and data["chat_accounts"] == {"telegram": "6001"}
        ids = {r["employee_id"] for r in data["records"]}
        assert "anna" in ids and any(
            i.startswith("prep|mila|anna|") for i in ids
        )  # what Mila noted about her
        assert any(e["kind"] == "invitation" for e in data["schedule"])
        assert MARKER in json.dumps(data) and MARKER in md_doc.content.decode()  # type: ignore[union-attr]
        assert md_doc.content.decode().startswith("# Mijn gegevens bij popbot")  # type: ignore[union-attr]
        assert (await anna.record()).state == "energie"  # the export does not move the dialog


async def test_verwijder_asks_first_then_erases_every_trace(tmp_path: Path) -> None:
    async with world(tmp_path, ROSTER, managers=True) as w:
        anna = await prepared(w)
        await anna.say("verwijder")
        assert "Weet je het zeker?" in anna.text and "Typ 'ja'" in anna.text
        await anna.say("nee")
        assert "Er is niets verwijderd." in anna.text and await anna.record() is not None
        assert files_holding(w.data, MARKER)

        await anna.say("verwijder")
        await anna.say("ja")
        assert "Alles is verwijderd." in anna.text
        store = TinyDBStore(w.data)
        assert store.load("anna") is None
        assert Access(store, w.clock, accounts=accounts()).handle_of("telegram", "anna") is None
        assert Access(store, w.clock, accounts=accounts()).who("telegram", "6001") is None
        assert OutboxFiles(w.data).person_entries("anna") == []
        files = OutboxFiles(w.data)
        assert not list(files.due_entries(w.now.replace(year=2030)))
        assert files.due_counts(w.now, w.now.replace(year=2030)) == {}  # her index lines taken back
        assert files_holding(w.data, MARKER) == []  # gone from the files, not flagged
        assert files_holding(w.data, "Zelfstandig, klaar voor meer") == []  # Mila's notes about her too
        assert store.load_person("anna") is not None  # HR's roster entry stays
        audit = (w.data / "audit.log").read_text(encoding="utf-8").splitlines()
        assert len(audit) == 1 and "erasure" in audit[0] and "anna" not in audit[0]


async def prepared_folder(tmp_path: Path) -> Path:
    """A data folder in which Anna prepared and her manager too (with the marker in it)."""
    async with world(tmp_path, ROSTER, managers=True) as w:
        await prepared(w)
        return w.data


def test_hr_exports_and_erases_on_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import asyncio

    data = asyncio.run(prepared_folder(tmp_path))
    monkeypatch.setenv("POPBOT_DATA_DIR", str(data))
    assert main(["privacy", "export", "anna"]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert exported["person"] == "anna" and MARKER in json.dumps(exported)
    assert main(["privacy", "export", "anna", "--markdown"]) == 0
    assert MARKER in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(""))
    assert main(["privacy", "erase", "anna"]) == 1  # not a terminal and no --yes: nothing happens
    assert files_holding(data, MARKER)
    assert main(["privacy", "erase", "anna", "--yes"]) == 0
    assert "erased: " in capsys.readouterr().out
    assert files_holding(data, MARKER) == []
    assert main(["privacy", "export", "nobody"]) == 1


def test_the_console_saves_the_export_where_erasure_finds_it(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "POPBOT_DATA_DIR": str(tmp_path / "data"), "PYTHONIOENCODING": "utf-8"}
    chat = [sys.executable, "-m", "bot.app.cli", "chat", "--user", "demo"]
    run = subprocess.run(chat, input=f"1\n{MARKER}\nmijngegevens\n", env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    saved = [p for p in (tmp_path / "data" / "exports").rglob("*") if p.is_file()]
    assert sorted(p.suffix for p in saved) == [".json", ".md"] and all(str(p) in run.stdout for p in saved)
    run = subprocess.run(chat, input="verwijder\nja\n", env=env, capture_output=True, text=True)
    assert "Alles is verwijderd." in run.stdout
    assert files_holding(tmp_path / "data", MARKER) == []


async def test_retention_purges_finished_rounds_and_people_who_left(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from tests.helpers import import_roster

    async with world(tmp_path, ROSTER, managers=True) as w:
        await prepared(w)
        personal = w.engine.personal
        assert personal is not None
        await w.schedulers[-1].run_due()  # nothing due yet in December 2026
        w.now = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
        assert (await w.schedulers[-1].run_due()).sent  # the invitations went: closed entries
        store = TinyDBStore(w.data)
        record = store.load("anna")
        assert record is not None
        record.previous = {
            "cycle": "2025-01-20T10:00:00+01:00",
            "answers": {"leukste": {"value": "OUDE-RONDE"}},
        }
        store.save(record)

        def active(person: str) -> bool:
            p = w.schedulers[-1].roster.get(person)
            return p is not None and p.active

        gone = personal.purge(datetime(2027, 2, 1, tzinfo=UTC), 24, active)
        assert gone == {"records": 0, "previous_rounds": 1, "people": 0, "schedule_entries": 0}
        assert files_holding(w.data, "OUDE-RONDE") == [] and files_holding(w.data, MARKER)

        later = datetime(2029, 3, 1, tzinfo=UTC)  # two years after the conversation
        gone = personal.purge(later, 24, active)
        assert gone["records"] == 1  # Mila's preparation for the 2027 conversation
        assert gone["schedule_entries"] >= 2 and gone["people"] == 0
        assert store.load("anna") is not None  # still in the roster, still hers

        (tmp_path / "roster.csv").write_text(ROSTER.replace("anna,", "zz_gone,", 1), encoding="utf-8")
        import_roster(tmp_path / "roster.csv", w.data)  # Anna left the roster
        gone = personal.purge(later, 24, active)
        assert gone["people"] == 1 and store.load("anna") is None
        assert files_holding(w.data, MARKER) == []
        audit = (w.data / "audit.log").read_text(encoding="utf-8")
        assert audit.count("retention purge (24 months)") == 3 and MARKER not in audit


ADMIN_IN_CHAT = [
    "/roster import roster.csv",
    "roster show",
    "/privacy export anna",
    "privacy erase anna --yes",
    "/schedule run-due",
    "/invite anna",
    "/data restore employees/aa/x.json --fresh",
    "mijngegevens anna",
    "/mydata anna",
    "verwijder anna",
    "erase anna",
]


async def test_admin_actions_are_not_in_the_chat_and_nobody_reaches_anothers_data(tmp_path: Path) -> None:
    """Mila (Anna's manager) and Ben (a colleague) try HR's commands and Anna's id in the chat:
    each is an unknown command or their own answer; Anna's data is neither shown nor touched."""
    roster = ROSTER + "ben,Ben Jansen,ben@example.org,nl,mila,telegram,,2027-01-19 10:00,Europe/Amsterdam\n"
    async with world(tmp_path, roster, managers=True) as w:
        anna = await prepared(w)
        store = TinyDBStore(w.data)
        before = store.path_for("anna").read_bytes()
        invites_before = sorted((w.data / "invites").rglob("*.json"))
        for who in ("ben", "mila"):
            chat = Chat(w.engine, who)
            await chat.start()
            for text in ADMIN_IN_CHAT:
                await chat.say(text)
                assert MARKER not in chat.text and not any(isinstance(o, Document) for o in chat.last), text
        assert store.path_for("anna").read_bytes() == before  # untouched
        assert sorted((w.data / "invites").rglob("*.json")) == invites_before  # no invitation made
        assert not (w.data / "audit.log").exists()  # nothing erased
        assert (await anna.record()).answers["leukste"].value == MARKER


def test_on_postgresql_export_and_erasure_reach_every_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], database_url: str
) -> None:
    """The same data moved into PostgreSQL (`data migrate`): exported whole, then erased from
    every table — no row anywhere still holds what Anna wrote."""
    import asyncio

    import psycopg

    data = asyncio.run(prepared_folder(tmp_path))
    monkeypatch.setenv("POPBOT_DATA_DIR", str(data))
    assert main(["data", "migrate", "--to", database_url]) == 0
    monkeypatch.setenv("POPBOT_DATA_DIR", str(tmp_path / "replica"))  # nothing of hers on the files
    monkeypatch.setenv("POPBOT_DATABASE_URL", database_url)
    capsys.readouterr()

    def rows_holding(text: str) -> list[str]:
        with psycopg.connect(database_url) as conn:
            tables = [
                r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            ]
            return [
                t
                for t in tables
                for _row in conn.execute(f"SELECT 1 FROM {t} x WHERE x::text LIKE %s", (f"%{text}%",))
            ]

    assert rows_holding(MARKER)
    assert main(["privacy", "export", "anna"]) == 0
    assert MARKER in capsys.readouterr().out
    assert main(["privacy", "erase", "anna", "--yes"]) == 0
    assert "erased: " in capsys.readouterr().out
    assert rows_holding(MARKER) == []
    assert rows_holding('"anna|') == []  # no outbox entry or inbox message about her (the roster is HR's)


async def test_erasure_reaches_the_managers_own_saved_export_of_their_notes(tmp_path: Path) -> None:
    """Mila's notes about Anna ("Voldoet ruim aan het profiel") sit in Mila's own export,
    saved by the console and kept for Teams: erasing Anna removes those copies too; the line in
    the audit names Anna by a keyed pseudonym, not a hash anyone with the roster can recompute."""
    import hashlib

    from adapters.teams.files import TeamsFiles

    note = MANAGER_ROUTE[0]
    async with world(tmp_path, ROSTER, managers=True) as w:
        await prepared(w)
        mila = Chat(w.engine, "mila")
        await mila.say("mijngegevens")
        store = TinyDBStore(w.data)
        saved = store.exports_folder("mila")
        saved.mkdir(parents=True, exist_ok=True)
        for doc in (o for o in mila.last if isinstance(o, Document)):
            assert isinstance(doc.content, bytes) and note.encode() in doc.content
            (saved / doc.filename).write_bytes(doc.content)  # as the console saves it
            TeamsFiles(store).keep("mila", f"mila|teams|{doc.filename}", doc.filename, doc.content,
                                   doc.mime, doc.caption, export=True)  # fmt: skip
        assert files_holding(w.data, note)
        w.engine.personal.pseudonym_key = b"a secret kept outside the data"
        gone = w.engine.personal.erase("anna")
        assert gone["exports"] == 1 and files_holding(w.data, note) == []
        line = store.audit_lines()[-1]
        assert hashlib.sha256(b"anna").hexdigest()[:12] not in line
        assert w.engine.personal.pseudonym("anna") in line  # the key's holder can tell
