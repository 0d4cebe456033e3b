"""A broken script is refused with file:line:column and a message HR can act on.

The catalogue is tests/broken_scripts/cases.yaml: each case edits a frozen
copy of the Dutch script and says exactly what `popbot dialogs validate` prints.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from bot import ScriptError, load_script
from bot.app.cli import main
from bot.dialog.script import bundled_script_path

HERE = Path(__file__).parent.parent / "broken_scripts"
BASE = (HERE / "base.nl.yaml").read_text(encoding="utf-8")
CASES: list[dict[str, Any]] = YAML(typ="safe").load((HERE / "cases.yaml").read_text(encoding="utf-8"))


def broken(case: dict[str, Any]) -> str:
    text = BASE
    for edit in case["edits"]:
        assert edit["old"] in text, f"{case['name']}: the edit no longer applies"
        text = text.replace(edit["old"], edit["new"], 1)
    return text


def validate(path: Path, lang: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main(["dialogs", "validate", "--lang", lang, str(path)])
    err = capsys.readouterr().err
    return code, [line.removeprefix(f"{path}:") for line in err.splitlines()]


def test_the_catalogue_is_big_enough_and_the_base_is_valid() -> None:
    assert len(CASES) >= 15
    load_script(HERE / "base.nl.yaml")


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_each_broken_script_is_reported_exactly(
    case: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "pop.nl.yaml"
    path.write_text(broken(case), encoding="utf-8")
    code, lines = validate(path, "en", capsys)
    assert code == 1
    assert lines == case["expect"]
    if "expect_nl" in case:
        code, lines = validate(path, "nl", capsys)
        assert lines == case["expect_nl"]
    with pytest.raises(ScriptError):  # the engine refuses it too
        load_script(path)


def test_an_empty_file_a_list_and_not_utf8_are_refused(tmp_path: Path) -> None:
    for content, words in (
        (b"", "must be a mapping"),
        (b"- a\n- b\n", "must be a mapping"),
        (b"id: pop\ntitle: \xff\n", "not UTF-8"),
    ):
        path = tmp_path / "s.yaml"
        path.write_bytes(content)
        with pytest.raises(ScriptError, match=words):
            load_script(path)


def test_a_missing_step_of_the_method_is_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "kort.nl.yaml"
    path.write_text(BASE.replace("    method_step: 7\n", ""), encoding="utf-8")
    code, lines = validate(path, "en", capsys)
    assert code == 0  # HR may shorten the method on purpose
    assert lines == [
        "149:1: warning: the script does not cover step(s) 7 of the seven POP steps "
        "(set method_step on each step)"
    ]


def test_translations_must_share_every_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    en = bundled_script_path("pop", "en").read_text(encoding="utf-8")
    en_path = tmp_path / "pop.en.yaml"
    en_path.write_text(en.replace("      - id: successen", "      - id: succes"), encoding="utf-8")
    nl_path = bundled_script_path("pop", "nl")
    code = main(["dialogs", "validate", str(nl_path), str(en_path)])
    err = capsys.readouterr().err.splitlines()
    assert code == 1
    assert any(
        f"{en_path}:" in e and f"question 'successen' is in {nl_path} but not in this translation" in e
        for e in err
    ), err
    assert any(
        f"{nl_path}:" in e and f"question 'succes' is in {en_path} but not in this translation" in e
        for e in err
    ), err


def test_the_shipped_scripts_are_valid_translations_of_each_other(capsys: pytest.CaptureFixture[str]) -> None:
    paths = [str(bundled_script_path("pop", lang)) for lang in ("nl", "en")]
    assert main(["dialogs", "validate", *paths]) == 0
    out = capsys.readouterr()
    assert out.err == ""
    assert out.out.splitlines() == [f"{p}: ok" for p in paths]


def test_the_bot_refuses_to_start_on_a_broken_script(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "kapot.yaml"
    path.write_text(BASE.replace("kind: scale", "kind: slider"), encoding="utf-8")
    code = main(["chat", "--user", "x", "--script", str(path)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{path}:198:9: unknown kind 'slider'" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("option", "why"),
    [("budget", "private"), ("noodzaak", "no wording for the employee"), ("onbekend", "no such question")],
)
def test_the_manager_cannot_offer_to_share_what_may_not_be_shared(
    option: str, why: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 15: the sharing question's options must be questions the employee may read."""
    dialogs = Path(__file__).parents[2] / "dialogs"
    (tmp_path / "pop.nl.yaml").write_text(
        (dialogs / "pop.nl.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    manager = (dialogs / "manager.nl.yaml").read_text(encoding="utf-8")
    shared = '          - {id: gesprekspunten, label: "Je gesprekspunten"}'
    assert shared in manager
    path = tmp_path / "manager.nl.yaml"
    path.write_text(
        manager.replace(shared, f'{shared}\n          - {{id: {option}, label: "{why}"}}'), encoding="utf-8"
    )
    assert main(["dialogs", "validate", str(path)]) == 1, why
    out = capsys.readouterr()
    said = out.out + out.err
    assert f"'{option}'" in said and ("deelvraag" in said or "sharing question" in said), said
