"""The same employee on Slack and on Telegram at the same moment, through both real adapters
sharing one engine (as `popbot serve` runs them): one wins cleanly, the record stays whole."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from adapters.slack.adapter import SlackAdapter
from adapters.telegram.adapter import TelegramAdapter
from bot.app.platforms import accounts
from bot.people.access import Access
from bot.people.roster import Person, Roster
from storage import TinyDBStore
from tests.adapters.test_slack import Slack
from tests.adapters.test_telegram import Bot
from tests.fakes.server import serving
from tests.fakes.slack_api import BOT_TOKEN, SECRET, FakeSlack
from tests.fakes.telegram_api import TOKEN, FakeTelegram, message
from tests.helpers import NL, NOW, make_engine

CHAT = 5001
STALE = NL.script.messages.stale_choice


@dataclass
class Both:
    slack: Slack
    telegram: Bot
    store: TinyDBStore


@pytest.fixture
async def both(tmp_path: Path) -> AsyncIterator[Both]:
    data = tmp_path / "data"
    store = TinyDBStore(data)
    roster = Roster(store)
    roster.import_people([Person("anna", "Anna", "nl", email="anna@example.org")])
    access = Access(store, lambda: NOW, timedelta(days=14), accounts=accounts())
    access.bind("telegram", str(CHAT), "anna")
    engine = make_engine(data)  # one engine, as in `popbot serve`
    slack_api, telegram_api = FakeSlack(), FakeTelegram()
    await slack_api.start()
    await telegram_api.start()
    slack_app = SlackAdapter(engine, access, roster).build(BOT_TOKEN, SECRET, slack_api.url)
    tg_app = TelegramAdapter(engine, access, roster).build(TOKEN, telegram_api.url)
    slack_web = slack_app.web_app(path="/slack/events")
    async with serving(slack_web) as slack_url, tg_app, httpx.AsyncClient(timeout=10) as http:
        assert tg_app.updater is not None
        await tg_app.updater.start_polling(poll_interval=0.0, timeout=1)
        await tg_app.start()
        try:
            yield Both(
                Slack(slack_api, f"{slack_url}/slack/events", data, http),
                Bot(telegram_api, access, data, CHAT),
                store,
            )
        finally:
            await tg_app.updater.stop()
            await tg_app.stop()
    await slack_api.stop()
    await telegram_api.stop()


async def test_two_presses_on_two_platforms_at_once_one_wins(both: Both) -> None:
    await both.slack.say("hoi")  # the dialog starts on Slack
    both.telegram.say("/start")  # and is opened on Telegram too: the same question, with buttons
    await both.telegram.settle()
    slack_question, telegram_question = both.slack.last_question(), both.telegram.last_question()
    slack_before, telegram_before = len(both.slack.api.posted()), len(both.telegram.api.sent_texts(CHAT))
    full, short = "Waar ben je goed in?", "met nog meer plezier gaat werken?"

    def new_on_slack() -> list[str]:
        return both.slack.api.posted()[slack_before:]

    def new_on_telegram() -> list[str]:
        return both.telegram.api.sent_texts(CHAT)[telegram_before:]

    def answered(texts: list[str]) -> bool:  # each platform hears back: the next question, or "too late"
        return any(full in t or short in t for t in texts)

    await asyncio.gather(both.slack.press("Volledig", slack_question), asyncio.to_thread(
        both.telegram.press, "Kort", telegram_question
    ))  # fmt: skip
    await both.telegram.api.wait_for(lambda: answered(new_on_slack()) and answered(new_on_telegram()), 30)
    await both.telegram.quiet()
    await both.slack.quiet()

    record = both.store.load("anna")
    assert record is not None and record.history == ["route"]  # answered once
    won_on_slack = record.answers["route"].value == "volledig"
    assert won_on_slack or record.answers["route"].value == "kort"
    on_slack, on_telegram = new_on_slack(), new_on_telegram()
    winner, loser = (on_slack, on_telegram) if won_on_slack else (on_telegram, on_slack)
    next_question = full if won_on_slack else short
    assert any(next_question in t for t in winner) and not any(STALE in t for t in winner)
    # the other press is told it came too late, then shown where the dialog is now
    stale_at = next(i for i, t in enumerate(loser) if STALE in t)
    assert any(next_question in t for t in loser[stale_at:])


async def test_two_messages_on_two_platforms_at_once_are_applied_one_after_the_other(both: Both) -> None:
    await both.slack.say("hoi")
    await both.slack.press("Volledig")  # now at a text question: "Waar ben je goed in?"
    both.telegram.api.push(message(CHAT, "Plannen (Telegram)"))
    await both.slack.say("Klanten helpen (Slack)")

    def both_applied() -> bool:
        record = both.store.load("anna")
        return record is not None and len(record.history) >= 3

    await both.telegram.api.wait_for(both_applied, 30)
    await both.telegram.quiet()
    record = both.store.load("anna")
    assert record is not None
    given = {record.answers["goed_in"].value, record.answers["leukste"].value}
    assert given == {"Plannen (Telegram)", "Klanten helpen (Slack)"}  # neither lost, neither twice
    assert record.history == ["route", "goed_in", "leukste"] and record.state == "energie"
