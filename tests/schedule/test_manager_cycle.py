"""Issue 7 end to end: the manager prepares too, gets the alignment summary with the
draft at T−7, and the employee gets the manager's shareable points — never the private ones."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from bot.messages import Outgoing
from bot.schedule.outbox import Entry, Outbox
from storage.outbox_files import OutboxFiles
from tests.helpers import FULL_ROUTE, MANAGER_ROUTE, Chat, add_a_goal, import_roster
from tests.schedule_world import World, world

ROSTER = """id,name,email,language,manager,platform,handle,conversation,timezone
mila,Mila Bakker,mila@example.org,nl,,slack,U0MILA,,Europe/Amsterdam
anna,Anna de Vries,anna@example.org,nl,mila,console,,2027-01-18 10:00,Europe/Amsterdam
"""
PRIVATE_MANAGER = (
    "GEHEIM-functie-marker",
    "GEHEIM-budget-marker",
    "GEHEIM-vertrek-marker",
    "Hoe schat je",
    "Hoeveel energie en motivatie",
)
PRIVATE_EMPLOYEE = ("GEHEIM-tegenop-marker", "GEHEIM-hobby-marker")


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


async def run_until(w: World, until: datetime) -> None:
    """Move the clock hour by hour (on the hour), a pass each time."""
    s = w.schedulers[-1]
    while w.now < until:
        w.now = min(until, w.now.replace(minute=0) + timedelta(hours=1))
        await s.run_due()


async def both_prepare(w: World, button_value: str) -> list[Outgoing]:
    """Mila through her invitation's button payload, Anna in the console; Mila's first reply."""
    out = await w.engine.prepare("mila", button_value.removeprefix("prep:"))
    mila = Chat(w.engine, "mila")
    for answer in MANAGER_ROUTE:
        await mila.say(answer)
    anna = Chat(w.engine, "anna")
    await anna.start()
    for answer in FULL_ROUTE:
        await anna.say(answer)
    return out


def slack_files(w: World, channel: str) -> dict[str, bytes]:
    return {
        w.slack.uploads[f["id"]]["name"]: w.slack.uploads[f["id"]]["content"]
        for m in w.slack.history.get(channel, [])
        for f in m.get("files") or []
    }


async def test_both_prepare_and_the_manager_gets_the_alignment_with_the_draft(tmp_path: Path) -> None:
    async with world(tmp_path, ROSTER, managers=True) as w:
        w.scheduler().sync()
        await run_until(w, datetime(2027, 1, 4, 10, 0, tzinfo=UTC))
        # T−14: Mila is invited to prepare, on Slack, with a button for Anna's conversation
        invitation = next(
            c for c in w.slack.of("chat.postMessage") if "Voorbereiden" in str(c.params.get("blocks"))
        )
        assert "POP-gesprek met Anna de Vries" in invitation.params["text"]
        button = invitation.params["blocks"][-1]["elements"][0]
        assert button["action_id"] == "pop_prep" and button["value"].startswith("prep:")

        # both prepare: Mila through the button's payload, Anna in the console
        out = await both_prepare(w, button["value"])
        assert "Voorbereiding voor je gesprek met Anna de Vries" in out[0].text  # type: ignore[union-attr]

        await run_until(w, datetime(2027, 1, 12, 0, 0, tzinfo=UTC))
        entries = {e.key.rsplit("|", 1)[1]: e for e in Outbox(OutboxFiles(w.data)).everything()}
        assert entries["prep-reminder-8"].status == "skipped"  # Mila had finished
        assert entries["delivery"].sent_at == datetime(2027, 1, 11, 9, 0, tzinfo=UTC)
        assert entries["points"].status == "sent" and entries["delivered"].status == "sent"

        # T−7 to Mila: the draft and the alignment, each as a message and a PDF
        to_mila = w.slack.posted("DU0MILA")
        summary = next(t for t in to_mila if "Afstemming voor het POP-gesprek" in t)
        assert "Energie en motivatie: hier verschillen jullie — Anna de Vries zegt 4" in summary  # 4 vs 2
        assert "jij zegt 2" in summary
        assert "Manieren van ontwikkelen\nJullie noemen allebei: Coaching, Cursus of opleiding." in summary
        assert "Alleen Anna de Vries noemt: Banenruil." in summary
        assert "Alleen jij noemt: Intervisie." in summary
        assert (
            "Voorgesteld soort gesprek: Motivatiegesprek" in summary
        )  # ability 4 (high), willingness 2 (low)
        assert (
            "Klantgericht werken — Specifiek ✓; Meetbaar ✓; "
            "Acceptabel: spreken jullie per doel af bij de vaststelling; "
            "Realistisch ✓ volgens Anna de Vries (tijd, budget en steun zijn er); "
            "Tijdgebonden ✓ (af op 1 mei 2027)" in summary
        )
        assert "SMART genoeg" not in summary
        assert "Niet doen:\n• Een POP zonder ontwikkelingsbudget" in summary
        assert "Toezeggingen doen over een nieuwe functie." in summary
        assert "maak het POP dan een onderdeel van het functioneringsgesprek" in summary
        assert "Wel doen:\n• Maak duidelijk dat ontwikkelen noodzakelijk kan zijn." in summary
        files = slack_files(w, "DU0MILA")
        alignment = pdf_text(next(v for k, v in files.items() if k.startswith("afstemming-Anna")))
        assert "Voldoet ruim aan het profiel" in alignment and "Plannen en klanten helpen" in alignment
        assert "Voorgestelde agenda" in alignment and "Motivatiegesprek" in alignment
        # the manager's own 🔒 answers in the manager's own summary, marked as theirs only
        assert "Alleen voor jou (🔒 Anna de Vries leest dit nooit)" in alignment
        assert "GEHEIM-budget-marker" in alignment and "GEHEIM-vertrek-marker" in alignment
        # Realistisch per goal, now that the goals are known: a button per goal with the draft
        feasible = [c for c in w.slack.of("chat.postMessage") if "feasible:" in str(c.params)]
        assert feasible and "volgens Anna" in str(feasible[0].params)
        for private in PRIVATE_EMPLOYEE:
            assert all(private not in t for t in to_mila) and private not in alignment

        # T−7 to Anna: Mila's shareable points, none of her private assessment
        inbox = "\n".join(w.inbox("anna"))
        assert "De gesprekspunten van Mila Bakker" in inbox and "Hoe we het delegeren aanpakken" in inbox
        assert "Voldoet ruim aan het profiel" in inbox
        for private in PRIVATE_MANAGER:
            assert private not in inbox


async def test_a_manager_who_did_not_prepare_is_reminded_and_told_the_summary_is_incomplete(
    tmp_path: Path,
) -> None:
    async with world(tmp_path, ROSTER, managers=True) as w:
        w.scheduler().sync()
        await run_until(w, datetime(2027, 1, 12, 0, 0, tzinfo=UTC))
        reminders = [c for c in w.slack.of("chat.postMessage") if "Typ 'team'" in str(c.params.get("text"))]
        assert len(reminders) == 2  # T−10 and T−8, on working days
        summary = next(t for t in w.slack.posted("DU0MILA") if "Afstemming voor het POP-gesprek" in t)
        assert "Je eigen voorbereiding is nog niet af" in summary
        assert "De medewerker heeft nog geen ontwikkeldoelen genoemd." in summary
        assert "Mila Bakker heeft geen gesprekspunten vooraf gedeeld." in "\n".join(w.inbox("anna"))


async def test_after_the_conversation_both_agree_and_both_get_the_signed_pop(tmp_path: Path) -> None:
    roster = ROSTER + "piet,Piet Mulder,piet@example.org,nl,,,,,Europe/Amsterdam\n"
    async with world(tmp_path, roster, managers=True) as w:
        w.scheduler().sync()
        anna = Chat(w.engine, "anna")
        await anna.start()
        for answer in FULL_ROUTE:
            await anna.say(answer)
        await run_until(w, datetime(2027, 1, 19, 9, 0, tzinfo=UTC))  # a day after the conversation
        inbox = w.inbox("anna")
        finalize = next(m for m in inbox if "jullie hebben je POP-gesprek gehad" in m)
        assert "zeg dan per doel akkoord" in finalize
        # SMART's Acceptabel: the goal list with a yes per goal, not one yes for the POP
        assert "Doel 1: Klantgericht werken\n[Akkoord met dit doel]" in inbox[-1]
        assert not [c for c in w.slack.of("chat.postMessage") if "definitieve POP bevestigd" in str(c.params)]

        ref = w.engine.team.own("anna").ref  # type: ignore[union-attr]  # what the button carries
        stale = w.engine.messages_for("nl").stale_choice
        assert [o.text for o in await w.engine.agree("piet", f"{ref}:1")] == [stale]  # type: ignore[union-attr]
        # a whole-POP yes is not taken: the goals come back, a button each
        again = await w.engine.agree("anna", ref)
        assert [(o.text, o.action) for o in again] == [("Doel 1: Klantgericht werken", f"agree:{ref}:1")]  # type: ignore[union-attr]
        assert await w.engine.agree("anna", f"{ref}:9") == again  # no goal 9: the list again
        assert (await anna.record()).agreed == {}
        assert "bevestigd" in (await w.engine.agree("anna", f"{ref}:1"))[0].text  # type: ignore[union-attr]
        assert "al genoteerd" in (await w.engine.agree("anna", f"{ref}:1"))[0].text  # type: ignore[union-attr]
        await run_until(w, datetime(2027, 1, 19, 10, 0, tzinfo=UTC))
        ask = next(c for c in w.slack.of("chat.postMessage") if "definitieve POP bevestigd" in str(c.params))
        goal = next(
            c
            for c in w.slack.of("chat.postMessage")
            if "Doel 1: Klantgericht werken" in str(c.params)
            and c.params.get("channel") == "DU0MILA"
            and "agree:" in str(c.params)  # not the feasibility asked with the draft
        )
        button = goal.params["blocks"][-1]["elements"][0]
        assert ask is not None and button["action_id"] == "pop_agree" and button["value"] == f"agree:{ref}:1"
        assert "akkoord met het POP van Anna de Vries" in (await w.engine.agree("mila", f"{ref}:1"))[0].text  # type: ignore[union-attr]

        await run_until(w, datetime(2027, 1, 19, 11, 0, tzinfo=UTC))
        final = [k for k in slack_files(w, "DU0MILA") if k.startswith("pop-Anna-de-Vries-definitief")]
        signed = pdf_text(slack_files(w, "DU0MILA")[final[-1]])
        assert "Persoonlijk Ontwikkelingsplan (definitief)" in signed
        # the engine's clock in these tests stands at 22-11-2026 10:00 UTC: 11:00 in Amsterdam
        assert "Medewerker:  Anna de Vries, akkoord op 22 november 2026 om 11:00" in signed
        assert "Leidinggevende:  Mila Bakker, akkoord op 22 november 2026 om 11:00" in signed
        assert "allebei akkoord" in w.inbox("anna")[-2]  # and the signed PDF after it
        assert w.inbox("anna")[-1].strip().endswith(".pdf")


async def at(w: World, when: datetime) -> list[str]:
    """Jump the clock (a pass catches up whatever fell due) and run one pass; what was sent."""
    w.now = when
    return (await w.schedulers[-1].run_due()).sent


async def employee_prepares(w: World, route: list[str] = FULL_ROUTE) -> Chat:
    """The schedule planned, Anna through her whole preparation in the console."""
    w.scheduler().sync()
    anna = Chat(w.engine, "anna")
    await anna.start()
    for answer in route:
        await anna.say(answer)
    return anna


async def agreed_pop(w: World, route: list[str] = FULL_ROUTE) -> str:
    """Anna prepares, the conversation happens, both agree. Returns her conversation's ref."""
    anna = await employee_prepares(w, route)
    await at(w, datetime(2027, 1, 19, 9, 0, tzinfo=UTC))
    ref: str = w.engine.team.own("anna").ref  # type: ignore[union-attr]
    for goal in range(1, len((await anna.record()).answers["doelen"].value) + 1):
        await w.engine.act("anna", f"agree:{ref}:{goal}")  # a yes per goal
    await at(w, datetime(2027, 1, 19, 10, 0, tzinfo=UTC))
    for goal in range(1, len((await anna.record()).answers["doelen"].value) + 1):
        await w.engine.act("mila", f"agree:{ref}:{goal}")
    sent = await at(w, datetime(2027, 1, 19, 11, 0, tzinfo=UTC))
    assert any(k.endswith("|final") for k in sent)
    return ref


