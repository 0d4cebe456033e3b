"""SMART judged as an HR advisor judges it (issue 28): on a labelled set of goals as employees
write them, and on the cases an audit found; a follow-up that still misses is asked once
more, then the letter stays open and is listed when both are asked to agree."""

from __future__ import annotations

from datetime import date

import pytest

from bot.dialog import smart
from tests.dialog.smart_set import bundled_words, load, score
from tests.helpers import Chat, answer_until

WORDS = bundled_words()
NL, EN = WORDS["nl"], WORDS["en"]
AFTER, GOALS = load()


def test_the_labelled_set_is_large_realistic_and_in_both_languages() -> None:
    assert len(GOALS) >= 150
    langs = {g.lang for g in GOALS}
    assert langs == {"nl", "en"}
    for letter in ("S", "M", "T"):  # every letter has both verdicts, in both languages
        for lang in langs:
            verdicts = {g.holds[letter] for g in GOALS if g.lang == lang}
            assert verdicts == {True, False}, (letter, lang)


@pytest.mark.parametrize("letter", ["S", "M", "T"])
def test_each_letter_is_judged_right_nine_times_in_ten(letter: str) -> None:
    s = score(GOALS, WORDS, AFTER)[letter]
    assert s.precision >= 0.9 and s.recall >= 0.9, s.wrong


def test_time_bound_goals_end_on_the_day_the_planning_names() -> None:
    s = score(GOALS, WORDS, AFTER)["T"]
    timed = sum(g.holds["T"] for g in GOALS)
    assert s.wrong_end <= timed // 20, s.wrong  # at most one in twenty read as another day


@pytest.mark.parametrize(
    ("words", "goal"),
    [
        (NL, "Meer zelfvertrouwen"),
        (NL, "Ik wil doorgroeien"),
        (NL, "Beter communiceren"),
        (NL, "Groeien — weet ik niet — echt geen idee"),  # follow-ups that say nothing more
        (EN, "More confidence"),
        (EN, "Grow — develop myself — really no idea"),
    ],
)
def test_wishes_without_a_behaviour_are_not_specific(words, goal) -> None:  # type: ignore[no-untyped-def]
    assert not smart.is_specific(goal, words)


@pytest.mark.parametrize(
    ("words", "result", "observable"),
    [
        (NL, "Ik kan beter plannen", False),
        (NL, "Ik voel me zekerder in klantgesprekken", False),
        (NL, "Ik maak de weekplanning en de teamleider hoeft hem niet meer na te kijken", True),
        (NL, "Mijn leidinggevende ziet dat ik de offertes zelfstandig maak", True),
        (EN, "I can plan better", False),
        (EN, "The dashboard is live and the team uses it", True),
    ],
)
def test_measurable_needs_what_someone_can_observe(words, result, observable) -> None:  # type: ignore[no-untyped-def]
    assert smart.is_observable(result, words) is observable


@pytest.mark.parametrize(
    ("words", "planning", "end"),
    [
        (NL, "ik begin in maart", None),  # a start is no deadline
        (NL, "vanaf 1 februari", None),
        (NL, "ik begin in maart en ben klaar in juni", date(2027, 6, 30)),
        (NL, "komend jaar", date(2028, 1, 18)),
        (NL, "dit najaar", date(2027, 11, 30)),
        (NL, "het derde kwartaal", date(2027, 9, 30)),
        (NL, "medio 2027", date(2027, 6, 30)),  # not 31 December
        (NL, "voor juli", date(2027, 6, 30)),
        (EN, "I start in February", None),
        (EN, "mid-2027", date(2027, 6, 30)),
        (EN, "this autumn", date(2027, 11, 30)),
        (EN, "May", date(2027, 5, 31)),
        (EN, "I may ask a colleague", None),
    ],
)
def test_time_bound_reads_the_end_of_the_planning(words, planning, end) -> None:  # type: ignore[no-untyped-def]
    assert smart.deadline(planning, words, AFTER) == end


async def _to_planning(chat: Chat, planning: str) -> None:
    await answer_until(chat, "doelen.planning")
    await chat.say(planning)


async def test_a_follow_up_that_still_misses_is_asked_once_more_then_left_open(chat: Chat) -> None:
    await _to_planning(chat, "Ik begin in maart")
    assert chat.question.question_id == "doelen.planning.__followup__"
    assert "áf hebben" in chat.text
    await chat.say("zo snel als het kan")
    assert chat.question.question_id == "doelen.planning.__followup__"  # once more, in other words
    assert "ook als het een schatting is" in chat.text
    await chat.say("dat weet ik echt nog niet")
    assert "aandachtspunt voor het gesprek" in chat.text
    assert "wanneer het doel af is" in chat.text
    assert chat.question.question_id == "doelen.haalbaar"  # on with the goal: nothing lost
    item = (await chat.record()).group.item  # type: ignore[union-attr]
    assert item["planning"] == "Ik begin in maart — zo snel als het kan — dat weet ik echt nog niet"


async def test_a_follow_up_that_mends_the_letter_goes_on_at_once(chat: Chat) -> None:
    await _to_planning(chat, "Ik begin in maart")
    await chat.say("klaar voor de zomer")
    assert chat.question.question_id == "doelen.haalbaar"
    assert "aandachtspunt" not in chat.text
