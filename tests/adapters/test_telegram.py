"""The Telegram adapter end to end: the real python-telegram-bot Application,
talking HTTP to a fake Bot API server on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from adapters.telegram.adapter import TelegramAdapter
from bot.app.platforms import accounts
from bot.people.access import Access
from bot.people.roster import Person, Roster
from bot.platform import CALLS
from storage import TinyDBStore
from tests.fakes.telegram_api import TOKEN, FakeTelegram, button, edited, message, sticker
from tests.helpers import FULL_ROUTE, NOW, make_engine

ANNA = 5001


@dataclass
class Bot:
    api: FakeTelegram
    access: Access
    data: Path
    chat: int = ANNA

    def say(self, text: str) -> dict[str, Any]:
        return self.api.push(message(self.chat, text))

    def last_question(self) -> dict[str, Any]:
        """The last message the bot sent with buttons, as Telegram would hold it."""
        with_buttons = [c for c in self.api.of("sendMessage") if c.params.get("reply_markup")]
        assert with_buttons, self.api.sent_texts()
        result: dict[str, Any] = with_buttons[-1].result
        return result

    def buttons(self) -> list[tuple[str, str]]:
        rows = self.last_question()["reply_markup"]["inline_keyboard"]
        return [(b["text"], b["callback_data"]) for row in rows for b in row]

    def press(self, label_start: str, on: dict[str, Any] | None = None) -> dict[str, Any]:
        on = on or self.last_question()
        rows = on["reply_markup"]["inline_keyboard"]
        data = next(
            b["callback_data"]
            for row in rows
            for b in row
            if b["text"].casefold().startswith(label_start.casefold())
        )
        return self.api.push(button(self.chat, data, on))

    async def settle(self, method: str = "sendMessage", more: int = 1) -> None:
        """Wait until the bot made `more` further calls of `method` and went quiet."""
        target = len(self.api.of(method)) + more
        await self.api.wait_for(lambda: len(self.api.of(method)) >= target)
        await self.quiet()

    async def quiet(self) -> None:
        seen = -1
        while seen != len(self.api.calls):
            seen = len(self.api.calls)
            await asyncio.sleep(0.15)


@pytest.fixture
async def api() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram()
    await server.start()
    yield server
    await server.stop()


def make_adapter(tmp_path: Path) -> tuple[TelegramAdapter, Access]:
    store = TinyDBStore(tmp_path / "data")
    access = Access(store, lambda: NOW, timedelta(days=14), accounts=accounts())
    engine = make_engine(tmp_path / "data")
    roster = Roster(store)
    roster.import_people([Person("anna", "Anna", "nl"), Person("ben", "Ben", "en")])
    return TelegramAdapter(engine, access, roster), access


@pytest.fixture
async def bot(api: FakeTelegram, tmp_path: Path) -> AsyncIterator[Bot]:
    adapter, access = make_adapter(tmp_path)
    app = adapter.build(TOKEN, api.url, max_retries=3, first_wait=0.05)
    async with app:
        await adapter.register_commands(app)
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        await app.start()
        try:
            yield Bot(api, access, tmp_path / "data")
        finally:
            await app.updater.stop()
            await app.stop()


async def invited(bot: Bot, employee: str = "anna") -> None:
    token = bot.access.invite(employee, "telegram")
    bot.say(f"/start {token}")
    await bot.api.wait_for(
        lambda: any("Hoe wil je" in t or "How would you" in t for t in bot.api.sent_texts())
    )
    await bot.quiet()


async def test_commands_are_registered_per_language(bot: Bot) -> None:
    calls = bot.api.of("setMyCommands")
    by_lang = {c.params.get("language_code"): [x["command"] for x in c.params["commands"]] for c in calls}
    assert by_lang["nl"][:4] == ["vorige", "overslaan", "voortgang", "concept"]
    assert by_lang["en"][:4] == ["back", "skip", "progress", "draft"]
    assert by_lang[None] == by_lang["nl"]


async def test_invite_and_start(bot: Bot) -> None:
    await invited(bot)
    texts = bot.api.sent_texts(ANNA)
    assert any(t.startswith("Hoi! Ik help je") for t in texts)
    assert bot.buttons()[0][0].startswith("Volledig")
    assert all(len(data.encode()) <= 64 for _label, data in bot.buttons())


async def test_a_token_works_once(bot: Bot) -> None:
    token = bot.access.invite("anna", "telegram")
    bot.say(f"/start {token}")
    await bot.settle(more=2)
    stranger = 6006
    bot.api.push(message(stranger, f"/start {token}"))
    await bot.api.wait_for(lambda: bot.api.sent_texts(stranger))
    assert "niet (meer) geldig" in bot.api.sent_texts(stranger)[0]
    assert bot.access.who("telegram", str(stranger)) is None


async def test_a_stranger_is_refused_and_nothing_is_stored(bot: Bot) -> None:
    stranger = 6007
    before = sorted(p for p in bot.data.rglob("*") if p.is_file())
    bot.api.push(message(stranger, "/start"))
    bot.api.push(message(stranger, "hallo, mag ik meedoen?"))
    await bot.api.wait_for(lambda: len(bot.api.sent_texts(stranger)) >= 2)
    assert "ik ken je nog niet" in bot.api.sent_texts(stranger)[0]
    assert "I don't know you yet" in bot.api.sent_texts(stranger)[0]
    assert sorted(p for p in bot.data.rglob("*") if p.is_file()) == before


async def test_the_whole_dialog_by_polling_with_buttons(bot: Bot) -> None:
    await invited(bot)
    bot.press("Volledig")
    await bot.settle("editMessageText")
    edit = bot.api.of("editMessageText")[-1].params
    assert edit["text"].endswith("→ Volledig — alle zeven stappen (ongeveer 20 minuten)")
    assert "reply_markup" not in edit  # the buttons are gone
    for answer in FULL_ROUTE[1:]:
        q = bot.last_question() if bot.api.of("sendMessage")[-1].params.get("reply_markup") else None
        if q is not None and answer == "2, 6, 13":  # multiple choice: tick, tick, tick, done
            for label in ("☐ Gehele", "☐ Iemand zoeken", "☐ Een cursus"):
                bot.press(label, q)
                await bot.settle("editMessageReplyMarkup")
                q = {**q, "reply_markup": bot.api.of("editMessageReplyMarkup")[-1].params["reply_markup"]}
            bot.press("Klaar", q)
        elif q is not None and answer in ("4", "kort", "nee", "2", "ja"):
            label = {"4": "4", "kort": "Korte termijn", "nee": "nee", "2": "Elk kwartaal", "ja": "ja"}[answer]
            bot.press(label, q)
        else:
            bot.say(answer)
        await bot.settle()
    bot.say("/concept")
    await bot.settle("sendDocument")
    doc = bot.api.of("sendDocument")[-1].params
    content = doc["document"]["content"].decode("utf-8")
    assert "| Doel 1 | Klantgericht werken |" in content and "Dit concept is compleet." in content
    assert "Gehele of gedeeltelijke banenruil (jobrotation), Iemand zoeken die wil en kan coachen" in content
    assert doc["document"]["filename"].endswith(".md")
    assert "GEHEIM" not in content


async def test_forged_and_stale_buttons_change_nothing(bot: Bot) -> None:
    await invited(bot)
    route_question = bot.last_question()
    bot.press("Kort")
    await bot.settle()
    record = TinyDBStore(bot.data).load("anna")
    assert record is not None and record.answers["route"].value == "kort"
    bot.press("Volledig", route_question)  # a stale button
    await bot.settle()
    assert any("al voorbij" in t for t in bot.api.sent_texts())
    for data in (
        "deadbeef|kort",
        "x|y|z",
        "",
        "🙂" * 10,
        f"{bot.buttons()[0][1] if bot.buttons() else 'a'}|x",
    ):
        bot.api.push(button(ANNA, data, route_question))
        await bot.settle()
    record = TinyDBStore(bot.data).load("anna")
    assert record is not None and record.answers["route"].value == "kort" and record.state == "plezier"


async def test_a_duplicate_update_is_handled_once(bot: Bot) -> None:
    await invited(bot)
    bot.press("Volledig")
    await bot.settle()
    update = bot.say("Plannen")
    await bot.settle()
    bot.api.push(dict(update))  # the same update_id again
    bot.api.push(message(ANNA, "Roosters"))
    await bot.settle()
    record = TinyDBStore(bot.data).load("anna")
    assert record is not None
    assert record.answers["goed_in"].value == "Plannen" and record.answers["leukste"].value == "Roosters"


async def test_a_sticker_and_an_edited_message(bot: Bot) -> None:
    await invited(bot)
    bot.api.push(sticker(ANNA))
    await bot.settle()
    assert any("geen foto's, stickers" in t for t in bot.api.sent_texts())
    bot.api.push(edited(ANNA, "toch anders"))
    await bot.settle()
    assert any("bewerkt bericht" in t for t in bot.api.sent_texts())


async def test_a_429_is_waited_out_and_retried(bot: Bot) -> None:
    await invited(bot)
    bot.api.fail("sendMessage", 429, retry_after=1)
    before = CALLS.throttled.get("telegram", 0)
    bot.say("voortgang")

    def attempts() -> list[Any]:
        return [c for c in bot.api.of("sendMessage") if "Je voortgang" in str(c.params.get("text"))]

    await bot.api.wait_for(lambda: len(attempts()) == 2)  # refused once, then sent again
    await bot.quiet()
    assert len(attempts()) == 2
    first, second = attempts()
    assert second.at - first.at >= 1.0  # retry_after was respected
    assert CALLS.throttled["telegram"] == before + 1  # counted for /metrics


async def test_special_characters_show_literally_and_long_drafts_are_split(bot: Bot) -> None:
    await invited(bot)
    bot.press("Volledig")
    await bot.settle()
    nasty = "*_[]()~`>#+-=|{}.!\\ <b>vet</b> & <script>"
    bot.say(nasty)
    await bot.settle()
    for _ in range(3):
        bot.say("x" * 1990)
        await bot.settle()
    bot.say("/concept")
    await bot.settle("sendDocument")
    texts = bot.api.sent_texts()
    draft_parts = [t for t in texts if "Persoonlijk Ontwikkelingsplan" in t or "xxxxxxxx" in t]
    assert all(len(t) <= 4096 for t in texts)
    assert len(draft_parts) >= 2  # the draft did not fit one message
    joined = "\n".join(texts)
    assert "&lt;b&gt;vet&lt;/b&gt; &amp; &lt;script&gt;" in joined  # escaped for parse_mode=HTML
    assert "<b>vet</b>" not in joined
    assert all(c.params.get("parse_mode") == "HTML" for c in bot.api.of("sendMessage"))


async def test_webhook_mode_checks_the_secret(api: FakeTelegram, tmp_path: Path) -> None:
    adapter, access = make_adapter(tmp_path)
    app = adapter.build(TOKEN, api.url)
    async with app:
        assert app.updater is not None
        await app.updater.start_webhook(
            listen="127.0.0.1",
            port=0,
            url_path="telegram",
            webhook_url="https://pop.example.org/telegram",
            secret_token="s3cret",
        )
        await app.start()
        try:
            port = app.updater._httpd._http_server._sockets[  # type: ignore[union-attr]
                next(iter(app.updater._httpd._http_server._sockets))
            ].getsockname()[1]  # type: ignore[union-attr]
            webhook = api.of("setWebhook")[-1].params
            assert webhook["secret_token"] == "s3cret"
            token = access.invite("anna", "telegram")
            update = {"update_id": 900, **message(ANNA, f"/start {token}")}
            async with httpx.AsyncClient() as client:
                url = f"http://127.0.0.1:{port}/telegram"
                wrong = await client.post(
                    url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "nope"}
                )
                missing = await client.post(url, json=update)
                assert wrong.status_code == 403 and missing.status_code == 403
                await asyncio.sleep(0.3)
                assert access.who("telegram", str(ANNA)) is None  # nothing changed
                right = await client.post(
                    url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret"}
                )
                assert right.status_code == 200
            await api.wait_for(lambda: any("Hoe wil je" in t for t in api.sent_texts(ANNA)))
            assert access.who("telegram", str(ANNA)) == "anna"
        finally:
            await app.updater.stop()
            await app.stop()


async def test_an_employee_of_the_roster_starts_in_their_language(bot: Bot) -> None:
    bot.chat = 5002
    token = bot.access.invite("ben", "telegram")
    bot.say(f"/start {token}")
    await bot.api.wait_for(
        lambda: any("How would you like to prepare?" in t for t in bot.api.sent_texts(5002))
    )


async def test_a_restart_mid_dialog_continues_where_she_was(api: FakeTelegram, tmp_path: Path) -> None:
    for round_ in range(2):
        adapter, access = make_adapter(tmp_path)
        app = adapter.build(TOKEN, api.url)
        async with app:
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0.0, timeout=1)
            await app.start()
            bot = Bot(api, access, tmp_path / "data")
            if round_ == 0:
                await invited(bot)
                bot.say("1")
                await bot.settle()
                bot.say("Plannen")
                await bot.settle()
            else:
                bot.say("Roosters maken")
                await bot.settle()
                assert bot.api.sent_texts(ANNA)[-1] == "<b>Waar krijg je energie van?</b>"
            await app.updater.stop()
            await app.stop()
    record = TinyDBStore(tmp_path / "data").load("anna")
    assert record is not None and record.answers["leukste"].value == "Roosters maken"


async def test_the_invitation_button_starts_the_dialog(bot: Bot) -> None:
    """The schedule's invitation (for someone already bound) has a start button: "!start"."""
    bot.access.bind("telegram", str(ANNA), "anna")
    invitation = {
        "message_id": 1,
        "date": 0,
        "chat": {"id": ANNA, "type": "private"},
        "text": "Hoi Anna!",
        "reply_markup": {"inline_keyboard": [[{"text": "Begin", "callback_data": "!start"}]]},
    }
    bot.api.push(button(ANNA, "!start", invitation))
    await bot.api.wait_for(lambda: any("Hoe wil je" in t for t in bot.api.sent_texts(ANNA)))
    await bot.quiet()
    assert bot.api.of("editMessageReplyMarkup")  # the button is gone
    bot.press("Volledig")
    await bot.settle()
    state = TinyDBStore(bot.data).load("anna").state
    bot.api.push(button(ANNA, "!start", invitation))  # a second press: resume, never reset
    await bot.settle()
    assert TinyDBStore(bot.data).load("anna").state == state