async def test_check_ins_an_evaluation_at_the_goals_deadline_and_the_next_round(tmp_path: Path) -> None:
    async with world(tmp_path, ROSTER, managers=True) as w:
        ref = await agreed_pop(w)
        due = {e.key.rsplit("|", 1)[1]: e.due for e in Outbox(OutboxFiles(w.data)).everything()}
        assert due["checkin-1"] == datetime(
            2027, 4, 19, 7, 0, tzinfo=UTC
        )  # +3 months is a Sunday: Monday 09:00
        assert due["evaluation-0"] == datetime(
            2027, 5, 3, 7, 0, tzinfo=UTC
        )  # "… tot 1 mei 2027": Saturday → Monday
        assert due["next-cycle"] == datetime(2028, 1, 18, 9, 0, tzinfo=UTC)
        assert "checkin-4" not in due  # every 3 months within the 12-month round: 3 check-ins

        anna = Chat(w.engine, "anna")

        async def check_in(number: int, answers: list[str]) -> None:
            sent = await at(w, due[f"checkin-{number}"])
            assert any(k.endswith(f"|checkin-{number}") for k in sent)
            assert "[Check-in starten]" in w.inbox("anna")[-1]
            anna.last = await w.engine.act("anna", f"checkin:{number}:{ref}")
            assert "— Doel 1 van 1: Klantgericht werken —" in anna.text
            assert anna.question.question_id == "voortgang"
            for answer in answers:
                await anna.say(answer)
            assert "Alles is bijgewerkt" in anna.text
            await at(w, due[f"checkin-summary-{number}"])

        await check_in(1, ["Goed op weg", "overslaan", "nee", "Meer oefenen aan de balie"])
        summary = next(t for t in w.slack.posted("DU0MILA") if "Check-in 1" in t)
        assert "Check-in 1 op het POP van Anna de Vries:" in summary
        assert "Klantgericht werken" in summary and "Meer oefenen aan de balie" in summary

        # both watch progress (seed 001 §2.5): the manager adds a note under the summary
        note = next(c for c in w.slack.of("chat.postMessage") if "Check-in 1 op het POP" in str(c.params))
        assert note.params["blocks"][-1]["elements"][0]["value"] == f"note:1:{ref}"
        stale = w.engine.messages_for("nl").stale_choice
        assert (await w.engine.act("anna", f"note:1:{ref}"))[0].text == stale  # type: ignore[union-attr]
        mila = Chat(w.engine, "mila")
        mila.last = await w.engine.act("mila", f"note:1:{ref}")
        assert "Typ je notitie bij check-in 1 van Anna de Vries" in mila.text
        await mila.say("x" * 2500)
        assert "te lang" in mila.text and "niets verloren" in mila.text  # still waiting for it
        await mila.say("Mooi zo, zet de balie-uren vast in je agenda")
        assert "Je notitie staat bij check-in 1 van Anna de Vries." in mila.text
        anna.last = await w.engine.act("anna", f"checkin:2:{ref}")  # the next check-in opens
        assert (
            "Notitie van Mila Bakker bij check-in 1: Mooi zo, zet de balie-uren vast in je agenda"
            in anna.text
        )
        anna.last = await w.engine.act("anna", f"checkin:2:{ref}")
        assert "Notitie van Mila Bakker" not in anna.text  # read once

        await at(w, due["evaluation-0"])  # the goal's own deadline, between two check-ins
        assert "[Evalueren]" in w.inbox("anna")[-1] and "Klantgericht werken" in w.inbox("anna")[-1]
        anna.last = await w.engine.act("anna", f"evaluate:0:{ref}")
        for answer in (
            "ja",
            "Ik sta zelfstandig aan de balie",
            "Een stap dichter bij senior planner",
            "overslaan",
        ):
            await anna.say(answer)
        await at(w, due["evaluation-summary-0"])
        evaluation = next(t for t in w.slack.posted("DU0MILA") if "Evaluatie van het doel" in t)
        assert (
            "Is het ontwikkelingsdoel bereikt? ja" in evaluation and "zelfstandig aan de balie" in evaluation
        )

        # every goal is evaluated: the next round is announced at the next pass (not a year on),
        # with the previous POP as the starting point
        sent = await at(w, due["evaluation-summary-0"] + timedelta(hours=1))
        assert {k.rsplit("|", 1)[1] for k in sent} == {"next-cycle", "next-cycle-manager"}
        inbox = w.inbox("anna")
        assert "tijd voor een nieuwe POP-ronde" in inbox[-2] and inbox[-1].strip().endswith(".pdf")
        assert any("Zet het volgende gesprek in het rooster" in t for t in w.slack.posted("DU0MILA"))

        await check_in(2, ["Bijna klaar", "overslaan", "ja"])
        assert "Bijna klaar" in next(t for t in w.slack.posted("DU0MILA") if "Check-in 2" in t)

        # forged or stale follow-up buttons open nothing
        stale = w.engine.messages_for("nl").stale_choice
        for forged in (f"checkin:1:{'0' * 10}", f"checkin:1:{ref}x", "delete:everything"):
            assert [o.text for o in await w.engine.act("anna", forged)] == [stale]  # type: ignore[union-attr]
        no_goal = w.engine.scripts.for_language("nl").script.follow_up.no_goals  # type: ignore[union-attr]
        assert [o.text for o in await w.engine.act("anna", f"evaluate:9:{ref}")] == [no_goal]  # type: ignore[union-attr]
        assert [o.text for o in await w.engine.act("mila", f"checkin:1:{ref}")] == [stale]  # type: ignore[union-attr]
        assert w.engine.store.load("anna").active is None  # type: ignore[union-attr]

        (tmp_path / "roster.csv").write_text(
            ROSTER.replace("2027-01-18 10:00", "2028-02-07 10:00"), encoding="utf-8"
        )
        import_roster(tmp_path / "roster.csv", w.data)
        anna.last = await w.engine.handle("anna", __import__("bot").Incoming.say("hoi"))
        assert "Een nieuwe POP-ronde. Je vorige doelen waren: Klantgericht werken." in anna.text
        record = w.engine.store.load("anna")
        assert record is not None and record.previous is not None and "route" in record.previous["answers"]
        # a new round starts empty, but for the conversation's date the roster gives
        assert record.cycle.startswith("2028-02-07")
        assert {k: a.value for k, a in record.answers.items()} == {"gespreksdatum": "2028-02-07"}


