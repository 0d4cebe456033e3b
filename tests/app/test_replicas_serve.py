"""Two `popbot serve` replicas on one PostgreSQL, Telegram by webhook on popbot's own port:
an update may reach either replica and the conversation goes on; `/healthz`, `/readyz` and
`/metrics` answer on the same port; and with a database `serve` refuses to poll Telegram."""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path

import aiohttp

from bot.app.platforms import accounts
from bot.people.access import Access
from bot.people.roster import Roster, parse_roster
from storage.postgres.database import Database
from storage.postgres.store import PostgresStore
from tests.adapters.test_slack_cli import stop
from tests.app.test_serve_cli import base_env
from tests.fakes.telegram_api import TOKEN, FakeTelegram, message
from tests.schedule_world import free_port

SECRET = "the-same-on-every-replica"


def replica_env(tmp_path: Path, database_url: str, telegram: FakeTelegram) -> dict[str, str]:
    """A replica's environment: the shared database, Telegram on the fake Bot API."""
    return base_env(tmp_path) | {
        "POPBOT_DATABASE_URL": database_url,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": telegram.url,
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
    }


async def serve(env: dict[str, str], *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.app.cli", "serve", "--listen", "127.0.0.1", *args,
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def wait_ready(http: aiohttp.ClientSession, port: int, proc: asyncio.subprocess.Process) -> None:
    for _ in range(300):
        assert proc.returncode is None, "the replica stopped"
        try:
            async with http.get(f"http://127.0.0.1:{port}/readyz") as r:
                if r.status == 200:
                    return
        except aiohttp.ClientConnectionError:
            pass
        await asyncio.sleep(0.1)
    raise AssertionError("not ready in 30 s")


async def test_two_replicas_share_telegram_by_webhook(tmp_path: Path, database_url: str) -> None:
    db = Database(database_url)
    db.open()
    Access(PostgresStore(db), lambda: datetime.now(UTC), accounts=accounts()).bind("telegram", "6001", "tom")
    db.close()
    telegram = FakeTelegram()
    await telegram.start()
    env = replica_env(tmp_path, database_url, telegram) | {"POPBOT_SCHEDULE_INTERVAL": "0.5"}
    refused = await serve(env, "--port", str(free_port()))
    _out, err = await asyncio.wait_for(refused.communicate(), 30)
    assert refused.returncode == 1 and "--telegram-webhook" in err.decode()

    ports = [free_port(), free_port()]
    replicas = [
        await serve(env, "--port", str(p), "--telegram-webhook", f"http://127.0.0.1:{p}/telegram")
        for p in ports
    ]
    try:
        async with aiohttp.ClientSession() as http:
            for port, proc in zip(ports, replicas, strict=True):
                await wait_ready(http, port, proc)
                async with http.get(f"http://127.0.0.1:{port}/healthz") as r:
                    assert r.status == 200
            assert len(telegram.of("setWebhook")) == 2

            async def post(port: int, update: dict[str, object], secret: str = SECRET) -> int:
                headers = {"X-Telegram-Bot-Api-Secret-Token": secret}
                async with http.post(f"http://127.0.0.1:{port}/telegram", json=update, headers=headers) as r:
                    return r.status

            assert await post(ports[0], {"update_id": 1, **message(6001, "/start")}, secret="wrong") == 403
            assert await post(ports[0], {"update_id": 2, **message(6001, "/start")}) == 200
            await telegram.wait_for(lambda: len(telegram.sent_texts(6001)) >= 1, 20)
            first = len(telegram.sent_texts(6001))
            # the next message reaches the other replica: the conversation goes on there
            assert await post(ports[1], {"update_id": 3, **message(6001, "1")}) == 200
            await telegram.wait_for(lambda: len(telegram.sent_texts(6001)) > first, 20)

            # replica 2 answered the second update itself (its own counter says so; the fake's
            # message count alone could be replica 1's reply arriving in parts)
            metrics = ""
            for _ in range(200):
                async with http.get(f"http://127.0.0.1:{ports[1]}/metrics") as r:
                    metrics = await r.text()
                if 'popbot_turns_total{outcome="answered"}' in metrics:
                    break
                await asyncio.sleep(0.1)
            assert 'popbot_turns_total{outcome="answered"}' in metrics
            assert "popbot_turn_seconds_bucket" in metrics and "popbot_outbox_failed" in metrics
            # no person in any metric's name or label (a value may hold any digits: a timestamp)
            named = " ".join(
                line.rsplit(" ", 1)[0] for line in metrics.splitlines() if not line.startswith("#")
            )
            assert "tom" not in named and "6001" not in named
    finally:
        errors = [await stop(p) for p in replicas]
        await telegram.stop()
    assert all(p.returncode == 0 for p in replicas), errors
    db = Database(database_url)
    db.open()
    record = PostgresStore(db).load("tom")
    db.close()
    assert record is not None and record.state != "start"  # both replicas' turns are in one record


async def test_one_person_on_slack_through_one_replica_and_telegram_through_the_other(
    tmp_path: Path, database_url: str
) -> None:
    """Anna answers on Slack (her events reach replica 1) and on Telegram (her updates reach
    replica 2) at the same moment, three times over: each pair is taken one after the other
    (her lock is the database's), every answer is kept once, and each platform gets its reply."""
    from tests.fakes.slack_api import BOT_TOKEN, FakeSlack, dm, event_body, signed
    from tests.fakes.slack_api import SECRET as SLACK_SECRET

    roster = tmp_path / "roster.csv"
    roster.write_text(
        "id,name,language,email,platform,handle\nanna,Anna,nl,anna@example.org,slack,U0ANNA\n",
        encoding="utf-8",
    )
    db = Database(database_url)
    db.open()
    store = PostgresStore(db)
    Roster(store).import_people(parse_roster(roster, ("nl", "en"), accounts=accounts()))
    Access(store, lambda: datetime.now(UTC), accounts=accounts()).bind("telegram", "6001", "anna")
    telegram, slack = FakeTelegram(), FakeSlack()
    await telegram.start()
    await slack.start()
    env = replica_env(tmp_path, database_url, telegram) | {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SLACK_SECRET,
        "SLACK_API_URL": slack.url,
    }
    ports = [free_port(), free_port()]
    replicas = [
        await serve(env, "--port", str(p), "--telegram-webhook", f"http://127.0.0.1:{p}/telegram")
        for p in ports
    ]
    # (on Slack, on Telegram) at once; the dialog's next two questions take free text each time
    # (a lone answer in between takes the 1–5 score question out of the way)
    steps = [
        ("Plannen en klanten helpen", "Puzzelen met roosters"),
        ("Samenwerken met collega's", ""),
        ("", "4"),
        ("Het klantcontact", "De nieuwe planning die ik opzette"),
    ]
    pairs = [step for step in steps if all(step)]
    try:
        async with aiohttp.ClientSession() as http:
            for port, proc in zip(ports, replicas, strict=True):
                await wait_ready(http, port, proc)

            async def on_slack(text: str, n: int) -> None:
                body = event_body(dm("U0ANNA", text), f"Ev{n}")
                headers = {**signed(body), "Content-Type": "application/json"}
                async with http.post(
                    f"http://127.0.0.1:{ports[0]}/slack/events", data=body, headers=headers
                ) as r:
                    assert r.status == 200

            async def on_telegram(text: str, n: int) -> None:
                headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
                update = {"update_id": 100 + n, **message(6001, text)}
                async with http.post(
                    f"http://127.0.0.1:{ports[1]}/telegram", json=update, headers=headers
                ) as r:
                    assert r.status == 200

            await on_slack("hoi", 0)
            await slack.wait_for(lambda: len(slack.of("chat.postMessage")) >= 1, 20)
            await on_telegram("1", 0)  # the full route
            await telegram.wait_for(lambda: len(telegram.sent_texts(6001)) >= 1, 20)
            for n, (by_slack, by_telegram) in enumerate(steps, start=1):
                slack_before = len(slack.of("chat.postMessage"))
                telegram_before = len(telegram.sent_texts(6001))
                await asyncio.gather(
                    *([on_slack(by_slack, n)] if by_slack else []),
                    *([on_telegram(by_telegram, n)] if by_telegram else []),
                )
                if by_slack:
                    await slack.wait_for(lambda: len(slack.of("chat.postMessage")) > slack_before, 20)  # noqa: B023
                if by_telegram:
                    await telegram.wait_for(lambda: len(telegram.sent_texts(6001)) > telegram_before, 20)  # noqa: B023
    finally:
        errors = [await stop(p) for p in replicas]
        await telegram.stop()
        await slack.stop()
    assert all(p.returncode == 0 for p in replicas), errors
    record = PostgresStore(db).load("anna")
    db.close()
    assert record is not None
    kept = [a.value for a in record.answers.values()]
    for text in (t for pair in pairs for t in pair):
        assert kept.count(text) == 1, f"{text!r} kept {kept.count(text)} times: {kept}"
