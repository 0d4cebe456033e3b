"""HR edits a dialog script in the console: the validator's line:column messages, refused
saves that change nothing, a saved edit the bot in the same process uses from the next
message, every version kept, with a diff and restore."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr

from bot.app.settings import Settings
from bot.app.web.app import console_app
from bot.app.wiring import Parts
from tests.web.console_world import HR, MANAGER, console_data
from tests.web.test_console import csrf_of, sign_in

Client = TestClient[web.Request, web.Application]
QUESTION = "text: Waar ben je goed in?"


@pytest.fixture(params=["files", "postgresql"])
async def parts(request: pytest.FixtureRequest, tmp_path: Path) -> Parts:
    """The console's data in the files, or moved into PostgreSQL (where the edits are rows,
    and no folder is written)."""
    data = await console_data(tmp_path)
    files = Settings(popbot_data_dir=data, popbot_web_secret="test-secret")  # type: ignore[arg-type]
    if request.param == "files":
        return Parts(files)
    from bot.app.platforms import accounts
    from bot.app.stores import open_stores
    from storage.transfer import transfer

    url = request.getfixturevalue("database_url")
    on_pg = files.model_copy(update={"popbot_database_url": SecretStr(url)})
    source, target = open_stores(files, data), open_stores(on_pg, tmp_path / "unused")
    transfer(source, target, platforms=accounts().names)
    target.close()
    return Parts(on_pg, data_dir=tmp_path / "unused")


def live_edit(parts: Parts) -> str | None:
    return parts.stores.edits.edited_script("pop", "nl")


@pytest.fixture
async def client(parts: Parts) -> AsyncIterator[Client]:
    app = web.Application()
    app.add_subapp("/console", console_app(parts))
    async with TestClient(TestServer(app)) as c:
        yield c


def textarea(html: str) -> str:
    found = re.search(r'<textarea id="text"[^>]*>(.*?)</textarea>', html, re.S)
    assert found
    return found.group(1).replace("&#39;", "'").replace("&#34;", '"').replace("&lt;", "<").replace(
        "&gt;", ">").replace("&amp;", "&")  # fmt: skip


async def test_an_edit_is_checked_refused_while_wrong_then_saved_and_used(
    client: Client, parts: Parts
) -> None:
    engine = parts.engine  # a bot in this process, as in `popbot serve`
    assert await sign_in(client, HR) == 303
    index = await (await client.get("/console/scripts")).text()
    assert "pop.nl.yaml" in index and "zoals meegeleverd" in index
    page = await (await client.get("/console/scripts/pop/nl")).text()
    token, text = csrf_of(page), textarea(page)
    assert QUESTION in text and "Geen fouten." in page and 'src="data:image/svg+xml;base64,' in page

    broken = text.replace("kind: text\n", "kind: tekst\n", 1)
    hint = await client.post("/console/scripts/pop/nl/check?fragment=1", data={"csrf": token, "text": broken})
    assert re.search(r"pop\.nl\.yaml:\d+:\d+", await hint.text())  # line:column, as the editor needs
    refused = await (
        await client.post("/console/scripts/pop/nl/save", data={"csrf": token, "text": broken})
    ).text()
    assert "Niet opgeslagen" in refused and live_edit(parts) is None  # nothing written

    edited = text.replace(QUESTION, "text: Waar blink je in uit?", 1)
    saved = await (
        await client.post("/console/scripts/pop/nl/save", data={"csrf": token, "text": edited})
    ).text()
    assert "Opgeslagen als versie" in saved and "vanaf het volgende bericht" in saved
    assert live_edit(parts) is not None
    assert engine.scripts.for_language("nl").questions["goed_in"].text == "Waar blink je in uit?"

    again = text.replace(QUESTION, "text: Waar ben jij sterk in?", 1)
    await client.post("/console/scripts/pop/nl/save", data={"csrf": token, "text": again})
    page = await (await client.get("/console/scripts/pop/nl")).text()
    versions = re.findall(r'name="version" value="([^"]+)"', page)
    assert len(versions) == 2
    diff = await (await client.get(f"/console/scripts/pop/nl?version={versions[1]}")).text()
    assert "-        text: Waar blink je in uit?" in diff and "+        text: Waar ben jij sterk in?" in diff
    back = await client.post("/console/scripts/pop/nl/restore", data={"csrf": token, "version": versions[1]})
    assert "Opgeslagen als versie" in await back.text()
    assert engine.scripts.for_language("nl").questions["goed_in"].text == "Waar blink je in uit?"
    audit = await (await client.get("/console/audit")).text()
    assert audit.count("heeft het script pop.nl opgeslagen") == 3
    if not parts.edits_in_files:  # on PostgreSQL the versions are rows: no folder was made
        assert not parts.data_dir.exists()


async def test_only_hr_edits_scripts_and_only_the_known_ones(client: Client) -> None:
    assert await sign_in(client, MANAGER) == 303
    assert (await client.get("/console/scripts")).status == 403
    assert (await client.get("/console/scripts/pop/nl")).status == 403
    client.session.cookie_jar.clear()
    assert await sign_in(client, HR) == 303
    assert (await client.get("/console/scripts/passwd/nl")).status == 404
    assert (await client.get("/console/scripts/pop/de")).status == 404
    page = await (await client.get("/console/scripts/pop/nl")).text()
    forged = await client.post(
        "/console/scripts/pop/nl/restore", data={"csrf": csrf_of(page), "version": "../../x"}
    )
    assert forged.status == 404


async def test_the_preview_chat_walks_the_text_in_the_editor_and_keeps_nothing(
    client: Client, parts: Parts
) -> None:
    assert await sign_in(client, HR) == 303
    page = await (await client.get("/console/scripts/pop/nl")).text()
    token, text = csrf_of(page), textarea(page)
    edited = text.replace(QUESTION, "text: Waar blink je in uit?", 1)
    before = sorted(p.name for p in parts.data_dir.rglob("*"))
    started = await (
        await client.post("/console/scripts/pop/nl/preview", data={"csrf": token, "text": edited})
    ).text()
    assert 'class="transcript"' in started and "POP" in started
    step = await client.post(
        "/console/scripts/pop/nl/preview", data={"csrf": token, "text": edited, "say": "1"}
    )
    html = await step.text()
    assert "Waar blink je in uit?" in html  # the edited question, not the live one
    assert 'name="said" value="1"' in html  # the conversation so far, carried by the form
    assert sorted(p.name for p in parts.data_dir.rglob("*")) == before  # nothing kept
    other = await (
        await client.post("/console/scripts/manager/nl/preview", data={"csrf": token, "text": ""})
    ).text()
    assert "dialoog van de medewerker" in other