async def test_a_manager_prepares_and_agrees_with_buttons(api: FakeTelegram, tmp_path: Path) -> None:
    """Issue 7 through the real Application: "!prep:<ref>" opens the preparation, "!agree:<ref>"
    records the manager's agreement; forged refs open and record nothing."""
    from tests.helpers import MANAGER_ROUTE, make_team_engine

    roster = (
        "id,name,language,manager,platform,conversation\n"
        "mila,Mila Bakker,nl,,telegram,\n"
        "anna,Anna de Vries,nl,mila,telegram,2027-01-18 10:00\n"
        "eve,Eve,nl,,telegram,\n"
    )
    data = tmp_path / "data"
    engine = make_team_engine(data, roster)
    store = TinyDBStore(data)
    access = Access(store, lambda: NOW, timedelta(days=14), accounts=accounts())
    access.bind("telegram", str(ANNA), "mila")  # Mila's chat
    access.bind("telegram", "5002", "eve")
    adapter = TelegramAdapter(engine, access, Roster(store))
    app = adapter.build(TOKEN, api.url, max_retries=3, first_wait=0.05)
    ref = engine.team.reports("mila")[0].ref  # type: ignore[union-attr]

    def invitation(chat: int, data: str) -> dict[str, Any]:
        markup = {"inline_keyboard": [[{"text": "Voorbereiden", "callback_data": data}]]}
        return {
            "message_id": 1,
            "date": 0,
            "chat": {"id": chat, "type": "private"},
            "text": "Hoi",
            "reply_markup": markup,
        }

    async with app:
        await adapter.register_commands(app)
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        await app.start()
        try:
            mila = Bot(api, access, data)
            assert any(c["command"] == "team" for c in api.of("setMyCommands")[0].params["commands"])
            api.push(button(5002, f"!prep:{ref}", invitation(5002, f"!prep:{ref}")))  # Eve forges it
            await mila.settle()
            assert TinyDBStore(data).load("eve").active is None  # type: ignore[union-attr]
            api.push(button(ANNA, f"!prep:{ref}", invitation(ANNA, f"!prep:{ref}")))
            await api.wait_for(lambda: any("competentieprofiel" in t for t in api.sent_texts(ANNA)))
            await mila.quiet()
            for answer in MANAGER_ROUTE:  # typed; scales and yes/no accept the typed answer too
                mila.say(answer)
                await mila.settle()
            assert any("je voorbereiding is klaar" in t for t in api.sent_texts(ANNA))
            # vaststelling: Anna has confirmed; Mila agrees with the button
            await engine.agree("anna", ref)
            api.push(button(ANNA, f"!agree:{ref}", invitation(ANNA, f"!agree:{ref}")))
            await api.wait_for(
                lambda: any("akkoord met het POP van Anna de Vries" in t for t in api.sent_texts(ANNA))
            )
            api.push(button(5002, f"!agree:{ref}", invitation(5002, f"!agree:{ref}")))  # forged again
            await mila.settle()
            agreed = TinyDBStore(data).load("anna").agreed  # type: ignore[union-attr]
            assert set(agreed["2027-01-18T10:00:00+01:00"]) == {"employee", "manager"}
        finally:
            await app.updater.stop()
            await app.stop()


