"""The Teams adapter end to end: the real Microsoft 365 Agents SDK behind popbot's HTTP server
on 127.0.0.1, activities signed by a fake Bot Connector on 127.0.0.1 that also takes and
records everything popbot posts."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import rsa

from adapters.slack.adapter import SlackAdapter
from adapters.teams.channel import TeamsChannel
from bot.platform import CALLS
from bot.schedule.recipients import Recipients
from tests.adapters.teams_world import ANNA, MILA, ROSTER, Teams, User, content, dumps, teams_world
from tests.adapters.test_slack import Slack
from tests.fakes.bot_connector import OTHER_TENANT, TENANT, texts
from tests.fakes.server import serving
from tests.fakes.slack_api import BOT_TOKEN, SECRET, FakeSlack
from tests.helpers import DATE_IF_ASKED, FULL_ROUTE, SHORT_ROUTE


async def started(teams: Teams) -> None:
    await teams.install()
    welcome = teams.last_card()
    assert "Welkom bij popbot" in "\n".join(teams.read())
    await teams.press("Beginnen", card_activity=welcome)
    assert any("Hoe wil je je voorbereiden?" in t for t in teams.read())


async def test_from_the_welcome_card_to_the_draft_with_card_presses(tmp_path: Path) -> None:
    async with teams_world(tmp_path) as teams:
        await started(teams)
        await teams.answer("1")  # the route, as a button
        update = teams.connector.of("update")[-1].body
        assert "→ Volledig" in dumps([update]) and "actions" not in content(update)
        for answer in FULL_ROUTE[1:]:
            if answer == DATE_IF_ASKED:
                continue  # the roster has the conversation's date: it is not asked
            await teams.answer(answer)
        record = teams.record()
        assert record.state == "__done__", teams.read()[-3:]
        assert record.answers["ontwikkeltools"].value == ["jobrotation", "coaching", "opleiding"]
        assert record.answers["gespreksdatum"].value == "2027-01-18"
        everything = "\n".join(teams.read())
        assert "Ontwikkeldoelen" in everything and "Klantgericht werken" in everything
        assert "GEHEIM" not in everything


async def finish_short(teams: Teams) -> None:
    await started(teams)
    for answer in SHORT_ROUTE:
        await teams.answer(answer)
    assert teams.record().state == "__done__", teams.read()[-3:]


async def test_t7_sends_the_draft_pdf_proactively_and_the_link_opens_it_for_its_owner_only(
    tmp_path: Path,
) -> None:
    async with teams_world(tmp_path) as teams:
        teams.connector.members[MILA.teams_id] = {
            "id": MILA.teams_id,
            "aadObjectId": MILA.oid,
            "email": "mila@example.org",
            "userPrincipalName": "mila@example.org",
        }
        await teams.install(MILA)  # matched by the e-mail Teams gives (the roster's handle)
        assert "Welkom bij popbot" in "\n".join(teams.read(MILA))
        await finish_short(teams)
        scheduler = teams.parts.scheduler({"teams": TeamsChannel(teams.adapter)})
        sent = []
        for day in (8, 11):  # the review on Friday (T−8 is a Sunday), the draft on Monday, T−7
            teams.clock.now = datetime(2027, 1, day, 12, 0, tzinfo=UTC)
            report = await scheduler.run_due()
            assert report.failed == [], report
            sent += report.sent
        assert {"review", "delivery"} <= {k.rsplit("|", 1)[1] for k in sent}
        # the manager's copy: written first into the chat Teams opened at install
        mila_cards = [a for a in teams.sent(MILA) if "[Openen]" in texts(a)]
        assert mila_cards, teams.read(MILA)
        assert any("concept" in t.lower() for t in teams.read(MILA))
        await teams.press("Openen", MILA, mila_cards[0])
        link = next(
            a["url"] for a in content(teams.last_card(MILA))["actions"] if a["type"] == "Action.OpenUrl"
        )
        assert link.startswith(teams.url + "/teams/files/")
        pdf = await teams.http.get(link)
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        assert (
            pdf.headers["Cache-Control"] == "no-store" and "attachment" in pdf.headers["Content-Disposition"]
        )
        assert b"GEHEIM" not in pdf.content
        # the employee's own review, with the same PDF, in her chat
        anna_cards = [a for a in teams.sent(ANNA) if "[Openen]" in texts(a)]
        assert anna_cards and any("precies wat" in t for t in teams.read(ANNA))
        # another person's document from a forged action opens nothing
        mila_doc = content(mila_cards[0])["actions"][0]["data"]["d"]
        await teams.submit(teams.last_card(ANNA), {"popbot": "file", "d": mila_doc})
        assert "er niet meer" in teams.read(ANNA)[-1]
        # the link was the presser's: used once, a copy of it opens nothing; it carries nothing
        token = link.rsplit("/", 1)[1]
        again = await teams.http.get(link)
        assert again.status_code == 410 and "verlopen" in again.text
        assert "mila" not in token and len(token) == 43 and token.count(".") == 0
        # a link that was altered, has expired, or was made up, opens nothing
        forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
        expired = teams.adapter.links.mint("mila", mila_doc, datetime.now(UTC) - timedelta(hours=1))
        for bad in (forged, expired, "not-a-token", "é" * 43):
            gone = await teams.http.get(f"{teams.url}/teams/files/{bad}")
            assert gone.status_code == 410 and "verlopen" in gone.text
        # two requests racing for one link: one document between them
        fresh = teams.adapter.links.mint("mila", mila_doc)
        both = await asyncio.gather(*(teams.http.get(f"{teams.url}/teams/files/{fresh}") for _ in range(2)))
        assert sorted(r.status_code for r in both) == [200, 410]


async def test_someone_without_the_app_yet_gets_e_mail(tmp_path: Path) -> None:
    async with teams_world(tmp_path) as teams:
        parts = teams.parts
        recipients = Recipients(parts.roster, parts.access, parts.schedule_config)
        mila = parts.roster.get("mila")
        assert mila is not None
        assert recipients.route(mila) == ("email", "mila@example.org")
        teams.connector.members[MILA.teams_id] = {"id": MILA.teams_id, "email": "mila@example.org"}
        await teams.install(MILA)
        assert recipients.route(mila) == ("teams", "mila")
        await teams.send(teams.activity(MILA, type="installationUpdate", action="remove"))
        assert recipients.route(mila) == ("email", "mila@example.org")  # removed: e-mail again


async def test_a_missing_or_forged_token_gets_401_and_changes_nothing(tmp_path: Path) -> None:
    async with teams_world(tmp_path) as teams:
        activity = teams.activity(text="hoi")
        other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        now = int(time.time())
        tokens = {
            "missing": None,
            "wrong key": teams.connector.token(key=other_key),
            "wrong audience": teams.connector.token(audience="22222222-2222-2222-2222-222222222222"),
            "wrong issuer": teams.connector.token(issuer="https://evil.example"),
            "expired": teams.connector.token(exp=now - 3600, nbf=now - 7200),
            "another service": teams.connector.token(serviceurl="https://connector.invalid/emea/"),
        }
        for name, token in tokens.items():
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            response = await teams.http.post(f"{teams.url}/api/messages", json=activity, headers=headers)
            assert response.status_code == 401, (name, response.status_code, response.text)
        # signed, but not an activity: a clear 400, nothing done
        signed = {"Authorization": f"Bearer {teams.connector.token()}", "Content-Type": "application/json"}
        for body in (b"not json", b"[1, 2]", b'{"type": 5, "conversation": "x"}'):
            response = await teams.http.post(f"{teams.url}/api/messages", content=body, headers=signed)
            assert response.status_code == 400, (body, response.status_code)
        assert teams.connector.calls == [] and teams.record() is None
        assert teams.parts.access.who("teams", ANNA.oid) is None


async def test_a_group_chat_gets_a_short_refusal_and_nothing_is_stored(tmp_path: Path) -> None:
    async with teams_world(tmp_path) as teams:
        group = teams.activity(
            text="hoi popbot",
            conversation={"id": "19:group@thread.v2", "conversationType": "groupChat", "tenantId": TENANT},
        )
        await teams.send(group)
        refusal = [c.body for c in teams.connector.calls if c.conversation == "19:group@thread.v2"]
        assert len(refusal) == 1 and "persoonlijke chat" in texts(refusal[0])
        assert teams.record() is None and teams.parts.access.who("teams", ANNA.oid) is None


async def test_another_tenant_is_ignored(tmp_path: Path) -> None:
    async with teams_world(tmp_path) as teams:
        elsewhere = teams.activity(
            text="hoi",
            conversation={"id": ANNA.conversation, "conversationType": "personal", "tenantId": OTHER_TENANT},
            channelData={"tenant": {"id": OTHER_TENANT}},
        )
        await teams.send(elsewhere)
        assert teams.connector.calls == [] and teams.record() is None


async def test_a_stranger_is_refused_and_nothing_is_stored(tmp_path: Path) -> None:
    async with teams_world(tmp_path) as teams:
        eve = User("0e0e0e0e-0000-4000-8000-00000000e0e0", "29:eve", "a:1-eve-personal")
        teams.connector.members[eve.teams_id] = {"id": eve.teams_id, "email": "eve@elsewhere.example"}
        before = sorted(p for p in teams.data.rglob("*") if p.is_file())
        await teams.install(eve)  # the org-wide install reaches her too: she is not greeted
        assert teams.read(eve) == []
        await teams.say("hallo", eve)
        assert "ken je nog niet" in teams.read(eve)[-1]
        assert sorted(p for p in teams.data.rglob("*") if p.is_file()) == before


async def test_forged_and_stale_card_actions_change_nothing_and_show_the_question(tmp_path: Path) -> None:
    async with teams_world(tmp_path) as teams:
        await started(teams)
        route = teams.last_card()
        await teams.answer("kort")
        assert teams.record().answers["route"].value == "kort"
        updates = len(teams.connector.of("update"))
        ref = content(route)["actions"][0]["data"]["q"]
        await teams.submit(route, {"popbot": "pick", "q": ref, "choice": "volledig"})  # stale: answered
        assert any("al voorbij" in t for t in teams.read()[-2:])
        for data in (
            {"popbot": "choice", "q": "deadbeef", "o": "volledig"},
            {"popbot": "choice", "q": ref, "o": "geen_optie"},
            {"popbot": "multi", "q": ref, "ticked": "a,b"},
            {"popbot": "date", "q": "deadbeef", "date": "2027-02-01"},
            {"popbot": "act", "a": "prep:someone-else"},
            {"popbot": "zzz"},
            {"q": "x" * 5000},
        ):
            await teams.submit(route, data)
        record = teams.record()
        assert record.answers["route"].value == "kort" and record.state == "plezier"
        assert len(teams.connector.of("update")) == updates  # no card was closed for them
        assert "meer plezier gaat werken?" in teams.read()[-1]


async def test_a_redelivered_activity_is_answered_once(tmp_path: Path) -> None:
    async with teams_world(tmp_path) as teams:
        await started(teams)
        await teams.answer("1")
        activity = teams.activity(text="Plannen")
        await teams.send(activity)
        sent = len(teams.connector.calls)
        await teams.send(activity)  # Teams retries a delivery it did not see answered
        assert len(teams.connector.calls) == sent
        record = teams.record()
        assert record.answers["goed_in"].value == "Plannen" and record.state == "leukste"


async def test_a_429_is_waited_out_and_retried(tmp_path: Path) -> None:
    async with teams_world(tmp_path) as teams:
        await started(teams)
        teams.connector.fail("reply", 429, retry_after=1)
        before = CALLS.throttled.get("teams", 0)
        await teams.say("voortgang")
        throttled = [c for c in teams.connector.calls if c.kind == "reply" and c.failed]
        answered = [c for c in teams.connector.of("reply") if "voortgang" in texts(c.body).lower()]
        assert len(throttled) == 1 and answered
        assert answered[-1].at - throttled[0].at >= 1.0
        assert teams.adapter.pacer.throttled == 1
        assert CALLS.throttled["teams"] == before + 1  # and exported: /metrics


async def test_the_same_employee_on_teams_and_slack_at_once_one_press_wins(tmp_path: Path) -> None:
    async with teams_world(tmp_path) as teams:
        slack_api = FakeSlack()
        await slack_api.start()
        parts = teams.parts  # one engine for both, as `popbot serve` runs them
        slack_app = SlackAdapter(parts.engine, parts.access, parts.roster).build(
            BOT_TOKEN, SECRET, slack_api.url
        )
        try:
            async with serving(slack_app.web_app(path="/slack/events")) as slack_url:
                slack = Slack(slack_api, f"{slack_url}/slack/events", teams.data, teams.http, user="U0ANNA")
                await started(teams)  # on Teams
                await slack.say("hoi")  # and on Slack, matched by her e-mail: the same question
                slack_question, teams_question = slack.last_question(), teams.last_card()
                ref = content(teams_question)["actions"][0]["data"]["q"]
                await asyncio.gather(
                    slack.press("Volledig", slack_question),
                    teams.submit(teams_question, {"popbot": "pick", "q": ref, "choice": "kort"}),
                )
                await slack.quiet()
                record = teams.record()
                assert record.history == ["route"]  # answered once
                won_on_slack = record.answers["route"].value == "volledig"
                assert won_on_slack or record.answers["route"].value == "kort"
                lost = teams.read() if won_on_slack else slack_api.posted()
                assert any("al voorbij" in t for t in lost)  # the other press: too late, and why
        finally:
            await slack_api.stop()


async def test_a_manager_asks_for_the_team_and_a_file_is_not_an_answer(tmp_path: Path) -> None:
    async with teams_world(tmp_path) as teams:
        teams.connector.members[MILA.teams_id] = {"id": MILA.teams_id, "email": "mila@example.org"}
        await teams.install(MILA)
        await teams.say("team", MILA)
        assert any("Anna de Vries" in t for t in teams.read(MILA)[-3:]), teams.read(MILA)[-3:]
        await started(teams)
        await teams.answer("1")
        photo = {"contentType": "image/png", "contentUrl": "https://example.invalid/x.png", "name": "x.png"}
        await teams.send(teams.activity(attachments=[photo]))
        assert teams.record().state == "goed_in"  # nothing was taken as an answer
        assert any("Waar ben je goed in?" in t for t in teams.read()[-2:])


async def test_erasure_removes_the_teams_conversation_and_every_copy_of_the_draft(tmp_path: Path) -> None:
    async with teams_world(tmp_path) as teams:
        teams.connector.members[MILA.teams_id] = {"id": MILA.teams_id, "email": "mila@example.org"}
        await teams.install(MILA)
        await finish_short(teams)
        scheduler = teams.parts.scheduler({"teams": TeamsChannel(teams.adapter)})
        for day in (8, 11):
            teams.clock.now = datetime(2027, 1, day, 12, 0, tzinfo=UTC)
            await scheduler.run_due()
        store, access = teams.parts.store, teams.parts.access
        exported = teams.parts.personal.export("anna")
        assert exported["chat_accounts"]["teams"] == ANNA.oid
        assert exported["chat_conversations"]["teams"]["conversation"]["id"] == ANNA.conversation
        mila_docs = [i for i in store.load_inbox("mila") if i.get("teams")]
        assert mila_docs and all(
            store.read_file("mila", n) is not None for i in mila_docs for n in i["files"]
        )
        teams.parts.personal.erase("anna")
        assert access.reference_of("teams", "anna") is None and access.who("teams", ANNA.oid) is None
        assert not [i for i in store.load_inbox("mila") if str(i.get("key", "")).startswith("anna|")]
        assert not any(store.read_file("mila", n) for i in mila_docs for n in i["files"])
        assert store.load_inbox("anna") == []


async def test_a_card_with_nothing_or_a_refused_value_stays_open_and_says_how_to_answer(
    tmp_path: Path,
) -> None:
    # no date in the roster: popbot asks for it (with one, the question is not asked)
    async with teams_world(tmp_path, ROSTER.replace("2027-01-18 10:00", "")) as teams:
        await started(teams)
        route = teams.last_card()
        ref = content(route)["actions"][0]["data"]["q"]
        await teams.submit(route, {"popbot": "pick", "q": ref})  # "Kiezen" with nothing chosen
        assert not any("al voorbij" in t for t in teams.read()[-2:]) and teams.record().state == "route"
        await teams.answer("kort")
        await teams.answer("Minder vergaderingen")  # now the conversation's date, a date picker
        date_card = teams.last_card()
        data = content(date_card)["actions"][0]["data"]
        updates = len(teams.connector.of("update"))
        await teams.submit(date_card, {**data, "date": "2020-01-01"})  # in the past: refused
        assert "al geweest" in "\n".join(teams.read()[-2:])
        await teams.submit(date_card, {**data, "date": ""})
        assert teams.record().state == "gespreksdatum" and len(teams.connector.of("update")) == updates
        # "sla over als je het nog niet weet": the card's own button does it
        skip = next(a for a in content(date_card)["actions"] if a["title"] == "Overslaan")
        await teams.submit(date_card, skip["data"])
        assert teams.record().answers["gespreksdatum"].skipped and teams.record().state != "gespreksdatum"
        assert "→ (overgeslagen)" in dumps([teams.connector.of("update")[-1].body])
        await teams.say("wijzig")  # and later the date after all, on a new card
        await teams.answer("Wanneer is je POP-gesprek")
        date_card = teams.last_card()
        data = content(date_card)["actions"][0]["data"]
        await teams.submit(date_card, {**data, "date": "2027-01-18"})
        assert teams.record().answers["gespreksdatum"].value == "2027-01-18"
        assert "→ 18 januari 2027" in dumps([teams.connector.of("update")[-1].body])


async def test_an_export_in_the_chat_comes_as_documents_that_open_for_their_owner(tmp_path: Path) -> None:
    async with teams_world(tmp_path) as teams:
        await started(teams)
        await teams.answer("1")
        await teams.say("Plannen")
        await teams.say("mijngegevens")
        documents = [a for a in teams.sent() if "[Openen]" in texts(a)]
        assert len(documents) == 2 and "popbot-" in texts(documents[0])  # the JSON and the Markdown
        await teams.press("Openen", card_activity=documents[0])
        link = next(a["url"] for a in content(teams.last_card())["actions"] if a["type"] == "Action.OpenUrl")
        exported = await teams.http.get(link)
        assert exported.status_code == 200 and exported.json()["person"] == "anna"
        assert exported.headers["Content-Type"].startswith("application/json")
