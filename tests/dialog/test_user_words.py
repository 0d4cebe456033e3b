"""Issue 15, words the users read: no project jargon in any sentence of a shipped script."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

DIALOGS = Path(__file__).parent.parent.parent / "dialogs"
# Where a script names where a question comes from, for HR: never shown to a user.
NOT_SHOWN = {"source"}
JARGON = re.compile(r"\bseeds?\b|\bseed \d+|§", re.IGNORECASE)


def sentences(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key not in NOT_SHOWN:
                yield from sentences(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from sentences(value, f"{path}[{i}]")
    elif isinstance(node, str):
        yield path, node


@pytest.mark.parametrize(
    "script", sorted(p.name for p in DIALOGS.glob("*.yaml") if p.name != "validator.yaml")
)
def test_no_project_jargon_reaches_a_user(script: str) -> None:
    tree = YAML(typ="safe").load((DIALOGS / script).read_text(encoding="utf-8"))
    found = [(where, text) for where, text in sentences(tree) if JARGON.search(text)]
    assert found == []


# Found in a native speaker's read (issue 15): written apart where Dutch writes one word,
# "een" where "één" is meant, and English that is Dutch in disguise.
MISSPELT = {
    "nl": re.compile(r"\b(in gaan|verder gaan|af hebben|een tot vijf|geen moment)\b", re.IGNORECASE),
    "en": re.compile(
        r"promises create debts|what is your planning|half the work|stays a piece of paper"
        r"|\(intervision\)|working more customer-focused",
        re.IGNORECASE,
    ),
}


@pytest.mark.parametrize("script", sorted(p.name for p in DIALOGS.glob("*.*.yaml")))
def test_the_known_misspellings_are_gone(script: str) -> None:
    language = script.split(".")[1]
    tree = YAML(typ="safe").load((DIALOGS / script).read_text(encoding="utf-8"))
    found = [(where, text) for where, text in sentences(tree) if MISSPELT[language].search(text)]
    assert found == []