async def test_telegram_down_for_a_while_replies_arrive_once(bot: Bot) -> None:
    """5xx answers and dropped connections, for the replies and for polling: the bot retries
    with back-off, catches up, and every reply arrives exactly once."""
    await invited(bot)
    bot.api.fail("sendMessage", 502, retry_after=None)
    bot.api.drop("sendMessage")
    bot.api.fail("sendMessage", 503, retry_after=None)
    bot.press("Volledig")
    await bot.api.wait_for(lambda: any("Waar ben je goed in?" in t for t in bot.api.sent_texts()), timeout=30)
    await bot.quiet()
    bot.api.drop("getUpdates", 2)  # polling loses its connection twice, then gets a 500
    bot.api.fail("getUpdates", 500, retry_after=None)
    await bot.api.wait_for(lambda: sum(c.failed for c in bot.api.of("getUpdates")) == 3, timeout=30)
    bot.say("Plannen terwijl Telegram hapert")  # polling has to be back to see this
    await bot.api.wait_for(lambda: any("leukste aan je werk" in t for t in bot.api.sent_texts()), timeout=30)
    await bot.quiet()
    texts = bot.api.sent_texts(ANNA)
    assert sum("Waar ben je goed in?" in t for t in texts) == 1
    assert sum("leukste aan je werk" in t for t in texts) == 1
    failed = [c for c in bot.api.calls if c.failed]
    assert len(failed) == 6  # every fault happened, and each was retried
    record = TinyDBStore(bot.data).load("anna")
    assert record is not None and record.answers["goed_in"].value == "Plannen terwijl Telegram hapert"


