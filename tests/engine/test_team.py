"""A manager prepares each report's conversation in a dialog of its own: `team`, `team N`, buttons."""

from __future__ import annotations

from pathlib import Path

from bot.domain import DONE, START
from bot.people.team import prep_id
from tests.helpers import FULL_ROUTE, MANAGER_ROUTE, NL, Chat, make_team_engine

ROSTER = """id,name,language,manager,conversation
mila,Mila Bakker,nl,,
anna,Anna de Vries,nl,mila,2027-01-18 10:00
ben,Ben Jansen,en,mila,2027-01-19 14:30
piet,Piet Mulder,nl,,
"""
ANNA_PREP = prep_id("mila", "anna", "2027-01-18T10:00:00+01:00")


async def test_team_lists_reports_and_a_preparation_runs_apart_from_the_own_pop(tmp_path: Path) -> None:
    engine = make_team_engine(tmp_path / "data", ROSTER)
    mila = Chat(engine, "mila")
    await mila.say("team")
    assert "1. Anna de Vries — 18 januari 2027 10:00: voorbereiding open" in mila.text
    assert "2. Ben Jansen — 19 januari 2027 14:30: voorbereiding open" in mila.text
    await mila.say("team 1")
    assert "Voorbereiding voor je gesprek met Anna de Vries" in mila.text
    # the welcome names her too: "je POP-gesprek" alone read as the manager's own (issue 15)
    assert "Je bereidt je POP-gesprek met Anna de Vries voor" in mila.text
    assert mila.question.question_id == "competentieprofiel"
    for answer in MANAGER_ROUTE[:3]:
        await mila.say(answer)
    await mila.say("concept")  # the preparation so far: about Anna by name, no internal id (issue 15)
    draft = str(mila.document.content)
    assert "Anna de Vries" in draft and "prep|" not in draft and "|mila|" not in draft
    await mila.say("mijnpop")  # leave half-way
    assert "terug in je eigen POP" in mila.text
    await mila.say("team 1")  # and come back where she was
    assert mila.question.question_id == "motivatie_score"
    for answer in MANAGER_ROUTE[3:]:
        await mila.say(answer)
    assert "je voorbereiding is klaar" in mila.text and "terug in je eigen POP" in mila.text
    prep = engine.store.load(ANNA_PREP)
    assert prep is not None and prep.state == DONE and prep.script_id == "manager"
    assert prep.answers["ontwikkeltools"].value == ["coaching", "opleiding", "intervisie"]
    own = engine.store.load("mila")
    assert own is not None and own.state == START and own.active is None and not own.answers
    await mila.say("team")
    assert "1. Anna de Vries — 18 januari 2027 10:00: voorbereiding klaar" in mila.text
    # her own POP is untouched and starts as usual
    await mila.say("hoi")
    await mila.say(FULL_ROUTE[0])
    assert engine.store.load("mila").answers["route"].value == "volledig"  # type: ignore[union-attr]


async def test_team_for_someone_without_reports_and_wrong_numbers(tmp_path: Path) -> None:
    engine = make_team_engine(tmp_path / "data", ROSTER)
    piet = Chat(engine, "piet")
    await piet.say("team")
    assert "geen medewerkers van jou" in piet.text
    mila = Chat(engine, "mila")
    for wrong in ("team 3", "team twee", "team 0"):
        await mila.say(wrong)
        assert "Kies een nummer van 1 tot 2." in mila.text
    assert engine.store.load("mila").active is None  # type: ignore[union-attr]


async def test_a_button_opens_only_a_report_of_ones_own(tmp_path: Path) -> None:
    engine = make_team_engine(tmp_path / "data", ROSTER)
    anna_ref = engine.team.reports("mila")[0].ref  # type: ignore[union-attr]
    out = await engine.prepare("piet", anna_ref)  # forged: Anna is not Piet's report
    assert engine.store.load("piet").active is None  # type: ignore[union-attr]
    stale = NL.script.messages.stale_choice
    assert [o.text for o in out] == [stale]  # type: ignore[union-attr]
    out = await engine.prepare("mila", "0123456789")
    assert [o.text for o in out] == [stale] and engine.store.load("mila").active is None  # type: ignore[union-attr]
    out = await engine.prepare("mila", anna_ref, delivery_id="tg:1")
    assert engine.store.load("mila").active == ANNA_PREP  # type: ignore[union-attr]
    assert await engine.prepare("mila", anna_ref, delivery_id="tg:1") == []  # a retried delivery
    question = await engine.current_question("mila")
    assert question is not None and question.question_id == "competentieprofiel"


def test_a_managers_script_is_checked_against_the_script_it_extends(tmp_path: Path) -> None:
    import shutil

    import pytest

    from bot.dialog.problems import ScriptError
    from bot.dialog.script import bundled_script_path, load_script

    manager = bundled_script_path("manager", "nl").read_text(encoding="utf-8")
    broken = manager.replace("employee: energie_score,", "employee: energie_scor,").replace(
        "ability: vermogen", "ability: voldoening"
    )
    (tmp_path / "manager.nl.yaml").write_text(broken, encoding="utf-8")
    with pytest.raises(ScriptError) as err:  # no pop.nl.yaml beside it
        load_script(tmp_path / "manager.nl.yaml")
    assert [p.code for p in err.value.problems] == ["extends_missing"]
    shutil.copy(bundled_script_path("pop", "nl"), tmp_path / "pop.nl.yaml")
    with pytest.raises(ScriptError) as err:
        load_script(tmp_path / "manager.nl.yaml")
    lines = [p.render("en") for p in err.value.problems]
    assert any("'energie_scor' is not a question of the employee's script" in line for line in lines)
    assert any("'voldoening' must be a scale question for the matrix" in line for line in lines)
    # the base's words and messages are inherited: the good script has them
    good = load_script(bundled_script_path("manager", "nl"))
    assert good.script.commands.back == ["vorige", "terug"] and good.script.messages.welcome.startswith(
        "Je bereidt"
    )
