"""Wiring the schedule: the scheduler, its channels, and its place in a running bot.

The composition root (`bot/cli.py`) calls these; tests build the same
objects with their own clock and fake platforms.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.access import Access
from bot.compose import Composer
from bot.engine import Clock, utc_now
from bot.errors import PopbotError
from bot.outbox import Outbox
from bot.privacy import PersonalData
from bot.registry import ScriptRegistry
from bot.roster import Person, Roster
from bot.scheduler import Channel, Scheduler
from bot.timeline import load_schedule

log = logging.getLogger("popbot.schedule")
DEFAULT_INTERVAL = 60.0  # seconds between passes
STOP_GRACE = 30.0  # seconds a stopping bot waits for a pass that is sending


def build_scheduler(
    data_dir: Path,
    scripts: ScriptRegistry,
    channels: dict[str, Channel],
    *,
    clock: Clock = utc_now,
    schedule_file: str | Path | None = None,
    invite_link: Callable[[Person], str | None] | None = None,
    managers: ScriptRegistry | None = None,
    follow_ups: ScriptRegistry | None = None,
    evaluations: ScriptRegistry | None = None,
) -> Scheduler:
    from storage import TinyDBStore
    from storage.outbox_files import OutboxFiles

    store = TinyDBStore(data_dir)
    config = load_schedule(schedule_file or os.environ.get("POPBOT_SCHEDULE") or None)
    missing = sorted(set(scripts.languages) - set(config.messages))
    if missing:
        raise PopbotError(f"the schedule has no messages for {', '.join(missing)} (dialogs/schedule.yaml)")
    return Scheduler(
        roster=Roster(store),
        store=store,
        access=Access(store, clock),
        outbox=Outbox(OutboxFiles(data_dir)),
        composer=Composer(config, scripts, invite_link, managers, follow_ups, evaluations, store.load),
        config=config,
        channels=channels,
        clock=clock,
    )


def smtp_from_env() -> Any:
    from adapters.email import SmtpSettings

    host = os.environ.get("SMTP_HOST", "").strip()
    if not host:
        return None
    security = os.environ.get("SMTP_SECURITY", "starttls").strip().lower()
    if security not in ("starttls", "ssl", "none"):
        raise PopbotError(f"SMTP_SECURITY must be starttls, ssl or none, not '{security}'")
    return SmtpSettings(
        host=host,
        port=int(os.environ.get("SMTP_PORT", "465" if security == "ssl" else "587")),
        sender=os.environ.get("SMTP_SENDER", "popbot@localhost"),
        user=os.environ.get("SMTP_USER", ""),
        password=os.environ.get("SMTP_PASSWORD", ""),
        security=security,
    )


def base_channels(data_dir: Path) -> dict[str, Channel]:
    """Channels every process has: the console inbox, and e-mail when SMTP is configured."""
    from adapters.console import ConsoleInbox
    from adapters.email import EmailChannel
    from storage import TinyDBStore

    channels: dict[str, Channel] = {"console": ConsoleInbox(TinyDBStore(data_dir))}
    smtp = smtp_from_env()
    if smtp is not None:
        channels["email"] = EmailChannel(smtp)
    return channels


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
        self.interval = interval or float(os.environ.get("POPBOT_SCHEDULE_INTERVAL", DEFAULT_INTERVAL))
        self._aps = AsyncIOScheduler(timezone=UTC)
        self._idle = asyncio.Event()  # no pass running
        self._idle.set()

    async def start(self) -> None:
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
        try:
            await self.scheduler.run_due()
        except Exception:  # a broken pass must not stop the next one
            log.exception("schedule pass failed")
        finally:
            self._idle.set()

    async def stop(self) -> None:
        """No new pass; a pass that is sending may finish (APScheduler would cancel it, and a
        message Telegram or SMTP took just before would go again at the next start)."""
        if not self._aps.running:
            return
        self._aps.pause()
        try:
            await asyncio.wait_for(self._idle.wait(), STOP_GRACE)
        except TimeoutError:
            log.warning("a schedule pass was still sending at stop; the outbox resumes it at the next start")
        self._aps.shutdown(wait=False)


def retention(personal: PersonalData, scheduler: Scheduler) -> Callable[[], object]:
    """The daily purge: the schedule's retention, the roster's idea of who is still here."""

    def active(person_id: str) -> bool:
        person = scheduler.roster.get(person_id)
        return person is not None and person.active

    return lambda: personal.purge(scheduler.clock(), scheduler.config.retention_months, active)
