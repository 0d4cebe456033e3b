"""Teams from IT's side: the app package, the settings, the roster's Teams handles, and
`popbot serve` with Teams on its one port."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import httpx
import jsonschema
import pytest
from PIL import Image

from adapters.teams.platform import teams_config
from adapters.teams.settings import TeamsSettings
from bot.app.platforms import accounts
from bot.errors import PopbotError
from bot.people.roster import parse_roster
from tests.fakes.bot_connector import APP_ID, TENANT
from tests.schedule_world import free_port

SCHEMA = Path(__file__).parent / "vendor" / "MicrosoftTeams.schema.json"


def popbot(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.app", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def base_env(tmp_path: Path) -> dict[str, str]:
    return {"PATH": os.environ["PATH"], "POPBOT_DATA_DIR": str(tmp_path / "data"), "HOME": str(tmp_path)}


def test_the_app_package_validates_against_the_manifest_schema_and_asks_for_the_least(
    tmp_path: Path,
) -> None:
    env = {**base_env(tmp_path), "TEAMS_APP_ID": APP_ID, "POPBOT_PUBLIC_URL": "https://popbot.example.org"}
    done = popbot(["teams", "manifest", "-o", str(tmp_path / "popbot-teams.zip")], env, tmp_path)
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(tmp_path / "popbot-teams.zip") as package:
        assert sorted(package.namelist()) == ["color.png", "en-us.json", "manifest.json", "outline.png"]
        manifest = json.loads(package.read("manifest.json"))
        english = json.loads(package.read("en-us.json"))
        color = Image.open(io.BytesIO(package.read("color.png")))
        outline = Image.open(io.BytesIO(package.read("outline.png")))
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    # not jsonschema.validate: that checks the schema itself first, and a few of its patterns
    # (in parts popbot does not use) are JavaScript's \p{L}, which Python's re does not know
    errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(manifest), key=str)
    assert errors == [], [e.message for e in errors]
    localization = json.loads((SCHEMA.parent / "MicrosoftTeams.Localization.schema.json").read_text("utf-8"))
    assert list(jsonschema.Draft4Validator(localization).iter_errors(english)) == []
    assert manifest["localizationInfo"]["defaultLanguageTag"] == "nl-nl"
    assert manifest["description"]["short"] == "Bereid je POP-gesprek voor"
    assert english["description.short"] == "Prepare your POP conversation"
    broken = {**manifest, "bots": [{**manifest["bots"][0], "scopes": ["everyone"]}], "id": "popbot"}
    assert len(list(jsonschema.Draft4Validator(schema).iter_errors(broken))) >= 2  # the check bites
    assert manifest["manifestVersion"] == "1.30" and manifest["id"] == APP_ID
    bot = manifest["bots"][0]
    assert bot["botId"] == APP_ID and bot["scopes"] == ["personal"] and bot["supportsFiles"] is False
    assert "permissions" not in manifest and "webApplicationInfo" not in manifest
    assert "staticTabs" not in manifest and "composeExtensions" not in manifest
    assert any(c["title"] == "help" for c in bot["commandLists"][0]["commands"])
    assert color.size == (192, 192) and outline.size == (32, 32)
    corners = [outline.getpixel(xy) for xy in ((0, 0), (31, 31))]
    assert all(pixel[3] == 0 for pixel in corners)  # type: ignore[index]  # transparent outline


def test_the_manifest_command_says_what_is_missing(tmp_path: Path) -> None:
    env = base_env(tmp_path)
    no_id = popbot(["teams", "manifest", "-o", str(tmp_path / "x.zip")], env, tmp_path)
    assert no_id.returncode != 0 and "TEAMS_APP_ID" in no_id.stderr
    env["TEAMS_APP_ID"] = APP_ID
    no_site = popbot(["teams", "manifest", "-o", str(tmp_path / "x.zip")], env, tmp_path)
    assert no_site.returncode != 0 and "--website" in no_site.stderr
    assert not (tmp_path / "x.zip").exists()


def test_teams_settings_that_do_not_fit_are_named_never_shown() -> None:
    bad = TeamsSettings(
        teams_app_id="not-a-guid",
        teams_app_password="",
        teams_tenant_id="contoso.onmicrosoft.com",
        popbot_public_url="http://popbot.example.org",
    )
    with pytest.raises(PopbotError) as caught:
        teams_config(bad)
    message = str(caught.value)
    for name in ("TEAMS_APP_ID", "TEAMS_APP_PASSWORD", "TEAMS_TENANT_ID", "POPBOT_PUBLIC_URL"):
        assert name in message
    assert "contoso" not in message and "not-a-guid" not in message
    good = TeamsSettings(
        teams_app_id=APP_ID,
        teams_app_password="s3cret",
        teams_tenant_id=f" {TENANT.upper()} , 99999999-8888-7777-6666-555555555555",
        popbot_public_url="https://popbot.example.org/",
    )
    config = teams_config(good)
    assert config.tenants == {TENANT, "99999999-8888-7777-6666-555555555555"}
    assert config.public_url == "https://popbot.example.org" and config.service_hosts == ()


def test_the_roster_takes_an_entra_object_id_or_an_e_mail_as_the_teams_handle(tmp_path: Path) -> None:
    csv = tmp_path / "roster.csv"
    csv.write_text(
        "id;name;email;platform;handle\n"
        f"anna;Anna;anna@example.org;teams;{TENANT.upper()}\n"
        "ben;Ben;ben@example.org;Teams;Ben.Jansen@Example.org\n"
        "carl;Carl;carl@example.org;teams;\n",
        encoding="utf-8",
    )
    people = {p.id: p for p in parse_roster(csv, ("nl", "en"), accounts=accounts())}
    assert people["anna"].accounts == {"teams": TENANT} and people["ben"].accounts == {
        "teams": "ben.jansen@example.org"
    }
    assert people["carl"].platform == "teams" and people["carl"].accounts == {}
    csv.write_text("id;name;platform;handle\neve;Eve;teams;@eve\n", encoding="utf-8")
    with pytest.raises(PopbotError) as caught:
        parse_roster(csv, ("nl", "en"), accounts=accounts())
    assert "Entra object id" in str(caught.value)


def test_serve_answers_teams_on_its_one_port_and_refuses_an_unsigned_activity(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **base_env(tmp_path),
        "TEAMS_APP_ID": APP_ID,
        "TEAMS_APP_PASSWORD": "s3cret",
        "TEAMS_TENANT_ID": TENANT,
        "POPBOT_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "POPBOT_LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "bot.app", "serve", "--listen", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, (
                server.stderr and server.stderr.read()
            )
            time.sleep(0.2)
        activity = {"type": "message", "id": "1", "conversation": {"id": "a:1"}, "text": "hoi"}
        unsigned = httpx.post(f"{url}/api/messages", json=activity, timeout=10)
        forged = httpx.post(
            f"{url}/api/messages", json=activity, headers={"Authorization": "Bearer a.b.c"}, timeout=10
        )
        assert unsigned.status_code == 401 and forged.status_code == 401
        assert httpx.get(f"{url}/teams/files/nothing", timeout=10).status_code == 410
    finally:
        server.terminate()
        server.wait(timeout=30)
