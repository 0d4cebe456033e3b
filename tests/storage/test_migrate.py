"""`popbot data migrate`: a data folder into PostgreSQL and back — everything there, verified,
the source untouched, and a second run writes nothing."""

from __future__ import annotations

import hashlib
import json
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
    # the files kept beside the records: a PDF in Mila's inbox, an export Anna saved
    from storage import TinyDBStore

    files = TinyDBStore(data)
    files.save_file("mila", "POP-concept-Anna.pdf", b"%PDF-1.7 Anna's draft")
    files.save_inbox("mila", [{"key": "anna|2027-03-01|delivery", "text": "📄 POP-concept-Anna.pdf",
                               "files": ["POP-concept-Anna.pdf"]}])  # fmt: skip
    files.save_file("anna", "mijn-gegevens.json", b'{"anna": true}', export=True)
    from storage.script_edits import ScriptEditFolder

    script = (Path(__file__).parents[2] / "dialogs" / "pop.nl.yaml").read_text(encoding="utf-8")
    stamp = ScriptEditFolder(data / "dialogs").save_script_edit("pop", "nl", script + "\n# HR's edit\n")
    before = tree_digest(data)

    moved = popbot("data", "migrate", "--to", database_url, data=data)
    assert moved.returncode == 0, moved.stderr
    assert "verified" in moved.stdout and "records: 1 in the source, 1 in the target" in moved.stdout
    assert "files: 2 in the source, 2 in the target" in moved.stdout
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
    returned = TinyDBStore(back)
    assert returned.read_file("mila", "POP-concept-Anna.pdf") == b"%PDF-1.7 Anna's draft"
    assert returned.read_file("anna", "mijn-gegevens.json", export=True) == b'{"anna": true}'
    edits = ScriptEditFolder(back / "dialogs")  # HR's edit came back with its stamp, live
    assert edits.script_edit_history("pop", "nl") == [stamp] and "# HR's edit" in str(
        edits.edited_script("pop", "nl")
    )


def _organisation(tmp_path: Path, name: str, people: int) -> Path:
    """A data folder with a roster of `people` and their planned schedule."""
    data = tmp_path / name
    csv = tmp_path / f"{name}.csv"
    rows = "".join(
        f"{name}{n},Persoon {n},{name}{n}@example.org,nl,{name}0,console,,2027-03-0{1 + n % 8} 10:00\n"
        for n in range(1, people)
    )
    csv.write_text(
        "id,name,email,language,manager,platform,handle,conversation\n"
        f"{name}0,Baas,{name}0@example.org,nl,,console,,\n{rows}",
        encoding="utf-8",
    )
    assert popbot("roster", "import", str(csv), data=data).returncode == 0
    return data


def test_migrate_refuses_a_target_with_another_organisations_data(tmp_path: Path, database_url: str) -> None:
    first, second = _organisation(tmp_path, "a", 6), _organisation(tmp_path, "b", 4)
    assert popbot("data", "migrate", "--to", database_url, data=first).returncode == 0
    again = popbot("data", "migrate", "--to", database_url, data=first)  # a rerun from the same place
    assert again.returncode == 0 and "verified" in again.stdout, again.stdout + again.stderr

    mixed = popbot("data", "migrate", "--to", database_url, data=second)
    assert mixed.returncode == 1 and "already holds data that did not come from here" in mixed.stderr
    assert "6 people" in mixed.stderr and "Traceback" not in mixed.stderr
    back = tmp_path / "back"
    assert popbot("data", "migrate", "--from", database_url, "--to", str(back), data=first).returncode == 0
    shown = popbot("roster", "show", "--all", "--json", data=back)
    assert sorted(p["id"] for p in json.loads(shown.stdout)) == [f"a{n}" for n in range(6)]

    merged = popbot("data", "migrate", "--merge", "--to", database_url, data=second)
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert "the target holds besides the source's" in merged.stdout and "(merged)" in merged.stdout

    replaced = popbot("data", "migrate", "--replace", "--to", database_url, data=second)
    assert replaced.returncode == 0 and "verified" in replaced.stdout, replaced.stdout + replaced.stderr
    assert "holds besides" not in replaced.stdout
    home = tmp_path / "home"
    assert popbot("data", "migrate", "--from", database_url, "--to", str(home), data=second).returncode == 0
    shown = popbot("roster", "show", "--all", "--json", data=home)
    assert sorted(p["id"] for p in json.loads(shown.stdout)) == [f"b{n}" for n in range(4)]
    assert popbot("schedule", "status", "--all", "--json", data=home).stdout.count('"a1"') == 0


def test_migrate_verifies_against_the_source_not_only_counts(tmp_path: Path) -> None:
    from bot.app.platforms import accounts
    from bot.app.settings import Settings
    from bot.app.stores import open_stores
    from storage.transfer import Report, _verify, transfer

    data = _organisation(tmp_path, "a", 3)
    target_dir = tmp_path / "copy"
    settings = Settings(popbot_data_dir=data)  # type: ignore[call-arg]
    source, target = open_stores(settings, data), open_stores(settings, target_dir)
    try:
        assert transfer(source, target, origin="a", platforms=accounts().names).verified
        person = next(iter(target.people.people()))
        changed = [
            dict(p, name="Iemand anders") if p["id"] == person["id"] else p for p in target.people.people()
        ]
        target.people.save_roster(changed, None)  # same counts, another name
        report = Report()
        ids, people = sorted(source.people.employee_ids()), list(source.people.people())
        _verify(source, target, ids, people, report, accounts().names)
        assert not report.verified and f"roster {person['id']}" in report.mismatched
    finally:
        source.close()
        target.close()
