"""`popbot roster import` and `show`: errors per line, nothing half-imported, data kept."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot import Incoming
from bot.app.cli import main
from bot.app.platforms import accounts
from bot.app.settings import Settings
from bot.app.wiring import Parts
from bot.people.roster import Roster, RosterError, parse_roster
from bot.people.said import Said
from storage import TinyDBStore
from tests.helpers import SHORT_ROUTE, Chat, make_engine

EXAMPLE = Path(__file__).parent.parent.parent / "roster.example.csv"
HEADER = "id,name,email,language,manager,platform,handle,conversation,timezone\n"


def write(tmp_path: Path, rows: str) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def test_the_example_roster_imports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("POPBOT_DATA_DIR", str(tmp_path / "data"))
    assert main(["roster", "import", str(EXAMPLE)]) == 0
    assert "4 people: 4 added, 0 updated" in capsys.readouterr().out
    roster = Roster(TinyDBStore(tmp_path / "data"))
    ben = roster.by_account("slack", "U0BEN")
    assert ben is not None and ben.manager == "mila" and ben.language == "en"
    assert roster.by_email("ANNA@example.org") == roster.get("anna")
    when = roster.get("anna").conversation_at()  # type: ignore[union-attr]
    assert when is not None and when.strftime("%Y-%m-%d %H:%M %Z") == "2027-01-18 10:00 CET"
    assert main(["roster", "show", "--all"]) == 0
    out = capsys.readouterr().out
    assert "anna   Anna de Vries  mila     2027-01-18 10:00 CET  telegram  not started" in out
    # by default per manager, counts only (issue 16)
    assert main(["roster", "show"]) == 0
    lines = [line.split() for line in capsys.readouterr().out.splitlines()]
    assert lines[0] == ["manager", "reports", "invited", "started", "finished", "delivered", "agreed"]
    assert ["mila", "2", "–", "–", "–", "–", "–"] in lines  # two reports: hidden, as in the console
    assert ["all", "4", "–", "–", "–", "–", "–"] in lines  # fewer than five in all: hidden too
    assert main(["roster", "show", "--manager", "mila", "--json"]) == 0
    reports = json.loads(capsys.readouterr().out)
    assert sorted(r["id"] for r in reports) == ["anna", "ben"]
    assert all("answers" not in r for r in reports)  # where they stand, never what they said


CASES = [
    ("e1,Eva,,nl,e77,,,,\n", "roster.csv:2: manager 'e77' is not in the roster"),
    ("e1,Eva,,nl,,,,,\ne1,Eef,,nl,,,,,\n", "roster.csv:3: id 'e1' is already on line 2"),
    (
        "e1,Eva,,nl,,,,morgen,\n",
        "roster.csv:2: conversation 'morgen' is not a date and time like 2027-03-14 10:00",
    ),
    (
        "e1,Eva,,nl,,,,,Mars/Olympus\n",
        "roster.csv:2: time zone 'Mars/Olympus' is unknown (e.g. Europe/Amsterdam)",
    ),
    ("e1,Eva,,fr,,,,,\n", "roster.csv:2: language 'fr' has no script (use en, nl)"),
    ("e1,Eva,eva-at-example,nl,,,,,\n", "roster.csv:2: 'eva-at-example' is not an e-mail address"),
    (
        "e1,Eva,,nl,,whatsapp,,,\n",
        "roster.csv:2: platform 'whatsapp' is not one of console, mattermost, slack, teams, telegram",
    ),
    ("e1,Eva,,nl,,slack,eva,,\n", "roster.csv:2: 'eva' is not a Slack user id (U…)"),
    ("e1,Eva,,nl,e2,,,,\ne2,Ed,,nl,e1,,,,\n", "roster.csv:2: managers go round in a circle: e1 → e2 → e1"),
    (",Eva,,nl,,,,,\n", "roster.csv:2: empty id"),
    (
        "e1,Ev\x07a,,nl,,,,,\n",
        "roster.csv:2: name: not valid text (control characters or invalid characters)",
    ),
    # one account for two people would bind one of them to the other's draft (issue 13)
    (
        "e1,Eva,eva@example.org,nl,,,,,\ne2,Eef,EVA@Example.org,nl,,,,,\n",
        "roster.csv:3: e-mail 'eva@example.org' is already on line 2",
    ),
    (
        "e1,Eva,,nl,,slack,U0EVA,,\ne2,Eef,,nl,,slack,U0EVA,,\n",
        "roster.csv:3: slack handle 'U0EVA' is already on line 2",
    ),
    (
        "e1,Eva,,nl,,telegram,@Eva,,\ne2,Eef,,nl,,telegram,@eva,,\n",
        "roster.csv:3: telegram handle '@eva' is already on line 2",
    ),
]


@pytest.mark.parametrize(("rows", "expected"), CASES, ids=[c[1].split(": ", 1)[1] for c in CASES])
def test_errors_name_the_line_and_nothing_is_imported(
    tmp_path: Path,
    rows: str,
    expected: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("POPBOT_DATA_DIR", str(tmp_path / "data"))
    write(tmp_path, rows + "ok1,Okke,,nl,,,,,\n")  # one good line: still nothing is imported
    assert main(["roster", "import", "roster.csv"]) == 1
    err = capsys.readouterr().err
    assert expected in err.splitlines()
    assert "nothing was imported" in err
    assert Roster(TinyDBStore(tmp_path / "data")).everyone() == []


def test_missing_and_unknown_columns(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("id,naam\ne1,Eva\n", encoding="utf-8")
    with pytest.raises(RosterError) as caught:
        parse_roster(path, ("nl",), accounts=accounts())
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:1: missing column(s): name",
        f"{path}:1: unknown column(s): naam (known: id, name, email, language, "
        "manager, platform, handle, conversation, timezone, country, department)",
    ]


async def test_reimport_updates_and_removal_keeps_the_data(tmp_path: Path) -> None:
    data = tmp_path / "data"
    roster = Roster(TinyDBStore(data))
    roster.import_people(
        parse_roster(
            write(tmp_path, "e1,Eva,eva@example.org,nl,,,,,\ne2,Ed,,nl,e1,,,,\n"),
            ("nl", "en"),
            accounts=accounts(),
        )
    )
    engine = make_engine(data)
    await engine.start("e2")
    await engine.handle("e2", Incoming.say("1"))
    result = roster.import_people(
        parse_roster(
            write(tmp_path, "e1,Eva van Dam,eva@example.org,nl,,,,,\n"), ("nl", "en"), accounts=accounts()
        )
    )
    assert (result.added, result.updated, result.deactivated) == ([], ["e1"], ["e2"])
    assert roster.get("e1").name == "Eva van Dam"  # type: ignore[union-attr]
    gone = roster.get("e2")
    assert gone is not None and not gone.active  # the schedule stops…
    record = TinyDBStore(data).load("e2")
    assert record is not None and record.answers["route"].value == "volledig"  # …the answers stay
    again = roster.import_people(
        parse_roster(
            write(tmp_path, "e1,Eva van Dam,eva@example.org,nl,,,,,\n"), ("nl", "en"), accounts=accounts()
        )
    )
    assert (again.added, again.updated, again.deactivated) == ([], [], [])


# ---------------------------------------------------------------- as Dutch HR exports it (issue 13)

EXCEL_NL = (
    "id;name;email;language;manager;platform;handle;conversation;timezone\r\n"
    "mila;Mila Bakker;mila@example.org;nl;;console;;;\r\n"
    "\r\n"
    'anna;"Anna de Vries\r\n(afdeling Zuid)";anna@example.org;nl;mila;console;;18-1-2027 10:00:00;\r\n'
    "jose;José Müller-Ørsted;jose@example.org;nl;mila;console;;28-03-2027 02:30;Europe/Amsterdam\r\n"
    "eef;Eef;eef@example.org;nl;mila;console;;01-02-2020 10:00;\r\n"
)


def test_a_dutch_excel_export_imports_with_warnings_on_the_right_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("POPBOT_DATA_DIR", str(tmp_path / "data"))
    (tmp_path / "roster.csv").write_bytes(EXCEL_NL.encode("cp1252"))  # ; and Windows-1252
    assert main(["roster", "import", "roster.csv"]) == 0
    captured = capsys.readouterr()
    assert "4 people: 4 added" in captured.out
    err = captured.err.splitlines()
    assert "roster.csv: read as Windows-1252 (Excel's own CSV); 'CSV UTF-8' is read as is" in err
    # a blank line and a name over two lines before it: José is on line 6 as an editor counts
    assert any(
        line.startswith("roster.csv:6: warning: conversation 2027-03-28 02:30 does not exist") for line in err
    ), err
    assert any(
        line.startswith("roster.csv:7: warning: conversation 2020-02-01 10:00 is in the past") for line in err
    )
    roster = Roster(TinyDBStore(tmp_path / "data"))
    assert roster.get("jose").name == "José Müller-Ørsted"  # type: ignore[union-attr]
    assert roster.get("anna").name == "Anna de Vries (afdeling Zuid)"  # type: ignore[union-attr]


def test_an_error_after_a_multi_line_field_names_the_line_an_editor_shows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("POPBOT_DATA_DIR", str(tmp_path / "data"))
    write(tmp_path, '\ne1,"Eva\nvan Dam",,nl,,,,,\n\ne2,Eef,,nl,,,,gisteren,\n')
    assert main(["roster", "import", "roster.csv"]) == 1
    assert "roster.csv:6: conversation 'gisteren' is not a date and time like 2027-03-14 10:00" in (
        capsys.readouterr().err.splitlines()
    )


def test_a_file_in_no_known_encoding_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("POPBOT_DATA_DIR", str(tmp_path / "data"))
    (tmp_path / "roster.csv").write_bytes(b"id,name\ne1,Ev\x81a\n")
    assert main(["roster", "import", "roster.csv"]) == 1
    assert "roster.csv:2: not UTF-8 nor Windows-1252 text" in capsys.readouterr().err


async def test_hr_counts_come_from_the_progress_log_and_leave_with_an_erasure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 16: `roster show` counts from one small log the engine and the scheduler write
    as people reach each stage — not from every record and plan."""
    data = tmp_path / "data"
    monkeypatch.setenv("POPBOT_DATA_DIR", str(data))
    monkeypatch.setenv("POPBOT_WEB_MIN_GROUP", "1")  # every group shown: the counting itself is tested
    rows = (
        "mila,Mila,mila@example.org,nl,,console,,,Europe/Amsterdam\n"
        "anna,Anna,anna@example.org,nl,mila,console,,2027-01-18 10:00,Europe/Amsterdam\n"
        "ben,Ben,ben@example.org,nl,mila,console,,2027-03-18 10:00,Europe/Amsterdam\n"
    )
    assert main(["roster", "import", str(write(tmp_path, rows))]) == 0

    def counts() -> dict[str, int]:
        capsys.readouterr()
        assert main(["roster", "show", "--json"]) == 0
        return dict(json.loads(capsys.readouterr().out)["mila"])

    assert counts() == dict(reports=2, invited=0, started=0, finished=0, delivered=0, agreed=0)
    now = [datetime(2027, 1, 4, 12, 0, tzinfo=UTC)]  # after anna's invitation (T−14)
    parts = Parts(Settings(), clock=lambda: now[0])
    assert (await parts.scheduler().run_due()).sent
    anna = Chat(parts.engine, "anna")
    await anna.start()
    for answer in SHORT_ROUTE:
        await anna.say(answer)
    now[0] = datetime(2027, 1, 11, 12, 0, tzinfo=UTC)  # after the draft goes to mila (T−7)
    assert any(key.endswith("|delivery") for key in (await parts.scheduler().run_due()).sent)
    assert counts() == dict(reports=2, invited=1, started=1, finished=1, delivered=1, agreed=0)

    # the counts are the log's: without anna's record and plan they stay the same
    (data / "employees").rename(tmp_path / "elsewhere")
    (data / "outbox" / "plans").rename(tmp_path / "plans-elsewhere")
    assert counts()["finished"] == 1
    (tmp_path / "elsewhere").rename(data / "employees")
    (tmp_path / "plans-elsewhere").rename(data / "outbox" / "plans")

    assert main(["privacy", "erase", "anna", "--yes"]) == 0
    assert counts() == dict(reports=2, invited=0, started=0, finished=0, delivered=0, agreed=0)
    assert b"started" not in (data / "progress.log").read_bytes()


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_roster_is_read_not_garbled(tmp_path: Path, codec: str) -> None:
    """Excel's "Unicode text" saves tab-separated UTF-16 with a byte-order mark; some tools
    leave the mark out."""
    text = EXCEL_NL.replace(";", "\t")
    path = tmp_path / "roster.txt"
    path.write_bytes(text.encode(codec))
    notes: list[Said] = []
    people = {p.id: p for p in parse_roster(path, ("nl", "en"), warnings=notes, accounts=accounts())}
    assert people["jose"].name == "José Müller-Ørsted" and people["anna"].email == "anna@example.org"
    assert any("read as UTF-16" in str(n) for n in notes)
    assert any("gelezen als UTF-16-tekst" in n.render("nl") for n in notes)  # HR's language too
    path.write_bytes(b"\xff\xfe" + "id\tname\n".encode("utf-16-le") + b"\x00\xd8")  # a broken half
    with pytest.raises(RosterError) as caught:
        parse_roster(path, ("nl", "en"), accounts=accounts())
    assert "not valid UTF-16" in str(caught.value)


def test_problems_are_said_in_the_readers_language(tmp_path: Path) -> None:
    """Issue 27: the console shows roster problems in HR's language, word for word."""
    path = tmp_path / "roster.csv"
    path.write_text(
        "id,name,email,language,manager,platform,handle,conversation\n"
        "e1,Eva,eva@example.org,nl,,slack,U0EVA,\ne2,Eef,EVA@example.org,nl,,slack,U0EVA,\n",
        encoding="utf-8",
    )
    with pytest.raises(RosterError) as caught:
        parse_roster(path, ("nl", "en"), accounts=accounts())
    dutch = [p.render("nl").removeprefix(f"{path}:") for p in caught.value.problems]
    assert dutch == [
        "3: e-mailadres 'eva@example.org' staat al op regel 2",
        "3: slack-account 'U0EVA' staat al op regel 2",
    ]
