"""The employee keeps single answers out of the draft: `privé N`, and again to share."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import FULL_ROUTE, Chat, make_engine


async def test_marking_an_answer_private_keeps_it_out_of_the_draft(tmp_path: Path) -> None:
    chat = Chat(make_engine(tmp_path))
    await chat.start()
    for answer in FULL_ROUTE[:4]:
        await chat.say(answer)
    await chat.say("privé")  # the list, numbered as for "wijzig"
    assert "2. Waar ben je goed in? — Plannen en klanten helpen" in chat.text
    await chat.say("privé 2")
    assert "blijft privé" in chat.text and chat.question.question_id == "energie_score"  # and on we go
    await chat.say("concept")
    assert "Plannen en klanten helpen" not in str(chat.document.content)
    await chat.say("privé")
    assert "2. 🔒 Waar ben je goed in?" in chat.text

    await chat.say("wijzig 2")  # changing the answer keeps it private
    await chat.say("Plannen, klanten helpen en roosters")
    await chat.say("concept")
    assert "klanten helpen en roosters" not in str(chat.document.content)

    await chat.say("privé 2")  # shared again
    assert "weer in je concept" in chat.text
    await chat.say("concept")
    assert "Plannen, klanten helpen en roosters" in str(chat.document.content)


async def test_a_wrong_number_shows_the_list_and_changes_nothing(tmp_path: Path) -> None:
    chat = Chat(make_engine(tmp_path))
    await chat.start()
    for answer in FULL_ROUTE[:3]:
        await chat.say(answer)
    for wrong in ("privé 99", "privé twee", "privé -1"):
        await chat.say(wrong)
        assert 'Met "privé <nummer>"' in chat.text
    record = await chat.record()
    assert not any(a.private for a in record.answers.values())


async def test_english_words_work_too(tmp_path: Path) -> None:
    chat = Chat(make_engine(tmp_path))
    await chat.engine.start("emp1", "en")
    await chat.say("1")
    await chat.say("Planning")
    await chat.say("private 2")
    assert "stays private" in chat.text


async def test_a_question_that_is_always_private_says_so_when_asked(tmp_path: Path) -> None:
    """Issue 15: not only in `help`; and `privé` never offers it (it is never in the draft, so
    "staat weer in je concept" would be untrue)."""
    chat = Chat(make_engine(tmp_path))
    await chat.start()
    for answer in FULL_ROUTE[:10]:
        await chat.say(answer)
    assert chat.question.question_id == "tegenop"
    assert "Alleen voor jou" in (chat.question.hint or "")
    await chat.say(FULL_ROUTE[10])  # answered
    await chat.say("privé")
    assert "Waar zie je erg tegen op?" not in chat.text  # not offered: it cannot be shared
    assert "Alleen voor jou" not in (chat.question.hint or "")  # an ordinary question again
