"""Two replicas redeeming one invitation at the same moment (two processes, one PostgreSQL):
one binding, to one chat account; the other is told the link is not valid."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.app.platforms import accounts
from bot.people.access import Access
from storage.postgres.database import Database
from storage.postgres.store import PostgresStore

REDEEM = """
import sys, time
from datetime import UTC, datetime
from pathlib import Path
from bot.people.access import Access
from storage.postgres.database import Database
from storage.postgres.store import PostgresStore
from bot.app.platforms import accounts
url, token, handle, go = sys.argv[1:5]
db = Database(url); db.open()
access = Access(PostgresStore(db), lambda: datetime.now(UTC), accounts=accounts())
Path(go + "-" + handle).touch()
while not Path(go).exists():
    time.sleep(0.001)
print(access.redeem(token, "telegram", handle))
"""


def test_one_token_redeemed_by_two_replicas_at_once_binds_once(tmp_path: Path, database_url: str) -> None:
    db = Database(database_url)
    db.open()
    store = PostgresStore(db)
    access = Access(store, lambda: datetime.now(UTC), accounts=accounts())
    for attempt in range(5):  # five races, each with a new token
        token = access.invite(f"anna{attempt}", "telegram")
        go = tmp_path / f"go{attempt}"
        handles = [f"{attempt}01", f"{attempt}02"]
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", REDEEM, database_url, token, h, str(go)],
                stdout=subprocess.PIPE,
                text=True,
            )
            for h in handles
        ]
        deadline = time.monotonic() + 30
        while not all(Path(f"{go}-{h}").exists() for h in handles):
            assert time.monotonic() < deadline
            time.sleep(0.01)
        go.touch()
        answers = [p.communicate(timeout=30)[0].strip() for p in procs]
        assert sorted(answers) == ["None", f"anna{attempt}"], answers
        winner = handles[answers.index(f"anna{attempt}")]
        assert access.handle_of("telegram", f"anna{attempt}") == winner
        assert [access.who("telegram", h) for h in handles].count(f"anna{attempt}") == 1
    db.close()
