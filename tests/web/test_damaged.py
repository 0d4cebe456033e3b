"""One damaged employee file or schedule plan never breaks a page: HR's schedule (its list,
filters and CSV), a manager's reports page and `roster show --all` show everything else and
mark what could not be read — on the files and on PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.app.settings import Settings
from bot.app.web.app import console_app
from bot.app.wiring import Parts
from storage import TinyDBStore
from storage.outbox_files import OutboxFiles
from tests.web.console_world import HR, MANAGER, console_data
from tests.web.console_world import console_app as app_of
from tests.web.test_console import sign_in

PAGES = ("/console/schedule", "/console/schedule?person=anna", "/console/schedule?manager=mila",
         "/console/schedule?status=planned", "/console/schedule.csv", "/console/round")  # fmt: skip


def garble(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:-30] + b"\x00\xff garbage")


async def look(app: web.Application) -> dict[str, tuple[int, str]]:
    root = web.Application()
    root.add_subapp("/console", app)
    seen = {}
    async with TestClient(TestServer(root)) as c:
        assert await sign_in(c, HR) == 303
        for page in PAGES:
            answer = await c.get(page)
            seen[page] = (answer.status, await answer.text())
        c.session.cookie_jar.clear()
        assert await sign_in(c, MANAGER) == 303
        answer = await c.get("/console/reports")
        seen["reports"] = (answer.status, await answer.text())
    return seen


def check(seen: dict[str, tuple[int, str]], where: str) -> None:
    for page, (status, text) in seen.items():
        assert status == 200, (where, page, status, text[-500:])
    assert "popbot data check" in seen["/console/schedule?status=planned"][1]
    assert "popbot data check" in seen["/console/schedule.csv"][1]  # a marked row, not a gap
    # the others still listed (r0 by name, as text)
    assert "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>" in seen["/console/schedule?status=planned"][1]
    reports = seen["reports"][1]
    assert "Anna de Vries" in reports and "beschadigd" in reports and "popbot data check" in reports


async def test_on_the_files(tmp_path: Path) -> None:
    data = await console_data(tmp_path)
    garble(TinyDBStore(data).path_for("anna"))
    plans = OutboxFiles(data)._plans  # the schedule plan of Anna's manager's preparation, and Anna's
    garble(plans.path_for("anna"))
    seen = await look(app_of(data))
    check(seen, "files")
    assert "popbot data check" in seen["/console/schedule"][1]  # Anna's failed send is in that plan
    env = {k: v for k, v in os.environ.items() if not k.startswith("POPBOT_")} | {
        "POPBOT_DATA_DIR": str(data)
    }
    shown = subprocess.run([sys.executable, "-m", "bot.app", "roster", "show", "--all"], env=env,
                           capture_output=True, text=True, timeout=60)  # fmt: skip
    assert shown.returncode == 0 and "damaged" in shown.stdout and "r0" in shown.stdout, shown.stderr
    assert "popbot data check" in shown.stderr and "Traceback" not in shown.stderr


async def test_on_postgresql(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.app.cli import main

    data = await console_data(tmp_path)
    monkeypatch.setenv("POPBOT_DATA_DIR", str(data))
    assert main(["data", "migrate", "--to", database_url]) == 0
    with psycopg.connect(database_url, autocommit=True) as conn:  # rows a bad write or hand left wrong
        conn.execute("UPDATE records SET data = '{\"employee_id\": 7}' WHERE employee_id = 'anna'")
        conn.execute(
            "UPDATE outbox SET data = data - 'due' WHERE person = 'anna' AND data->>'status' = 'planned'"
        )
    settings = Settings(popbot_data_dir=tmp_path / "replica", popbot_database_url=database_url,
                        popbot_web_secret="test-secret")  # type: ignore[arg-type]  # fmt: skip
    check(await look(console_app(Parts(settings))), "postgresql")