async def test_a_manager_can_choose_one_invitation_a_week_for_all_reports(tmp_path: Path) -> None:
    roster = ROSTER + "ben,Ben Jansen,ben@example.org,nl,mila,console,,2027-01-20 14:00,Europe/Amsterdam\n"
    async with world(tmp_path, roster, managers=True) as w:
        w.scheduler().sync()
        mila = Chat(w.engine, "mila")
        await mila.say("team week")
        assert "één uitnodiging per week" in mila.text
        await run_until(w, datetime(2027, 1, 8, 12, 0, tzinfo=UTC))  # both invitations fall in this week
        posts = [c.params for c in w.slack.of("chat.postMessage") if c.params.get("channel") == "DU0MILA"]
        asked = [p for p in posts if "kant van de organisatie" in str(p.get("text"))]
        assert len(asked) == 1  # asked once for the team, before the invitations
        posts = [p for p in posts if p not in asked]
        assert len([p for p in posts if "medewerkers" in str(p.get("text"))]) == 1
        assert "Over twee weken heb je POP-gesprekken met 2 medewerkers" in posts[0]["text"]
        buttons = [
            p["blocks"][-1]["elements"][0]["value"] for p in posts if p["blocks"][-1]["type"] == "actions"
        ]
        assert len(buttons) == 2 and all(b.startswith("prep:") for b in buttons)
        bundled = [e for e in Outbox(OutboxFiles(w.data)).everything() if e.kind == "prep_invitation"]
        assert sorted(e.status for e in bundled) == ["sent", "skipped"]
        assert any(e.note == "bundled" for e in bundled)
        out = await w.engine.act("mila", buttons[1])  # Ben's button opens Ben's preparation
        assert "Voorbereiding voor je gesprek met Ben Jansen" in out[0].text  # type: ignore[union-attr]
        await mila.say("mijnpop")
        await mila.say("team week")
        assert "per medewerker" in mila.text


