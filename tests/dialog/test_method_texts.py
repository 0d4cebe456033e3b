"""Issue 28: what the seeds ask that lives in the words — step 6 says how to hold the
conversation, the elements an audit found missing are asked, and the roster's date is never
shown only to be passed over (the flow tests whether the roster answered it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.dialog.script import bundled_script_path, load_script
from bot.messages import Question
from tests.helpers import FULL_ROUTE, Chat, make_team_engine

LANGS = ("nl", "en")
STEP_6 = {
    "nl": [
        "Het POP is van jou",
        "open en eerlijk",
        "geen belofte over een nieuwe functie",
        "SMART",
        "prioriteit per doel",
    ],
    "en": [
        "The POP is yours",
        "open and honest",
        "promise about a new role",
        "SMART",
        "priority for each goal",
    ],
}
ELEMENTS = {  # (script, question or FAQ id, words that must be in its text)
    "nl": [
        ("organisation", "bezetting", ["personeelsbezetting", "leeftijd", "dienstverband"]),  # seed 004
        ("pop", "normen_waarden", ["normen en waarden"]),  # seed 003
        ("pop", "steun", ["ontwikkelbudget", "cao"]),  # seed 002: POF, cao
        ("pop", "talenten", ["buiten je werk"]),  # seed 004, seed 001 §2.1.3
        ("manager", "budget", ["ontwikkelingsbudget", "cao"]),  # seed 002, seed 001 §2.5.2
        ("pop", "plan_aanpak", ["één à twee jaar"]),  # seed 002
    ],
    "en": [
        ("organisation", "bezetting", ["staffing", "age", "length of service"]),
        ("pop", "normen_waarden", ["norms and values"]),
        ("pop", "steun", ["development budget", "collective agreement"]),
        ("pop", "talenten", ["outside work"]),
        ("manager", "budget", ["development budget", "collective agreement"]),
        ("pop", "plan_aanpak", ["one to two years"]),
    ],
}
FAQ_14 = {"nl": ["opvolger", "ongunstig moment", "blijft"], "en": ["successor", "bad moment", "stay"]}


@pytest.mark.parametrize("lang", LANGS)
def test_step_6_says_how_to_hold_the_conversation(lang: str) -> None:
    pop = load_script(bundled_script_path("pop", lang)).script
    intro = next(s for s in pop.steps if s.method_step == 6).intro or ""
    for words in STEP_6[lang]:
        assert words in intro, words


@pytest.mark.parametrize("lang", LANGS)
def test_the_elements_the_audit_found_missing_are_asked(lang: str) -> None:
    for script, qid, words in ELEMENTS[lang]:
        q = load_script(bundled_script_path(script, lang)).questions[qid]
        for w in words:
            assert w in f"{q.text} {getattr(q, 'help', '') or ''}", (script, qid, w)
    faq = next(
        e for e in load_script(bundled_script_path("pop", lang)).script.faq if e.id == "dure_opleiding"
    )
    for w in FAQ_14[lang]:
        assert w in faq.answer, w


ROSTER = """id,name,email,language,manager,platform,handle,conversation,timezone
mila,Mila Bakker,mila@example.org,nl,,console,,,Europe/Amsterdam
anna,Anna de Vries,anna@example.org,nl,mila,console,,2027-01-18 10:00,Europe/Amsterdam
"""


async def test_the_rosters_date_is_never_shown_only_to_be_passed_over(tmp_path: Path) -> None:
    chat = Chat(make_team_engine(tmp_path / "data", ROSTER), "anna")
    await chat.start()
    shown = []
    for answer in FULL_ROUTE:
        await chat.say(answer)
        shown += [o.question_id for o in chat.last if isinstance(o, Question)]
    assert "gespreksdatum" not in shown and "bespreken" in shown
    record = await chat.record()
    assert record.answers["gespreksdatum"].value == "2027-01-18" and record.answers["gespreksdatum"].roster
    assert record.answers["bespreken"].value == "Mijn doorgroei naar teamleider"  # not the typed date
