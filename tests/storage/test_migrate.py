"""`popbot data migrate`: a data folder into PostgreSQL and back — everything there, verified,
the source untouched, and a second run writes nothing."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from tests.helpers import FULL_ROUTE, Chat, make_engine


def tree_digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return h.hexdigest()


def popbot(*args: str, data: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POPBOT_")} | {
        "POPBOT_DATA_DIR": str(data)
    }
    return subprocess.run([sys.executable, "-m", "bot.app", *args], env=env, capture_output=True, text=True)


async def test_files_to_postgresql_and_back(tmp_path: Path, database_url: str) -> None:
    data = tmp_path / "data"
    csv = tmp_path / "roster.csv"
    csv.write_text(
        "id,name,email,language,manager,platform,handle,conversation\n"
        "mila,Mila,mila@example.nl,nl,,console,,\n"
        "anna,Anna,anna@example.nl,nl,mila,console,,2027-03-01 10:00\n",
        encoding="utf-8",
    )
    assert popbot("roster", "import", str(csv), data=data).returncode == 0
    chat = Chat(make_engine(data), user="anna")
    await chat.start()
    for answer in FULL_ROUTE[:6]:
        await chat.say(answer)
    before = tree_digest(data)

    moved = popbot("data", "migrate", "--to", database_url, data=data)
    assert moved.returncode == 0, moved.stderr
    assert "verified" in moved.stdout and "records: 1 in the source, 1 in the target" in moved.stdout
    assert tree_digest(data) == before  # the files left untouched
    again = popbot("data", "migrate", "--to", database_url, data=data)
    assert again.returncode == 0 and "written this run: 2 people" in again.stdout, (
        again.stdout
    )  # only the roster

    back = tmp_path / "back"
    home = popbot("data", "migrate", "--from", database_url, "--to", str(back), data=data)
    assert home.returncode == 0, home.stderr
    draft_there = popbot("draft", "anna", data=back)
    draft_here = popbot("draft", "anna", data=data)
    assert draft_there.returncode == 0 and draft_there.stdout == draft_here.stdout
    assert "Plannen en klanten helpen" in draft_there.stdout