async def test_the_employees_choice_of_how_often_sets_the_check_ins(tmp_path: Path) -> None:
    """Issue 15: `evaluatiemoment` was read by no code — check-ins were always every 3 months."""
    monthly = list(FULL_ROUTE)
    monthly[monthly.index("Budget voor een cursus") + 2] = "1"  # evaluatiemoment: elke maand
    async with world(tmp_path, ROSTER, managers=True) as w:
        await agreed_pop(w, monthly)
        record = w.engine.store.load("anna")
        assert record is not None and record.answers["evaluatiemoment"].value == "maand"
        due = {e.key.rsplit("|", 1)[1]: e.due for e in Outbox(OutboxFiles(w.data)).everything()}
        assert due["checkin-1"] == datetime(2027, 2, 18, 9, 0, tzinfo=UTC)  # a month on, 10:00 there
        assert "checkin-11" in due and "checkin-12" not in due  # monthly within the 12-month round


async def test_a_relative_deadline_sets_the_goals_evaluation(tmp_path: Path) -> None:
    """Issue 15, Tijdgebonden: "binnen een half jaar" is six months after the conversation
    (18 January 2027), not the end of the round."""
    route = [("binnen een half jaar" if a == "15 maart tot 1 mei 2027" else a) for a in FULL_ROUTE]
    async with world(tmp_path, ROSTER, managers=True) as w:
        await agreed_pop(w, route)
        due = {e.key.rsplit("|", 1)[1]: e.due for e in Outbox(OutboxFiles(w.data)).everything()}
        # 18 July 2027 is a Sunday: Monday 19 July, 09:00 in Amsterdam
        assert due["evaluation-0"] == datetime(2027, 7, 19, 7, 0, tzinfo=UTC)


