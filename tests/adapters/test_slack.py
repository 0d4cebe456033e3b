"""The Slack adapter end to end: the real Bolt AsyncApp over HTTP on 127.0.0.1,
signed requests from the test, and a mock Web API on 127.0.0.1."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import urllib.parse
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from adapters.slack.adapter import SlackAdapter
from bot.app.platforms import accounts
from bot.people.access import Access
from bot.people.roster import Person, Roster
from bot.platform import CALLS
from storage import TinyDBStore
from tests.fakes.server import serving
from tests.fakes.slack_api import BOT_TOKEN, SECRET, FakeSlack, dm, event_body, form, signed
from tests.helpers import FULL_ROUTE, NOW, make_engine

ANNA = "U0ANNA"
ROSTER = [
    Person("anna", "Anna", "nl", email="anna@example.org"),
    Person("ben", "Ben", "en", accounts={"slack": "U0BEN"}, platform="slack"),
]
_ids = itertools.count(1)


@dataclass
class Slack:
    api: FakeSlack
    url: str
    data: Path
    http: httpx.AsyncClient
    user: str = ANNA

    async def send(
        self, body: str, content_type: str, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        headers = signed(body) if headers is None else headers
        return await self.http.post(
            self.url, content=body.encode(), headers={**headers, "Content-Type": content_type}
        )

    async def event(
        self, event: dict[str, Any], event_id: str | None = None, retry: int | None = None
    ) -> httpx.Response:
        body = event_body(event, event_id or f"Ev{next(_ids)}")
        headers = signed(body)
        if retry is not None:
            headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        response = await self.send(body, "application/json", headers)
        assert response.status_code == 200
        return response

    async def say(self, text: str) -> None:
        await self.event(dm(self.user, text))
        await self.quiet()

    def last_question(self) -> dict[str, Any]:
        posts = [
            c
            for c in self.api.of("chat.postMessage")
            if any(b.get("type") == "actions" for b in c.params.get("blocks") or [])
        ]
        assert posts, self.api.posted()
        call = posts[-1]
        return {
            "ts": f"{1700000000 + self.api.of('chat.postMessage').index(call) + 1}.000100",
            "blocks": call.params["blocks"],
        }

    def actions(self, message: dict[str, Any]) -> list[dict[str, Any]]:
        return [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]

    async def act(
        self,
        action: dict[str, Any],
        message: dict[str, Any],
        state: dict[str, Any] | None = None,
        channel: str | None = None,
    ) -> httpx.Response:
        payload = {
            "type": "block_actions",
            "user": {"id": self.user},
            "team": {"id": "T1"},
            "api_app_id": "A1",
            "trigger_id": f"tr{next(_ids)}",
            "channel": {"id": channel or f"D{self.user}"},
            "container": {"type": "message", "message_ts": message["ts"]},
            "message": message,
            "state": {"values": state or {}},
            "actions": [{**action, "action_ts": f"{time.time():.6f}", "block_id": "b"}],
        }
        response = await self.send(form(payload), "application/x-www-form-urlencoded")
        await self.quiet()
        return response

    async def press(self, label_start: str, message: dict[str, Any] | None = None) -> None:
        message = message or self.last_question()
        for element in self.actions(message):
            if element["type"] == "button" and element["text"]["text"].casefold().startswith(
                label_start.casefold()
            ):
                await self.act(
                    {"type": "button", "action_id": element["action_id"], "value": element["value"]}, message
                )
                return
            for option in element.get("options", []):
                if (
                    option["text"]["text"].casefold().startswith(label_start.casefold())
                    and element["type"] == "static_select"
                ):
                    await self.act(
                        {
                            "type": "static_select",
                            "action_id": element["action_id"],
                            "selected_option": option,
                        },
                        message,
                    )
                    return
        raise AssertionError(f"no option {label_start!r}")

    async def quiet(self) -> None:
        seen = -1
        while seen != len(self.api.calls):
            seen = len(self.api.calls)
            await __import__("asyncio").sleep(0.15)

    def record(self, employee: str = "anna") -> Any:
        return TinyDBStore(self.data).load(employee)


@pytest.fixture
async def slack(tmp_path: Path) -> AsyncIterator[Slack]:
    api = FakeSlack()
    await api.start()
    data = tmp_path / "data"
    store = TinyDBStore(data)
    roster = Roster(store)
    roster.import_people(ROSTER)
    adapter = SlackAdapter(make_engine(data), Access(store, lambda: NOW, accounts=accounts()), roster)
    app = adapter.build(BOT_TOKEN, SECRET, api.url, max_retries=2)
    async with serving(app.web_app(path="/slack/events")) as url, httpx.AsyncClient(timeout=10) as http:
        yield Slack(api, f"{url}/slack/events", data, http)
    await api.stop()


async def started(slack: Slack) -> None:
    await slack.say("hoi")
    assert any("Hoe wil je je voorbereiden?" in t for t in slack.api.posted())


async def test_first_dm_matches_by_email_and_greets(slack: Slack) -> None:
    await started(slack)
    assert slack.api.of("users.info")[0].params["user"] == ANNA
    assert any(t.startswith("Hoi! Ik help je") for t in slack.api.posted())
    await slack.say("1")
    assert len(slack.api.of("users.info")) == 1  # bound after the first match


async def test_a_stranger_is_refused_and_nothing_is_stored(slack: Slack) -> None:
    slack.user = "U0EVE"
    before = sorted(p for p in slack.data.rglob("*") if p.is_file())  # the roster only
    await slack.say("hallo")
    assert "ik ken je nog niet" in slack.api.posted()[-1]
    assert sorted(p for p in slack.data.rglob("*") if p.is_file()) == before


async def test_signatures_bad_missing_and_stale_get_401(slack: Slack) -> None:
    body = event_body(dm(ANNA, "hoi"), "EvSig")
    wrong = await slack.send(body, "application/json", signed(body, secret="not-the-secret"))
    missing = await slack.send(body, "application/json", {})
    stale = await slack.send(body, "application/json", signed(body, timestamp=int(time.time()) - 6 * 60))
    tampered = await slack.send(body.replace("hoi", "HOI"), "application/json", signed(body))
    assert [r.status_code for r in (wrong, missing, stale, tampered)] == [401, 401, 401, 401]
    await slack.quiet()
    assert slack.api.of("chat.postMessage") == [] and slack.record() is None


async def test_a_retried_event_is_handled_once(slack: Slack) -> None:
    await started(slack)
    await slack.press("Volledig")
    await slack.event(dm(ANNA, "Plannen"), event_id="EvSame")
    await slack.quiet()
    posts = len(slack.api.of("chat.postMessage"))
    await slack.event(dm(ANNA, "Plannen"), event_id="EvSame", retry=1)
    await slack.quiet()
    assert len(slack.api.of("chat.postMessage")) == posts  # no question sent twice
    record = slack.record()
    assert record.answers["goed_in"].value == "Plannen" and record.state == "leukste"


async def test_the_whole_dialog_in_the_dm_with_buttons(slack: Slack) -> None:
    await started(slack)
    await slack.press("Volledig")
    update = slack.api.of("chat.update")[-1].params
    assert "→ Volledig — alle zeven stappen" in json.dumps(update["blocks"], ensure_ascii=False)
    assert all(b["type"] != "actions" for b in update["blocks"])  # the buttons are gone
    for answer in FULL_ROUTE[1:]:
        if answer == "2, 6, 13":
            message = slack.last_question()
            multi = next(e for e in slack.actions(message) if e["type"] == "multi_static_select")
            picked = [
                o
                for o in multi["options"]
                if o["text"]["text"].startswith(("Gehele", "Iemand", "Een cursus"))
            ]
            done = next(e for e in slack.actions(message) if e["type"] == "button")
            state = {"b": {"pop_multi": {"type": "multi_static_select", "selected_options": picked}}}
            await slack.act(
                {"type": "button", "action_id": "pop_done", "value": done["value"]}, message, state
            )
        elif answer in ("4", "kort", "nee", "2", "ja"):
            label = {"4": "4", "kort": "Korte termijn", "nee": "nee", "2": "Elk kwartaal", "ja": "ja"}[answer]
            await slack.press(label)
        else:
            await slack.say(answer)
    record = slack.record()
    assert record.state == "__done__"
    assert record.answers["ontwikkeltools"].value == ["jobrotation", "coaching", "opleiding"]
    draft = "\n".join(slack.api.posted())
    assert "*Ontwikkeldoelen*" in draft and "Klantgericht werken" in draft
    assert "GEHEIM" not in draft


async def test_forged_and_stale_actions_change_nothing(slack: Slack) -> None:
    await started(slack)
    route = slack.last_question()
    await slack.press("Kort")
    await slack.press("Volledig", route)  # stale
    assert any("al voorbij" in t for t in slack.api.posted())
    for value in ("deadbeef|volledig", "|", "x" * 300, f"{route['blocks'][-1]['block_id'][2:]}|geen_optie"):
        await slack.act({"type": "button", "action_id": "pop_choice_0", "value": value}, route)
    record = slack.record()
    assert record.answers["route"].value == "kort" and record.state == "plezier"


async def test_app_home_and_the_edit_modal_round_trip(slack: Slack) -> None:
    await started(slack)
    await slack.press("Volledig")
    await slack.say("Plannen")
    await slack.event({"type": "app_home_opened", "user": ANNA, "channel": f"D{ANNA}", "tab": "home"})
    await slack.quiet()
    home = slack.api.of("views.publish")[-1].params
    assert home["user_id"] == ANNA
    blocks = home["view"]["blocks"]
    assert any("Stap 2: Waar sta ik nu? — 1 van 15" in json.dumps(b, ensure_ascii=False) for b in blocks)
    edit = next(b["accessory"] for b in blocks if b.get("accessory", {}).get("value") == "goed_in")
    assert edit["text"]["text"] == "Wijzig"
    await slack.act(
        {"type": "button", "action_id": "pop_edit", "value": "goed_in"}, {"ts": "1", "blocks": []}
    )
    modal = slack.api.of("views.open")[-1].params["view"]
    assert (
        modal["private_metadata"] == "goed_in" and modal["blocks"][0]["element"]["initial_value"] == "Plannen"
    )

    async def submit(value: str) -> httpx.Response:
        payload = {
            "type": "view_submission",
            "user": {"id": ANNA},
            "team": {"id": "T1"},
            "api_app_id": "A1",
            "trigger_id": "tv",
            "view": {
                **modal,
                "id": "V1",
                "state": {"values": {"answer": {"value": {"type": "plain_text_input", "value": value}}}},
            },
        }
        response = await slack.send(form(payload), "application/x-www-form-urlencoded")
        await slack.quiet()
        return response

    bad = await submit("👍")
    assert bad.json()["response_action"] == "errors" and "in woorden" in bad.json()["errors"]["answer"]
    assert slack.record().answers["goed_in"].value == "Plannen"
    # the chat's limits in the form too (issue 13): Slack is told the length, the engine checks it
    assert modal["blocks"][0]["element"]["max_length"] == 2000
    for refused, said in (("Plannen " * 300, "te lang"), ("Plannen \ud800", "geen geldige tekst")):
        response = await submit(refused)
        assert said in response.json()["errors"]["answer"]
        assert slack.record().answers["goed_in"].value == "Plannen"
    good = await submit("Plannen en organiseren")
    assert good.status_code == 200 and slack.record().answers["goed_in"].value == "Plannen en organiseren"
    assert "Plannen en organiseren" in json.dumps(
        slack.api.of("views.publish")[-1].params, ensure_ascii=False
    )
    assert slack.record().state == "leukste"  # the dialog itself did not move
    await slack.act(
        {"type": "button", "action_id": "pop_edit", "value": "tegen_iemand_anders"}, {"ts": "1", "blocks": []}
    )
    assert len(slack.api.of("views.open")) == 1  # a forged question id opens nothing


async def test_a_429_is_waited_out_and_retried(slack: Slack) -> None:
    await started(slack)
    await slack.press("Volledig")
    slack.api.fail("chat.postMessage", 429, retry_after=1)
    before = CALLS.throttled.get("slack", 0), CALLS.retried.get("slack", 0)
    await slack.event(dm(ANNA, "voortgang"))
    await slack.api.wait_for(
        lambda: (
            sum("Je voortgang" in t for t in slack.api.posted()) >= 1
            and len(
                [c for c in slack.api.of("chat.postMessage") if "Je voortgang" in str(c.params.get("text"))]
            )
            == 2
        )
    )
    first, second = [
        c for c in slack.api.of("chat.postMessage") if "Je voortgang" in str(c.params.get("text"))
    ]
    assert second.at - first.at >= 1.0
    assert (CALLS.throttled["slack"], CALLS.retried["slack"]) == (before[0] + 1, before[1] + 1)  # /metrics


async def test_mrkdwn_specials_ping_nobody(slack: Slack) -> None:
    await started(slack)
    await slack.press("Volledig")
    nasty = "<!channel> <!here> <@U123> <https://evil.example|click> & <b>"
    await slack.say(nasty)
    await slack.say("concept")
    everything = json.dumps([c.params for c in slack.api.of("chat.postMessage")], ensure_ascii=False)
    assert (
        "&lt;!channel&gt; &lt;!here&gt; &lt;@U123&gt; &lt;https://evil.example|click&gt; &amp; &lt;b&gt;"
        in everything
    )
    assert "<!channel>" not in everything and "<@U123>" not in everything


async def test_long_drafts_are_split_within_slack_limits(slack: Slack) -> None:
    await started(slack)
    await slack.press("Volledig")
    for _ in range(4):
        await slack.say("y" * 1990)
    await slack.say("concept")
    for call in slack.api.of("chat.postMessage"):
        blocks = call.params.get("blocks") or []
        assert len(blocks) <= 50
        assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in blocks)


async def test_the_slash_command(slack: Slack) -> None:
    await started(slack)
    body = urllib.parse.urlencode(
        {
            "command": "/pop",
            "text": "status",
            "user_id": ANNA,
            "user_name": "anna",
            "channel_id": "C0PUBLIC",
            "team_id": "T1",
            "trigger_id": "tc1",
            "response_url": "http://127.0.0.1:9/none",
            "api_app_id": "A1",
        }
    )
    response = await slack.send(body, "application/x-www-form-urlencoded")
    assert response.status_code == 200
    await slack.quiet()
    last = slack.api.of("chat.postMessage")[-2:]
    assert any("Je voortgang" in str(c.params.get("text")) for c in last)
    assert all(c.params["channel"] == f"D{ANNA}" for c in last)  # in the DM, not the public channel


async def test_files_edits_and_channel_messages(slack: Slack) -> None:
    await started(slack)
    await slack.event(dm(ANNA, "", subtype="file_share", files=[{"id": "F1"}]))
    await slack.quiet()
    assert "geen foto's" in slack.api.posted()[-2]
    await slack.event({**dm(ANNA, ""), "subtype": "message_changed", "message": {"user": ANNA, "text": "x"}})
    await slack.quiet()
    assert "bewerkt bericht" in slack.api.posted()[-2]
    before = len(slack.api.calls)
    await slack.event({**dm(ANNA, "hallo allemaal"), "channel_type": "channel", "channel": "C1"})
    await slack.quiet()
    assert [c.method for c in slack.api.calls[before:]] == []  # channels are ignored


async def test_roster_by_slack_id_and_language(slack: Slack) -> None:
    slack.user = "U0BEN"
    await slack.say("hi")
    assert any("How would you like to prepare?" in t for t in slack.api.posted())
    assert slack.api.of("users.info") == []


async def test_events_are_acknowledged_before_the_slow_work(slack: Slack) -> None:
    await started(slack)
    slack.api.held = asyncio.Event()  # Slack's Web API answers nothing until released
    body = event_body(dm(ANNA, "1"), "EvSlow")
    # acknowledged while the reply is still stuck: had the event waited for the Web API,
    # this would never answer (the bound only turns a hang into a failure)
    response = await asyncio.wait_for(slack.send(body, "application/json"), timeout=60)
    assert response.status_code == 200
    slack.api.held.set()
    await slack.api.wait_for(lambda: slack.record().state == "goed_in", timeout=15)


async def test_the_invitation_button_starts_the_dialog(slack: Slack) -> None:
    """The schedule's invitation carries a start button (`pop_start`); pressing it begins."""
    from adapters.slack.render import action_button

    invitation = {"ts": "1700000099.000100", "text": "Hoi Anna!", "blocks": [action_button("Begin", "start")]}
    await slack.act({"type": "button", "action_id": "pop_start", "value": "start"}, invitation)
    assert any("Hoe wil je je voorbereiden?" in t for t in slack.api.posted())
    update = slack.api.of("chat.update")[-1].params
    assert not [b for b in update["blocks"] if b["type"] == "actions"]  # the button is gone
    # pressed again (a stale copy): she continues where she was, nothing is reset
    await slack.press("Volledig")
    state = slack.record().state
    await slack.act({"type": "button", "action_id": "pop_start", "value": "start"}, invitation)
    assert slack.record().state == state


