"""Bad input gets a clear answer in the dialog's language, and loses nothing."""

from __future__ import annotations

import pytest

from bot import Incoming
from tests.helpers import FULL_ROUTE, Chat


async def at_goed_in(chat: Chat) -> None:
    await chat.say("1")
    await chat.say("Plannen")  # an earlier answer that must survive every bad input
    assert chat.question.question_id == "leukste"


async def assert_nothing_lost(chat: Chat, question_id: str = "leukste") -> None:
    record = await chat.record()
    assert record.answers["goed_in"].value == "Plannen"
    assert record.state == question_id
    assert chat.question.question_id == question_id  # asked again


@pytest.mark.parametrize("message", ["", "   ", "\n\t  \n"])
async def test_empty_or_whitespace(chat: Chat, message: str) -> None:
    await at_goed_in(chat)
    await chat.say(message)
    assert "Ik heb niets ontvangen" in chat.text
    await assert_nothing_lost(chat)


async def test_a_huge_message_is_refused_with_the_limit(chat: Chat) -> None:
    await at_goed_in(chat)
    await chat.say("x" * 20_000)
    assert "te lang (20000 tekens; het maximum is 2000)" in chat.text
    await assert_nothing_lost(chat)
    assert "leukste" not in (await chat.record()).answers


async def test_emoji_only_asks_for_words(chat: Chat) -> None:
    await at_goed_in(chat)
    await chat.say("👍🎉🔥")
    assert "in woorden" in chat.text
    await assert_nothing_lost(chat)


async def test_emoji_in_words_and_right_to_left_text_are_kept_intact(chat: Chat) -> None:
    await at_goed_in(chat)
    await chat.say("Roosters maken 🎉 met collega's")
    arabic = "أحب العمل مع الفريق"
    hebrew = "אני אוהב לעבוד בצוות"
    await chat.say(arabic)
    await chat.say("vorige")
    await chat.say(hebrew)
    answers = (await chat.record()).answers
    assert answers["leukste"].value == "Roosters maken 🎉 met collega's"
    assert answers["energie"].value == hebrew
    await chat.say("concept")
    assert hebrew in chat.document.content


async def test_an_answer_that_is_not_an_option(chat: Chat) -> None:
    await chat.say("misschien")
    assert "geen van de keuzes" in chat.text and "1 tot en met 2" in chat.text
    assert chat.question.question_id == "route"


@pytest.mark.parametrize("answer", ["0", "3", "-1", "99999999999999999999"])
async def test_a_number_out_of_range_for_a_choice(chat: Chat, answer: str) -> None:
    await chat.say(answer)
    assert "geen van de keuzes" in chat.text
    assert "route" not in (await chat.record()).answers


@pytest.mark.parametrize("answer", ["0", "6", "veel", "4.5"])
async def test_a_number_out_of_range_for_a_scale(chat: Chat, answer: str) -> None:
    for a in FULL_ROUTE[:4]:
        await chat.say(a)
    assert chat.question.question_id == "energie_score"
    await chat.say(answer)
    assert "Kies een getal van 1 tot en met 5" in chat.text
    assert chat.question.question_id == "energie_score"
    await chat.say("heel veel")  # a label works
    assert (await chat.record()).answers["energie_score"].value == 5


async def test_multiple_choice_with_an_unknown_choice(chat: Chat) -> None:
    for a in FULL_ROUTE:
        if chat.question.question_id == "ontwikkeltools":
            break
        await chat.say(a)
    await chat.say("2, 77")
    assert "geen van de keuzes" in chat.text
    await chat.say("coaching; intervisie")
    assert (await chat.record()).answers["ontwikkeltools"].value == ["coaching", "intervisie"]


async def reach_date(chat: Chat) -> None:
    await chat.say("kort")
    await chat.say("Meer klantcontact")
    assert chat.question.question_id == "gespreksdatum"


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("01-01-2020", "Die datum is al geweest (vandaag is het 22 november 2026)"),
        ("22-11-2026", "Die datum is al geweest"),
        ("volgende week", "herken ik niet als datum"),
        ("31-02-2027", "herken ik niet als datum"),
        ("14 maart", "Ik mis de dag, de maand of het jaar"),
    ],
)
async def test_a_date_in_the_past_or_not_a_date(chat: Chat, answer: str, expected: str) -> None:
    await reach_date(chat)
    await chat.say(answer)
    assert expected in chat.text
    assert chat.question.question_id == "gespreksdatum"
    assert (await chat.record()).answers["plezier"].value == "Meer klantcontact"


@pytest.mark.parametrize("answer", ["14-03-2027", "14 maart 2027", "2027-03-14", "14/3/2027"])
async def test_dates_people_write(chat: Chat, answer: str) -> None:
    await reach_date(chat)
    await chat.say(answer)
    assert (await chat.record()).answers["gespreksdatum"].value == "2027-03-14"


async def test_an_unknown_command(chat: Chat) -> None:
    await at_goed_in(chat)
    await chat.say("/weetikveel")
    assert "Het commando '/weetikveel' ken ik niet" in chat.text
    await assert_nothing_lost(chat)


async def test_a_command_word_inside_a_sentence_is_an_answer(chat: Chat) -> None:
    await at_goed_in(chat)
    await chat.say("stop met vergaderen")
    assert (await chat.record()).answers["leukste"].value == "stop met vergaderen"


async def test_a_sticker_or_photo(chat: Chat) -> None:
    await at_goed_in(chat)
    chat.last = await chat.engine.handle(chat.user, Incoming(kind="unsupported", text="sticker"))
    assert "geen foto's, stickers of spraakberichten" in chat.text
    await assert_nothing_lost(chat)


async def test_a_forged_button_payload_changes_nothing(chat: Chat) -> None:
    await at_goed_in(chat)
    for qid, oid in [("leukste", "x"), ("route", "kort"), ("goed_in", "1"), ("../etc", "1")]:
        await chat.press(qid, oid)
        assert "al voorbij" in chat.text
        await assert_nothing_lost(chat)
    assert (await chat.record()).answers["route"].value == "volledig"


async def test_a_button_for_the_current_question_works(chat: Chat) -> None:
    await chat.press("route", "kort")
    assert chat.question.question_id == "plezier"
    await chat.press("route", "volledig")  # a stale button
    assert "al voorbij" in chat.text
    assert (await chat.record()).answers["route"].value == "kort"


async def test_a_duplicate_delivery_is_handled_once(chat: Chat) -> None:
    await chat.say("1", delivery_id="u-1")
    await chat.say("Plannen", delivery_id="u-2")
    again = await chat.say("Plannen", delivery_id="u-2")
    assert again == []
    record = await chat.record()
    assert record.state == "leukste"
    assert "leukste" not in record.answers


async def test_control_characters_are_dropped(chat: Chat) -> None:
    await at_goed_in(chat)
    await chat.say("Rooster\x00s\x07 maken")
    assert (await chat.record()).answers["leukste"].value == "Roosters maken"


async def test_markdown_in_an_answer_shows_literally_in_the_draft(chat: Chat) -> None:
    await chat.say("1")
    await chat.say("# kop | pijp *vet*")
    await chat.say("concept")
    draft = chat.document.content
    assert "\\# kop | pijp \\*vet\\*" in draft
    assert "\n# kop" not in draft
