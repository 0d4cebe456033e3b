"""The schedule inside a running bot: a pass every interval, retention once a day."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime

from bot.people.privacy import PersonalData
from bot.schedule.scheduler import Scheduler

log = logging.getLogger("popbot.schedule")
DEFAULT_INTERVAL = 60.0  # seconds between passes
STOP_GRACE = 30.0  # seconds a stopping bot waits for a pass that is sending


class Background:
    """The scheduler inside a running bot: plan once at start, then a pass every interval.

    APScheduler runs the passes (one at a time; a pass that overruns is not
    doubled, missed runs collapse into one).
    """

    def __init__(
        self,
        scheduler: Scheduler,
        interval: float | None = None,
        purge: Callable[[], object] | None = None,
    ) -> None:
        from apscheduler.schedulers.asyncio import AsyncIOScheduler

        self.scheduler = scheduler
        self.purge = purge  # retention, once a day
        self.interval = interval or DEFAULT_INTERVAL
        self._aps = AsyncIOScheduler(timezone=UTC)
        self.observe: Callable[[float], None] = lambda _seconds: None  # each pass's duration (metrics)
        self._idle = asyncio.Event()  # no pass running
        self._idle.set()

    async def start(self) -> None:
        """The passes begin (every interval, the first at once), and the retention purge daily."""
        changed = await asyncio.to_thread(self.scheduler.sync)
        log.info("schedule planned (%d changes); a pass every %.0f s", changed, self.interval)
        self._aps.add_job(
            self._pass,
            "interval",
            seconds=self.interval,
            next_run_time=datetime.now(UTC),  # catch up at once on start
            max_instances=1,
            coalesce=True,
        )
        if self.purge is not None:
            self._aps.add_job(self._purge, "interval", hours=24, next_run_time=datetime.now(UTC))
        self._aps.start()

    async def _purge(self) -> None:
        assert self.purge is not None
        try:
            await asyncio.to_thread(self.purge)
        except Exception:
            log.exception("retention purge failed")

    async def _pass(self) -> None:
        self._idle.clear()
        began = time.perf_counter()
        try:
            await self.scheduler.run_due()
        except Exception:  # a broken pass must not stop the next one
            log.exception("schedule pass failed")
        finally:
            self.observe(time.perf_counter() - began)
            self._idle.set()

    async def stop(self) -> None:
        """No new pass; a pass that is sending may finish (APScheduler would cancel it, and a
        message a platform or SMTP took just before would go again at the next start)."""
        if not self._aps.running:
            return
        self._aps.pause()
        try:
            await asyncio.wait_for(self._idle.wait(), STOP_GRACE)
        except TimeoutError:
            log.warning("a schedule pass was still sending at stop; the outbox resumes it at the next start")
        self._aps.shutdown(wait=False)


def retention(personal: PersonalData, scheduler: Scheduler) -> Callable[[], dict[str, int]]:
    """The daily purge: the schedule's retention, the roster's idea of who is still here."""

    def active(person_id: str) -> bool:
        person = scheduler.roster.get(person_id)
        return person is not None and person.active

    return lambda: personal.purge(scheduler.clock(), scheduler.config.retention_months, active)
