"""SMART on the letters a bot can read (seed 001 §2.4.1): whole words, never substrings;
relative deadlines resolved from the conversation's date (issue 15)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.dialog import smart
from bot.dialog.script import bundled_script_path, load_script
from tests.helpers import Chat, answer_until

NL = load_script(bundled_script_path("pop", "nl")).script.words
EN = load_script(bundled_script_path("pop", "en")).script.words
CONVERSATION = date(2027, 1, 18)


@pytest.mark.parametrize(
    ("words", "goal"),
    [
        (NL, "beter worden"),
        (NL, "groeien"),
        (NL, "meer leren"),
        (NL, "mezelf ontwikkelen"),
        (NL, "Beter worden in mijn werk"),
        (NL, "beter leren plannen"),  # a wish about a skill, no task or behaviour yet
        (NL, "Meer zelfvertrouwen"),
        (NL, "Ik wil doorgroeien"),
        (NL, "Beter communiceren"),
        (EN, "get better"),
        (EN, "grow"),
        (EN, "develop myself"),
    ],
)
def test_a_goal_that_names_nothing_concrete_is_not_specific(words, goal) -> None:  # type: ignore[no-untyped-def]
    assert not smart.is_specific(goal, words)


@pytest.mark.parametrize(
    ("words", "goal"),
    [
        (NL, "Klantgericht werken"),
        (NL, "Excel onder de knie krijgen"),
        (NL, "beter leren plannen met Outlook"),
        (NL, "Beter communiceren met klanten over vertragingen"),
        (EN, "master Excel pivot tables"),
        (EN, "chair a meeting"),
    ],
)
def test_a_goal_that_names_a_skill_task_or_behaviour_is_specific(words, goal) -> None:  # type: ignore[no-untyped-def]
    assert smart.is_specific(goal, words)


@pytest.mark.parametrize(
    ("words", "result", "observable"),
    [
        (NL, "Meer zelfvertrouwen bij het leidinggeven", False),
        (NL, "Ik kan beter plannen", False),  # "kan" is no criterion, "beter" no measure
        (NL, "Ik voel me zekerder", False),
        (NL, "Ik maak de maandrapportage zelf", True),  # a product someone can see
        (NL, "Meer zelfvertrouwen", False),
        (NL, "Ik kan zelfstandig een offerte maken", True),
        (NL, "3 klanten per week zonder hulp", True),
        (NL, "80% van de klanten tevreden", True),
        (NL, "Mijn certificaat behaald", True),
        (EN, "leadership", False),
        (EN, "more confidence", False),
        (EN, "I can write a quote independently", True),
    ],
)
def test_measurable_reads_whole_words_and_numbers(words, result, observable) -> None:  # type: ignore[no-untyped-def]
    assert smart.is_observable(result, words) is observable


@pytest.mark.parametrize(
    ("words", "planning", "due"),
    [
        (NL, "binnen 3 maanden", date(2027, 4, 18)),
        (NL, "binnen een half jaar", date(2027, 7, 18)),
        (NL, "binnen anderhalf jaar", date(2028, 7, 18)),
        (NL, "over twee weken", date(2027, 2, 1)),
        (NL, "voor de zomer", date(2027, 6, 30)),
        (NL, "Q2 2027", date(2027, 6, 30)),
        (NL, "in het tweede deel van kwartaal 3", date(2027, 9, 30)),
        (NL, "eind volgend jaar", date(2028, 12, 31)),
        (NL, "eind dit jaar", date(2027, 12, 31)),
        (NL, "in maart", date(2027, 3, 31)),
        (NL, "begin in maart, af in juni 2027", date(2027, 6, 30)),
        (NL, "15 maart tot 1 mei 2027", date(2027, 5, 1)),
        (NL, "1-5-2027", date(2027, 5, 1)),
        (NL, "voor 1 juni", date(2027, 6, 1)),
        (NL, "in 2028", date(2028, 12, 31)),
        (EN, "within 3 months", date(2027, 4, 18)),
        (EN, "within half a year", date(2027, 7, 18)),
        (EN, "within six months", date(2027, 7, 18)),
        (EN, "before the summer", date(2027, 6, 30)),
        (EN, "Q2 2027", date(2027, 6, 30)),
        (EN, "end of next year", date(2028, 12, 31)),
        (EN, "by 1 May 2027", date(2027, 5, 1)),
    ],
)
def test_a_planning_resolves_to_a_date_from_the_conversation(words, planning, due) -> None:  # type: ignore[no-untyped-def]
    assert smart.deadline(planning, words, CONVERSATION) == due
    assert smart.passes("has_date", planning, words, CONVERSATION)


@pytest.mark.parametrize(
    ("words", "planning"),
    [
        (NL, "zo snel mogelijk"),
        (NL, "elke week oefenen"),
        (NL, "1 mei 2020"),
        (NL, "31-02-2027"),
        (EN, "as soon as possible"),
        (EN, "I may ask a colleague"),
    ],
)
def test_a_planning_without_a_moment_is_not_time_bound(words, planning) -> None:  # type: ignore[no-untyped-def]
    assert smart.deadline(planning, words, CONVERSATION) is None
    assert not smart.passes("has_date", planning, words, CONVERSATION)


async def test_a_vague_goal_gets_one_friendly_question_what_exactly(chat: Chat) -> None:
    await answer_until(chat, "doelen.doel")
    await chat.say("Groeien")
    assert chat.question.question_id == "doelen.doel.__followup__"
    assert "vaardigheid, taak of gedrag" in chat.text
    await chat.say("Zelfstandig offertes opstellen")
    assert chat.question.question_id == "doelen.activiteit"
    item = (await chat.record()).group.item  # type: ignore[union-attr]
    assert item["doel"] == "Groeien — Zelfstandig offertes opstellen"
