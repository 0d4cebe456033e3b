"""Mattermost's own cases, beyond the contract suite: forged and replayed buttons, a channel
mention, the reconnect, files, the server's rate limit, the slash command, the settings —
popbot started by its runtime against the fake server on 127.0.0.1."""

from __future__ import annotations

import argparse
import copy
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from adapters.mattermost import PLATFORM
from adapters.mattermost.settings import MattermostSettings
from bot.messages import Part
from bot.platform import CALLS
from tests.adapters.contract.drivers import MM_USER, MattermostDriver, mattermost
from tests.helpers import FULL_ROUTE

ZOE = "zoeuserid000000000000000zz"


@pytest.fixture
async def anna(tmp_path: Path) -> AsyncIterator[MattermostDriver]:
    async with mattermost(tmp_path) as driver:
        assert isinstance(driver, MattermostDriver)
        await driver.begin()
        yield driver


def _last_buttons(d: MattermostDriver) -> dict:  # type: ignore[type-arg]
    return [p for p in d.api.posts.values() if p["channel_id"] == d.dm and p["props"].get("attachments")][-1]


async def test_a_forged_or_altered_button_changes_nothing(anna: MattermostDriver) -> None:
    post = _last_buttons(anna)
    action = copy.deepcopy(post["props"]["attachments"][0]["actions"][0])
    before = anna.store.load("anna")
    action["integration"]["context"]["v"] = "route|kort"  # altered: the signature no longer fits
    answer = await anna.api.act(post, action, MM_USER, anna.http)
    assert answer == {"status": 403}
    real = post["props"]["attachments"][0]["actions"][0]
    stolen = await anna.api.act(post, real, ZOE, anna.http)  # Anna's button, pressed by someone else
    assert stolen == {"status": 403}
    assert anna.store.load("anna") == before and "zoe" not in str(anna.parts.access.chat_accounts("anna"))


async def test_an_old_button_pressed_again_changes_nothing(anna: MattermostDriver) -> None:
    old = copy.deepcopy(_last_buttons(anna))
    await anna.press("Volledig")
    record = anna.store.load("anna")
    assert record is not None and record.state == "goed_in"
    posted = anna.api.posts[old["id"]]
    assert "Volledig" in posted["message"] and not posted["props"].get(
        "attachments"
    )  # closed: the choice shown
    anna.api.posts[old["id"]] = old  # the old post as it was, its buttons pressed once more
    await anna.api.press(old["id"], "Kort", MM_USER, anna.http)
    await anna._settled()
    again = anna.store.load("anna")
    assert again is not None and again.answers["route"].value == "volledig" and again.state == "goed_in"


async def test_a_mention_in_a_channel_gets_one_short_refusal_and_nothing_is_kept(
    anna: MattermostDriver,
) -> None:
    await anna.api.push(ZOE, "@popbot mijn POP?", channel_type="O", channel="town-square")
    await anna._settled()
    said = anna.api.posted("town-square")
    assert len(said) == 1 and "privébericht" in said[0] and "direct message" in said[0]
    assert sorted(anna.store.employee_ids()) == ["anna"]


async def test_after_the_socket_drops_popbot_connects_again_and_answers_a_post_once(
    anna: MattermostDriver,
) -> None:
    await anna.api.drop_socket()
    await anna.api.wait_for(lambda: anna.api.connections >= 2, timeout=30)
    await anna.say("1")  # the route
    answered = len(anna.texts())
    await anna.redeliver()  # the server sends the same post again after the reconnect
    assert len(anna.texts()) == answered
    record = anna.store.load("anna")
    assert record is not None and record.answers["route"].value == "volledig"


async def test_a_pdf_goes_as_a_file_and_a_429_is_waited_out(anna: MattermostDriver) -> None:
    anna.api.fail("POST /posts", 429)  # the server's rate limit, once
    before = CALLS.throttled.get("mattermost", 0)
    part = Part(
        kind="document",
        text="Het concept-POP",
        filename="pop.pdf",
        data="JVBERi0xLjQK",
        mime="application/pdf",
    )
    await anna.channel.send(anna.address, [part], "contract:pdf", "Concept")
    assert [f["filename"] for f in anna.api.files.values()] == ["pop.pdf"]
    assert CALLS.throttled["mattermost"] == before + 1  # counted for /metrics
    assert anna.api.files[next(iter(anna.api.files))]["content"].startswith(b"%PDF")
    posts = anna.api.of("POST /posts")
    assert posts[-2].failed and not posts[-1].failed and posts[-1].params["file_ids"]


async def test_the_slash_command_needs_its_token_and_answers_in_the_dm(anna: MattermostDriver) -> None:
    form = {"token": "wrong", "user_id": MM_USER, "command": "/pop", "text": "voortgang", "trigger_id": "t1"}
    async with anna.http.post(f"{anna.url}/mattermost/command", data=form) as refused:
        assert refused.status == 401  # (no slash token configured here: every command is refused)


