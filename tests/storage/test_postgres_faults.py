"""PostgreSQL's faults, each with what popbot does: a wrong address or password (one line,
never the password), a schema older or newer than this popbot (refused, naming the command),
the database going away mid-conversation (the turn is not acknowledged, the person is told
to try again, nothing half-saved) and coming back (everything goes on, no restart)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg

from bot import Incoming
from bot.engine.engine import Engine
from storage.postgres.database import Database
from storage.postgres.store import PostgresStore
from tests.helpers import NL, NOW, Chat
from tests.postgres_server import Cluster


def popbot(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("POPBOT_")}
    return subprocess.run(
        [sys.executable, "-m", "bot.app", *args], env=base | env, capture_output=True, text=True, timeout=60
    )


def test_a_wrong_password_or_address_is_one_line_without_the_password(
    postgres: Cluster, tmp_path: Path
) -> None:
    with psycopg.connect(postgres.url(), autocommit=True) as conn:
        conn.execute(
            "DO $$ BEGIN CREATE ROLE hr LOGIN PASSWORD 'right-one'; "
            "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
        )
    for url, said in (
        (
            f"postgresql://hr:Geheim-wachtwoord@127.0.0.1:{postgres.port}/postgres",
            "password authentication failed",
        ),
        (f"postgresql://hr:right-one@127.0.0.1:{postgres.port}/no_such_db", "no_such_db"),
        ("postgresql://hr:Geheim-wachtwoord@127.0.0.1:9/popbot", "cannot connect"),
        ("postgresql://hr:Geheim-wachtwoord@127.0.0.1:notaport/popbot", "port"),
        ("mysql://hr:Geheim-wachtwoord@db/popbot", "POPBOT_DATABASE_URL"),
    ):
        done = popbot({"POPBOT_DATABASE_URL": url, "POPBOT_DATA_DIR": str(tmp_path)}, "roster", "show")
        assert done.returncode == 1
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and said in lines[0], done.stderr
        assert "Geheim-wachtwoord" not in done.stderr + done.stdout


def test_a_schema_older_or_newer_is_refused_naming_what_to_do(postgres: Cluster, tmp_path: Path) -> None:
    url = postgres.fresh_database()
    env = {"POPBOT_DATABASE_URL": url, "POPBOT_DATA_DIR": str(tmp_path)}
    done = popbot(env, "roster", "show")
    assert done.returncode == 1 and "popbot db upgrade" in done.stderr
    assert popbot(env, "db", "status").returncode == 1
    upgraded = popbot(env, "db", "upgrade")
    assert upgraded.returncode == 0 and "0001_initial" in upgraded.stdout, upgraded.stderr
    assert "schema is current" in popbot(env, "db", "upgrade").stdout  # again: nothing to do
    assert popbot(env, "db", "status").returncode == 0
    works = popbot(env, "schedule", "status")
    assert works.returncode == 0, works.stderr
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("INSERT INTO popbot_schema (version, name) VALUES (999, 'from_a_later_release')")
    done = popbot(env, "roster", "show")
    assert done.returncode == 1 and "newer than this popbot" in done.stderr


async def test_the_database_going_away_mid_conversation_and_coming_back(
    postgres: Cluster, database_url: str, tmp_path: Path
) -> None:
    postgres_cluster = postgres
    db = Database(database_url)
    db.open()
    engine = Engine({"nl": NL}, PostgresStore(db), clock=lambda: NOW)
    chat = Chat(engine, user="anna")
    await chat.start()
    await chat.say("1")  # the full route
    before = PostgresStore(db).load("anna")
    assert before is not None
    postgres_cluster.stop("immediate")  # the database is gone (a crash, a failover)
    try:
        out = await engine.handle("anna", Incoming.say("Plannen en klanten helpen"))
        assert engine.messages_for("nl").not_saved in chat_text(out)  # told: not saved, try again
    finally:
        postgres_cluster.start()
    # back: the same process goes on, and nothing of the failed turn was kept
    again = PostgresStore(db).load("anna")
    assert again is not None and again.model_dump() == before.model_dump()
    await chat.say("Plannen en klanten helpen")
    after = PostgresStore(db).load("anna")
    assert after is not None and after.answers["goed_in"].value == "Plannen en klanten helpen"
    db.close()


def chat_text(out: list[object]) -> str:
    return " ".join(str(getattr(o, "text", "")) for o in out)


async def test_ready_and_metrics_answer_at_once_while_the_database_is_down(
    postgres: Cluster, database_url: str, tmp_path: Path
) -> None:
    """Probes and dashboards during an outage: /readyz says 503 and why, /metrics keeps being
    served and says the database is down — each well before the pool's 30 s wait (the bound
    below only turns that wait into a failure)."""
    import asyncio

    from aiohttp import web
    from aiohttp.test_utils import TestClient, TestServer

    from bot.app.http import operations
    from bot.app.settings import Settings
    from bot.app.wiring import Parts

    parts = Parts(Settings(popbot_data_dir=tmp_path, popbot_database_url=database_url))  # type: ignore[arg-type]
    parts.engine  # noqa: B018 (the scripts loaded: ready but for the database)
    app = web.Application()
    operations(app, parts.ready, parts.metrics)
    async with TestClient(TestServer(app)) as client:
        assert (await client.get("/readyz")).status == 200
        assert "popbot_database_up 1.0" in await (await client.get("/metrics")).text()
        postgres.stop("immediate")
        try:
            ready = await asyncio.wait_for(client.get("/readyz"), timeout=10)
            assert ready.status == 503 and "cannot reach the database" in await ready.text()
            text = ""
            for _ in range(40):  # a scrape shows the last reading; a new one is taken every few s
                scraped = await asyncio.wait_for(client.get("/metrics"), timeout=1)
                text = await scraped.text()
                assert scraped.status == 200 and "popbot_turns" in text
                if "popbot_database_up 0.0" in text:
                    break
                await asyncio.sleep(0.25)
            assert "popbot_database_up 0.0" in text
        finally:
            postgres.start()
        assert (await client.get("/readyz")).status == 200
    parts.stores.close()
