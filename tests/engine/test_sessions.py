"""Issue 14: every writer of a person's record takes the person's session — a retention
purge, an erasure, a roster change racing a chat turn for the same person lose nothing."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.app.platforms import accounts
from bot.domain import EmployeeRecord
from bot.messages import Incoming
from bot.people.access import Access
from bot.people.privacy import PersonalData
from storage import TinyDBStore
from storage.outbox_files import OutboxFiles
from tests.helpers import FULL_ROUTE, Chat, import_roster, make_engine

ROUNDS = 12


def slow_disk(store: TinyDBStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every save takes 30 ms, so a turn's load → save and a purge's overlap when they race."""
    save = store.save

    def slow(record: EmployeeRecord) -> None:
        time.sleep(0.03)
        save(record)

    monkeypatch.setattr(store, "save", slow)


async def test_a_purge_racing_a_turn_loses_neither(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = make_engine(tmp_path)
    store = engine.store
    assert isinstance(store, TinyDBStore)
    personal = PersonalData(
        store, OutboxFiles(tmp_path), Access(store, engine.clock, accounts=accounts()), engine.clock
    )
    chat = Chat(engine, "anna")
    await chat.start()
    await chat.say(FULL_ROUTE[0])
    slow_disk(store, monkeypatch)
    now = datetime(2030, 1, 1, tzinfo=UTC)
    for n in range(ROUNDS):
        record = store.load("anna")
        assert record is not None
        record.previous = {"cycle": "2020-01-01T10:00:00+01:00", "answers": {}}  # long past: purged
        store.save(record)
        purge = asyncio.to_thread(personal.purge, now, 24, lambda _id: True)
        turn = engine.handle("anna", Incoming.say("voortgang", delivery_id=f"turn-{n}"))
        await asyncio.gather(purge, turn)
        after = store.load("anna")
        assert after is not None
        assert f"turn-{n}" in after.seen, n  # the turn's save was not overwritten by the purge
        assert after.previous is None, n  # nor the purge's by the turn


async def test_an_erasure_racing_a_turn_is_never_undone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(tmp_path)
    store = engine.store
    assert isinstance(store, TinyDBStore)
    personal = PersonalData(
        store, OutboxFiles(tmp_path), Access(store, engine.clock, accounts=accounts()), engine.clock
    )
    slow_disk(store, monkeypatch)
    for n in range(ROUNDS // 2):
        chat = Chat(engine, "anna")
        await chat.start()
        await chat.say(FULL_ROUTE[0])
        await chat.say("GEHEIM-antwoord")
        erase = asyncio.to_thread(personal.erase, "anna")
        turn = engine.handle("anna", Incoming.say("Nog iets", delivery_id=f"late-{n}"))
        await asyncio.gather(erase, turn)
        left = store.load("anna")
        # either the turn came first and went with the erasure, or it came after and started
        # afresh — never the erased answers written back
        assert left is None or "goed_in" not in left.answers, n
        store.delete("anna")


async def test_a_roster_change_racing_turns_loses_nothing(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "data")
    csv = tmp_path / "roster.csv"
    csv.write_text("id,name\nanna,Anna\n" + "".join(f"p{i},P {i}\n" for i in range(40)), encoding="utf-8")
    chat = Chat(engine, "anna")
    await chat.start()
    await chat.say(FULL_ROUTE[0])

    async def turns() -> Any:
        for n in range(ROUNDS):
            await engine.handle("anna", Incoming.say("voortgang", delivery_id=f"r-{n}"))

    await asyncio.gather(asyncio.to_thread(import_roster, csv, tmp_path / "data"), turns())
    record = engine.store.load("anna")
    assert record is not None and all(f"r-{n}" in record.seen for n in range(ROUNDS))
