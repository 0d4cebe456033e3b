"""A small company for schedule tests: a roster, every channel on loopback, a clock to move.

Managers: mila (Slack) and piet (no chat: e-mail). Reports: anna (console),
ben (Slack, English, London), tom (Telegram), all with conversations in
January 2027. Telegram and Slack are the fake servers over real HTTP; e-mail
goes to a real SMTP server (aiosmtpd) on 127.0.0.1.
"""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import Message
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from slack_sdk.web.async_client import AsyncWebClient
from telegram import Bot

from adapters.console import ConsoleInbox
from adapters.email import EmailChannel, SmtpSettings
from adapters.slack.channel import SlackChannel
from adapters.telegram.channel import TelegramChannel
from bot.app.platforms import accounts
from bot.app.wiring import build_scheduler
from bot.dialog.registry import ScriptRegistry
from bot.engine.engine import Engine
from bot.people.access import Access
from bot.people.privacy import PersonalData
from bot.people.roster import Roster
from bot.people.team import RosterTeam
from bot.ports import Channel
from bot.schedule.outbox import Outbox
from bot.schedule.scheduler import Scheduler
from bot.schedule.timeline import load_schedule
from storage import TinyDBStore
from storage.outbox_files import OutboxFiles
from tests.fakes.slack_api import BOT_TOKEN, FakeSlack
from tests.fakes.telegram_api import TOKEN, FakeTelegram
from tests.helpers import EN, MANAGER_EN, MANAGER_NL, NL, NOW, family, import_roster, make_engine

ROSTER = """id,name,email,language,manager,platform,handle,conversation,timezone
mila,Mila Bakker,mila@example.org,nl,,slack,U0MILA,,Europe/Amsterdam
piet,Piet Mulder,piet@example.org,nl,,,,,Europe/Amsterdam
anna,Anna de Vries,anna@example.org,nl,mila,console,,2027-01-18 10:00,Europe/Amsterdam
ben,Ben Jansen,ben@example.org,en,mila,slack,U0BEN,2027-01-19 14:30,Europe/London
tom,Tom Visser,tom@example.org,nl,piet,telegram,,2027-01-20 11:00,Europe/Amsterdam
"""
TOM_CHAT = 6001


class Mailbox:
    """aiosmtpd's handler: keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.refuse = 0  # refuse this many messages with a 451 first

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            self.refuse -= 1
            return "451 Try again later"
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class World:
    data: Path
    slack: FakeSlack
    telegram: FakeTelegram
    mailbox: Mailbox
    channels: dict[str, Channel]
    engine: Engine
    now: datetime = datetime(2026, 12, 21, 8, 0, tzinfo=UTC)
    schedulers: list[Scheduler] = field(default_factory=list)
    schedule_file: Path | None = None  # HR's schedule file; None = the bundled one

    def clock(self) -> datetime:
        return self.now

    def scheduler(self) -> Scheduler:
        """A fresh scheduler reading everything from disk, as after a restart."""
        s = build_scheduler(
            self.data,
            self.engine.scripts,
            self.channels,
            clock=self.clock,
            schedule_file=self.schedule_file,
            managers=self.engine.managers,
            follow_ups=self.engine.follow_ups,
            evaluations=self.engine.evaluations,
            organisation=self.engine.organisation,
        )
        self.schedulers.append(s)
        return s

    def inbox(self, person: str) -> list[str]:
        return [i["text"] for i in TinyDBStore(self.data).load_inbox(person)]


@asynccontextmanager
async def world(tmp_path: Path, roster: str = ROSTER, managers: bool = False) -> AsyncIterator[World]:
    """`managers=True`: managers prepare too (their script, `team`, the alignment summary)."""
    data = tmp_path / "data"
    csv = tmp_path / "roster.csv"
    csv.write_text(roster, encoding="utf-8")
    import_roster(csv, data)
    store = TinyDBStore(data)
    Access(store, lambda: datetime.now(UTC), accounts=accounts()).bind("telegram", str(TOM_CHAT), "tom")
    slack, telegram, mailbox = FakeSlack(), FakeTelegram(), Mailbox()
    await slack.start()
    await telegram.start()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    bot = Bot(TOKEN, base_url=f"{telegram.url}/bot{{token}}")
    await bot.initialize()
    channels: dict[str, Channel] = {
        "console": ConsoleInbox(store),
        "slack": SlackChannel(AsyncWebClient(token=BOT_TOKEN, base_url=slack.url)),
        "telegram": TelegramChannel(bot),
        "email": EmailChannel(SmtpSettings(host="127.0.0.1", port=smtp.port, security="none")),
    }
    try:
        engine = make_engine(data)
        if managers:
            engine = Engine(
                {"nl": NL, "en": EN},
                store,
                clock=lambda: NOW,
                managers=ScriptRegistry.of(MANAGER_NL, MANAGER_EN),
                team=RosterTeam(Roster(store)),
                follow_ups=family("followup"),
                evaluations=family("evaluation"),
                organisation=family("organisation"),
                outbox=Outbox(OutboxFiles(data)),
                # as the composition root has it: HR's counts and the employee's data rights
                milestones=store,
                personal=PersonalData(
                    store, OutboxFiles(data), Access(store, lambda: NOW, accounts=accounts()), lambda: NOW
                ),
                kind_names=lambda lang: {**load_schedule(None).texts(lang).kinds},
            )
        yield World(data, slack, telegram, mailbox, channels, engine)
    finally:
        await bot.shutdown()
        smtp.stop()
        await telegram.stop()
        await slack.stop()
