"""Navigation words: back, skip, progress, draft, edit, restart, help, faq, stop."""

from __future__ import annotations

from pathlib import Path

from bot.domain import DONE
from tests.helpers import FULL_ROUTE, Chat, answer_until, make_engine


async def test_back_goes_to_the_previous_question_and_keeps_the_answer(chat: Chat) -> None:
    await chat.say("1")
    await chat.say("Plannen")
    assert chat.question.question_id == "leukste"
    await chat.say("vorige")
    assert chat.question.question_id == "goed_in"
    assert "Plannen" in chat.question.current
    await chat.say("Plannen en organiseren")
    assert chat.question.question_id == "leukste"
    assert (await chat.record()).answers["goed_in"].value == "Plannen en organiseren"


async def test_back_at_the_first_question_says_so(chat: Chat) -> None:
    await chat.say("vorige")
    assert "eerste vraag" in chat.text
    assert chat.question.question_id == "route"


async def test_skip_an_optional_question_but_not_a_required_one(chat: Chat) -> None:
    await chat.say("1")
    await chat.say("overslaan")  # goed_in is required
    assert "kan niet worden overgeslagen" in chat.text
    assert chat.question.question_id == "goed_in"
    await answer_until(chat, "niet_graag")
    await chat.say("overslaan")
    assert chat.question.question_id == "normen_waarden"
    record = await chat.record()
    assert record.answers["niet_graag"].skipped


async def test_progress_per_step(chat: Chat) -> None:
    await chat.say("1")
    await chat.say("Plannen")
    await chat.say("/voortgang")
    assert "✔ Stap 1: Iedereen kan meedoen — 1 van 1 vragen" in chat.text
    assert "○ Stap 2: Waar sta ik nu? — 1 van 15 vragen" in chat.text
    assert chat.question.question_id == "leukste"  # and the dialog goes on


async def test_draft_so_far_is_shown_and_marked_incomplete(chat: Chat) -> None:
    await chat.say("1")
    await chat.say("Plannen")
    await chat.say("concept")
    draft = chat.document.content
    assert "Plannen" in draft
    assert "Dit concept is nog niet compleet." in draft
    assert "- Wat vind je het leukste aan je werk" in draft
    assert chat.question.question_id == "leukste"


async def test_edit_an_earlier_answer_and_come_back(chat: Chat) -> None:
    await answer_until(chat, "gemotiveerd")
    await chat.say("wijzig")
    labels = [o.label for o in chat.question.options]
    assert labels[1].startswith("Waar ben je goed in?")
    await chat.say("2")
    assert chat.question.question_id == "goed_in"
    await chat.say("Mensen verbinden")
    assert chat.question.question_id == "gemotiveerd"  # back where they were
    record = await chat.record()
    assert record.answers["goed_in"].value == "Mensen verbinden"
    assert record.answers["leukste"].value == FULL_ROUTE[2]  # nothing else changed


async def test_edit_with_a_number_and_keep_the_answer_by_skipping(chat: Chat) -> None:
    await answer_until(chat, "energie")
    await chat.say("wijzig 2")
    assert chat.question.question_id == "goed_in"
    await chat.say("overslaan")  # keep what was there
    assert chat.question.question_id == "energie"
    assert (await chat.record()).answers["goed_in"].value == FULL_ROUTE[1]


async def test_edit_a_choice_that_changes_the_route(chat: Chat) -> None:
    await answer_until(chat, "leukste")
    await chat.say("wijzig 1")
    await chat.say("kort")
    # the question they were on is not asked on the short route: go on from the edit
    assert chat.question.question_id == "plezier"


async def test_edit_a_goal_after_finishing(chat: Chat) -> None:
    for a in FULL_ROUTE:
        await chat.say(a)
    await chat.say("wijzig")
    goal = next(i for i, o in enumerate(chat.question.options, 1) if o.label.startswith("Doel 1"))
    await chat.say(str(goal))
    assert chat.question.question_id == "doelen.doel"
    await chat.say("Klantgericht en vriendelijk werken")
    for _ in range(7):  # keep the other fields
        await chat.say("overslaan")
    record = await chat.record()
    assert record.state == DONE
    goals = record.answers["doelen"].value
    assert len(goals) == 1
    assert goals[0]["doel"] == "Klantgericht en vriendelijk werken"
    assert goals[0]["planning"] == "15 maart tot 1 mei 2027"


