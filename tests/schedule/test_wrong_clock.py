"""Issue 13, point 11: a clock that was wrong, or a bot that was down, never makes the
schedule send what no longer makes sense — and never delivers an unstarted draft early."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.schedule.outbox import Outbox
from storage.outbox_files import OutboxFiles
from tests.schedule_world import world


async def test_a_replan_under_a_clock_a_month_behind_sends_nothing_stale(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        w.now = datetime(2027, 1, 14, 9, 0, tzinfo=UTC)  # 4 days before Anna's conversation: late
        s = w.scheduler()
        s.sync()
        report = await s.run_due()
        assert "anna|2027-01-18T10:00:00+01:00|invitation" in report.sent

        w.now = datetime(2026, 12, 14, 9, 0, tzinfo=UTC)  # the server's clock a month behind
        w.scheduler().sync()  # e.g. a restart, or `popbot schedule plan`
        w.now = datetime(2027, 1, 14, 10, 0, tzinfo=UTC)  # the clock put right
        report = await w.schedulers[-1].run_due()
        anna = [k for k in report.sent if k.startswith("anna|")]
        assert anna == []  # no reminder, no review, and above all no draft of someone not started
        entries = {e.kind: e for e in Outbox(OutboxFiles(w.data)).everything() if e.person == "anna"}
        assert "reminder" not in entries and "review" not in entries
        delivery = entries["delivery"]
        assert delivery.late and delivery.deadline is not None and delivery.status == "planned"
        assert not [m for m in w.slack.posted("DU0MILA") if "Anna de Vries" in m]


async def test_after_an_outage_past_the_conversation_nothing_for_it_goes(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        s = w.scheduler()
        s.sync()  # 21 December: everything planned, then the bot is down for a month
        w.now = datetime(2027, 1, 18, 12, 0, tzinfo=UTC)  # Anna's conversation was this morning
        report = await w.scheduler().run_due()
        assert not [k for k in report.sent if k.startswith("anna|")]
        skipped = {
            e.kind: e.note
            for e in Outbox(OutboxFiles(w.data)).everything()
            if e.person == "anna" and e.status == "skipped"
        }
        for kind in ("invitation", "review", "delivery"):
            assert skipped[kind] == "conversation_over"
        # Ben's and Tom's conversations are still to come: theirs are caught up
        assert {k.rsplit("|", 1)[1] for k in report.sent if k.startswith("tom|")} >= {
            "invitation",
            "delivery",
        }
