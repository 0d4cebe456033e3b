"""English next to Dutch: the same ids, a switch mid-dialog, the draft in the employee's language."""

from __future__ import annotations

from bot.domain import DONE
from tests.helpers import FULL_ROUTE_EN, SHORT_ROUTE_EN, Chat


async def english(chat: Chat) -> Chat:
    chat.last = await chat.engine.start("anne", "en")
    chat.user = "anne"
    return chat


async def test_the_full_route_in_english(chat: Chat) -> None:
    await english(chat)
    assert "Hi! I'll help you prepare" in chat.text
    for answer in FULL_ROUTE_EN:
        await chat.say(answer)
    record = await chat.record()
    assert record.state == DONE and record.language == "en"
    draft = chat.document.content
    assert draft.startswith("# Personal Development Plan (draft)")
    assert "## Where am I now?" in draft and "This draft is complete." in draft
    assert "| Goal 1 | Klantgericht werken |" in draft and "| Short | High |" in draft
    assert "GEHEIM" not in draft


async def test_the_short_route_in_english(chat: Chat) -> None:
    await english(chat)
    for answer in SHORT_ROUTE_EN:
        await chat.say(answer)
    assert (await chat.record()).state == DONE
    assert "What would need to happen for you to enjoy your work even more?" in chat.document.content


async def test_switching_language_mid_dialog_keeps_every_answer(chat: Chat) -> None:
    await chat.say("1")
    await chat.say("Plannen")
    await chat.say("taal")
    assert [o.label for o in chat.question.options] == ["Nederlands", "English"]
    await chat.say("English")
    assert "continue in English" in chat.text
    assert chat.question.text.startswith("What do you enjoy most")
    await chat.say("back")
    assert "Plannen" in chat.question.current
    await chat.say("vorige")  # the Dutch words still work
    assert chat.question.question_id == "route"
    await chat.say("language nl")
    assert "verder in het Nederlands" in chat.text
    assert chat.question.text.startswith("Hoe wil je je voorbereiden?")
    record = await chat.record()
    assert record.language == "nl" and record.answers["goed_in"].value == "Plannen"


async def test_the_draft_follows_the_language(chat: Chat) -> None:
    await chat.say("1")
    await chat.say("Plannen")
    await chat.say("language english")
    draft = await chat.engine.draft(chat.user)
    assert draft is not None and "## Where am I now?" in draft and "Plannen" in draft


async def test_an_unknown_language(chat: Chat) -> None:
    await chat.say("taal klingon")
    assert "geen van de keuzes" in chat.text
    await chat.say("2")
    assert (await chat.record()).language == "en"