async def test_the_slash_command_with_its_token_answers_in_the_direct_message(tmp_path: Path) -> None:
    async with mattermost(tmp_path, slash_token="slash-secret") as driver:
        assert isinstance(driver, MattermostDriver)
        await driver.begin()
        form = {"token": "wrong", "user_id": MM_USER, "text": "voortgang", "trigger_id": "t1"}
        async with driver.http.post(f"{driver.url}/mattermost/command", data=form) as refused:
            assert refused.status == 401
        form["token"] = "slash-secret"
        async with driver.http.post(f"{driver.url}/mattermost/command", data=form) as answered:
            assert answered.status == 200 and (await answered.json())["response_type"] == "ephemeral"
        await driver._settled()
        assert any("Voortgang" in t or "voortgang" in t.lower() for t in driver.texts()[-3:]), driver.texts()[
            -3:
        ]


def test_the_settings_that_do_not_fit_are_named_never_shown() -> None:
    bad = MattermostSettings(mattermost_url="chat.example.nl", mattermost_bot_token="", popbot_public_url="")  # type: ignore[arg-type]
    (problem,) = PLATFORM.problems(bad, argparse.Namespace(), replicas=False)
    for name in ("MATTERMOST_URL", "MATTERMOST_BOT_TOKEN", "POPBOT_PUBLIC_URL"):
        assert name in problem
    assert "chat.example.nl" not in problem
    good = MattermostSettings(
        mattermost_url="https://chat.example.nl",
        mattermost_bot_token="t",
        popbot_public_url="https://pop.example.nl",  # type: ignore[arg-type]
    )
    assert PLATFORM.problems(good, argparse.Namespace(), replicas=False) == []


def test_the_roster_takes_a_user_id_or_an_e_mail(tmp_path: Path) -> None:
    from bot.app.platforms import accounts
    from bot.people.roster import RosterError, parse_roster

    csv = tmp_path / "roster.csv"
    csv.write_text(
        f"id,name,platform,handle\nanna,Anna,mattermost,{MM_USER.upper()}\nben,Ben,mattermost,ben@example.org\n"
    )
    people = {p.id: p for p in parse_roster(csv, ("nl", "en"), accounts=accounts())}
    assert people["anna"].accounts == {"mattermost": MM_USER} and people["ben"].accounts == {
        "mattermost": "ben@example.org"
    }
    csv.write_text("id,name,platform,handle\neve,Eve,mattermost,@eve\n")
    with pytest.raises(RosterError) as caught:
        parse_roster(csv, ("nl", "en"), accounts=accounts())
    assert "Mattermost user id" in str(caught.value)
    assert aiohttp  # (the fake server is driven with aiohttp's client)


async def test_multiple_choice_is_ticked_and_confirmed_with_buttons(anna: MattermostDriver) -> None:
    await anna.press("Volledig")
    for answer in FULL_ROUTE[1:]:
        record = anna.store.load("anna")
        if record is not None and record.state == "ontwikkeltools":
            break
        await anna.say(answer)
    post = _last_buttons(anna)
    assert post["props"]["attachments"][0]["actions"][0]["name"].startswith("☐")
    first, second = (a["name"][2:] for a in post["props"]["attachments"][0]["actions"][:2])
    await anna.api.press(post["id"], f"☐ {first}", MM_USER, anna.http)  # ticked: the same post, nothing sent
    await anna.api.press(post["id"], f"☐ {second}", MM_USER, anna.http)
    await anna.api.press(post["id"], f"☑ {first}", MM_USER, anna.http)  # and unticked again
    names = [a["name"] for a in anna.api.posts[post["id"]]["props"]["attachments"][0]["actions"]]
    assert names[0].startswith("☐") and names[1].startswith("☑")
    await anna.api.press(post["id"], "Klaar", MM_USER, anna.http)
    await anna._settled()
    record = anna.store.load("anna")
    assert record is not None and len(record.answers["ontwikkeltools"].value) == 1
    assert second in anna.api.posts[post["id"]]["message"]  # the post shows what was chosen


def test_popbot_mattermost_without_its_settings_is_one_line_naming_them(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "POPBOT_DATA_DIR": str(tmp_path / "data"),
        "MATTERMOST_BOT_TOKEN": "secret-token-value",
    }
    done = subprocess.run(
        [sys.executable, "-m", "bot.app.cli", "mattermost"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1 and done.stderr.strip().count("\n") == 0
    assert "MATTERMOST_URL" in done.stderr and "POPBOT_PUBLIC_URL" in done.stderr
    assert "secret-token-value" not in done.stderr and "Traceback" not in done.stderr


async def test_malformed_requests_to_its_routes_get_a_4xx(anna: MattermostDriver) -> None:
    bodies = [
        b"",
        b"not json",
        b"[1, 2]",
        b'{"user_id": 5, "context": "x"}',
        b"{" * 5000,
        '"\udcff"'.encode("utf-8", "surrogatepass"),
    ]
    for body in bodies:
        async with anna.http.post(
            f"{anna.url}/mattermost/actions", data=body, headers={"Content-Type": "application/json"}
        ) as r:
            assert 400 <= r.status < 500, (body[:20], r.status)
        async with anna.http.post(f"{anna.url}/mattermost/command", data=body) as r:
            assert 400 <= r.status < 500, (body[:20], r.status)
    assert sorted(anna.store.employee_ids()) == ["anna"]