async def test_identity_is_the_sender_never_the_chat(bot: Bot) -> None:
    """Issue 13, points 13 and 14: only a person's own private chat counts, as that person."""
    await invited(bot)
    before = (await asyncio.to_thread(TinyDBStore(bot.data).load, "anna")).model_dump()  # type: ignore[union-attr]
    calls = len(bot.api.calls)
    group = -100123
    in_group = message(ANNA, "Plannen")
    in_group["message"]["chat"] = {"id": group, "type": "supergroup", "title": "Team"}
    bot.api.push(in_group)  # Anna herself, in a group: not the place for her answers
    forged = message(ANNA, "Plannen")
    forged["message"]["from"] = {**forged["message"]["from"], "id": 6010}  # someone else, Anna's chat
    bot.api.push(forged)
    # a stranger presses a button on a message of Anna's chat: the chat says Anna, the presser not
    press = button(6011, bot.buttons()[0][1], bot.last_question())
    bot.api.push(press)
    await bot.api.wait_for(lambda: bool(bot.api.of("answerCallbackQuery")))
    await bot.quiet()
    after = (await asyncio.to_thread(TinyDBStore(bot.data).load, "anna")).model_dump()  # type: ignore[union-attr]
    assert after == before  # nothing answered for Anna
    spoken = [
        c for c in bot.api.calls[calls:] if c.method in ("sendMessage", "sendDocument", "editMessageText")
    ]
    assert spoken == []  # and nothing said: not in the group, not to Anna, not to the others
