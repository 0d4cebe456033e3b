"""`popbot serve` as a real process (Slack over signed HTTP, a fake Web API, the console on the
same port), an employee chatting with it, and HR's heavy work beside: ten sign-ins at once
and the check and import of a 10,000-person roster. For the test that the chat stays
responsive (tests/app/test_serve_responsive.py) and the benchmark of its latency
(benchmarks/serve_hr_load.py)."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bot.app.web.accounts import Accounts
from storage import TinyDBStore
from tests.fakes.slack_api import BOT_TOKEN, SECRET, FakeSlack, dm, event_body, signed
from tests.helpers import import_roster
from tests.schedule_world import free_port

HR, PASSWORD = "hr@example.org", "een lang wachtwoord"
EMPLOYEE = "U0BEN"
SIZE = 10_000


def roster(size: int = SIZE) -> str:
    """Mila, Ben (who chats on Slack) and `size - 2` others in teams of ten."""
    rows = ["id,name,email,language,manager,platform,handle,conversation"]
    rows.append("mila,Mila,mila@example.org,nl,,console,,")
    rows.append(f"ben,Ben,ben@example.org,nl,mila,slack,{EMPLOYEE},2027-03-01 10:00")
    for n in range(size - 2):
        rows.append(f"p{n},Persoon {n},p{n}@example.org,nl,mila,console,,2027-03-0{1 + n % 8} 10:00")
    return "\n".join(rows) + "\n"


@dataclass
class Served:
    url: str
    slack: FakeSlack
    http: httpx.AsyncClient
    turns: list[tuple[float, float]] = field(default_factory=list)  # (sent, replied), monotonic
    _n: int = 0

    async def turn(self, text: str = "voortgang") -> tuple[float, float]:
        """One chat message and the wait for popbot's reply in Ben's channel."""
        before = len(self.slack.posted(f"D{EMPLOYEE}"))
        self._n += 1
        body = event_body(dm(EMPLOYEE, text), f"Ev{self._n:06d}")
        sent = time.monotonic()
        answer = await self.http.post(
            "/slack/events", content=body, headers={**signed(body), "Content-Type": "application/json"}
        )
        assert answer.status_code == 200, answer.text
        deadline = sent + 120  # a hang fails; it is not a measure
        while len(self.slack.posted(f"D{EMPLOYEE}")) <= before:
            assert time.monotonic() < deadline, "no reply to a chat turn in two minutes"
            await asyncio.sleep(0.002)
        replied = time.monotonic()
        self.turns.append((sent, replied))
        return sent, replied

    async def sign_in(self) -> None:
        async with httpx.AsyncClient(base_url=self.url, timeout=120) as hr:
            page = await hr.get("/console/signin")
            token = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
            answer = await hr.post("/console/signin", data={"email": HR, "password": PASSWORD, "csrf": token})
            assert answer.status_code == 303, answer.text[:300]

    async def import_roster(self, csv: bytes) -> tuple[float, float]:
        """HR checks the roster, then imports it; (start, end) of the import request."""
        async with httpx.AsyncClient(base_url=self.url, timeout=600) as hr:
            page = await hr.get("/console/signin")
            token = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
            await hr.post("/console/signin", data={"email": HR, "password": PASSWORD, "csrf": token})
            roster_page = await hr.get("/console/roster")
            csrf = roster_page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
            checked = await hr.post(
                "/console/roster/check", data={"csrf": csrf}, files={"file": ("rooster.csv", csv, "text/csv")}
            )
            upload = checked.text.split('name="upload" value="', 1)[1].split('"', 1)[0]
            start = time.monotonic()
            done = await hr.post("/console/roster/import", data={"csrf": csrf, "upload": upload})
            end = time.monotonic()
            assert done.status_code == 200 and "Geïmporteerd" in done.text, done.text[-500:]
            return start, end


@asynccontextmanager
async def served(tmp: Path, size: int = 2) -> AsyncIterator[Served]:
    """popbot serve on a roster of `size` (by default Mila and Ben only: HR imports the rest)."""
    data = tmp / "data"
    csv = tmp / "roster.csv"
    csv.write_text(roster(size), encoding="utf-8")
    import_roster(csv, data)
    Accounts(TinyDBStore(data)).add(HR, "hr", PASSWORD)
    slack = FakeSlack()
    await slack.start()
    port = free_port()
    env: dict[str, Any] = {
        k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TELEGRAM_", "TEAMS_", "POPBOT_"))
    } | {
        "POPBOT_DATA_DIR": str(data),
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack.url,
        "POPBOT_LOG_LEVEL": "WARNING",
        "POPBOT_SCHEDULE_INTERVAL": "3600",
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.app.cli", "serve", "--port", str(port), "--listen", "127.0.0.1",
        env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=url, timeout=120) as http:
            await until_up(http)
            yield Served(url, slack, http)
    finally:
        proc.terminate()
        await proc.wait()
        await slack.stop()


async def until_up(http: httpx.AsyncClient) -> None:
    """Until the server started beside answers /healthz (a minute at most)."""
    for _ in range(600):
        try:
            if (await http.get("/healthz")).status_code == 200:
                return
        except httpx.TransportError:
            await asyncio.sleep(0.1)
    raise AssertionError("popbot serve did not come up in a minute")


def within(turns: list[tuple[float, float]], start: float, end: float) -> int:
    """How many turns were both sent and answered between `start` and `end`."""
    return sum(1 for sent, replied in turns if start <= sent and replied <= end)
