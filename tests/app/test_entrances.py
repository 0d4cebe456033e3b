"""Issue 13, point 8: the chat's limits at every other way in — the command line, the
console's input, ids, edited answers — refused politely, nothing stored, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot import Incoming
from tests.helpers import Chat, make_engine


def popbot(tmp_path: Path, *args: str | bytes, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "POPBOT_DATA_DIR": str(tmp_path / "data")}
    return subprocess.run(
        [sys.executable, "-m", "bot.app.cli", *args], input=stdin, env=env, capture_output=True, timeout=60
    )


def test_invalid_utf8_typed_into_the_console_is_refused_politely(tmp_path: Path) -> None:
    done = popbot(tmp_path, "chat", "--user", "anna", stdin=b"1\nPlannen \xff\xfe en zo\nPlannen\n")
    assert done.returncode == 0, done.stderr
    out = done.stdout.decode()
    assert "geen geldige tekst" in out and b"Traceback" not in done.stderr
    record = make_engine(tmp_path / "data").store.load("anna")
    assert record is not None and record.answers["goed_in"].value == "Plannen"  # the next line counted


def test_ids_on_the_command_line_follow_the_rosters_rule(tmp_path: Path) -> None:
    for bad in (b"anna\xff", b"../anna", b"a" * 65, b"anna smit"):
        done = popbot(tmp_path, "chat", "--user", bad)
        assert done.returncode == 2 and b"may only hold letters, digits" in done.stderr, done.stderr
        assert b"Traceback" not in done.stderr
    for command in (["draft"], ["privacy", "export"], ["privacy", "erase"], ["invite"]):
        done = popbot(tmp_path, *command, b"anna\xff")
        assert done.returncode == 2 and b"may only hold" in done.stderr and b"Traceback" not in done.stderr
    assert not (tmp_path / "data" / "employees").exists()  # nothing was stored for any of them


async def test_invalid_text_from_a_platform_is_refused_before_it_is_stored(tmp_path: Path) -> None:
    engine = make_engine(tmp_path)
    chat = Chat(engine, "anna")
    await chat.start()
    await chat.say("1")
    await chat.say("Plannen \ud800 en zo")  # a JSON payload can carry a lone surrogate
    assert "geen geldige tekst" in chat.text
    await chat.say("Plannen")
    assert (await chat.record()).answers["goed_in"].value == "Plannen"
    # a form (Slack's App Home, later the HR console): the same rules
    assert "geen geldige tekst" in (await engine.set_answer("anna", "goed_in", "x\udfff") or "")
    assert "te lang" in (await engine.set_answer("anna", "goed_in", "x" * 2001) or "")
    # an edited earlier message (Telegram, Slack): told what to do, nothing changes
    await engine.handle("anna", Incoming(kind="edited"))
    assert (await chat.record()).answers["goed_in"].value == "Plannen"
