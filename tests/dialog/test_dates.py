"""Issue 15: dates in the reader's language and format, never a hard-coded `%d-%m-%Y`."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from bot.dialog.render import day
from tests.helpers import EN, NL, Chat, make_engine

ROOT = Path(__file__).parents[2]


def test_a_date_reads_as_its_language_writes_it() -> None:
    assert day(date(2027, 1, 18), NL.script.words) == "18 januari 2027"
    assert day(date(2027, 1, 18), EN.script.words) == "18 January 2027"


def test_no_fixed_date_format_is_left_in_what_users_read() -> None:
    # writing a date with a fixed pattern (reading the roster's many formats is another matter)
    # (the command line's ISO dates for IT, "%Y-%m-%d", are not a reader's format)
    fixed = re.compile(r"strftime\([^)]*%d[-/.]%m")
    found = [str(p.relative_to(ROOT)) for p in (ROOT / "bot").rglob("*.py") if fixed.search(p.read_text())]
    assert found == []


async def test_an_english_reader_gets_an_english_date(tmp_path: Path) -> None:
    chat = Chat(make_engine(tmp_path))
    await chat.start()
    await chat.say("language en")
    await chat.say("short")
    await chat.say("More time with customers")
    await chat.say("1-1-2020")  # the conversation date, in the past
    assert "today is 22 November 2026" in chat.text
