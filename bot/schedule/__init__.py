"""The schedule: when each message goes (timeline), the durable record (outbox), what it
says (compose), sending it (scheduler), and its place in a running bot (background)."""

from bot.schedule.background import Background, retention
from bot.schedule.compose import Composer
from bot.schedule.outbox import Entry, Outbox
from bot.schedule.scheduler import PassReport, Scheduler
from bot.schedule.timeline import ScheduleConfig, load_schedule

__all__ = [
    "Background",
    "Composer",
    "Entry",
    "Outbox",
    "PassReport",
    "ScheduleConfig",
    "Scheduler",
    "load_schedule",
    "retention",
]