async def test_a_manager_prepares_from_the_invitation_button_and_sees_the_team_on_home(
    tmp_path: Path,
) -> None:
    """Issue 7 through the real Bolt app: `pop_prep` opens the preparation, the Home tab lists reports."""
    from adapters.slack.render import action_button
    from tests.helpers import MANAGER_ROUTE, make_team_engine

    roster = (
        "id,name,language,manager,platform,handle,conversation\n"
        "mila,Mila Bakker,nl,,slack,U0MILA,\n"
        "anna,Anna de Vries,nl,mila,slack,U0ANNA,2027-01-18 10:00\n"
        "eve,Eve,nl,,slack,U0EVE,2027-01-20 10:00\n"
    )
    data = tmp_path / "data"
    engine = make_team_engine(data, roster)
    api = FakeSlack()
    await api.start()
    store = TinyDBStore(data)
    adapter = SlackAdapter(engine, Access(store, lambda: NOW, accounts=accounts()), Roster(store))
    app = adapter.build(BOT_TOKEN, SECRET, api.url, max_retries=2)
    try:
        async with serving(app.web_app(path="/slack/events")) as url, httpx.AsyncClient(timeout=10) as http:
            mila = Slack(api, f"{url}/slack/events", data, http, user="U0MILA")
            anna_ref = engine.team.reports("mila")[0].ref  # type: ignore[union-attr]
            invitation = {
                "ts": "1700000099.000100",
                "text": "Hoi Mila!",
                "blocks": [action_button("Voorbereiden", f"prep:{anna_ref}")],
            }
            await mila.act(
                {"type": "button", "action_id": "pop_prep", "value": f"prep:{anna_ref}"}, invitation
            )
            assert any("Voorbereiding voor je gesprek met Anna de Vries" in t for t in api.posted())
            assert any("competentieprofiel van de huidige functie" in t for t in api.posted())
            for answer in MANAGER_ROUTE[:3]:
                await mila.say(answer)
            await mila.event({"type": "app_home_opened", "user": "U0MILA", "tab": "home"})
            await mila.quiet()
            home = str(api.of("views.publish")[-1].params["view"])
            assert "1. Anna de Vries — 18 januari 2027 10:00: voorbereiding open" in home
            # Eve forges Mila's button: Anna is not her report, nothing opens
            eve = Slack(api, mila.url, data, http, user="U0EVE")
            before = len(api.posted())
            await eve.act(
                {"type": "button", "action_id": "pop_prep", "value": f"prep:{anna_ref}"}, invitation
            )
            assert all("competentieprofiel" not in t for t in api.posted()[before:])
            assert TinyDBStore(data).load("eve").active is None  # type: ignore[union-attr]
    finally:
        await api.stop()