async def test_restart_needs_confirmation(chat: Chat) -> None:
    await answer_until(chat, "energie")
    await chat.say("opnieuw")
    assert "Weet je zeker" in chat.text
    await chat.say("nee")
    assert "niets gewist" in chat.text
    assert chat.question.question_id == "energie"
    await chat.say("opnieuw")
    await chat.say("ja")
    assert chat.question.question_id == "route"
    assert (await chat.record()).answers == {}


async def test_help_and_faq_at_any_point(chat: Chat) -> None:
    await chat.say("1")
    await chat.say("help")
    assert "vorige" in chat.text and "faq 1: Kan ik van mijn leidinggevende de toezegging" in chat.text
    await chat.say("faq 1")
    assert "belofte schuld maakt" in chat.text
    await chat.say("faq 2")
    assert "duidelijk, open en eerlijk" in chat.text
    assert chat.question.question_id == "goed_in"
    await chat.say("faq 99")
    assert "Die vraag ken ik niet" in chat.text


async def test_pause_and_resume_after_a_restart_of_the_bot(tmp_path: Path) -> None:
    first = Chat(make_engine(tmp_path))
    await first.start()
    await first.say("1")
    await first.say("Plannen")
    await first.say("stop")
    assert "bewaard" in first.text
    # a new engine on the same data: as after a restart days later
    second = Chat(make_engine(tmp_path))
    await second.start()
    assert "Welkom terug" in second.text
    assert second.question.question_id == "leukste"
    await second.say("Roosters maken")
    assert second.question.question_id == "energie"


async def test_goals_repeat_and_smart_follow_ups(chat: Chat) -> None:
    await answer_until(chat, "doelen.doel")
    await chat.say("Excel draaitabellen")
    await chat.say("Een cursus volgen")
    await chat.say("Beter worden")  # nothing observable
    assert chat.question.question_id == "doelen.resultaat.__followup__"
    await chat.say("Ik maak zelfstandig draaitabellen")
    await chat.say("Zo snel mogelijk")  # no moment in time
    assert "nog geen einde" in chat.text
    await chat.say("overslaan")  # they keep it as it is
    await chat.say("ja")  # haalbaar
    await chat.say("overslaan")  # support is optional
    await chat.say("1")  # termijn: kort
    await chat.say("hoog")  # prioriteit
    await chat.say("ja")  # another goal
    assert "Doel 2" in chat.text
    await chat.say("Leidinggeven aan het planningsteam")
    await chat.say("Zelfstudiepakket Praktisch Management")
    await chat.say("Operationeel leiding geven aan een team van 5")
    await chat.say("Eerst een stage")
    assert "nog geen einde" in chat.text
    await chat.say("voor 1 juni 2027")
    await chat.say("deels")  # haalbaar
    await chat.say("Zelfstudiepakket")
    await chat.say("middellang")
    await chat.say("laag")  # prioriteit
    await chat.say("nee")
    assert chat.question.question_id == "gespreksdatum"
    goals = (await chat.record()).answers["doelen"].value
    assert [g["doel"] for g in goals] == ["Excel draaitabellen", "Leidinggeven aan het planningsteam"]
    assert goals[0]["resultaat"] == "Beter worden — Ik maak zelfstandig draaitabellen"
    assert goals[1]["planning"] == "Eerst een stage — voor 1 juni 2027"
    await chat.say("concept")
    assert "Doel 1: de planning noemt nog niet wanneer het doel af is" in chat.document.content
    assert "Doel 2: de tijd, het budget of de steun is er nog niet helemaal" in chat.document.content


async def test_a_goal_is_required_on_the_full_route(chat: Chat) -> None:
    await answer_until(chat, "doelen.doel")
    await chat.say("overslaan")
    assert "kan niet worden overgeslagen" in chat.text
    assert chat.question.question_id == "doelen.doel"


async def test_back_inside_a_goal(chat: Chat) -> None:
    await answer_until(chat, "doelen.doel")
    await chat.say("Excel draaitabellen")
    await chat.say("vorige")
    assert chat.question.question_id == "doelen.doel"
    assert "Excel draaitabellen" in chat.question.current
    await chat.say("Excel gevorderd")
    assert chat.question.question_id == "doelen.activiteit"
