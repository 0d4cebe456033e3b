"""Issue 27: one source of truth for the round's counts. Answers given before the roster
import and after it; then the console's round page, the manager's own page and `popbot
roster show` (figures and the list) must say the same, on files and — after `data migrate` —
on PostgreSQL."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.app.settings import Settings
from bot.app.web.accounts import Accounts
from bot.app.web.app import console_app
from bot.app.wiring import Parts
from storage import TinyDBStore
from tests.helpers import FULL_ROUTE, SHORT_ROUTE, Chat, make_engine
from tests.web.test_console import PASSWORD, sign_in

REPORTS = ["e1", "e2", "e3", "e4", "e5"]
ROSTER = (
    "id,name,email,language,manager,platform,handle,conversation,timezone\n"
    + ("m1,Mila Bakker,mila@example.org,nl,,console,,,Europe/Amsterdam\n")
    + "".join(
        f"{e},Mens {e},{e}@example.org,nl,m1,console,,2027-03-0{n + 1} 10:00,Europe/Amsterdam\n"
        for n, e in enumerate(REPORTS)
    )
)
STAGES = ["reports", "invited", "started", "finished", "delivered", "agreed"]
# no date question: the roster has the dates; for those answering before the import it is asked
SHORT = [SHORT_ROUTE[0], SHORT_ROUTE[1], *SHORT_ROUTE[3:]]


def popbot(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("POPBOT_")}
    return subprocess.run(
        [sys.executable, "-m", "bot.app", *args], env=base | env, capture_output=True, text=True, check=False
    )


async def answer(engine: object, who: str, route: list[str]) -> None:
    chat = Chat(engine, who)  # type: ignore[arg-type]
    await chat.start()
    for a in route:
        await chat.say(a)


async def views(settings: Settings, env: dict[str, str]) -> dict[str, list[int]]:
    """The team's figures (reports, invited … agreed) as each view shows them."""
    out: dict[str, list[int]] = {}
    shown = popbot("roster", "show", "--json", env=env)
    assert shown.returncode == 0, shown.stderr
    out["roster show"] = [json.loads(shown.stdout)["m1"][s] for s in STAGES]
    listed = popbot("roster", "show", "--all", "--json", env=env)
    rows = [r for r in json.loads(listed.stdout) if r["manager"] == "m1"]
    out["roster show --all"] = [len(rows), *(sum(1 for r in rows if r[s]) for s in STAGES[1:])]

    app = web.Application()
    app.add_subapp("/console", console_app(Parts(settings)))
    async with TestClient(TestServer(app)) as client:
        assert await sign_in(client, "hr@example.org") == 303
        page = await (await client.get("/console/round")).text()
        row = re.search(r'<th scope="row">Mila Bakker</th>(.*?)</tr>', page, re.S)
        assert row, page
        out["console round"] = [int(n) for n in re.findall(r"<td>(\d+)</td>", row.group(1))]
    async with TestClient(TestServer(app)) as client:
        assert await sign_in(client, "mila@example.org") == 303
        page = await (await client.get("/console/reports")).text()
        body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
        cells = [re.findall(r"<td>([^<]*)</td>", tr)[1:6] for tr in body.split("<tr>")[1:]]
        yes = Counter(i for tr in cells for i, c in enumerate(tr) if c == "ja")
        out["manager's page"] = [len(cells), *(yes[i] for i in range(5))]
    return out


async def test_every_view_counts_the_same_on_both_stores(tmp_path: Path, database_url: str) -> None:
    data = tmp_path / "data"
    # two answered before they were in the roster (one finished, one halfway)
    await answer(make_engine(data), "e1", FULL_ROUTE)
    await answer(make_engine(data), "e2", FULL_ROUTE[:5])
    csv = tmp_path / "roster.csv"
    csv.write_text(ROSTER, encoding="utf-8")
    env = {"POPBOT_DATA_DIR": str(data), "POPBOT_WEB_MIN_GROUP": "1"}
    imported = popbot("roster", "import", str(csv), env=env)
    assert imported.returncode == 0, imported.stderr
    # and two after, through the composition root's engine (the roster's date: not asked)
    parts = Parts(Settings(popbot_data_dir=data))
    await answer(parts.engine, "e3", SHORT)
    await answer(parts.engine, "e4", SHORT[:1])
    accounts = Accounts(TinyDBStore(data))
    accounts.add("hr@example.org", "hr", PASSWORD)
    accounts.add("mila@example.org", "manager", PASSWORD)

    want = [5, 0, 4, 2, 0, 0]  # five reports; e1–e4 started; e1 and e3 finished
    settings = Settings(popbot_data_dir=data, popbot_web_secret="s", popbot_web_min_group=1)  # type: ignore[call-arg]
    on_files = await views(settings, env)
    assert all(v == want for v in on_files.values()), on_files

    moved = popbot("data", "migrate", "--to", database_url, env=env)
    assert moved.returncode == 0, moved.stderr
    pg = env | {"POPBOT_DATABASE_URL": database_url}
    settings_pg = Settings(  # type: ignore[call-arg]
        popbot_data_dir=data, popbot_web_secret="s", popbot_web_min_group=1, popbot_database_url=database_url
    )
    on_postgres = await views(settings_pg, pg)
    assert on_postgres == on_files, (on_files, on_postgres)
