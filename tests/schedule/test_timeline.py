"""The timeline: offsets from HR's YAML, working hours, time zones, late conversations."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.errors import PopbotError
from bot.people.roster import Person
from bot.schedule.timeline import WorkingHours, load_schedule, next_working, on_the_day, plan

CFG = load_schedule()
AMS = ZoneInfo("Europe/Amsterdam")
HOURS = CFG.working_hours


def anna(conversation: str = "2027-01-18T10:00:00+01:00", tz: str = "Europe/Amsterdam") -> Person:
    return Person(id="anna", name="Anna", manager="mila", conversation=conversation, timezone=tz)


def local(at: datetime, zone: ZoneInfo = AMS) -> str:
    return at.astimezone(zone).strftime("%a %Y-%m-%d %H:%M")


def test_next_working_waits_for_the_next_working_morning() -> None:
    friday_evening = datetime(2027, 1, 8, 18, 30, tzinfo=AMS)
    assert local(next_working(friday_evening, AMS, HOURS)) == "Mon 2027-01-11 09:00"
    early = datetime(2027, 1, 12, 7, 0, tzinfo=AMS)
    assert local(next_working(early, AMS, HOURS)) == "Tue 2027-01-12 09:00"
    inside = datetime(2027, 1, 12, 13, 15, tzinfo=AMS)
    assert next_working(inside, AMS, HOURS) == inside


def test_on_the_day_keeps_the_day_or_moves_before_the_weekend() -> None:
    sunday = datetime(2027, 1, 10, 10, 0, tzinfo=AMS)
    assert local(on_the_day(sunday, AMS, HOURS)) == "Fri 2027-01-08 09:00"
    late_monday = datetime(2027, 1, 11, 20, 0, tzinfo=AMS)
    assert local(on_the_day(late_monday, AMS, HOURS)) == "Mon 2027-01-11 16:59"


def test_the_plan_for_a_conversation_on_a_monday() -> None:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    got = {p.key.rsplit("|", 1)[1]: local(p.due) for p in plan(anna(), AMS, CFG, now)}
    assert got == {
        "invitation": "Mon 2027-01-04 10:00",  # T−14
        "review": "Fri 2027-01-08 09:00",  # T−8 is a Sunday: the working day before
        "reminder-8": "Mon 2027-01-11 09:00",  # T−8 on Sunday waits for Monday morning
        "delivery": "Mon 2027-01-11 10:00",  # T−7
    }  # T−10 (Friday) is the review's day: one message that day, not two


def test_time_zones_are_the_recipients() -> None:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    ben = anna("2027-01-19T14:30:00+00:00", "Europe/London")
    due = {p.kind: p.due for p in plan(ben, AMS, CFG, now)}
    assert local(due["invitation"], ZoneInfo("Europe/London")) == "Tue 2027-01-05 14:30"
    # the manager is in Amsterdam: T−7 is 15:30 there, inside her working hours
    assert local(due["delivery"]) == "Tue 2027-01-12 15:30"


def test_a_late_conversation_gets_its_invitation_at_once_and_the_draft_when_finished() -> None:
    now = datetime(2027, 1, 13, 12, 0, tzinfo=UTC)  # Wednesday; the conversation is Monday
    got = {p.kind: p for p in plan(anna(), AMS, CFG, now)}
    assert set(got) == {"invitation", "delivery"}
    assert got["invitation"].due == now and got["invitation"].late
    delivery = got["delivery"]
    assert delivery.late and delivery.due == now
    # T−1 is a Sunday: the manager has it by the start of Friday at the latest
    assert delivery.deadline is not None and local(delivery.deadline) == "Fri 2027-01-15 09:00"


def test_past_inactive_or_undated_conversations_plan_nothing() -> None:
    now = datetime(2027, 2, 1, tzinfo=UTC)
    assert plan(anna(), AMS, CFG, now) == []
    assert plan(Person(id="x", name="X"), AMS, CFG, now) == []
    inactive = Person(id="x", name="X", conversation="2027-03-01T10:00:00+01:00", active=False)
    assert plan(inactive, AMS, CFG, now) == []


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("delivery: 7", "delivery: 9"), "timeline: Value error, needs invitation > review > delivery"),
        (('start: "09:00"', 'start: "18:00"'), "working_hours: Value error, working hours need start < end"),
        (("  attempts: 6", "  attempts: zes"), "retry.attempts: Input should be a valid integer"),
        (("    reminder: |-", "    herinnering: |-"), "messages.nl.reminder: Field required"),
        (("timeline:", "timeline: ["), "invalid YAML"),
    ],
)
def test_a_broken_schedule_file_is_named_with_what_is_wrong(
    tmp_path: Path, edit: tuple[str, str], message: str
) -> None:
    from bot.schedule.timeline import bundled_schedule_path

    text = bundled_schedule_path().read_text(encoding="utf-8")
    assert edit[0] in text
    broken = tmp_path / "schedule.yaml"
    broken.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    with pytest.raises(PopbotError) as err:
        load_schedule(broken)
    assert str(broken) in str(err.value) and message in str(err.value)
    if message == "invalid YAML":  # with the line and column where the parser stopped
        assert re.search(r"schedule\.yaml:\d+:\d+: invalid YAML", str(err.value))


def test_working_hours_need_a_day() -> None:
    with pytest.raises(ValueError):
        WorkingHours(days=[], start="09:00", end="17:00")  # type: ignore[arg-type]


def test_the_check_in_choice_must_name_the_scripts_question(tmp_path: Path) -> None:
    from bot.app.wiring import build_scheduler
    from tests.helpers import family

    text = (Path(__file__).parent.parent.parent / "dialogs" / "schedule.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "schedule.yaml"
    bad.write_text(text.replace("{maand: 1, kwartaal: 3", "{wekelijks: 1, kwartaal: 3"), encoding="utf-8")
    with pytest.raises(PopbotError, match="checkin_question 'evaluatiemoment' must be a choice question"):
        build_scheduler(tmp_path / "data", family("pop"), {}, schedule_file=bad)
