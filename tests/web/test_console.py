"""The console's guards, over HTTP: sign-in with CSRF and throttling, a role on every request,
forged cookies and ids refused, security headers, escaping, and no answer text anywhere."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import FormData, web
from aiohttp.test_utils import TestClient, TestServer

from tests.web.console_world import HR, MANAGER, MARKER, OTHER_MANAGER, PASSWORD, console_app, console_data

PAGES = ("round", "schedule", "reports")


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[TestClient[web.Request, web.Application]]:
    data = await console_data(tmp_path)
    app = web.Application()
    app.add_subapp("/console", console_app(data))
    async with TestClient(TestServer(app)) as c:
        yield c


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html[:500]
    return found.group(1)


async def sign_in(
    client: TestClient[web.Request, web.Application], email: str, password: str = PASSWORD
) -> int:
    page = await client.get("/console/signin")
    token = csrf_of(await page.text())
    answer = await client.post(
        "/console/signin", data={"email": email, "password": password, "csrf": token}, allow_redirects=False
    )
    return answer.status


async def test_nobody_gets_past_the_sign_in_page(client: TestClient[web.Request, web.Application]) -> None:
    for page in ("", *PAGES):
        answer = await client.get(f"/console/{page}", allow_redirects=False)
        assert answer.status == 303 and answer.headers["Location"] == "/console/signin"
    answer = await client.post("/console/schedule/retry", data={"key": "x"}, allow_redirects=False)
    assert answer.status == 303
    client.session.cookie_jar.update_cookies({"popbot_console": "eyJlbWFpbCI6ICJociJ9.forged"})
    assert (await client.get("/console/round", allow_redirects=False)).status == 303


async def test_sign_in_needs_the_form_token_and_the_right_password(
    client: TestClient[web.Request, web.Application],
) -> None:
    answer = await client.post(
        "/console/signin", data={"email": HR, "password": PASSWORD}, allow_redirects=False
    )
    assert answer.status == 400  # no CSRF token
    assert await sign_in(client, HR, "not the password") == 401
    assert await sign_in(client, "nobody@example.org") == 401
    page = await client.get("/console/signin")
    answer = await client.post(
        "/console/signin",
        data={"email": HR, "password": PASSWORD, "csrf": csrf_of(await page.text())},
        allow_redirects=False,
    )
    assert answer.status == 303
    cookie = next(c for c in answer.headers.getall("Set-Cookie") if c.startswith("popbot_console="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Max-Age=28800" in cookie


async def test_sign_in_attempts_are_throttled(client: TestClient[web.Request, web.Application]) -> None:
    for _ in range(5):
        assert await sign_in(client, HR, "wrong wrong wrong") == 401
    assert await sign_in(client, HR) == 401  # even the right password, for a quarter of an hour
    page = await client.get("/console/signin")
    assert "/console/round" not in str(page.url)


async def test_hr_sees_counts_and_the_schedule_never_an_answer(
    client: TestClient[web.Request, web.Application],
) -> None:
    assert await sign_in(client, HR) == 303
    pages = {}
    for page in ("round", "schedule"):
        answer = await client.get(f"/console/{page}")
        assert answer.status == 200
        assert "script-src 'self'" in answer.headers["Content-Security-Policy"]
        assert answer.headers["X-Frame-Options"] == "DENY"
        pages[page] = await answer.text()
    assert (await client.get("/console/reports")).status == 403
    round_page = pages["round"]
    assert "Rob Jansen" in round_page  # a team of five: counted
    mila_row = round_page[round_page.index("Mila Bakker") :].split("</tr>")[0]
    assert "verborgen" in mila_row  # a team of one: hidden
    assert "<script>alert(1)</script>" not in round_page
    departments = round_page[round_page.index("Per afdeling") :]
    ict, zorg = (
        departments[departments.index(f'<th scope="row">{d}') :].split("</tr>")[0] for d in ("ICT", "Zorg")
    )
    # ICT is Rob and his five: ICT minus Rob's team shown above would be Rob himself
    assert "<td>6</td>" in ict and "verborgen" in ict
    assert "verborgen" in zorg  # two people: hidden
    assert "blocked" in pages["schedule"] and "Opnieuw proberen" in pages["schedule"]
    for html in pages.values():
        assert MARKER not in html


async def test_a_manager_sees_their_own_reports_only(
    client: TestClient[web.Request, web.Application],
) -> None:
    assert await sign_in(client, MANAGER) == 303
    mine = await (await client.get("/console/reports")).text()
    assert "Anna de Vries" in mine and "Eva" not in mine and MARKER not in mine
    for page in ("round", "schedule"):
        assert (await client.get(f"/console/{page}")).status == 403
    token = csrf_of(mine)
    retry = await client.post("/console/schedule/retry", data={"key": "anna|x|invitation", "csrf": token})
    assert retry.status == 403


async def test_another_manager_sees_their_team_escaped(
    client: TestClient[web.Request, web.Application],
) -> None:
    assert await sign_in(client, OTHER_MANAGER) == 303
    theirs = await (await client.get("/console/reports")).text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in theirs and "<script>alert" not in theirs
    assert "Anna de Vries" not in theirs


async def test_retry_needs_the_token_and_a_real_failed_entry(
    client: TestClient[web.Request, web.Application],
) -> None:
    assert await sign_in(client, HR) == 303
    page = await (await client.get("/console/schedule")).text()
    key = re.search(r'name="key" value="([^"]+)"', page)
    assert key
    assert (
        await client.post("/console/schedule/retry", data={"key": key.group(1)})
    ).status == 400  # no token
    token = csrf_of(page)
    forged = await client.post("/console/schedule/retry", data={"key": "mila|forged|x", "csrf": token})
    assert forged.status == 404
    done = await client.post("/console/schedule/retry", data={"key": key.group(1), "csrf": token})
    assert done.status == 200 and "Opnieuw ingepland" in await done.text()
    assert "Niets mislukt." in await done.text()


async def test_a_roster_with_a_mistake_is_shown_by_line_then_previewed_and_imported(
    client: TestClient[web.Request, web.Application],
) -> None:
    assert await sign_in(client, HR) == 303
    page = await (await client.get("/console/roster")).text()
    token = csrf_of(page)
    # Dutch Excel: semicolons, Windows-1252 (é), and a bad e-mail address on line 3
    bad = (
        "id;name;email;language;manager;platform\n"
        "mila;Mila Bakker;mila@example.org;nl;;slack\n"
        "rene;René;geen-adres;nl;mila;console\n"
    ).encode("cp1252")
    checked = await client.post("/console/roster/check", data=with_file(token, bad, "rooster.csv"))
    html = await checked.text()
    assert checked.status == 200 and "rooster.csv:3:" in html and "niets ingelezen" in html
    # the problem in the page's language, not in the command line's English (issue 27)
    assert "&#39;geen-adres&#39; is geen e-mailadres" in html and "is not an e-mail address" not in html
    good = bad.replace(b"geen-adres", b"rene@example.org")
    checked = await client.post("/console/roster/check", data=with_file(token, good, "rooster.csv"))
    html = await checked.text()
    assert "Ren\u00e9" in html and "Anna de Vries" in html  # René new; Anna (and others) leaving
    upload = re.search(r'name="upload" value="([^"]+)"', html)
    assert upload and "Mila" not in upload.group(1)  # a token: the file stays on the server
    forged = await client.post("/console/roster/import", data={"csrf": token, "upload": "x" * 43})
    assert "controleer het opnieuw" in await forged.text()
    imported = await client.post("/console/roster/import", data={"csrf": token, "upload": upload.group(1)})
    assert "Geïmporteerd: 2 mensen" in await imported.text()
    again = await client.post("/console/roster/import", data={"csrf": token, "upload": upload.group(1)})
    assert "controleer het opnieuw" in await again.text()  # used
    audit = await (await client.get("/console/audit")).text()
    assert "heeft het rooster ingelezen: 2 mensen" in audit and MARKER not in audit


def with_file(token: str, raw: bytes, name: str) -> FormData:
    form = FormData()
    form.add_field("csrf", token)
    form.add_field("file", raw, filename=name, content_type="text/csv")
    return form


async def test_erasure_needs_the_id_twice_and_is_in_the_audit_log(
    client: TestClient[web.Request, web.Application],
) -> None:
    assert await sign_in(client, HR) == 303
    token = csrf_of(await (await client.get("/console/privacy")).text())
    refused = await client.post(
        "/console/privacy/erase", data={"csrf": token, "person": "anna", "confirm": "ana"}
    )
    assert "niets gewist" in await refused.text()
    done = await client.post(
        "/console/privacy/erase", data={"csrf": token, "person": "anna", "confirm": "anna"}
    )
    assert "Gewist:" in await done.text()
    audit = await (await client.get("/console/audit")).text()
    assert (
        "erasure " in audit
        and "heeft de gegevens van iemand gewist" in audit
        and "anna" not in audit.split("<main")[1]
    )


async def test_no_page_holds_an_answer_for_hr_or_a_manager(
    client: TestClient[web.Request, web.Application],
) -> None:
    """Every page of the console, as each role (pages not theirs answer 403, also checked)."""
    allowed = {"hr": ("round", "schedule", "roster", "privacy", "audit"), "manager": ("reports",)}
    for email, role in ((HR, "hr"), (MANAGER, "manager")):
        client.session.cookie_jar.clear()
        assert await sign_in(client, email) == 303
        for page in ("round", "schedule", "reports", "roster", "privacy", "audit"):
            answer = await client.get(f"/console/{page}")
            assert answer.status == (200 if page in allowed[role] else 403), (role, page)
            assert MARKER not in await answer.text(), (role, page)


async def test_the_schedule_as_csv_neutralises_formulas(
    client: TestClient[web.Request, web.Application],
) -> None:
    assert await sign_in(client, HR) == 303
    answer = await client.get("/console/schedule.csv")
    assert answer.status == 200 and "attachment" in answer.headers["Content-Disposition"]
    text = (await answer.read()).decode("utf-8-sig")
    # the page's words for the columns, people by name, kinds by their names (issue 27)
    assert text.startswith("Dag;Soort;Voor;Aan;Via;Stand;Reden") and "Anna de Vries" in text
    assert "Uitnodiging" in text and "prep_invitation" not in text and "anna|" not in text
    assert MARKER not in text
    from bot.app.web.app import _cell

    assert _cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")' and _cell("Eva") == "Eva"
    client.session.cookie_jar.clear()
    assert await sign_in(client, MANAGER) == 303
    assert (await client.get("/console/schedule.csv")).status == 403


async def test_the_console_on_postgresql(tmp_path: Path, database_url: str) -> None:
    """The same data moved into PostgreSQL (accounts too): the same pages, the same guards."""
    from bot.app.cli import main
    from bot.app.settings import Settings
    from bot.app.web.app import console_app as app_of
    from bot.app.wiring import Parts

    data = await console_data(tmp_path)
    import os

    os.environ["POPBOT_DATA_DIR"] = str(data)
    try:
        assert main(["data", "migrate", "--to", database_url]) == 0
    finally:
        del os.environ["POPBOT_DATA_DIR"]
    settings = Settings(
        popbot_data_dir=tmp_path / "replica",
        popbot_database_url=database_url,  # type: ignore[arg-type]
        popbot_web_secret="test-secret",  # type: ignore[arg-type]
    )
    app = web.Application()
    app.add_subapp("/console", app_of(Parts(settings)))
    async with TestClient(TestServer(app)) as c:
        assert await sign_in(c, HR) == 303
        for page in ("round", "schedule", "roster", "privacy", "audit", "scripts"):
            answer = await c.get(f"/console/{page}")
            assert answer.status == 200 and MARKER not in await answer.text(), page
        assert "Rob Jansen" in await (await c.get("/console/round")).text()
        c.session.cookie_jar.clear()
        assert await sign_in(c, MANAGER) == 303
        assert "Anna de Vries" in await (await c.get("/console/reports")).text()


async def test_the_schedule_filters_by_person_manager_kind_status_and_dates(
    client: TestClient[web.Request, web.Application],
) -> None:
    assert await sign_in(client, HR) == 303
    by_person = await (await client.get("/console/schedule?person=anna")).text()
    # the table shows names, so the filter takes a name too
    by_name = await (await client.get("/console/schedule?person=anna+de+vries")).text()
    assert (
        by_name.split("<h2>Zoeken")[1].split("</form>")[1]
        == by_person.split("<h2>Zoeken")[1].split("</form>")[1]
    )
    r0 = "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>"  # r0's name, as text
    assert "De berichten die hierbij passen" in by_person and r0 not in by_person.split("<h2>Zoeken")[1]
    failed = (await (await client.get("/console/schedule?status=failed")).text()).split("<h2>Zoeken")[1]
    assert failed.count("<td>mislukt</td>") == 1
    team = (await (await client.get("/console/schedule?manager=rob&kind=invitation")).text()).split(
        "<h2>Zoeken"
    )[1]
    assert (
        r0 in team
        and "<td>Anna de Vries</td>" not in team
        and "Uitnodiging voorbereiding" not in team.split("<tbody>")[1]
    )
    none = await (await client.get("/console/schedule?person=anna&since=2030-01-01")).text()
    assert "Geen berichten die hierbij passen" in none
    odd = await client.get("/console/schedule?since=not-a-date&person=%3Cscript%3E")
    assert odd.status == 200 and "<script>" not in (await odd.text()).split("<main")[1]
