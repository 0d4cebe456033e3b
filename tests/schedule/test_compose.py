"""What the schedule says, per kind, channel and language."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.dialog.registry import ScriptRegistry
from bot.messages import Button, Document, Text
from bot.people.roster import Person
from bot.schedule.compose import Composer
from bot.schedule.outbox import Entry
from bot.schedule.timeline import load_schedule
from tests.helpers import EN, NL

NOW = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
ANNA = Person(
    "anna",
    "Anna de Vries",
    "nl",
    manager="mila",
    platform="telegram",
    conversation="2027-01-18T10:00:00+01:00",
)
MILA = Person("mila", "Mila Bakker", "en", email="mila@example.org", timezone="Europe/London")


def composer(**kw: object) -> Composer:
    return Composer(load_schedule(), ScriptRegistry.of(NL, EN), **kw)  # type: ignore[arg-type]


def entry(kind: str, late: bool = False) -> Entry:
    return Entry(
        key=f"anna|x|{kind}", kind=kind, person="anna", conversation=ANNA.conversation, due=NOW, late=late
    )


def test_the_invitation_in_chat_has_a_start_button_and_says_when() -> None:
    got = composer().compose(entry("invitation"), ANNA, MILA, ANNA, None, NOW, delivery_at=NOW, email=False)
    (button,) = got.parts
    assert (
        isinstance(button, Button) and button.action == "start" and button.label == "Begin met voorbereiden"
    )
    assert button.text.startswith(
        "Hoi Anna! Op maandag 18 januari 2027 om 10:00 heb je je POP-gesprek met Mila Bakker."
    )
    assert "20 minuten" in button.text


def test_an_emailed_invitation_carries_the_personal_telegram_link() -> None:
    c = composer(invite_link=lambda p: f"https://t.me/pop_bot?start=TOKEN-{p.id}")
    got = c.compose(entry("invitation"), ANNA, MILA, ANNA, None, NOW, delivery_at=NOW, email=True)
    (text,) = got.parts
    assert isinstance(text, Text) and text.text.endswith("https://t.me/pop_bot?start=TOKEN-anna")
    assert got.subject == "Concept-POP van Anna de Vries — gesprek op maandag 18 januari 2027 om 10:00"


def test_the_managers_delivery_is_in_the_managers_language_and_time_zone() -> None:
    got = composer().compose(
        entry("delivery", late=True), ANNA, MILA, MILA, None, NOW, delivery_at=NOW, email=True
    )
    text, pdf = got.parts
    assert isinstance(text, Text) and isinstance(pdf, Document)
    assert text.text.startswith(
        "Hi Mila, here is Anna de Vries's draft POP for your conversation on Monday 18 January 2027 at 09:00"
    )
    assert "Late:" in text.text and "has not finished preparing" in text.text
    assert "attached as a PDF" in text.text
    assert pdf.mime == "application/pdf" and pdf.filename == "draft-pop-Anna-de-Vries.pdf"
    assert isinstance(pdf.content, bytes) and pdf.content.startswith(b"%PDF")
