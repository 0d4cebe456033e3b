"""Issue 28: what the seeds ask for happens, not only gets asked — the short route's heart and
the manager's say in it, the organisation's side whenever it arrives, answers that change
something, the POP form whole, Realistisch and Acceptabel per goal both ways, the manager after
the conversation, goals beyond the year. Played through the schedule on the fakes (Slack for
Mila, the console for Anna), as in `test_manager_cycle`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.messages import Button, Incoming
from bot.schedule.outbox import Outbox
from storage.outbox_files import OutboxFiles
from tests.helpers import FULL_ROUTE, MANAGER_ROUTE, SHORT_ROUTE, Chat, import_roster
from tests.schedule.test_manager_cycle import (
    agreed_pop,
    at,
    employee_prepares,
    pdf_text,
    run_until,
    slack_files,
)
from tests.schedule.test_manager_side import ORGANISATION
from tests.schedule_world import ROSTER, World, world

ANNA_T14 = datetime(2027, 1, 4, 10, 0, tzinfo=UTC)
ANNA_T7 = datetime(2027, 1, 11, 12, 0, tzinfo=UTC)


def manager_route(short_fits: bool) -> list[str]:
    route = list(MANAGER_ROUTE)
    route[route.index("Hoe we het delegeren aanpakken") - 1] = "ja" if short_fits else "nee"
    return route


async def prepare(w: World, route: list[str]) -> Chat:
    ref = w.engine.team.own("anna").ref  # type: ignore[union-attr]
    await w.engine.prepare("mila", ref)
    mila = Chat(w.engine, "mila")
    for answer in route:
        await mila.say(answer)
    return mila


def outbox(w: World) -> dict[str, object]:
    return {e.key.rsplit("|", 1)[1]: e for e in Outbox(OutboxFiles(w.data)).everything()}


def posted_to_mila(w: World) -> list[dict[str, object]]:
    return [c.params for c in w.slack.of("chat.postMessage") if c.params.get("channel") == "DU0MILA"]


async def test_the_short_route_heart_tops_the_summary_and_the_managers_no_offers_the_full_route(
    tmp_path: Path,
) -> None:
    async with world(tmp_path, ROSTER, managers=True) as w:
        anna = await employee_prepares(w, SHORT_ROUTE)
        await prepare(w, manager_route(short_fits=False))
        record = await anna.record()
        assert [r["kind"] for r in record.remarks] == ["short_declined"]  # told once, at once
        await run_until(w, ANNA_T14)  # before the draft goes (T−7)
        told = next(m for m in w.inbox("anna") if "volledige gesprek" in m)
        assert "[Volledig voorbereiden]" in told and "Mila Bakker" in told
        ref = w.engine.team.own("anna").ref  # type: ignore[union-attr]
        anna.last = await w.engine.act("anna", f"fullroute:{ref}")
        assert "volledige voorbereiding" in anna.text
        assert anna.question.question_id == "goed_in"  # on with the steps not done yet
        assert (await anna.record()).answers["plezier"].value == SHORT_ROUTE[1]  # kept
        await prepare(w, [])  # a second answer of Mila's tells nothing twice
        assert len((await anna.record()).remarks) == 1

        await run_until(w, ANNA_T7)
        summary = next(
            str(p["text"]) for p in posted_to_mila(w) if "Afstemming voor het POP-gesprek" in str(p["text"])
        )
        heart = summary.index("De pleziervraag: wat moet er gebeuren zodat Anna de Vries")
        assert heart < summary.index("Waar staat de medewerker nu?")  # at the top
        assert summary.index(SHORT_ROUTE[1]) > heart
        assert "Past dat korte gesprek bij Anna de Vries? nee" in summary


async def test_the_heart_is_on_the_full_route_too_and_a_yes_tells_nothing(tmp_path: Path) -> None:
    async with world(tmp_path, ROSTER, managers=True) as w:
        anna = await employee_prepares(w)
        await prepare(w, manager_route(short_fits=True))
        assert (await anna.record()).remarks == []
        await run_until(w, ANNA_T7)
        summary = next(
            str(p["text"]) for p in posted_to_mila(w) if "Afstemming voor het POP-gesprek" in str(p["text"])
        )
        assert "Anna de Vries koos de volledige voorbereiding." in summary
        assert summary.index("Meer ruimte om te plannen") < summary.index("Waar staat de medewerker nu?")


async def test_the_organisations_side_reaches_the_employee_whenever_it_arrives(tmp_path: Path) -> None:
    async with world(tmp_path, ROSTER, managers=True) as w:
        w.scheduler().sync()
        await run_until(w, datetime(2026, 12, 28, 10, 0, tzinfo=UTC))  # T−21: asked before the invitations
        asked = [p for p in posted_to_mila(w) if "kant van de organisatie" in str(p["text"])]
        assert len(asked) == 1 and "organisation" in str(asked[0]["blocks"])
        anna = Chat(w.engine, "anna")
        await anna.start()
        for answer in FULL_ROUTE:  # Anna is done before Mila fills it in
            await anna.say(answer)
        mila = Chat(w.engine, "mila")
        mila.last = await w.engine.act("mila", "organisation")  # the request's button
        for answer in [*ORGANISATION, "ja"]:
            await mila.say(answer)
        await anna.say("voortgang")
        assert "Je leidinggevende Mila Bakker deelt hoe de organisatie zich ontwikkelt" in anna.text
        assert "Meer zelfbediening voor klanten" in anna.text
        await anna.say("voortgang")
        assert "deelt hoe de organisatie" not in anna.text  # once, not every turn
        await anna.say("concept")
        assert "Meer zelfbediening voor klanten" in anna.text  # with the draft, always
        await run_until(w, datetime(2027, 1, 8, 12, 0, tzinfo=UTC))  # T−8: with the review too
        review = next(
            m for m in w.inbox("anna") if "precies wat Mila Bakker" in m or "dit is precies wat" in m
        )
        assert review
        assert any("Meer zelfbediening voor klanten" in m for m in w.inbox("anna"))
        # Ben (the other report) makes no second request: it is filled in
        everything = Outbox(OutboxFiles(w.data)).everything()
        entries = [e for e in everything if e.kind == "organisation_request" and e.person in ("anna", "ben")]
        assert sorted(e.status for e in entries) == ["sent", "skipped"]


async def test_a_no_to_the_draft_as_the_basis_keeps_it_from_the_manager(tmp_path: Path) -> None:
    async with world(tmp_path, ROSTER, managers=True) as w:
        anna = await employee_prepares(w, [*FULL_ROUTE[:-1], "nee"])  # afspraak_klaar: no
        assert "niet vooraf naar je leidinggevende" in anna.text
        await prepare(w, manager_route(short_fits=True))
        await run_until(w, ANNA_T7)
        to_mila = [str(p["text"]) for p in posted_to_mila(w)]
        assert any("wil het concept eerst zelf met je bespreken" in t for t in to_mila)
        assert not any(k.startswith("concept-pop-Anna") for k in slack_files(w, "DU0MILA"))
        assert not any("Plannen en klanten helpen" in t for t in to_mila)  # none of her answers
        assert any(k.startswith("afstemming-Anna") for k in slack_files(w, "DU0MILA"))  # her own prep
        inbox = w.inbox("anna")
        assert any("niet als basis krijgt" in m for m in inbox)  # the review says so
        assert any("je concept ging niet mee" in m for m in inbox)


async def test_the_managers_private_answers_are_theirs_in_their_summary_and_no_budget_warns(
    tmp_path: Path,
) -> None:
    async with world(tmp_path, ROSTER, managers=True) as w:
        await employee_prepares(w)
        route = manager_route(short_fits=True)
        route[route.index("GEHEIM-budget-marker")] = "geen"
        await prepare(w, route)
        await run_until(w, ANNA_T7)
        summary = next(
            str(p["text"]) for p in posted_to_mila(w) if "Afstemming voor het POP-gesprek" in str(p["text"])
        )
        assert summary.index("Let op: er is (nog) geen ontwikkelingsbudget") < summary.index("Waar staat")
        assert "Alleen voor jou (🔒 Anna de Vries leest dit nooit)" in summary
        assert "GEHEIM-vertrek-marker" in summary and "GEHEIM-functie-marker" in summary
        assert not any("GEHEIM" in m for m in w.inbox("anna"))  # never to the employee


async def test_the_pop_form_is_whole_in_the_draft_and_the_final_pop(tmp_path: Path) -> None:
    async with world(tmp_path, ROSTER, managers=True) as w:
        await employee_prepares(w)
        await run_until(w, ANNA_T7)
        ref = w.engine.team.own("anna").ref  # type: ignore[union-attr]
        await at(w, datetime(2027, 1, 19, 9, 0, tzinfo=UTC))
        await w.engine.act("anna", f"agree:{ref}:1")
        await at(w, datetime(2027, 1, 19, 10, 0, tzinfo=UTC))
        await w.engine.act("mila", f"agree:{ref}:1")
        await at(w, datetime(2027, 1, 19, 11, 0, tzinfo=UTC))
        files = slack_files(w, "DU0MILA")
        draft = next(k for k in files if k.startswith("concept-pop-Anna"))
        final = [k for k in files if k.startswith("pop-Anna-de-Vries-definitief")][-1]
        for name in (draft, final):
            text = pdf_text(files[name])
            assert "Prioriteit" in text and "Hoog" in text, name
            assert "Evaluatie" in text and "1 mei 2027" in text, name  # the goal's planning ends then
            assert "Eerst de cursus, dan zelf een team plannen" in text, name  # the plan for 1–2 years
            assert "Voortgangsgesprekken" in text and "Elk kwartaal" in text, name


async def test_feasibility_per_goal_and_a_goal_sent_back_reopens_for_the_employee(tmp_path: Path) -> None:
    async with world(tmp_path, ROSTER, managers=True) as w:
        anna = await employee_prepares(w)
        mila = await prepare(w, manager_route(short_fits=True))
        await run_until(w, ANNA_T7)
        ref = w.engine.team.own("anna").ref  # type: ignore[union-attr]
        assert any(f"feasible:{ref}:1" in str(p["blocks"]) for p in posted_to_mila(w))
        mila.last = await w.engine.act("mila", f"feasible:{ref}:1")
        assert "Anna de Vries zegt zelf: Ja, dat is er" in mila.text
        await mila.say("zeker")  # not a choice: asked again, nothing lost
        assert "Begin je antwoord met een nummer" in mila.text
        await mila.say("2 budget pas na de zomer")
        assert "volgens jou deels haalbaar" in mila.text

        await at(w, datetime(2027, 1, 19, 9, 0, tzinfo=UTC))
        await w.engine.act("anna", f"agree:{ref}:1")
        await at(w, datetime(2027, 1, 19, 10, 0, tzinfo=UTC))
        ask = next(p for p in posted_to_mila(w) if f"returned:{ref}" in str(p["blocks"]))
        assert "terugsturen" in str(ask["blocks"]).lower()
        mila.last = await w.engine.act("mila", f"returned:{ref}")
        await mila.say("7 te krap")
        assert "Begin met het nummer van het doel, van 1 tot en met 1" in mila.text
        await mila.say("1 de planning is te krap, kies een datum na de zomer")
        assert "Doel 1 gaat terug naar Anna de Vries" in mila.text
        record = await anna.record()
        assert "employee" not in record.agreed[record.cycle or next(iter(record.agreed))]
        await at(w, datetime(2027, 1, 19, 11, 0, tzinfo=UTC))
        back = next(m for m in w.inbox("anna") if "stuurt doel 1" in m)
        assert "de planning is te krap" in back and "[Doel aanpassen]" in back
        entries = outbox(w)
        assert entries["final"].status == "planned"  # type: ignore[attr-defined]  # not drifting into the working POP

        anna.last = await w.engine.act("anna", f"reopen:{ref}:1")
        assert "Doel 1 staat weer open" in anna.text and anna.question.question_id == "doelen.doel"
        for answer in [
            "Klantgericht werken",
            "Zes middagen servicebalie",
            "Ik sta zelfstandig aan de balie",
            "15 maart tot 1 oktober 2027",
            "ja",
            "24 werkuren supervisie",
            "kort",
            "hoog",
        ]:
            await anna.say(answer)
        buttons = [o for o in anna.last if isinstance(o, Button)]
        assert [b.action for b in buttons] == [f"agree:{ref}:1"]  # agree to it again
        await w.engine.act("anna", f"agree:{ref}:1")
        sent = await at(w, datetime(2027, 1, 19, 12, 0, tzinfo=UTC))
        assert any("agree-request-" in k for k in sent)  # Mila is asked again
        await w.engine.act("mila", f"agree:{ref}:1")
        sent = await at(w, datetime(2027, 1, 19, 13, 0, tzinfo=UTC))
        assert any(k.endswith("|final-manager") for k in sent)
        files = slack_files(w, "DU0MILA")
        final = pdf_text(files[[k for k in files if k.startswith("pop-Anna-de-Vries-definitief")][-1]])
        assert "1 oktober 2027" in final and "deels haalbaar — budget pas na de zomer" in final


async def test_the_manager_after_the_conversation_and_a_goal_not_reached(tmp_path: Path) -> None:
    async with world(tmp_path, ROSTER, managers=True) as w:
        ref = await agreed_pop(w)
        final = next(p for p in posted_to_mila(w) if f"checkin_now:{ref}" in str(p["blocks"]))
        assert final
        w.engine.clock = w.clock
        w.now = datetime(2027, 2, 2, 9, 0, tzinfo=UTC)
        mila = Chat(w.engine, "mila")
        mila.last = await w.engine.act("mila", f"checkin_now:{ref}")
        assert "Er gaat nu een check-in naar Anna de Vries" in mila.text
        sent = await at(w, datetime(2027, 2, 2, 10, 0, tzinfo=UTC))
        assert any(k.endswith("|checkin-1") for k in sent)  # the first check-in, now, not in April

        mila.last = await w.engine.act("mila", f"change:{ref}")
        await mila.say("Voeg een doel toe over het voorzitten van het teamoverleg")
        assert "Je voorstel is naar Anna de Vries gestuurd" in mila.text
        await at(w, datetime(2027, 2, 2, 11, 0, tzinfo=UTC))
        assert any("stelt een wijziging in je POP voor" in m and "voorzitten" in m for m in w.inbox("anna"))

        due = outbox(w)["evaluation-0"].due  # type: ignore[attr-defined]
        await at(w, due)
        anna = Chat(w.engine, "anna")
        anna.last = await w.engine.act("anna", f"evaluate:0:{ref}")
        await anna.say("nee")  # not reached: what stood in the way, and a new date
        assert anna.question.question_id == "belemmering"
        await anna.say("Te weinig uren aan de balie")
        assert anna.question.question_id == "nieuwe_datum"
        await anna.say("1-9-2027")
        await anna.say("overslaan")
        await at(w, outbox(w)["evaluation-summary-0"].due)  # type: ignore[attr-defined]
        summary = next(p for p in posted_to_mila(w) if "Evaluatie van het doel" in str(p["text"]))
        assert "Te weinig uren aan de balie" in str(summary["text"]) and "september 2027" in str(
            summary["text"]
        )
        assert "effect" not in str(summary["text"]).lower()
        mila.last = await w.engine.act("mila", f"response:{ref}:1")
        await mila.say("Laten we de balie-uren vastzetten")
        await at(w, outbox(w)["evaluation-summary-0"].due + timedelta(hours=1))  # type: ignore[attr-defined]
        assert any("reageert op je evaluatie" in m and "balie-uren vastzetten" in m for m in w.inbox("anna"))


async def test_a_medium_term_goal_gets_a_review_and_carries_into_the_next_round(tmp_path: Path) -> None:
    route = list(FULL_ROUTE)
    route[route.index("15 maart tot 1 mei 2027")] = "eind 2028"
    route[route.index("hoog") - 1] = "middellang"  # termijn
    async with world(tmp_path, ROSTER, managers=True) as w:
        ref = await agreed_pop(w, route)
        entries = outbox(w)
        assert "evaluation-0" not in entries and "review-0" in entries  # not due within the round
        await at(w, entries["review-0"].due)  # type: ignore[attr-defined]
        invite = next(m for m in w.inbox("anna") if "Tussentijds beoordelen" in m)
        assert (
            "geen eindevaluatie maar een tussentijdse beoordeling" in invite
            and "[Tussentijds beoordelen]" in invite
        )
        anna = Chat(w.engine, "anna")
        anna.last = await w.engine.act("anna", f"review:0:{ref}")
        assert anna.question.question_id == "voortgang"  # how it is going, not "reached?"

        (tmp_path / "roster.csv").write_text(
            ROSTER.replace("2027-01-18 10:00", "2028-02-07 10:00"), encoding="utf-8"
        )
        import_roster(tmp_path / "roster.csv", w.data)
        anna.last = await w.engine.handle("anna", Incoming.say("hoi"))
        assert "lopen door en staan al in je nieuwe POP: Klantgericht werken" in anna.text
        record = await anna.record()
        assert [g["doel"] for g in record.answers["doelen"].value] == ["Klantgericht werken"]


async def test_a_letter_left_open_is_listed_when_both_are_asked_to_agree(tmp_path: Path) -> None:
    route = list(FULL_ROUTE)
    at_planning = route.index("15 maart tot 1 mei 2027")
    route[at_planning : at_planning + 1] = ["Ik begin in maart", "weet ik nog niet", "geen idee"]
    async with world(tmp_path, ROSTER, managers=True) as w:
        anna = await employee_prepares(w, route)
        assert (await anna.record()).state == "__done__"
        await run_until(w, ANNA_T7)
        await at(w, datetime(2027, 1, 19, 9, 0, tzinfo=UTC))
        finalize = next(m for m in w.inbox("anna") if "Nog open (SMART)" in m)
        assert "Doel 1: Klantgericht werken" in finalize and "wanneer het doel af is" in finalize
