"""What IT's probes and dashboards see of `popbot serve` on PostgreSQL, with the database
stopped under it: `/healthz` answers at once, `/readyz` says 503 and why within 2 s,
`/metrics` keeps answering without waiting and soon says the database is down — and all
recover when it is back, without a restart. The console alone is served (no chat token:
IT tries this first), nothing is written to a data folder, and SIGTERM stops it cleanly."""

from __future__ import annotations

import asyncio
import signal
import sys
import time
from pathlib import Path

import aiohttp

from storage.postgres.database import Database, upgrade
from tests.app.test_replicas_serve import wait_ready
from tests.app.test_serve_cli import base_env
from tests.postgres_server import Cluster
from tests.schedule_world import free_port


async def timed(http: aiohttp.ClientSession, url: str) -> tuple[float, int, str]:
    began = time.monotonic()
    async with http.get(url) as r:
        return time.monotonic() - began, r.status, await r.text()


async def test_probes_and_metrics_while_the_database_is_stopped(tmp_path: Path) -> None:
    cluster = Cluster()  # its own: stopping it must not stop anyone else's tests
    try:
        url = cluster.fresh_database()
        db = Database(url)
        db.open()
        upgrade(db)
        db.close()
        port = free_port()
        env = base_env(tmp_path) | {"POPBOT_DATABASE_URL": url, "POPBOT_LOG_FORMAT": "json"}
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.app.cli", "serve", "--listen", "127.0.0.1", "--port", str(port),
            "--only", "console", env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        async with aiohttp.ClientSession() as http:
            await wait_ready(http, port, proc)
            _s, status, _t = await timed(http, f"{base}/console/")
            assert status == 200
            _s, _st, metrics = await timed(http, f"{base}/metrics")
            for name in (
                'popbot_build_info{python="', "process_resident_memory_bytes", "popbot_database_up 1.0",
                'popbot_http_requests_total{method="GET",route="/readyz",status="200"}',
                "popbot_database_pool_size", "popbot_platform_throttled", "popbot_console_signin_failures",
            ):  # fmt: skip
                assert name in metrics, name

            cluster.stop("immediate")
            healthz = await timed(http, f"{base}/healthz")
            readyz = await timed(http, f"{base}/readyz")
            assert healthz[1] == 200 and healthz[0] < 0.5, healthz
            assert readyz[1] == 503 and "cannot reach the database" in readyz[2] and readyz[0] < 2.5, readyz
            down, scrapes = "", []
            for _ in range(40):  # the reading is taken again every few seconds
                took, status, down = await timed(http, f"{base}/metrics")
                scrapes.append(took)
                assert status == 200
                if "popbot_database_up 0.0" in down:
                    break
                await asyncio.sleep(0.25)
            assert "popbot_database_up 0.0" in down and max(scrapes) < 1.0, scrapes
            ms = [round(t * 1000) for t in (healthz[0], readyz[0], max(scrapes))]
            print("\ndatabase stopped: /healthz {} ms, /readyz {} ms, /metrics at most {} ms".format(*ms))

            cluster.start()
            for _ in range(100):
                if (await timed(http, f"{base}/readyz"))[1] == 200:
                    break
                await asyncio.sleep(0.1)
            assert (await timed(http, f"{base}/readyz"))[1] == 200
        proc.send_signal(signal.SIGTERM)
        _out, err = await asyncio.wait_for(proc.communicate(), 30)
        assert proc.returncode == 0, err.decode()
        lines = err.decode().splitlines()
        assert any('"serving: console on 127.0.0.1' in line for line in lines), lines
        assert all(line.startswith("{") for line in lines), lines  # one JSON object a line
        assert not (tmp_path / "data").exists()  # on PostgreSQL nothing on local disk
    finally:
        cluster.remove()


