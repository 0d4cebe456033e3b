"""Issue 15, the manager's side: the organisation's side once per team, reused in every
alignment summary and shown to the employee before the goals; what the employee reads of the
manager's preparation is the manager's explicit choice, in words addressed to the employee,
and every question says whether the employee will see it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.messages import Question
from tests.helpers import FULL_ROUTE, MANAGER_ROUTE, Chat, answer_until
from tests.schedule.test_manager_cycle import pdf_text, run_until, slack_files
from tests.schedule_world import world

ROSTER = """id,name,email,language,manager,platform,handle,conversation,timezone
mila,Mila Bakker,mila@example.org,nl,,slack,U0MILA,,Europe/Amsterdam
anna,Anna de Vries,anna@example.org,nl,mila,console,,2027-01-18 10:00,Europe/Amsterdam
ben,Ben Jansen,ben@example.org,nl,mila,console,,2027-01-19 14:30,Europe/Amsterdam
"""

ORGANISATION = [
    "Meer zelfbediening voor klanten",  # organisatie_ontwikkeling
    "Twee planners erbij",  # afdeling_ontwikkeling
    "Data-analyse wordt belangrijk",  # functies_ontwikkeling
    "Een teamleider in 2027",  # posities
    "Zes planners, de helft korter dan twee jaar in dienst",  # bezetting
    "Snel schakelen",  # sterkten
    "Kennis zit bij weinig mensen",  # zwakten
    "Nieuwe klanten in Duitsland",  # kansen
    "Krappe arbeidsmarkt",  # bedreigingen
]


async def test_the_organisations_side_once_per_team_reused_and_shared(tmp_path: Path) -> None:
    async with world(tmp_path, ROSTER, managers=True) as w:
        w.scheduler().sync()
        mila = Chat(w.engine, "mila")
        await mila.say("team organisatie")
        assert "één keer in voor je hele team" in mila.text
        for answer in [*ORGANISATION, "ja"]:  # ja: the team may read it before writing goals
            await mila.say(answer)
        assert "komt in het afstemmingsoverzicht van elke medewerker" in mila.text
        org = w.engine.store.load("org|mila|mila")
        assert org is not None and org.values()["delen"] is True
        await mila.say("team organisatie")  # asked once: the second time it is there already
        assert "al ingevuld" in mila.text

        # the employee reads it when the goals' step begins — before writing a goal
        anna = Chat(w.engine, "anna")
        await anna.start()
        await answer_until(anna, "ontwikkeltools")
        said = "\n".join(o.text for o in anna.last if not isinstance(o, Question))
        assert "Je leidinggevende Mila Bakker deelt hoe de organisatie zich ontwikkelt" in said
        assert "Data-analyse wordt belangrijk" in said and "Krappe arbeidsmarkt" in said
        for answer in FULL_ROUTE[FULL_ROUTE.index("2, 6, 13") :]:
            await anna.say(answer)

        # reused in every report's alignment summary, without asking again
        for report in ("anna", "ben"):
            ref = w.engine.team.own(report).ref  # type: ignore[union-attr]
            await w.engine.prepare("mila", ref)
            for answer in MANAGER_ROUTE:
                await mila.say(answer)
        await run_until(w, datetime(2027, 1, 12, 14, 0, tzinfo=UTC))  # both T−7 drafts
        summaries = [t for t in w.slack.posted("DU0MILA") if "Afstemming voor het POP-gesprek" in t]
        assert len(summaries) == 2 and all("Nieuwe klanten in Duitsland" in t for t in summaries)
        files = slack_files(w, "DU0MILA")
        for name in ("afstemming-Anna", "afstemming-Ben"):
            summary = pdf_text(next(v for k, v in files.items() if k.startswith(name)))
            assert "De kant van de organisatie" in summary and "Nieuwe klanten in Duitsland" in summary


async def test_not_shared_the_organisations_side_stays_with_the_manager(tmp_path: Path) -> None:
    async with world(tmp_path, ROSTER, managers=True) as w:
        mila = Chat(w.engine, "mila")
        await mila.say("team organisatie")
        for answer in [*ORGANISATION, "nee"]:
            await mila.say(answer)
        anna = Chat(w.engine, "anna")
        await anna.start()
        await answer_until(anna, "ontwikkeltools")
        assert "Data-analyse" not in "\n".join(o.text for o in anna.last)


async def test_each_question_says_whether_the_employee_reads_it_and_only_the_chosen_go(
    tmp_path: Path,
) -> None:
    async with world(tmp_path, ROSTER, managers=True) as w:
        w.scheduler().sync()
        ref = w.engine.team.own("anna").ref  # type: ignore[union-attr]
        out = await w.engine.prepare("mila", ref)
        welcome = "\n".join(o.text for o in out)
        assert "Bij elke vraag staat of Anna de Vries je antwoord kan lezen" in welcome
        mila = Chat(w.engine, "mila")
        hints: dict[str, str] = {}
        for answer in MANAGER_ROUTE:
            q = mila.question if mila.last else next(o for o in out if isinstance(o, Question))
            hints[q.question_id] = q.hint
            await mila.say(answer)
        shareable = "Anna de Vries leest dit alleen als je het aan het eind deelt."
        locked = "🔒 Blijft bij jou: Anna de Vries leest dit niet."
        assert shareable in hints["competentieprofiel"] and shareable in hints["gesprekspunten"]
        for private in ("motivatie_score", "andere_functies", "budget", "vermogen", "vertrekredenen"):
            assert locked in hints[private], private
        assert locked in hints["noodzaak"]  # not shareable at all: it says so too

        anna = Chat(w.engine, "anna")
        await anna.start()
        for answer in FULL_ROUTE:
            await anna.say(answer)
        await run_until(w, datetime(2027, 1, 12, 0, 0, tzinfo=UTC))
        points = next(m for m in w.inbox("anna") if "De gesprekspunten van Mila Bakker" in m)
        # chosen (1, 10, 11): in words addressed to Anna, not the manager's questions
        assert (
            "Hoe je leidinggevende je functioneren ziet, vergeleken met het profiel van je functie\n"
            "Voldoet ruim aan het profiel" in points
        )
        assert (
            "Welke steun de organisatie je kan bieden, in tijd, geld, leermogelijkheden of coaching\n"
            "Tijd voor een cursus en een coach" in points
        )
        assert "Wat je leidinggevende in het gesprek wil bespreken\nHoe we het delegeren aanpakken" in points
        assert "In hoeverre voldoet de medewerker" not in points
        # not chosen: not sent
        for kept in ("Klanten blij maken", "Zelfstandig, klaar voor meer", "Inwerken van nieuwe collega's"):
            assert kept not in points
        for private in ("GEHEIM-functie-marker", "GEHEIM-budget-marker", "GEHEIM-vertrek-marker"):
            assert private not in points
