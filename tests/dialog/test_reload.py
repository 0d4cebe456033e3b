"""Hot reload: edits go live without a restart and without losing anyone's place."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from pathlib import Path

import pytest

from bot import Engine
from bot.dialog.registry import ScriptRegistry
from bot.dialog.reload import watch_scripts
from bot.dialog.script import bundled_script_path
from storage import TinyDBStore
from storage.script_archive import ScriptFolder
from tests.helpers import NOW, Chat

ORIGINAL = bundled_script_path("pop", "nl").read_text(encoding="utf-8")


@pytest.fixture
def script(tmp_path: Path) -> Path:
    path = tmp_path / "dialogs" / "pop.nl.yaml"
    path.parent.mkdir()
    path.write_text(ORIGINAL, encoding="utf-8")
    return path


def engine_for(script: Path, data: Path) -> Engine:
    registry = ScriptRegistry([script], archive=ScriptFolder(data / "scripts"))
    return Engine(registry, TinyDBStore(data), clock=lambda: NOW)


async def at_energie(engine: Engine) -> Chat:
    chat = Chat(engine)
    await chat.start()
    for answer in ("1", "Plannen", "Puzzelen"):
        await chat.say(answer)
    assert chat.question.question_id == "energie"
    return chat


async def test_a_good_edit_goes_live_and_keeps_place_and_answers(script: Path, tmp_path: Path) -> None:
    engine = engine_for(script, tmp_path / "data")
    chat = await at_energie(engine)
    old_version = engine.scripts.current["nl"].version
    script.write_text(
        ORIGINAL.replace("Waar krijg je energie van?", "Waar word jij blij van?"), encoding="utf-8"
    )
    assert engine.scripts.reload() != []
    await chat.say("help")  # any turn shows the question again, in the new wording
    assert chat.question.text == "Waar word jij blij van?"
    await chat.say("Samenwerken")
    record = await chat.record()
    assert record.answers["goed_in"].value == "Plannen"  # answered under the old version
    assert record.answers["goed_in"].version == old_version
    assert record.answers["energie"].version == engine.scripts.current["nl"].version != old_version


async def test_a_broken_edit_is_refused_and_the_old_script_stays(
    script: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    engine = engine_for(script, tmp_path / "data")
    chat = await at_energie(engine)
    before = engine.scripts.current["nl"].version
    script.write_text(ORIGINAL.replace("kind: scale", "kind: slider"), encoding="utf-8")
    with caplog.at_level(logging.ERROR, logger="popbot.scripts"):
        assert engine.scripts.reload() == []
    assert engine.scripts.current["nl"].version == before
    assert f"{script}:" in caplog.text and "unknown kind 'slider'" in caplog.text
    await chat.say("Samenwerken")  # nobody notices
    assert chat.question.question_id == "energie_score"


async def test_someone_on_a_removed_question_keeps_their_version_even_after_a_restart(
    script: Path, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    engine = engine_for(script, data)
    chat = await at_energie(engine)
    removed = ORIGINAL.replace(
        "      - id: energie\n        kind: text\n        source: seed 004\n"
        "        text: Waar krijg je energie van?\n        draft: waar_sta_ik\n",
        "",
    )
    script.write_text(removed, encoding="utf-8")
    engine.scripts.reload()
    assert "energie" not in engine.scripts.current["nl"].questions
    await chat.say("help")
    assert chat.question.question_id == "energie"  # still on the version they started
    # The bot restarts: the old version comes back from the archive.
    chat = Chat(engine_for(script, data))
    await chat.start()
    assert chat.question.question_id == "energie"
    await chat.say("Samenwerken")
    assert chat.question.question_id == "energie_score"
    # Someone new starts on the new version.
    fresh = Chat(chat.engine, "newcomer")
    await fresh.start()
    for answer in ("1", "Plannen", "Puzzelen"):
        await fresh.say(answer)
    assert fresh.question.question_id == "energie_score"


async def test_a_changed_file_is_noticed_within_seconds(script: Path, tmp_path: Path) -> None:
    engine = engine_for(script, tmp_path / "data")
    before = engine.scripts.current["nl"].version
    stop = asyncio.Event()
    watcher = asyncio.create_task(watch_scripts(engine.scripts, stop))
    try:
        await asyncio.sleep(0.5)  # let the watcher start
        # as an editor saves: write a new file and rename it over the old one
        tmp = script.with_suffix(".swp")
        tmp.write_text(ORIGINAL.replace("Waar ben je goed in?", "Waar blink je in uit?"), encoding="utf-8")
        os.replace(tmp, script)
        for _ in range(100):
            if engine.scripts.current["nl"].version != before:
                break
            await asyncio.sleep(0.1)
        assert engine.scripts.current["nl"].questions["goed_in"].text == "Waar blink je in uit?"
    finally:
        stop.set()
        await asyncio.wait_for(watcher, 10)


async def test_sighup_reloads(script: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = engine_for(script, tmp_path / "data")
    reloads = asyncio.Event()
    monkeypatch.setattr(engine.scripts, "reload", lambda: reloads.set() or [])
    stop = asyncio.Event()
    watcher = asyncio.create_task(watch_scripts(engine.scripts, stop))
    try:
        await asyncio.sleep(0.3)
        os.kill(os.getpid(), signal.SIGHUP)
        await asyncio.wait_for(reloads.wait(), 5)
    finally:
        stop.set()
        await asyncio.wait_for(watcher, 10)
