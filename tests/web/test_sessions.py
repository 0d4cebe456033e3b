"""Sessions that end on the server (sign-out, a removed account, a new password or role, a
role the roster no longer gives, idle and absolute time-outs, on every replica), and sign-in
throttling that a stranger cannot turn against HR."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.app.web.accounts import FREE, Accounts, Throttle
from bot.app.web.session import Session, Sessions
from storage import TinyDBStore
from tests.web.console_world import HR, MANAGER, PASSWORD, console_app, console_data
from tests.web.test_console import csrf_of

Client = TestClient[web.Request, web.Application]


@pytest.fixture
async def two(tmp_path: Path) -> AsyncIterator[tuple[Client, Client, Path]]:
    """Two replicas of the console on one data folder, and behind one trusted proxy."""
    data = await console_data(tmp_path)
    clients = []
    for _ in range(2):
        app = web.Application()
        app.add_subapp("/console", console_app(data, popbot_trusted_proxies="127.0.0.1"))
        clients.append(TestClient(TestServer(app)))
    for c in clients:
        await c.start_server()
    yield clients[0], clients[1], data
    for c in clients:
        await c.close()


async def sign_in(client: Client, email: str, password: str = PASSWORD, via: str = "") -> int:
    headers = {"X-Forwarded-For": via} if via else {}
    page = await client.get("/console/signin", headers=headers)
    answer = await client.post(
        "/console/signin",
        data={"email": email, "password": password, "csrf": csrf_of(await page.text())},
        headers=headers,
        allow_redirects=False,
    )
    return answer.status


def cookie_of(client: Client) -> str:
    return next(c.value for c in client.session.cookie_jar if c.key == "popbot_console")


async def opens(client: Client, cookie: str, page: str = "round") -> bool:
    answer = await client.get(f"/console/{page}", cookies={"popbot_console": cookie}, allow_redirects=False)
    return answer.status == 200


async def test_signing_out_ends_the_session_on_every_replica(two: tuple[Client, Client, Path]) -> None:
    one, other, _data = two
    assert await sign_in(one, HR) == 303
    copied = cookie_of(one)
    assert await opens(other, copied)  # the other replica knows the session
    page = await one.get("/console/round")
    signed_out = await one.post(
        "/console/signout", data={"csrf": csrf_of(await page.text())}, allow_redirects=False
    )
    assert signed_out.status == 303
    assert not await opens(one, copied) and not await opens(other, copied)  # a copy opens nothing


async def test_a_new_password_a_new_role_or_a_removed_account_ends_its_sessions(
    two: tuple[Client, Client, Path],
) -> None:
    one, other, data = two
    accounts = Accounts(TinyDBStore(data))
    for change in ("password", "role", "removed"):
        assert await sign_in(one, HR) == 303
        cookie = cookie_of(one)
        assert await opens(other, cookie)
        if change == "password":
            accounts.add(HR, "hr", "een ander lang wachtwoord")
        elif change == "role":
            accounts.add(HR, "manager", "een ander lang wachtwoord")
        else:
            accounts.remove(HR)
        assert not await opens(one, cookie) and not await opens(other, cookie), change
        accounts.add(HR, "hr", PASSWORD)


async def test_a_session_dropped_from_the_store_or_forged_opens_nothing(
    two: tuple[Client, Client, Path],
) -> None:
    one, _other, data = two
    assert await sign_in(one, MANAGER) == 303
    cookie = cookie_of(one)
    assert await opens(one, cookie, "reports")
    for forged in ("x" * 43, cookie[:-1] + ("A" if cookie[-1] != "A" else "B"), "é" * 30, ""):
        answer = await one.get("/console/reports", cookies={"popbot_console": forged}, allow_redirects=False)
        assert answer.status == 303
    TinyDBStore(data).delete_sessions()
    assert not await opens(one, cookie, "reports")


def test_idle_and_absolute_time_outs_and_a_role_the_roster_no_longer_gives(tmp_path: Path) -> None:
    store = TinyDBStore(tmp_path)
    now = [1_000_000.0]
    roles = {"rob@example.org": "manager"}
    sessions = Sessions(
        b"k", store, lambda s: roles.get(s.email), idle=30 * 60, absolute=8 * 3600, clock=lambda: now[0]
    )
    _s, cookie = sessions.issue("rob@example.org", "manager", "oidc")
    for _ in range(20):  # used every 25 minutes: alive for as long as the absolute limit allows
        now[0] += 25 * 60
        alive = sessions.read(cookie)
        if now[0] - 1_000_000.0 <= 8 * 3600:
            assert isinstance(alive, Session)
        else:
            assert alive is None
            break
    _s, cookie = sessions.issue("rob@example.org", "manager", "oidc")
    now[0] += 31 * 60  # not used for 31 minutes
    assert sessions.read(cookie) is None
    _s, cookie = sessions.issue("rob@example.org", "manager", "oidc")
    now[0] += 30
    assert sessions.read(cookie) is not None
    del roles["rob@example.org"]  # the roster gives him no reports any more
    now[0] += 61
    assert sessions.read(cookie) is None


async def test_a_stranger_failing_does_not_lock_hr_out(two: tuple[Client, Client, Path]) -> None:
    one, _other, _data = two
    for _ in range(10):  # someone guessing HR's password from one address behind the proxy
        assert await sign_in(one, HR, "wrong wrong wrong", via="203.0.113.9") == 401
    assert await sign_in(one, HR, via="203.0.113.9") == 401  # that client now waits, right password or not
    assert await sign_in(one, HR, via="198.51.100.7") == 303  # HR, from a client that has not failed
    # an address someone wrote before the proxy's own is not believed
    one.session.cookie_jar.clear()
    assert await sign_in(one, HR, via="198.51.100.7, 203.0.113.9") == 401


def test_waits_grow_per_client_and_per_account_and_spare_clean_clients() -> None:
    now = [0.0]
    throttle = Throttle(clock=lambda: now[0])
    for _ in range(FREE - 1):
        throttle.failed("hr@example.org", "a")
    assert throttle.wait("hr@example.org", "a") == 0  # a few typos cost nothing
    throttle.failed("hr@example.org", "a")
    waits = []
    for _ in range(4):
        waits.append(throttle.wait("hr@example.org", "a"))
        throttle.failed("hr@example.org", "a")
    assert waits == sorted(waits) and waits[0] > 0 and waits[-1] > 2 * waits[0]  # growing
    # many clients guessing one account once each: each of them waits after its failure,
    # a client that never failed is never kept waiting
    for n in range(20):
        throttle.failed("hr@example.org", f"bot{n}")
    assert throttle.wait("hr@example.org", "bot3") > 0
    assert throttle.wait("hr@example.org", "hr-laptop") == 0
    now[0] += 16 * 60  # a quarter of an hour on: forgotten
    assert throttle.wait("hr@example.org", "a") == 0


async def test_hsts_over_https_only_and_only_as_a_trusted_proxy_says(
    two: tuple[Client, Client, Path], tmp_path: Path
) -> None:
    one, _other, data = two  # behind 127.0.0.1 as a trusted proxy
    https = await one.get("/console/signin", headers={"X-Forwarded-Proto": "https"})
    assert https.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Secure" in https.headers["Set-Cookie"]
    plain = await one.get("/console/signin")
    assert "Strict-Transport-Security" not in plain.headers
    app = web.Application()
    app.add_subapp("/console", console_app(data))  # no trusted proxy: the header is anyone's word
    async with TestClient(TestServer(app)) as direct:
        told = await direct.get("/console/signin", headers={"X-Forwarded-Proto": "https"})
        assert "Strict-Transport-Security" not in told.headers and "Secure" not in told.headers["Set-Cookie"]


async def test_hrs_own_browser_signs_in_while_others_fail_from_the_same_address(
    two: tuple[Client, Client, Path],
) -> None:
    """An office behind one address (no proxy to tell them apart): a colleague guessing makes
    that address wait, but a browser that signed in to HR's account before is throttled on its
    own failures only."""
    one, other, _data = two
    assert await sign_in(one, HR, via="192.0.2.10") == 303  # HR's browser: its device cookie
    assert any(c.key == "popbot_device" for c in one.session.cookie_jar)
    page = await one.get("/console/round")
    await one.post("/console/signout", data={"csrf": csrf_of(await page.text())}, allow_redirects=False)
    for _ in range(10):  # someone else at the same address
        assert await sign_in(other, HR, "wrong wrong wrong", via="192.0.2.10") == 401
    assert await sign_in(other, HR, via="192.0.2.10") == 401  # that browser waits
    assert await sign_in(one, HR, via="192.0.2.10") == 303  # HR's own browser does not
    forged = {"popbot_device": "eyJlbWFpbCI6ICJockBleGFtcGxlLm9yZyIsICJuIjogIngifQ==.0000"}
    other.session.cookie_jar.update_cookies(forged)
    assert await sign_in(other, HR, via="192.0.2.10") == 401  # a made-up device cookie is no pass


async def test_every_data_file_the_console_writes_is_its_owners_only(
    two: tuple[Client, Client, Path],
) -> None:
    """Sessions, the waiting roster, the audit log (which names who signed in): 0600, like the
    answers. (Empty lock files hold nothing.)"""
    one, other, data = two
    assert await sign_in(one, HR) == 303
    (data / "audit.log").chmod(0o644)  # as an older popbot left it
    assert await sign_in(other, HR, "wrong wrong wrong") == 401  # another audit line
    open_to_others = [
        str(p.relative_to(data)) for p in data.rglob("*")
        if p.is_file() and p.stat().st_size and p.stat().st_mode & 0o077
    ]  # fmt: skip
    assert open_to_others == []