async def test_the_agreed_actions_go_to_hr_and_the_employee_is_told_first(tmp_path: Path) -> None:
    """Issue 15 (seed 001 §2.4.2): after the final POP the development actions — never the
    reflections — go to HR's address from the schedule file; the request to agree says so."""

    schedule = tmp_path / "schedule.yaml"
    bundled = (Path(__file__).parents[2] / "dialogs" / "schedule.yaml").read_text(encoding="utf-8")
    schedule.write_text(bundled.replace('  email: ""', "  email: hr@example.org"), encoding="utf-8")
    async with world(tmp_path, ROSTER, managers=True) as w:
        w.schedule_file = schedule
        await agreed_pop(w)
        finalize = next(m for m in w.inbox("anna") if "jullie hebben je POP-gesprek gehad" in m)
        assert "ontwikkelacties" in finalize and "naar HR" in finalize
        await at(w, datetime(2027, 1, 19, 12, 0, tzinfo=UTC))
        to_hr = [m for m in w.mailbox.messages if m["To"] == "hr@example.org"]
        assert len(to_hr) == 1 and to_hr[0]["Subject"] == "Ontwikkelacties uit het POP van Anna de Vries"
        body = to_hr[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
        assert "Klantgericht werken" in body and "Zes donderdagmiddagen meewerken" in body
        assert "24 werkuren supervisie" in body and "15 maart tot 1 mei 2027" in body
        for reflection in (
            "Plannen en klanten helpen",
            "Ik kan zelfstandig klanten",
            "GEHEIM",
            "Beter delegeren",
        ):
            assert reflection not in body


async def test_without_agreement_in_30_days_the_draft_is_the_working_pop(tmp_path: Path) -> None:
    """Issue 15: no agreement within the window must not mean no check-ins ever."""
    async with world(tmp_path, ROSTER, managers=True) as w:
        w.scheduler().sync()
        anna = Chat(w.engine, "anna")
        await anna.start()
        for answer in FULL_ROUTE:
            await anna.say(answer)
        ref = w.engine.team.own("anna").ref  # type: ignore[union-attr]
        await run_until(w, datetime(2027, 1, 20, 9, 0, tzinfo=UTC))
        await w.engine.act("anna", f"agree:{ref}:1")  # Anna agrees, Mila never does
        await run_until(w, datetime(2027, 2, 25, 9, 0, tzinfo=UTC))
        entries = {e.key.rsplit("|", 1)[1]: e for e in Outbox(OutboxFiles(w.data)).everything()}
        assert entries["final"].status == "sent" and entries["final-manager"].status == "sent"
        working = [m for m in w.inbox("anna") if "werk-POP" in m]
        assert working and "nog open: Mila Bakker" in working[0]
        to_mila = [t for t in w.slack.posted("DU0MILA") if "geldt daarom vanaf nu als werk-POP" in t]
        assert to_mila and "nog open: Mila Bakker" in to_mila[0]
        assert "checkin-1" in entries and "evaluation-0" in entries and "next-cycle" in entries


async def test_a_change_during_the_year_is_agreed_again_and_the_pdf_names_the_version(
    tmp_path: Path,
) -> None:
    """Issue 15 (seed 001 §2.5): the POP can be adjusted mid-cycle — a goal added or dropped,
    both agree again, the signed PDF shows the version."""
    async with world(tmp_path, ROSTER, managers=True) as w:
        ref = await agreed_pop(w)
        w.engine.clock = w.clock  # the change happens in February: its requests are due then
        w.now = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)
        anna = Chat(w.engine, "anna")
        await anna.say("wijzig")
        await add_a_goal(anna)
        assert "dit wordt versie 2" in anna.text
        record = await anna.record()
        assert record.versions == {record.cycle: 2} and record.agreed[record.cycle] == {}
        assert [b.action for b in anna.last if hasattr(b, "action")] == [f"agree:{ref}:1", f"agree:{ref}:2"]
        for goal in (1, 2):
            await w.engine.act("anna", f"agree:{ref}:{goal}")
        # waiting for the next working morning (as a pass in the evening moves them), a re-plan
        # — HR imports the roster again — leaves the new version's requests be
        outbox = Outbox(OutboxFiles(w.data))
        for e in [e for e in outbox.everything() if e.key.endswith("-v2")]:
            outbox.move(e, datetime(2027, 2, 1, 10, 0, tzinfo=UTC))
        w.scheduler().sync()
        versioned = [e for e in outbox.everything() if e.key.endswith("-v2")]
        assert len(versioned) == 3 and all(e.status == "planned" for e in versioned)
        sent = await at(w, datetime(2027, 2, 1, 10, 0, tzinfo=UTC))
        assert any(k.endswith("|agree-request-v2") for k in sent)
        for goal in (1, 2):
            await w.engine.act("mila", f"agree:{ref}:{goal}")
        sent = await at(w, datetime(2027, 2, 1, 11, 0, tzinfo=UTC))
        assert any(k.endswith("|final-v2") for k in sent) and any(
            k.endswith("|final-manager-v2") for k in sent
        )
        files = slack_files(w, "DU0MILA")
        signed = pdf_text(
            files[next(k for k in files if k.startswith("pop-Anna-de-Vries-definitief-versie-2"))]
        )
        assert "Persoonlijk Ontwikkelingsplan (definitief, versie 2)" in signed
        assert "Een vergadering voorzitten" in signed

        # dropping a goal is a change too: version 3
        await anna.say("wijzig")
        drop = next(
            o
            for o in anna.question.options
            if o.label.startswith("Doel 2: Een vergadering") and o.label.endswith("schrappen")
        )
        await anna.say(drop.id)
        assert "dit wordt versie 3" in anna.text
        assert [g["doel"] for g in (await anna.record()).answers["doelen"].value] == ["Klantgericht werken"]


