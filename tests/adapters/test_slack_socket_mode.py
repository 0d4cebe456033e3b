"""`popbot slack` in Socket Mode as a real process, against a fake Socket Mode server on
127.0.0.1: events, buttons and /pop arrive over the WebSocket and are acknowledged; when
Slack drops the socket, popbot reconnects and goes on (issue 13, point 15)."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from storage import TinyDBStore
from tests.adapters.test_slack_cli import env_for
from tests.fakes.slack_api import FakeSlack, dm, event_body

ANNA = "U0ANNA"


@pytest.fixture
async def api() -> AsyncIterator[FakeSlack]:
    server = FakeSlack()
    await server.start()
    yield server
    await server.stop()


async def until(check: Callable[[], Any], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def test_socket_mode_events_buttons_commands_and_a_reconnect(tmp_path: Path, api: FakeSlack) -> None:
    env = env_for(tmp_path, api, SLACK_APP_TOKEN="xapp-1-A1-test")  # Socket Mode: no port
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.app.cli", "slack", env=env, stderr=asyncio.subprocess.PIPE
    )
    try:
        await until(lambda: api.sockets)
        assert api.of("apps.connections.open")  # asked Slack for a socket (with the app token)

        async def acked(kind: str, payload: dict[str, Any]) -> None:
            envelope = await api.envelope(kind, payload)
            await until(lambda: envelope in api.acks)  # acknowledged, so Slack does not resend

        await acked("events_api", json.loads(event_body(dm(ANNA, "hallo"), "Ev1")))
        await until(lambda: any("Hoe wil je" in t for t in api.posted(f"D{ANNA}")))

        question = next(c for c in reversed(api.of("chat.postMessage")) if "Hoe wil je" in str(c.params))
        button = next(
            e
            for b in question.params["blocks"]
            if b["type"] == "actions"
            for e in b["elements"]
            if e["text"]["text"].startswith("Volledig")
        )
        press = {
            "type": "block_actions",
            "user": {"id": ANNA},
            "team": {"id": "T1"},
            "api_app_id": "A1",
            "trigger_id": "tr-sm",
            "channel": {"id": f"D{ANNA}"},
            "message": {"ts": "1700000001.000100", "blocks": question.params["blocks"]},
            "state": {"values": {}},
            "actions": [{**button, "block_id": "b", "action_ts": "1"}],
        }
        await acked("interactive", press)
        await until(lambda: any("Waar ben je goed in?" in t for t in api.posted(f"D{ANNA}")))

        command = {
            "command": "/pop",
            "text": "status",
            "user_id": ANNA,
            "team_id": "T1",
            "api_app_id": "A1",
            "channel_id": "C0PUBLIC",
            "trigger_id": "tc-sm",
        }
        await acked("slash_commands", command)
        await until(lambda: any("Je voortgang" in t for t in api.posted(f"D{ANNA}")))

        # Slack drops the socket: popbot opens a new one and goes on
        await api.drop_socket()
        await until(lambda: len(api.sockets) >= 2 and not api.sockets[-1].closed)
        assert len(api.of("apps.connections.open")) >= 2
        await acked("events_api", json.loads(event_body(dm(ANNA, "Plannen en klanten helpen"), "Ev2")))
        store = TinyDBStore(tmp_path / "data")

        def answered() -> bool:
            record = store.load("anna")
            return record is not None and "goed_in" in record.answers

        await until(answered)
        assert store.load("anna").answers["goed_in"].value == "Plannen en klanten helpen"  # type: ignore[union-attr]
    finally:
        proc.send_signal(signal.SIGINT)
        _out, err = await asyncio.wait_for(proc.communicate(), 30)
    assert b"Traceback" not in err, err.decode()[-3000:]
