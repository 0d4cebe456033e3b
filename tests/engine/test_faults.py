"""Faults: a platform that is down for a while, and two presses of the same button at once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from bot.messages import Incoming, Question
from bot.schedule.outbox import Outbox
from storage.outbox_files import OutboxFiles
from tests.helpers import Chat, make_engine
from tests.schedule_world import world


async def test_slack_down_for_a_while_the_schedule_catches_up_and_sends_once(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        s = w.scheduler()
        s.sync()
        for _ in range(3):  # Slack answers 503 to the next three posts
            w.slack.fail("chat.postMessage", status=503)
        w.now = datetime(2027, 1, 5, 14, 30, tzinfo=UTC)  # Ben's invitation is due
        first = await s.run_due()
        key = next(k for k in first.retrying if k.startswith("ben|"))
        for _ in range(5):  # back-off: each try waits longer; the clock follows it
            entry = Outbox(OutboxFiles(w.data)).get(key)
            assert entry is not None
            if entry.status == "sent":
                break
            assert entry.next_try is not None
            w.now = entry.next_try
            await s.run_due()
        entry = Outbox(OutboxFiles(w.data)).get(key)
        assert entry is not None and entry.status == "sent" and entry.attempts == 3
        to_ben = [m for m in w.slack.history.get("DU0BEN", []) if "Ben" in str(m.get("text"))]
        assert len(to_ben) == 1  # failed posts left nothing; the good one arrived once


async def test_two_presses_of_the_same_button_at_once_one_wins_cleanly(tmp_path: Path) -> None:
    engine = make_engine(tmp_path)
    chat = Chat(engine, "anna")
    await chat.start()
    q = chat.question
    assert isinstance(q, Question) and q.options
    first, second = await asyncio.gather(
        engine.handle("anna", Incoming.press(q.ref, q.options[0].id, "tg:1")),
        engine.handle("anna", Incoming.press(q.ref, q.options[1].id, "slack:1")),
    )
    record = await chat.record()
    assert record.answers["route"].value == q.options[0].id  # the first press counts
    assert record.history == ["route"]  # once, not twice
    stale = engine.messages_for("nl").stale_choice
    assert any(getattr(o, "text", "") == stale for o in second)  # the second is told it was too late
    assert not any(getattr(o, "text", "") == stale for o in first)


async def test_a_stopping_bot_lets_the_pass_that_is_sending_finish() -> None:
    """APScheduler cancels a running job at shutdown; a send cut off after Telegram or SMTP took
    it would go again at the next start. Stopping waits for the pass instead."""
    from bot.schedule.background import Background

    class SlowPass:
        started = asyncio.Event()
        finished = False

        def sync(self) -> int:
            return 0

        async def run_due(self) -> None:
            self.started.set()
            await asyncio.sleep(0.5)  # sending
            self.finished = True

    slow = SlowPass()
    background = Background(slow, interval=3600)  # type: ignore[arg-type]
    await background.start()
    await asyncio.wait_for(slow.started.wait(), 5)
    await background.stop()
    assert slow.finished


async def test_chats_are_answered_while_a_pass_composes(tmp_path: Path) -> None:
    """A T−7 pass composes two PDFs per manager (~0.7 s each time): in a running bot the chat
    must not wait for it. Here composing is held until the chat has been answered: were it on
    the event loop, the chat would never be answered (the bound turns that hang into a failure)."""
    import threading

    async with world(tmp_path) as w:
        s = w.scheduler()
        s.sync()
        w.now = datetime(2027, 1, 6, 14, 0, tzinfo=UTC)  # three invitations are due
        compose = s.composer.compose
        composing, release = threading.Event(), threading.Event()

        def held(*args: object, **kwargs: object) -> object:
            composing.set()
            release.wait(timeout=120)  # CPU-bound work, as fpdf2's is, for as long as the test says
            return compose(*args, **kwargs)  # type: ignore[arg-type]

        s.composer.compose = held  # type: ignore[method-assign]
        passing = asyncio.create_task(s.run_due())
        try:
            assert await asyncio.to_thread(composing.wait, 60)  # the pass is composing
            out = await asyncio.wait_for(w.engine.start("zoe"), timeout=60)
            assert out and not passing.done()
        finally:
            release.set()
        report = await passing
        assert len(report.sent) == 3
