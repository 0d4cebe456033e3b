"""Kinds are a table (issue 29, begun): every kind of message the schedule sends is one row in
`bot.schedule.kinds`, has one composer and its name in both languages — and nothing else in
the schedule keeps a list of kinds of its own."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.schedule import compose
from bot.schedule.kinds import KINDS, TABLE
from bot.schedule.timeline import Planned, load_schedule

ROOT = Path(__file__).resolve().parents[2]


def test_every_kind_has_one_row_one_composer_and_its_words() -> None:
    assert len({k.name for k in TABLE}) == len(TABLE)  # one row each
    assert set(compose.COMPOSERS) == set(KINDS)
    config = load_schedule(ROOT / "dialogs" / "schedule.yaml")
    for lang in ("nl", "en"):
        names = config.texts(lang).kinds
        assert set(names) >= set(KINDS), (lang, set(KINDS) - set(names))


def test_an_unknown_kind_is_refused_when_planned() -> None:
    with pytest.raises(ValueError, match="unknown kind of message 'reminderr'"):
        Planned("a|b|c", "reminderr", datetime(2027, 1, 1, tzinfo=UTC))


def test_no_module_of_the_schedule_keeps_its_own_list_of_kinds() -> None:
    names = "|".join(sorted(KINDS, key=len, reverse=True))
    # three names in a row, other than in a composer's registration (`@composes(...)`)
    listing = re.compile(rf'(?<!composes)\(\s*"(?:{names})",\s*"(?:{names})",\s*"(?:{names})"')
    for path in (ROOT / "bot" / "schedule").glob("*.py"):
        if path.name != "kinds.py":
            assert not listing.search(path.read_text(encoding="utf-8")), path.name
