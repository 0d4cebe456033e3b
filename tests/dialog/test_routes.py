"""The whole Dutch script, driven end to end through the engine."""

from __future__ import annotations

from bot.domain import DONE
from tests.helpers import FULL_ROUTE, NL, SHORT_ROUTE, Chat


async def test_full_route_reaches_a_draft_with_the_answers(chat: Chat) -> None:
    for answer in FULL_ROUTE:
        await chat.say(answer)
    record = await chat.record()
    assert record.state == DONE
    draft = chat.document.content
    # Every non-private text answer is in the draft, under the form's headings.
    for heading in ("Waar sta ik nu?", "Waar wil ik naartoe?", "Ontwikkeldoelen", "Handtekeningen"):
        assert f"## {heading}" in draft
    for answer in (
        "Plannen en klanten helpen",
        "Over vijf jaar teamleider",
        "Lid worden van de OR",
        "Budget voor een cursus",
        "In een logboek",
        "Soms mis ik uitdaging",  # why people leave (seed 004): an optional reflection
    ):
        assert answer in draft
    assert "Dit concept is compleet." in draft
    # The goals table: five columns of the POP form, the term, the priority, the evaluation
    # date (the day the planning ends) and the manager's view of feasibility (none yet).
    assert (
        "| Doel 1 | Klantgericht werken | Zes donderdagmiddagen meewerken op de servicebalie | "
        "Ik kan zelfstandig klanten te woord staan | 15 maart tot 1 mei 2027 | 24 werkuren supervisie | "
        "Kort | Hoog | 1 mei 2027 | – |"
    ) in draft
    assert (
        "Gehele of gedeeltelijke banenruil (jobrotation), Iemand zoeken die wil en kan coachen, "
        "Een cursus, training of opleiding" in draft
    )
    assert "**POP-gesprek:** 14 december 2026" in draft
    assert "Medewerker: ____" in draft and "Leidinggevende: ____" in draft


async def test_private_answers_never_reach_the_draft(chat: Chat) -> None:
    for answer in FULL_ROUTE:
        await chat.say(answer)
    record = await chat.record()
    assert record.answers["tegenop"].value == "GEHEIM-tegenop-marker"  # kept for the employee
    draft = await chat.engine.draft(chat.user)
    assert draft is not None
    assert "GEHEIM" not in draft
    assert "GEHEIM" not in chat.document.content


async def test_short_route_is_the_pleziervraag(chat: Chat) -> None:
    seen_questions = []
    for answer in SHORT_ROUTE:
        await chat.say(answer)
        seen_questions += [q.question_id for q in chat.last if hasattr(q, "question_id")]
    record = await chat.record()
    assert record.state == DONE
    assert set(record.answers) == {"route", "plezier", "gespreksdatum", "bespreken", "steun"}
    assert "goed_in" not in seen_questions and "doelen.doel" not in seen_questions
    draft = chat.document.content
    assert "Wat moet er gebeuren zodat jij met nog meer plezier gaat werken?" in draft
    assert "Minder vergaderingen en meer klantcontact" in draft
    assert "Dit concept is compleet." in draft


async def test_every_step_of_the_method_is_in_the_script() -> None:
    titles = [s.title for s in NL.script.steps]
    assert titles == [
        "Iedereen kan meedoen",
        "Waar sta ik nu?",
        "Waar wil ik naartoe?",
        "Wat moet ik daarvoor doen?",
        "Welke ontwikkelacties ga ik ondernemen?",
        "Hoe voer ik een goed ontwikkelgesprek?",
        "Hoe kan ik de ontwikkelacties uitvoeren?",
    ]
    texts = " ".join(q.text for _s, q in NL.script.questions())
    assert "Waar krijg je energie van?" in texts
    assert "Wat moet er gebeuren zodat jij met nog meer plezier gaat werken?" in texts


# Seed 004's 18 employee preparation questions, each mapped to the question that asks it.
SEED_004 = {
    "Waar ben ik goed in?": "goed_in",
    "Wat vind ik het leukste aan mijn werk en hoe kan ik daar ... meer gebruik van maken?": "leukste",
    "Wat zijn mijn te ontwikkelen punten en wat zou ik daarin kunnen verbeteren?": "ontwikkelpunten",
    "Welke andere werkzaamheden vind ik leuk?": "andere_werkzaamheden",
    "Waar liggen mijn ambities op de langere termijn?": "ambities_lang",
    "Waarover ben ik het meest tevreden?": "tevreden",
    "Wat zijn mijn grootste successen geweest in het afgelopen jaar?": "successen",
    "Wat kan mijn bijdrage zijn aan de realisatie van het afdelingsplan?": "afdelingsplan",
    "Wat denk ik in de toekomst (extra) nodig te hebben ...?": "nodig_werk",
    "Wat zijn mijn ambities in mijn huidige functie?": "ambities_functie",
    "Wat zijn functies die mij erg aanspreken?": "functies",
    "Wat is op dit moment mijn grootste uitdaging?": "uitdaging",
    "Voor welke onderdelen in mijn werk ben ik het meest gemotiveerd?": "gemotiveerd",
    "Waar zie ik erg tegen op?": "tegenop",
    "Wat doe ik buiten mijn werk het liefst?": "buiten_werk",
    "Welke talenten wil ik in de komende tijd uitbouwen?": "talenten",
    "Waar krijg ik energie van?": "energie",
    "Wat is er nodig om mijn loopbaanwensen te realiseren? ...": "loopbaanwensen",
}


async def test_the_18_preparation_questions_of_seed_004_are_each_asked_once() -> None:
    assert len(SEED_004) == 18
    for qid in SEED_004.values():
        q = NL.questions[qid]
        assert q.source and "seed 004" in q.source, qid
    texts = [q.text for _s, q in NL.script.questions()]
    assert len(texts) == len(set(texts)), "a question is asked twice"
