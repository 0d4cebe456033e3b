"""Issue 15, the short route (seed 000): worded as the seed does, honestly numbered, and goals
agreed in the conversation can still be added afterwards."""

from __future__ import annotations

import re

from bot.domain import DONE
from tests.helpers import SHORT_ROUTE, Chat, add_a_goal


async def test_the_short_route_is_worded_as_the_seed_and_explains_the_question(chat: Chat) -> None:
    route = chat.question
    assert route.question_id == "route"
    words = " ".join([route.text, *(o.label for o in route.options)])
    # the seed: someone who keeps up and goes along with the changes — not "I perform well and
    # want no big changes", and the enjoyment question in plain words, not as jargon
    assert "presteer goed" not in words and "geen grote veranderingen" not in words
    assert "pleziervraag" not in words
    assert "meegaat met de veranderingen" in words and "met nog meer plezier" in words


async def test_steps_are_numbered_as_this_person_sees_them(chat: Chat) -> None:
    heads = []
    for answer in SHORT_ROUTE:
        await chat.say(answer)
        heads += re.findall(r"Stap (\d) van (\d)", chat.text)
    assert heads == [("2", "3"), ("3", "3")]  # not "3 van 7", "6 van 7"


async def test_on_the_short_route_goals_are_added_afterwards(chat: Chat) -> None:
    for answer in SHORT_ROUTE:
        await chat.say(answer)
    assert (await chat.record()).state == DONE
    await chat.say("wijzig")
    await add_a_goal(chat)
    record = await chat.record()
    assert record.state == DONE
    assert [g["doel"] for g in record.answers["doelen"].value] == ["Een vergadering voorzitten"]
    await chat.say("concept")
    assert "Een vergadering voorzitten" in chat.document.content
