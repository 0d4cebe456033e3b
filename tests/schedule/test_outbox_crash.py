"""Kill the scheduler at each point of a send; after a restart nothing is lost and,
wherever the platform can tell what arrived, nothing is sent twice."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app.cli import main
from bot.app.platforms import accounts
from bot.schedule.outbox import Outbox
from storage.outbox_files import OutboxFiles
from tests.schedule_world import TOM_CHAT, World, world

POINTS = ["composed", "before_send", "after_send", "after_receipt", "before_close"]
PLATFORM_ROWS = {
    "console": "eva,Eva Smit,eva@example.org,nl,mila,console,,2027-01-20 11:00,Europe/Amsterdam",
    "slack": "eva,Eva Smit,eva@example.org,nl,mila,slack,U0EVA,2027-01-20 11:00,Europe/Amsterdam",
    "telegram": "eva,Eva Smit,eva@example.org,nl,mila,telegram,,2027-01-20 11:00,Europe/Amsterdam",
    "email": "eva,Eva Smit,eva@example.org,nl,mila,,,2027-01-20 11:00,Europe/Amsterdam",
}
HEADER = "id,name,email,language,manager,platform,handle,conversation,timezone\n"
MILA = "mila,Mila Bakker,mila@example.org,nl,,slack,U0MILA,,Europe/Amsterdam\n"
REVIEW_DUE = datetime(2027, 1, 12, 10, 0, tzinfo=UTC)  # T−8, 11:00 in Amsterdam


class Crash(BaseException):
    """Not an Exception: nothing in the scheduler may catch it, as with kill -9."""


def arrived(w: World, platform: str) -> int:
    """How many messages of the review reached Eva."""
    if platform == "console":
        return len(w.inbox("eva"))
    if platform == "slack":
        return len(w.slack.history.get("DU0EVA", []))
    if platform == "telegram":
        return len([c for c in w.telegram.calls if str(c.params.get("chat_id")) == str(TOM_CHAT)])
    return len(w.mailbox.messages)


@pytest.mark.parametrize("platform", list(PLATFORM_ROWS))
@pytest.mark.parametrize("point", POINTS)
async def test_a_crash_at_each_point_of_a_send(tmp_path: Path, platform: str, point: str) -> None:
    async with world(tmp_path, HEADER + MILA + PLATFORM_ROWS[platform] + "\n") as w:
        if platform == "telegram":  # Eva opened the bot once; the schedule writes to that chat
            from bot.people.access import Access
            from storage import TinyDBStore

            Access(TinyDBStore(w.data), w.clock, accounts=accounts()).bind("telegram", str(TOM_CHAT), "eva")
        first = w.scheduler()
        first.sync()
        for day in (6, 11):  # the invitation (T−14) and a reminder (T−10) go out as usual
            w.now = datetime(2027, 1, day, 10, 0, tzinfo=UTC)
            assert len((await first.run_due()).sent) == 1
        w.now = REVIEW_DUE
        hits = []

        def crash(at: str, _key: str) -> None:
            if at == point and not hits:
                hits.append(at)
                raise Crash(at)

        first.fault = crash
        # the review: a message and the PDF, two parts
        with pytest.raises(Crash):
            await first.run_due()
        assert hits == [point]
        crashed_key = next(e.key for e in Outbox(OutboxFiles(w.data)).everything() if e.status == "sending")

        await w.scheduler().run_due()  # the restart: a new process reading the same files
        outbox = Outbox(OutboxFiles(w.data))
        entry = outbox.get(crashed_key)
        assert entry is not None and entry.status == "sent", entry
        assert not list(outbox.due(w.now)), "nothing left due"
        # invitation + reminder + the review's two parts; e-mail: one message per entry
        expected = 3 if platform == "email" else 4
        blind = platform in ("telegram", "email")  # cannot be asked what arrived
        if point == "after_send" and blind:
            # The one window these platforms leave open: it answered, we died before
            # writing that down, and neither Telegram nor SMTP can be asked. The part is
            # sent again (for e-mail with the same Message-ID) and counted — never lost.
            expected += 1
        assert entry.repeats == (1 if blind and point in ("before_send", "after_send") else 0)
        assert arrived(w, platform) == expected


async def test_a_failing_channel_is_retried_with_back_off_then_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    row = PLATFORM_ROWS["email"]
    async with world(tmp_path, HEADER + MILA + row + "\n") as w:
        s = w.scheduler()
        s.sync()
        w.now = datetime(2027, 1, 6, 10, 0, tzinfo=UTC)  # the invitation is due
        w.mailbox.refuse = 1
        report = await s.run_due()
        assert report.retrying and not w.mailbox.messages
        entry = Outbox(OutboxFiles(w.data)).get(report.retrying[0])
        assert entry is not None and entry.attempts == 1 and "451" in entry.error
        assert entry.next_try == w.now + s.config.retry.delay(1)
        report = await s.run_due()  # too early for the next try
        assert not report.sent and not report.retrying
        w.now = entry.next_try
        report = await s.run_due()
        assert len(report.sent) == 1 and len(w.mailbox.messages) == 1

        # a channel that never works: after the last try it is FAILED, for HR to see
        del w.channels["email"]
        w.now = datetime(2027, 1, 12, 10, 0, tzinfo=UTC)
        s2 = w.scheduler()
        for _ in range(s2.config.retry.attempts):
            await s2.run_due()
            w.now += s2.config.retry.delay(s2.config.retry.attempts)
        everything = Outbox(OutboxFiles(w.data)).everything()
        failed = [e for e in everything if e.status == "failed"]
        assert {e.kind for e in failed} == {"review"}
        # the reminder's day went by while it was retried: skipped, not sent a day late (issue 13)
        assert [e.note for e in everything if e.kind == "reminder"] == ["reminder_passed"]
        assert "not configured" in failed[0].error
        # HR sees it in `popbot schedule status` (and the log said so)
        monkeypatch.setenv("POPBOT_DATA_DIR", str(w.data))
        monkeypatch.delenv("SMTP_HOST", raising=False)
        assert main(["schedule", "status"]) == 0
        out, err = capsys.readouterr()
        failed_rows = [line for line in out.splitlines() if "FAILED" in line]
        assert len(failed_rows) == 1 and all(
            "the email channel is not configured here" in r for r in failed_rows
        )
        assert "1 message(s) could not be delivered" in err