async def test_slack_down_for_a_while_replies_arrive_once(slack: Slack) -> None:
    """chat.postMessage answers 503, then drops the connection: the reply is retried with
    back-off (slack_sdk's handlers; this app allows 2 retries) and arrives exactly once."""
    await started(slack)
    await slack.press("Volledig")
    slack.api.fail("chat.postMessage", 503)
    slack.api.drop("chat.postMessage")
    await slack.event(dm(ANNA, "Plannen terwijl Slack hapert"))
    await slack.api.wait_for(lambda: any("leukste aan je werk" in t for t in slack.api.posted()), timeout=30)
    await slack.quiet()
    assert sum("leukste aan je werk" in t for t in slack.api.posted()) == 1
    assert sum(c.failed for c in slack.api.of("chat.postMessage")) == 2
    assert slack.record().answers["goed_in"].value == "Plannen terwijl Slack hapert"


async def test_only_our_workspace_and_answers_only_in_the_actors_dm(slack: Slack) -> None:
    """Issue 13, points 13 and 14: signed requests from another workspace or app are ignored;
    an answer goes to the DM of the person who acted, never to a channel the payload names."""
    await started(slack)
    before = slack.record().model_dump()
    posts = len(slack.api.of("chat.postMessage"))
    for team, app in (("T2", "A1"), ("T1", "A2")):
        body = json.loads(event_body(dm(ANNA, "Volledig"), f"Ev{next(_ids)}"))
        body["team_id"], body["api_app_id"] = team, app
        response = await slack.send(json.dumps(body), "application/json")
        assert response.status_code == 200
    await slack.quiet()
    assert len(slack.api.of("chat.postMessage")) == posts and slack.record().model_dump() == before

    # Anna's own press, but the payload names a public channel: her DM gets the answer
    route = slack.last_question()
    payload = {
        "type": "block_actions",
        "user": {"id": ANNA},
        "team": {"id": "T1"},
        "api_app_id": "A1",
        "trigger_id": "tr-public",
        "channel": {"id": "C0PUBLIC"},
        "container": {"type": "message", "message_ts": route["ts"]},
        "message": route,
        "state": {"values": {}},
        "actions": [
            {
                **next(e for e in slack.actions(route) if e["type"] == "button"),
                "block_id": "b",
                "action_ts": "1",
            }
        ],
    }
    await slack.send(form(payload), "application/x-www-form-urlencoded")
    # and a DM event whose channel is not Anna's DM
    await slack.event({**dm(ANNA, "Plannen"), "channel": "DSOMEONEELSE"})
    await slack.quiet()
    after = slack.api.calls[-20:]
    assert all(c.params.get("channel") not in ("C0PUBLIC", "DSOMEONEELSE") for c in after)
    assert not [c for c in slack.api.of("chat.update") if c.params.get("channel") == "C0PUBLIC"]
    assert slack.record().answers["goed_in"].value == "Plannen"  # her answers, in her DM
    assert len(slack.api.posted(f"D{ANNA}")) > posts
