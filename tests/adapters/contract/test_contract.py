"""The adapter contract: the same scenarios on every platform — Telegram, Slack, Teams and
the console — each started by popbot's runtime against its fake and fed recorded payloads
(`drivers.py`). A new platform passes these before it is done.

Where a scenario cannot happen on a platform it is not generated for it (the console is the
operator's own terminal: no stranger writes to it, and a typed line never arrives twice)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.domain import DONE
from bot.messages import Part
from tests.adapters.contract.drivers import PLATFORMS, Driver
from tests.helpers import DATE_IF_ASKED, FULL_ROUTE

ALL = list(PLATFORMS)
CHATS = [name for name in ALL if name != "console"]


@pytest.fixture
async def anna(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Driver]:
    async with PLATFORMS[request.param](tmp_path) as driver:
        await driver.begin()
        assert any("Hoe wil je je voorbereiden?" in t for t in driver.texts()), driver.texts()
        yield driver


def everything(driver: Driver) -> str:
    return "\n".join(driver.texts())


@pytest.mark.parametrize("anna", ALL, indirect=True)
async def test_a_whole_dialog_with_buttons_and_text(anna: Driver) -> None:
    await anna.press("Volledig")  # the route, by its button
    for answer in FULL_ROUTE[1:]:  # the rest typed, as people do
        await anna.say(answer)
    record = anna.store.load("anna")
    assert record is not None and record.state == DONE, everything(anna)[-600:]
    assert "Klaar! Je hebt je POP-gesprek voorbereid." in everything(anna)
    assert record.answers["energie_score"].value == 4 and record.answers["leukste"].value.startswith(
        "Puzzelen"
    )
    assert DATE_IF_ASKED  # (the date is typed: the roster here gives none)


@pytest.mark.parametrize("anna", CHATS, indirect=True)
async def test_a_stranger_is_refused_and_nothing_about_them_is_stored(anna: Driver) -> None:
    told = await anna.stranger("Hallo, ik wil mijn POP doen")
    assert told and all("Hoe wil je je voorbereiden?" not in t for t in told)
    assert sorted(anna.store.employee_ids()) == ["anna"]


@pytest.mark.parametrize("anna", CHATS, indirect=True)
async def test_a_redelivered_event_is_answered_once(anna: Driver) -> None:
    await anna.say("1")  # the route: volledig
    before = len(anna.texts())
    await anna.redeliver()
    record = anna.store.load("anna")
    assert record is not None and record.answers["route"].value == "volledig"
    assert record.state != "leukste"  # the same "1" was not taken as the next answer too
    assert len(anna.texts()) == before  # and not answered again


@pytest.mark.parametrize("anna", ALL, indirect=True)
async def test_the_draft_is_shown_on_asking_as_a_file_or_in_the_chat(anna: Driver) -> None:
    await anna.press("Volledig")
    await anna.say("Plannen en klanten helpen")
    files, said = len(anna.documents()), len(anna.texts())
    await anna.say("concept")
    new = "\n".join(anna.texts()[said:])
    assert len(anna.documents()) > files or "Plannen en klanten helpen" in new, new[-400:]


@pytest.mark.parametrize("anna", ALL, indirect=True)
async def test_the_schedule_reaches_her_first(anna: Driver) -> None:
    part = Part(kind="text", text="Herinnering: je POP-gesprek komt eraan.")
    await anna.channel.send(anna.address, [part], "contract:reminder", "Herinnering")
    assert any("Herinnering: je POP-gesprek komt eraan." in t for t in await anna.proactive())


@pytest.mark.parametrize("anna", ALL, indirect=True)
async def test_her_export_comes_as_files(anna: Driver) -> None:
    await anna.press("Volledig")
    before = len(anna.documents())
    await anna.say("mijngegevens")
    assert len(anna.documents()) >= before + 2, everything(anna)[-400:]  # the JSON and the readable one


@pytest.mark.parametrize("anna", ALL, indirect=True)
async def test_erasure_takes_her_answers_and_her_account(anna: Driver) -> None:
    await anna.press("Volledig")
    await anna.say("Plannen en klanten helpen")
    await anna.say("verwijder")
    assert "Weet je het zeker?" in everything(anna)
    await anna.say("ja")
    assert "Alles is verwijderd." in everything(anna)
    assert anna.store.load("anna") is None
    assert anna.parts.access.chat_accounts("anna") == {}
