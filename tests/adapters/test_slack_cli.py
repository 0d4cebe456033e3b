"""`popbot slack` in HTTP mode as a real process: first DM to the draft, with a restart."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.fakes.slack_api import BOT_TOKEN, SECRET, FakeSlack, dm, event_body, signed
from tests.helpers import FULL_ROUTE, import_roster


@pytest.fixture
async def api() -> AsyncIterator[FakeSlack]:
    server = FakeSlack()
    await server.start()
    yield server
    await server.stop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def env_for(tmp_path: Path, api: FakeSlack, **extra: str) -> dict[str, str]:
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "id,name,language,email,platform\nanna,Anna,nl,anna@example.org,slack\n", encoding="utf-8"
    )
    import_roster(roster, tmp_path / "data")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env |= {
        "POPBOT_DATA_DIR": str(tmp_path / "data"),
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": api.url,
        "PYTHONIOENCODING": "utf-8",
    }
    return env | extra


async def serve(env: dict[str, str], port: int) -> asyncio.subprocess.Process:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.app.cli",
        "slack",
        "--port",
        str(port),
        "--listen",
        "127.0.0.1",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    async with httpx.AsyncClient() as http:
        for _ in range(200):
            try:
                await http.get(f"http://127.0.0.1:{port}/slack/events")
                return proc
            except httpx.TransportError:
                await asyncio.sleep(0.1)
    raise AssertionError("popbot slack did not start")


async def stop(proc: asyncio.subprocess.Process) -> str:
    proc.send_signal(signal.SIGINT)
    _out, err = await asyncio.wait_for(proc.communicate(), 30)
    return err.decode()


async def test_first_dm_to_the_draft_across_a_restart(api: FakeSlack, tmp_path: Path) -> None:
    env, port = env_for(tmp_path, api, POPBOT_LOG_LEVEL="DEBUG"), free_port()
    url = f"http://127.0.0.1:{port}/slack/events"
    half = len(FULL_ROUTE) // 2
    logs = []

    async def say(http: httpx.AsyncClient, text: str, n: int) -> None:
        before = len(api.of("chat.postMessage"))
        body = event_body(dm("U0ANNA", text), f"Ev{n}")
        response = await http.post(
            url, content=body.encode(), headers={**signed(body), "Content-Type": "application/json"}
        )
        assert response.status_code == 200
        await api.wait_for(lambda: len(api.of("chat.postMessage")) > before, timeout=30)
        await asyncio.sleep(0.2)

    proc = await serve(env, port)
    try:
        async with httpx.AsyncClient() as http:
            await say(http, "hoi", 0)
            for n, answer in enumerate(FULL_ROUTE[:half], start=1):
                await say(http, answer, n)
    finally:
        err = await stop(proc)
        logs.append(err)
    assert "Traceback" not in err, err[-2000:]
    proc = await serve(env, port)  # restarted mid-dialog
    try:
        async with httpx.AsyncClient() as http:
            for n, answer in enumerate(FULL_ROUTE[half:], start=half + 1):
                await say(http, answer, n)
    finally:
        err = await stop(proc)
        logs.append(err)
    assert "Traceback" not in err, err[-2000:]
    for secret in (BOT_TOKEN, SECRET, *(a for a in FULL_ROUTE if len(a) > 8)):  # no answer, no secret
        assert all(secret not in log for log in logs)
    assert any("popbot.schedule" in log for log in logs)  # logging was on (and captured)
    # no library's warning at every start (Bolt warned that the client's token wins over its own)
    warned = [line for log in logs for line in log.splitlines() if " WARNING " in line]
    assert all(" WARNING popbot" in line for line in warned), warned
    everything = "\n".join(api.posted())
    assert "Klaar! Je hebt je POP-gesprek voorbereid." in everything
    assert "Klantgericht werken" in everything


async def test_missing_configuration_is_one_line(api: FakeSlack, tmp_path: Path) -> None:
    env = env_for(tmp_path, api)
    del env["SLACK_BOT_TOKEN"], env["SLACK_SIGNING_SECRET"]
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.app.cli",
        "slack",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 1
    text = err.decode().strip()
    assert text.count("\n") == 0
    assert "SLACK_BOT_TOKEN" in text and "SLACK_SIGNING_SECRET" in text
