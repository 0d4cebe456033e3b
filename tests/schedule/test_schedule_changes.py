"""The roster changes and the clock jumps: moved, cancelled, late and missed sends."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from bot.app.cli import main
from bot.schedule.outbox import Entry, Outbox
from storage import TinyDBStore
from storage.outbox_files import OutboxFiles
from tests.helpers import FULL_ROUTE, SHORT_ROUTE, Chat, import_roster
from tests.schedule_world import ROSTER, world


def by_kind(data: Path, person: str) -> dict[str, list[Entry]]:
    out: dict[str, list[Entry]] = {}
    for e in Outbox(OutboxFiles(data)).everything():
        if e.person == person:
            out.setdefault(e.kind, []).append(e)
    return out


async def test_a_moved_conversation_moves_everything_not_yet_sent(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        s = w.scheduler()
        s.sync()
        w.now = datetime(2027, 1, 4, 9, 30, tzinfo=UTC)  # Anna's invitation went
        assert any(k.startswith("anna|") for k in (await s.run_due()).sent)
        moved = ROSTER.replace("2027-01-18 10:00", "2027-02-15 10:00")
        (tmp_path / "roster.csv").write_text(moved, encoding="utf-8")
        import_roster(tmp_path / "roster.csv", w.data)
        s.sync()
        kinds = by_kind(w.data, "anna")
        old, new = (e for e in kinds["invitation"])
        assert (old.status, old.conversation[:10]) == ("sent", "2027-01-18")  # sent stays sent
        assert (new.status, new.conversation[:10]) == ("planned", "2027-02-15")  # a new one for the new date
        delivery = {e.conversation[:10]: e.status for e in kinds["delivery"]}
        assert delivery == {"2027-01-18": "cancelled", "2027-02-15": "planned"}
        # the old date passes: nothing more for it
        w.now = datetime(2027, 1, 12, 9, 30, tzinfo=UTC)
        assert not [k for k in (await s.run_due()).sent if k.startswith("anna|")]


async def test_someone_removed_from_the_roster_gets_nothing_more_and_keeps_their_answers(
    tmp_path: Path,
) -> None:
    async with world(tmp_path) as w:
        s = w.scheduler()
        s.sync()
        chat = Chat(w.engine, "anna")
        await chat.start()
        await chat.say("1")
        without = "\n".join(line for line in ROSTER.splitlines() if not line.startswith("anna,")) + "\n"
        (tmp_path / "roster.csv").write_text(without, encoding="utf-8")
        import_roster(tmp_path / "roster.csv", w.data)
        s.sync()
        assert {e.status for es in by_kind(w.data, "anna").values() for e in es} == {"cancelled"}
        w.now = datetime(2027, 1, 20, tzinfo=UTC)
        assert not [k for k in (await s.run_due()).sent if k.startswith("anna|")]
        record = TinyDBStore(w.data).load("anna")
        assert record is not None and "route" in record.answers


async def test_a_late_conversation_invites_at_once_and_sends_the_draft_when_finished(tmp_path: Path) -> None:
    late = ROSTER.replace("2027-01-18 10:00", "2027-01-15 10:00")  # Friday; "now" is the Monday before
    async with world(tmp_path, late) as w:
        w.now = datetime(2027, 1, 11, 10, 0, tzinfo=UTC)
        s = w.scheduler()
        s.sync()
        report = await s.run_due()
        assert "anna|2027-01-15T10:00:00+01:00|invitation" in report.sent
        assert "al snel" in w.inbox("anna")[0]
        assert "anna|2027-01-15T10:00:00+01:00|delivery" in report.waiting  # she has not finished
        chat = Chat(w.engine, "anna")
        await chat.start()
        for answer in SHORT_ROUTE:
            await chat.say(answer)
        w.now = datetime(2027, 1, 11, 10, 30, tzinfo=UTC)
        report = await s.run_due()
        assert "anna|2027-01-15T10:00:00+01:00|delivery" in report.sent
        to_mila = [m for m in w.slack.posted("DU0MILA") if "Anna de Vries" in m]
        assert len(to_mila) == 1 and "Laat:" in to_mila[0]


async def test_sends_missed_while_the_bot_was_down_are_caught_up_on_start(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        s = w.scheduler()
        s.sync()
        chat = Chat(w.engine, "anna")
        await chat.start()
        for answer in FULL_ROUTE:
            await chat.say(answer)
        # down from before T−14 until the day after T−7 (Tuesday morning)
        w.now = datetime(2027, 1, 12, 9, 0, tzinfo=UTC)
        restarted = w.scheduler()
        restarted.sync()  # what the adapters do on start: overdue entries stay due
        report = await restarted.run_due()
        sent = {k.rsplit("|", 1)[1] for k in report.sent if k.startswith("anna|")}
        assert {"invitation", "delivery"} <= sent
        # a review after its draft went is pointless (issue 13): skipped, with the reason
        assert "anna|2027-01-18T10:00:00+01:00|review" in report.skipped
        assert "anna|2027-01-18T10:00:00+01:00|reminder-8" in report.skipped  # she had finished
        assert len([m for m in w.slack.posted("DU0MILA") if "Anna de Vries" in m]) == 1


def test_schedule_status_shows_the_plan_for_the_example_roster(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("POPBOT_DATA_DIR", str(tmp_path / "data"))
    for name in ("SMTP_HOST", "TELEGRAM_BOT_TOKEN", "SLACK_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    example = Path(__file__).parent.parent.parent / "roster.example.csv"
    assert main(["roster", "import", str(example)]) == 0
    assert "message(s) planned" in capsys.readouterr().out
    assert main(["schedule", "status", "--all"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["due", "kind", "person", "to", "via", "status"]
    rows = [line.split() for line in out[1:]]
    assert ["2027-01-04", "10:00", "CET", "invitation", "anna", "anna", "email", "planned"] in rows
    assert ["2027-01-11", "10:00", "CET", "delivery", "anna", "mila", "slack", "planned"] in rows
    assert all(r[7] == "planned" for r in rows)
    everything = len(rows)

    # by default a summary (issue 16): failures first, what is due per day, how many are open
    assert main(["schedule", "status"]) == 0
    summary = capsys.readouterr().out
    assert (
        summary.startswith("Failed: 0")
        and f"Open (planned or being sent), all dates: {everything}" in summary
    )

    # filters: one person, a manager's reports, a kind, a status, a period — and JSON
    assert main(["schedule", "status", "--person", "anna", "--json"]) == 0
    anna = json.loads(capsys.readouterr().out)
    assert anna and {r["person"] for r in anna} == {"anna"}
    assert main(["schedule", "status", "--manager", "mila", "--kind", "delivery", "--json"]) == 0
    deliveries = json.loads(capsys.readouterr().out)
    assert deliveries and all(r["kind"] == "delivery" and r["to"] == "mila" for r in deliveries)
    assert main(["schedule", "status", "--from", "2027-01-04", "--to", "2027-01-04", "--json"]) == 0
    one_day = json.loads(capsys.readouterr().out)
    assert one_day and all(r["due_utc"].startswith("2027-01-04") for r in one_day)
    assert main(["schedule", "status", "--status", "sent", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["schedule", "status", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["open"] == everything
    # a wrong date is said, not a traceback
    assert main(["schedule", "status", "--from", "4-1-2027"]) == 2
    assert "--from takes a date as YYYY-MM-DD" in capsys.readouterr().err


async def test_a_new_manager_gets_future_sends_never_past_ones(tmp_path: Path) -> None:
    """Who may see what: the draft goes to whoever the roster names as manager when it is sent."""
    async with world(tmp_path) as w:
        s = w.scheduler()
        s.sync()
        chat = Chat(w.engine, "anna")
        await chat.start()
        for answer in FULL_ROUTE:
            await chat.say(answer)
        w.now = datetime(2027, 1, 8, 9, 30, tzinfo=UTC)  # the review (T−8, moved to Friday) went to Anna
        assert any(k.endswith("|review") for k in (await s.run_due()).sent if k.startswith("anna|"))
        # HR moves Anna to Piet (no chat: e-mail) before T−7
        (tmp_path / "roster.csv").write_text(
            ROSTER.replace("nl,mila,console", "nl,piet,console"), encoding="utf-8"
        )
        import_roster(tmp_path / "roster.csv", w.data)
        s.sync()
        w.now = datetime(2027, 1, 11, 9, 30, tzinfo=UTC)
        await s.run_due()
        to_piet = [m for m in w.mailbox.messages if "Anna de Vries" in str(m["Subject"])]
        assert len(to_piet) == 1 and to_piet[0]["To"] == "piet@example.org"
        assert not [t for t in w.slack.posted("DU0MILA") if "Anna de Vries" in t]  # Mila gets nothing more
