"""The schedule end to end: a month of a small company's clock, every channel on loopback."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from pypdf import PdfReader

from bot.domain import DONE
from bot.schedule.outbox import Entry, Outbox
from storage.outbox_files import OutboxFiles
from tests.helpers import FULL_ROUTE, Chat
from tests.schedule_world import TOM_CHAT, World, world

AMS = ZoneInfo("Europe/Amsterdam")
LONDON = ZoneInfo("Europe/London")


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def entries(w: World) -> dict[str, Entry]:
    """Every outbox entry as "person:kind", e.g. "anna:invitation", "tom:reminder-10"."""
    return {f"{e.person}:{e.key.rsplit('|', 1)[1]}": e for e in Outbox(OutboxFiles(w.data)).everything()}


async def prepare_anna(w: World) -> None:
    """Anna finishes, types an emoji and accents, and keeps one answer private herself."""
    chat = Chat(w.engine, "anna")
    await chat.start()
    for answer in FULL_ROUTE:
        await chat.say(answer)
    assert (await chat.record()).state == DONE
    error = await w.engine.set_answer(
        "anna", "leukste", "Puzzelen in het café ☕ met roosters 🚀 — één keer per week"
    )
    assert error is None
    await chat.say("privé 2")
    assert "Waar ben je goed in?" in chat.text and "privé" in chat.text


async def run_days(w: World, until: datetime, step: timedelta = timedelta(minutes=30)) -> None:
    while w.now < until:
        w.now += step
        await w.schedulers[-1].run_due()


async def test_a_month_of_the_schedule(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        w.scheduler().sync()
        await prepare_anna(w)
        ben = Chat(w.engine, "ben")
        await ben.start()
        await ben.say("1")  # full route, then one answer: unfinished
        await ben.say("Planning and helping customers")

        await run_days(w, datetime(2027, 1, 21, tzinfo=UTC))
        got = entries(w)

        # invitations at T−14 in the employee's own working hours
        assert got["anna:invitation"].sent_at == datetime(2027, 1, 4, 10, 0, tzinfo=AMS)
        assert got["ben:invitation"].sent_at == datetime(2027, 1, 5, 14, 30, tzinfo=LONDON)
        assert got["tom:invitation"].sent_at == datetime(2027, 1, 6, 11, 0, tzinfo=AMS)
        # reminders only while unfinished: Anna had finished, Tom had not started
        assert got["anna:reminder-8"].status == "skipped"
        assert got["tom:reminder-10"].status == "sent"
        # never outside working hours or on a weekend, in the recipient's time zone
        for e in got.values():
            if e.status == "sent":
                zone = LONDON if e.to == "ben" else AMS
                local = e.sent_at.astimezone(zone) if e.sent_at else None
                assert local is not None and local.weekday() < 5 and 9 <= local.hour < 17, (e.key, local)
        # the review before the delivery, the delivery a week before, the employee told after it
        for who in ("anna", "ben", "tom"):
            review, delivery, told = got[f"{who}:review"], got[f"{who}:delivery"], got[f"{who}:delivered"]
            assert review.sent_at < delivery.sent_at <= told.sent_at, who
        assert got["anna:delivery"].sent_at == datetime(2027, 1, 11, 10, 0, tzinfo=AMS)
        assert all(e.status in ("sent", "skipped") for e in got.values()), {
            k: e.status for k, e in got.items()
        }

        # Anna (console): invitation, review with the PDF, told it was sent — each once
        inbox = w.inbox("anna")
        assert len(inbox) == 4  # invitation, review, its PDF, "sent" — the reminder was skipped
        assert "Begin met voorbereiden" in inbox[0] and "precies wat Mila Bakker" in inbox[1]
        assert ".pdf" in inbox[2] and "naar Mila Bakker gestuurd" in inbox[3]
        # Mila (Slack) got Anna's and Ben's drafts: a message and the PDF, once each
        mila_files = [f["id"] for m in w.slack.history["DU0MILA"] for f in m.get("files") or []]
        uploads = [w.slack.uploads[f] for f in mila_files]
        assert len(uploads) == 2 and all(u["content"] for u in uploads)
        anna_pdf = pdf_text(next(u["content"] for u in uploads if "Anna" in u["name"]))
        assert "Anna de Vries" in anna_pdf and "Mila Bakker" in anna_pdf
        assert "café" in anna_pdf and "één keer" in anna_pdf and "🚀" in anna_pdf
        for private in ("GEHEIM-tegenop-marker", "GEHEIM-hobby-marker", "Plannen en klanten helpen"):
            assert private not in anna_pdf
        ben_pdf = pdf_text(next(u["content"] for u in uploads if "Ben" in u["name"]))
        assert "Dit concept is nog niet compleet." in ben_pdf  # in Mila's language, Ben's answer as written
        assert "Planning and helping customers" in ben_pdf
        to_mila = w.slack.posted("DU0MILA")
        assert (
            sum("Ben Jansen" in m for m in to_mila) == 1 and sum("Anna de Vries" in m for m in to_mila) == 1
        )
        # Tom (Telegram): invitation with a start button, a reminder, the review with the PDF, the notice
        tg = [c for c in w.telegram.calls if c.params.get("chat_id") in (TOM_CHAT, str(TOM_CHAT))]
        assert [c.method for c in tg] == [
            "sendMessage",
            "sendMessage",
            "sendMessage",
            "sendDocument",
            "sendMessage",
        ]
        assert tg[0].params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "!start"
        # Piet has no chat: Tom's draft by e-mail, the PDF attached, marked incomplete
        assert len(w.mailbox.messages) == 1
        mail = w.mailbox.messages[0]
        assert mail["To"] == "piet@example.org" and "Tom Visser" in mail["Subject"]
        body, attachment = [p for p in mail.walk() if not p.is_multipart()]
        assert "nog niet klaar" in body.get_content() and "Nog open" in body.get_content()
        assert attachment.get_filename().endswith(".pdf")
        assert "Tom Visser" in pdf_text(attachment.get_payload(decode=True))
