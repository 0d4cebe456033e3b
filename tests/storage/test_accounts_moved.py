"""People have accounts (platform + handle), not a field per platform — and what an earlier
release stored moves over: PostgreSQL's columns by the migration, a roster file on reading."""

from __future__ import annotations

import json
from pathlib import Path

from psycopg.types.json import Jsonb

from bot.app.platforms import accounts
from bot.people.roster import Person, Roster
from storage import TinyDBStore
from storage.postgres.database import Database, migrations, upgrade
from storage.postgres.store import PostgresStore
from tests.postgres_server import Cluster

OID = "0a0a0a0a-0000-4000-8000-00000000a0a0"


def test_the_migration_moves_the_columns_per_platform_into_one_table(
    postgres: Cluster, tmp_path: Path
) -> None:
    db = Database(postgres.fresh_database())
    db.open()
    try:
        with db.transaction() as conn:  # the schema as the release before accounts left it
            conn.execute("CREATE TABLE popbot_schema (version int PRIMARY KEY, name text NOT NULL, "
                         "applied_at timestamptz NOT NULL DEFAULT now())")  # fmt: skip
            for version, name, sql in migrations():
                if version <= 4:
                    conn.execute(sql.encode("utf-8"))
                    conn.execute("INSERT INTO popbot_schema (version, name) VALUES (%s, %s)", (version, name))
            for pid, slack, teams in (("anna", "U0ANNA", None), ("cem", None, OID), ("dirk", None, None)):
                doc = {
                    "id": pid,
                    "name": pid.title(),
                    "platform": "slack" if slack else "teams" if teams else "",
                }
                doc |= {"slack": slack or "", "teams": teams or ""}
                conn.execute("INSERT INTO people (id, data, email, slack, teams) VALUES (%s, %s, %s, %s, %s)",
                             (pid, Jsonb(doc), f"{pid}@example.nl", slack, teams))  # fmt: skip
        assert "0005_person_accounts" in upgrade(db)
        store = PostgresStore(db)
        roster = Roster(store)
        anna, cem, dirk = (roster.get(p) for p in ("anna", "cem", "dirk"))
        assert anna is not None and anna.accounts == {"slack": "U0ANNA"}
        assert cem is not None and cem.accounts == {"teams": OID}
        assert dirk is not None and dirk.accounts == {}
        assert roster.by_account("slack", "U0ANNA") == anna and roster.by_account("teams", OID) == cem
        with db.connection() as conn:
            asked = "SELECT column_name FROM information_schema.columns WHERE table_name = 'people'"
            columns = {r[0] for r in conn.execute(asked)}
        assert columns == {"id", "data", "email"}  # no column per platform is left
    finally:
        db.close()


def test_a_roster_file_an_earlier_release_wrote_is_read_with_accounts(tmp_path: Path) -> None:
    folder = tmp_path / "people"
    folder.mkdir()
    old = [
        {"id": "anna", "name": "Anna", "platform": "slack", "slack": "U0ANNA", "teams": "", "active": True},
        {"id": "cem", "name": "Cem", "platform": "teams", "slack": "", "teams": OID, "active": True},
    ]
    (folder / "roster.json").write_text(json.dumps({"roster": {"1": {"people": old, "pending": None}}}))
    roster = Roster(TinyDBStore(tmp_path))
    anna = roster.by_account("slack", "U0ANNA")
    assert anna == Person("anna", "Anna", platform="slack", accounts={"slack": "U0ANNA"})
    assert roster.by_account("teams", OID) == roster.get("cem") != None  # noqa: E711
    # and an import writes them in today's shape, beside anyone new
    roster.save([*roster.everyone(), Person("dirk", "Dirk")])
    written = json.loads((folder / "roster.json").read_text())["roster"]["1"]["people"]
    assert all("slack" not in p and "teams" not in p and "accounts" in p for p in written)
    assert accounts().names  # the registry gives the platforms whose accounts these are