def test_a_slow_outbox_query_never_holds_up_the_database_probe_or_a_scrape() -> None:
    """The outbox's counts wait on the pool (up to its 30 s) when the server is gone; the
    probe has its own connection and bound. A scrape answers at once either way, and says
    the database is down as soon as the probe does."""
    import threading

    from prometheus_client import generate_latest

    from bot.app import metrics as metrics_module
    from bot.app.metrics import Metrics
    from bot.errors import StorageError

    release, stall, down = threading.Event(), threading.Event(), threading.Event()

    class SlowOutbox:
        def due_counts(self, _since: object, _until: object) -> dict[tuple[str, str], int]:
            if stall.is_set():  # the server went away while this query waited for the pool
                release.wait(30)
                raise StorageError("the pool timed out")
            return {}

        def failed_entries(self) -> list[object]:
            return []

    def probe() -> int:
        if down.is_set():
            raise StorageError("cannot reach the database")
        return 6

    refresh, metrics_module.REFRESH = metrics_module.REFRESH, 0.05
    try:
        metrics = Metrics("test")
        metrics.watch_outbox(SlowOutbox(), lambda: datetime_now(), up=probe)  # type: ignore[arg-type]
        assert b"popbot_database_up 1.0" in generate_latest(metrics.registry)
        stall.set()
        time.sleep(0.1)
        generate_latest(metrics.registry)  # a reading starts: its probe answers, its query hangs
        time.sleep(0.1)
        down.set()
        text, began = b"", time.monotonic()
        while time.monotonic() - began < 5 and b"popbot_database_up 0.0" not in text:
            scrape = time.monotonic()
            text = generate_latest(metrics.registry)
            assert time.monotonic() - scrape < 0.5  # never waits for the stuck query
            time.sleep(0.05)
        assert b"popbot_database_up 0.0" in text
    finally:
        metrics_module.REFRESH = refresh
        release.set()


def datetime_now() -> object:
    from datetime import UTC, datetime

    return datetime.now(UTC)


def test_the_probe_of_a_database_that_never_answers_gives_up_within_its_bound() -> None:
    """A server that takes the connection and says nothing (a hung database, a half-open
    firewall): the probe `/readyz` uses gives up within its 2 s, with the reason."""
    import socket

    from bot.errors import StorageError
    from storage.postgres.database import PROBE_TIMEOUT

    silent = socket.create_server(("127.0.0.1", 0))  # accepts (the backlog), never answers
    try:
        port = silent.getsockname()[1]
        db = Database(f"postgresql://popbot@127.0.0.1:{port}/popbot")
        began = time.monotonic()
        try:
            db.probe()
            raise AssertionError("a silent server answered")
        except StorageError as exc:
            took = time.monotonic() - began
            assert "cannot reach the database" in str(exc)
        assert took < PROBE_TIMEOUT + 1.0, took
        print(f"\na silent database: the probe gave up after {took * 1000:.0f} ms")
    finally:
        silent.close()


async def test_readyz_answers_before_a_silent_database_s_probe_gives_up() -> None:
    """/readyz does not wait for the probe's 2 s: 503 and why within 1.5 s."""
    import threading

    from aiohttp import web
    from aiohttp.test_utils import TestClient, TestServer

    from bot.app.http import READY_WITHIN, operations
    from bot.app.metrics import Metrics

    hung = threading.Event()

    def ready() -> list[str]:
        hung.wait(3)  # a probe stuck on the network
        return []

    app = web.Application()
    operations(app, ready, Metrics("test"))
    async with TestClient(TestServer(app)) as client:
        began = time.monotonic()
        answer = await client.get("/readyz")
        took = time.monotonic() - began
        assert answer.status == 503 and "did not answer within" in await answer.text()
        assert took < READY_WITHIN + 0.4, took
        healthz = time.monotonic()
        assert (await client.get("/healthz")).status == 200 and time.monotonic() - healthz < 0.3
    hung.set()


async def test_a_request_id_is_echoed_only_when_sane_and_no_path_becomes_a_label() -> None:
    from aiohttp.test_utils import TestClient, TestServer
    from prometheus_client import generate_latest

    from bot.app.http import operations, server_app
    from bot.app.metrics import Metrics

    metrics = Metrics("test")
    app = server_app(1024, metrics)
    operations(app, lambda: [], metrics)
    async with TestClient(TestServer(app)) as client:
        given = await client.get("/healthz", headers={"X-Request-ID": "lb-4f2a.9"})
        assert given.headers["X-Request-ID"] == "lb-4f2a.9"
        for hostile in ("x" * 65, "<script>", "a b", "é"):
            answer = await client.get("/healthz", headers={"X-Request-ID": hostile})
            assert answer.status == 200 and answer.headers["X-Request-ID"] != hostile
            assert len(answer.headers["X-Request-ID"]) == 16
        assert (await client.get("/employees/anna/secret-token")).status == 404
    text = generate_latest(metrics.registry).decode()
    assert 'route="/healthz",status="200"' in text and 'route="unmatched",status="404"' in text
    assert "anna" not in text and "secret-token" not in text
