"""A broken script is refused with file:line:column and a message HR can act on."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot import ScriptError, load_script
from bot.script import bundled_script_path

GOOD = bundled_script_path("pop", "nl").read_text(encoding="utf-8")


def line_of(text: str, needle: str) -> int:
    """1-based number of the last line containing `needle` (a duplicate is the later one)."""
    hits = [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]
    return hits[-1]


def replace_once(old: str, new: str) -> str:
    assert GOOD.count(old) >= 1, old
    return GOOD.replace(old, new, 1)


# (name, broken text, the line to expect (found in the broken text), words of the message)
CASES: list[tuple[str, str, str, str]] = [
    (
        "yaml syntax",
        replace_once("title: Voorbereiding POP-gesprek", "title: [Voorbereiding"),
        "limits:",
        "expected ',' or ']'",
    ),
    (
        "tab indentation",
        replace_once("  max_message_length: 2000", "\tmax_message_length: 2000"),
        "\tmax_message_length",
        "cannot start any token",
    ),
    (
        "duplicate key",
        replace_once("title: Voorbereiding POP-gesprek", "title: Enkel\ntitle: Dubbel"),
        "title: Dubbel",
        "duplicate key",
    ),
    (
        "unknown key",
        replace_once(
            "        kind: text\n        source: seed 004\n        text: Waar krijg",
            "        kind: text\n        sourse: seed 004\n        text: Waar krijg",
        ),
        "sourse:",
        "unknown key 'sourse'",
    ),
    (
        "unknown question kind",
        replace_once(
            "      - id: energie_score\n        kind: scale",
            "      - id: energie_score\n        kind: slider",
        ),
        "kind: slider",
        "unknown kind 'slider'",
    ),
    (
        "missing text",
        replace_once("        text: Waar ben je goed in?\n", ""),
        "- id: goed_in",
        "missing required key 'text'",
    ),
    (
        "wrong type",
        replace_once("  max_message_length: 2000", "  max_message_length: veel"),
        "max_message_length: veel",
        "valid integer",
    ),
    (
        "duplicate question id",
        replace_once("      - id: tevreden", "      - id: gemotiveerd"),
        "- id: gemotiveerd",
        "question id 'gemotiveerd' is used twice",
    ),
    (
        "condition names an unknown id",
        replace_once(
            "when: {answer: route, equals: volledig}\n    questions:\n      # seed 004; seed 001",
            "when: {answer: rout, equals: volledig}\n    questions:\n      # seed 004; seed 001",
        ),
        "answer: rout,",
        "names 'rout', which is not a question",
    ),
    (
        "goto names an unknown id",
        replace_once(
            "        kind: text\n        source: seed 004\n        text: Waar krijg je energie van?",
            "        kind: text\n        goto: [{to: nergens}]\n        source: seed 004\n"
            "        text: Waar krijg je energie van?",
        ),
        "goto: [{to: nergens}]",
        "goto names 'nergens'",
    ),
    (
        "scale with min >= max",
        replace_once("        min: 1\n        max: 5", "        min: 5\n        max: 1"),
        "- id: energie_score",
        "min < max",
    ),
    (
        "empty option list",
        replace_once(
            "        options:\n          - {id: maand, label: Elke maand}\n"
            "          - {id: kwartaal, label: Elk kwartaal}\n"
            "          - {id: halfjaar, label: Elk half jaar}",
            "        options: []",
        ),
        "options: []",
        "at least 1 item",
    ),
    (
        "duplicate option",
        replace_once("{id: kwartaal, label: Elk kwartaal}", "{id: maand, label: Elk kwartaal}"),
        "- id: evaluatiemoment",
        "two options have the same id",
    ),
    (
        "contradicting validation",
        replace_once(
            "validation: {min_length: 3, max_length: 300}", "validation: {min_length: 300, max_length: 3}"
        ),
        "min_length: 300",
        "min_length is larger than max_length",
    ),
    (
        "unknown draft section",
        replace_once(
            "        text: Waarover ben je het meest tevreden?\n        draft: waar_sta_ik",
            "        text: Waarover ben je het meest tevreden?\n        draft: elders",
        ),
        "draft: elders",
        "draft section 'elders'",
    ),
    (
        "missing message",
        replace_once("  paused: Prima, we pauzeren.", "  pauzed: Prima, we pauzeren."),
        "pauzed:",
        "unknown key 'pauzed'",
    ),
    (
        "bad id",
        replace_once("      - id: successen", "      - id: Grote Successen"),
        "- id: Grote Successen",
        "pattern",
    ),
]


@pytest.mark.parametrize(("name", "text", "needle", "words"), CASES, ids=[c[0] for c in CASES])
def test_broken_script_names_the_line(tmp_path: Path, name: str, text: str, needle: str, words: str) -> None:
    path = tmp_path / "pop.nl.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScriptError) as caught:
        load_script(path)
    expected_line = line_of(text, needle)
    matching = [p for p in caught.value.problems if words in p.message]
    assert matching, [str(p) for p in caught.value.problems]
    assert matching[0].line == expected_line, str(matching[0])
    assert str(matching[0]).startswith(f"{path}:{expected_line}:")


def test_an_empty_file_and_a_list_are_refused(tmp_path: Path) -> None:
    for text in ("", "- a\n- b\n"):
        path = tmp_path / "s.yaml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ScriptError, match="must be a mapping"):
            load_script(path)


def test_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_bytes(b"id: pop\ntitle: \xff\xfe\n")
    with pytest.raises(ScriptError, match="not UTF-8"):
        load_script(path)


def popbot(*args: str, cwd: Path | None = None, **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
        **kw,  # type: ignore[call-overload]
    )


def test_cli_validate_ok_and_broken(tmp_path: Path) -> None:
    ok = popbot("dialogs", "validate", str(bundled_script_path("pop", "nl")))
    assert ok.returncode == 0, ok.stderr
    broken = tmp_path / "kapot.yaml"
    text = replace_once("      - id: tevreden", "      - id: gemotiveerd")
    broken.write_text(text, encoding="utf-8")
    bad = popbot("dialogs", "validate", str(broken))
    assert bad.returncode == 1
    line = line_of(text, "- id: gemotiveerd")
    assert f"{broken}:{line}:" in bad.stderr and "used twice" in bad.stderr


def test_the_bot_refuses_to_start_on_a_broken_script(tmp_path: Path) -> None:
    broken = tmp_path / "kapot.yaml"
    broken.write_text(replace_once("kind: scale", "kind: slider"), encoding="utf-8")
    run = popbot(
        "chat",
        "--user",
        "x",
        "--script",
        str(broken),
        input="",
        env={"POPBOT_DATA_DIR": str(tmp_path / "d"), "PATH": ""},
    )
    assert run.returncode == 2
    assert "kapot.yaml:" in run.stderr and "slider" in run.stderr
    assert "Traceback" not in run.stderr
