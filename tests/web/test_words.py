"""The console's words: every key in Dutch is in English too, and each placeholder the same."""

from __future__ import annotations

import re

from bot.app.web.text import words


def test_both_languages_have_every_key_with_the_same_placeholders() -> None:
    nl, en = words("nl"), words("en")
    assert nl.keys() == en.keys()
    for key in nl:
        assert set(re.findall(r"{(\w+)}", nl[key])) == set(re.findall(r"{(\w+)}", en[key])), key