async def test_the_manager_can_set_the_check_in_interval_at_the_vaststelling(tmp_path: Path) -> None:
    """Issue 15: the employee's choice of how often is in the draft; at the vaststelling the
    manager sees it and can agree another one — and only for their own report's conversation."""
    async with world(tmp_path, ROSTER, managers=True) as w:
        w.scheduler().sync()
        anna = Chat(w.engine, "anna")
        await anna.start()
        for answer in FULL_ROUTE:  # evaluatiemoment: elk kwartaal
            await anna.say(answer)
        ref = w.engine.team.own("anna").ref  # type: ignore[union-attr]
        await run_until(w, datetime(2027, 1, 19, 9, 0, tzinfo=UTC))
        await w.engine.act("anna", f"agree:{ref}:1")
        await run_until(w, datetime(2027, 1, 19, 10, 0, tzinfo=UTC))
        offer = next(t for t in w.slack.posted("DU0MILA") if "Check-ins op het POP van Anna de Vries" in t)
        assert "Elk kwartaal (de keuze van Anna de Vries)" in offer
        buttons = [
            c.params["blocks"][-1]["elements"][0]["value"]
            for c in w.slack.of("chat.postMessage")
            if "interval:" in str(c.params.get("blocks"))
        ]
        assert buttons == [f"interval:{ref}:maand", f"interval:{ref}:kwartaal", f"interval:{ref}:halfjaar"]
        stale = w.engine.messages_for("nl").stale_choice
        assert (await w.engine.act("anna", f"interval:{ref}:maand"))[0].text == stale  # type: ignore[union-attr]
        assert (await w.engine.act("mila", f"interval:{ref}:wekelijks"))[0].text == stale  # type: ignore[union-attr]
        out = await w.engine.act("mila", f"interval:{ref}:halfjaar")
        assert out[0].text == "Genoteerd, check-ins op het POP van Anna de Vries: Elk half jaar."  # type: ignore[union-attr]
        await w.engine.act("mila", f"agree:{ref}:1")
        await run_until(w, datetime(2027, 1, 19, 11, 0, tzinfo=UTC))
        due = {e.key.rsplit("|", 1)[1]: e.due for e in Outbox(OutboxFiles(w.data)).everything()}
        assert due["checkin-1"] == datetime(2027, 7, 19, 7, 0, tzinfo=UTC)  # half a year (a Sunday: Monday)
        assert "checkin-2" not in due


async def test_the_draft_is_composed_before_its_morning_and_made_again_if_anything_changed(
    tmp_path: Path,
) -> None:
    """Issue 16: a pass composes the drafts due in the next hours, so the busy T−7 morning only
    sends; what changed since (here: an answer) makes the send compose it again."""
    for changed in (False, True):
        (tmp_path / str(changed)).mkdir()
        async with world(tmp_path / str(changed), ROSTER, managers=True) as w:
            w.scheduler().sync()
            await run_until(w, datetime(2027, 1, 4, 10, 0, tzinfo=UTC))
            invitation = next(
                c for c in w.slack.of("chat.postMessage") if "Voorbereiden" in str(c.params.get("blocks"))
            )
            await both_prepare(w, invitation.params["blocks"][-1]["elements"][0]["value"])

            await run_until(w, datetime(2027, 1, 11, 8, 0, tzinfo=UTC))  # an hour before T−7
            outbox = Outbox(OutboxFiles(w.data))
            delivery = next(e for e in outbox.everything() if e.kind == "delivery")
            assert delivery.status == "planned" and delivery.ahead and delivery.ahead_for
            if changed:  # Anna rewrites an answer after the draft was composed
                store = w.engine.store
                record = store.load("anna")
                assert record is not None
                qid = next(k for k, a in record.answers.items() if a.value == "Het klantcontact")
                record.answers[qid].value = "Een heel nieuw antwoord over motivatie"
                store.save(record)
            s = w.schedulers[-1]
            composed: list[str] = []
            real = s.composer.compose

            def counting(
                entry: Entry, *args: Any, _real: Any = real, _seen: list[str] = composed, **kwargs: Any
            ) -> Any:
                _seen.append(entry.kind)
                return _real(entry, *args, **kwargs)

            s.composer.compose = counting  # type: ignore[method-assign]
            await run_until(w, datetime(2027, 1, 11, 10, 0, tzinfo=UTC))
            sent = next(e for e in outbox.everything() if e.kind == "delivery")
            assert sent.status == "sent" and not sent.ahead and not sent.parts
            assert ("delivery" in composed) is changed
            files = slack_files(w, "DU0MILA")
            draft = pdf_text(next(v for k, v in files.items() if not k.startswith("afstemming")))
            assert ("Een heel nieuw antwoord over motivatie" in draft) is changed
            assert "Klantgericht werken" in draft
