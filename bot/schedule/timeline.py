"""When popbot writes to whom: the timeline of a POP-gesprek, from HR's YAML.

`dialogs/schedule.yaml` holds the offsets (days before the conversation),
working hours and the retry policy, and every sentence the schedule sends.
`plan()` turns one person's conversation into the messages that should go
out, each with a stable key; the scheduler keeps the outbox in line with it.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from importlib import resources
from pathlib import Path
from typing import Annotated, Protocol
from zoneinfo import ZoneInfo

import holidays
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError

from bot.dialog.render import fmt
from bot.errors import PopbotError
from bot.people.roster import Person
from bot.schedule.kinds import kind as message_kind

Days = Annotated[int, Field(ge=0, le=90)]


class Weekday(enum.StrEnum):
    """A day of the week as the schedule names it."""

    mon = "mon"
    tue = "tue"
    wed = "wed"
    thu = "thu"
    fri = "fri"
    sat = "sat"
    sun = "sun"


_WEEKDAYS = list(Weekday)
# Closing days may run for weeks (a summer closure); past this a calendar has no working day.
MAX_DAYS_OFF = 400


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Offsets(_Strict):
    """Days before the conversation."""

    invitation: Days
    reminders: list[Days] = []
    review: Days
    delivery: Days
    late_delivery: Days  # a late conversation: the draft at the latest this many days before
    finalize_after: Days = 1  # days after the conversation: make the draft the final POP
    agreement_window: Days = 30  # how long the final POP waits for both agreements
    # the manager is asked for the organisation's side before the invitations go out
    organisation_request: Days | None = None

    @model_validator(mode="after")
    def _order(self) -> Offsets:
        if not self.invitation > self.review > self.delivery > self.late_delivery:
            raise ValueError("needs invitation > review > delivery > late_delivery (days before)")
        if self.organisation_request is not None and self.organisation_request <= self.invitation:
            raise ValueError("needs organisation_request > invitation (days before): it comes first")
        if any(not self.invitation > r > self.delivery for r in self.reminders):
            raise ValueError("reminders must fall between the invitation and the delivery")
        return self


class WorkingHours(_Strict):
    """The hours of a working day messages are sent in."""

    days: list[Weekday] = Field(min_length=1)
    start: time
    end: time

    @model_validator(mode="after")
    def _span(self) -> WorkingHours:
        if self.start >= self.end:
            raise ValueError("working hours need start < end")
        return self

    def works(self, day: date) -> bool:
        """Whether this moment is within the working hours."""
        return _WEEKDAYS[day.weekday()] in self.days


class CalendarConfig(_Strict):
    """Which days are not working days, besides the weekend: the public holidays of the
    person's country (the `holidays` package) and the organisation's own closing days."""

    country: str = "NL"  # when the roster names none (ISO 3166 code: NL, BE, DE, GB, …)
    # public holidays that are working days here (a CAO may not give Goede Vrijdag):
    # their names as the holidays package gives them, in the country's language or English
    skip_holidays: list[str] = []
    # the organisation's closing days: "2027-05-05", or a range "2026-12-24..2027-01-01"
    closed: list[str] = []

    @model_validator(mode="after")
    def _known(self) -> CalendarConfig:
        if self.country not in holidays.list_supported_countries():
            raise ValueError(f"country '{self.country}' is not one the holidays package knows (e.g. NL)")
        self.closed_days()  # every entry reads as a date or a range
        return self

    def closed_days(self) -> frozenset[date]:
        """The days nothing is sent: public holidays and the organisation's own."""
        days: set[date] = set()
        for entry in self.closed:
            first, _, last = entry.partition("..")
            try:
                start, end = date.fromisoformat(first.strip()), date.fromisoformat((last or first).strip())
            except ValueError:
                raise ValueError(f"closed: '{entry}' is not a date (2027-05-05) or a range (a..b)") from None
            if end < start or (end - start).days > 366:
                raise ValueError(f"closed: '{entry}' must run forwards, at most a year")
            days.update(start + timedelta(days=n) for n in range((end - start).days + 1))
        return frozenset(days)


class Calendar:
    """Working days and hours for one country: the working hours' weekdays, less its public
    holidays (as HR chose) and the organisation's closing days."""

    def __init__(self, hours: WorkingHours, config: CalendarConfig, country: str) -> None:
        self.hours, self.country = hours, country
        self.start, self.end = hours.start, hours.end
        self._closed = config.closed_days()
        self._skip = {name.casefold() for name in config.skip_holidays}
        self._years: dict[int, frozenset[date]] = {}

    def works(self, day: date) -> bool:
        """Whether messages may go out at this moment (a working day, in working hours)."""
        return self.hours.works(day) and day not in self._closed and day not in self._holidays(day.year)

    def _holidays(self, year: int) -> frozenset[date]:
        if year not in self._years:
            local = holidays.country_holidays(self.country, years=year)
            try:  # names in English too, so HR may name a holiday either way
                english = holidays.country_holidays(self.country, years=year, language="en_US")
            except (NotImplementedError, ValueError):
                english = local
            self._years[year] = frozenset(
                day
                for day in local
                if not {n.casefold() for n in [*local.get_list(day), *english.get_list(day)]} & self._skip
            )
        return self._years[year]


class Hours(Protocol):
    """What the working-time functions need: the hours, and whether a day is worked."""

    start: time
    end: time

    def works(self, day: date) -> bool:
        """Whether this moment is within the hours."""


class RetryPolicy(_Strict):
    """How often and how long a failed send is tried again."""

    attempts: int = Field(ge=1, le=50)
    first_delay_minutes: float = Field(gt=0)
    factor: float = Field(ge=1)

    def delay(self, attempt: int) -> timedelta:
        """Exponential back-off: the wait after the `attempt`-th failure (1-based)."""
        return timedelta(minutes=self.first_delay_minutes * self.factor ** (attempt - 1))


class Texts(_Strict):
    """Every sentence the schedule sends, in one language. `{name}` etc. are filled in."""

    weekdays: list[str] = Field(min_length=7, max_length=7)
    months: list[str] = Field(min_length=12, max_length=12)
    date_format: str  # "{weekday} {day} {month} {year} om {time}"
    kinds: dict[str, str] = {}  # a kind of message by its name for people ("Uitnodiging")
    statuses: dict[str, str] = {}  # planned, sent, … as people say it
    notes: dict[str, str] = {}  # why a message was skipped or cancelled, by its code
    day_format: str = "{weekday} {day} {month} {year}"  # a day without its time

    def moment(self, at: datetime) -> str:
        """A moment as this language writes it ("maandag 18 januari 2027 om 10:00")."""
        return fmt(
            self.date_format, weekday=self.weekdays[at.weekday()], day=at.day,
            month=self.months[at.month - 1], year=at.year, time=at.strftime("%H:%M"),
        )  # fmt: skip

    retrying: str = "{error}"  # a send being tried again: {number} (the try), {when}, {error}
    at_the_latest: str = "{when}"  # a late draft: sent when finished, at the latest {when}
    invitation: str
    invitation_late: str
    start_button: str
    reminder: str
    review: str
    delivery: str
    delivery_incomplete: str
    delivery_late: str
    delivery_goals: str
    delivered: str
    rhythm_default: str  # no rhythm chosen: the schedule's, "{months}"
    # the employee said no to the draft as the basis: it does not go to the manager beforehand
    review_withheld: str
    delivery_withheld: str
    delivered_withheld: str
    email_subject: str
    email_body: str
    manager_label: str
    pdf_filename: str
    final_filename: str  # the signed POP: {name}; a later version's: {name} {version}
    version_filename: str
    working_filename: str  # the draft that became the working POP without both agreements
    prep_invitation: str
    prepare_button: str
    prep_subject: str
    prep_reminder: str
    prep_digest: str  # one invitation for the week's reports: "{count}"
    prep_digest_line: str  # "{name} — {date}", with a button under it
    alignment_filename: str
    finalize: str
    agree_request: str
    final: str
    final_subject: str
    working: str  # no agreement of both within the window: the draft is the working POP; "{open}"
    hr_told: str  # in the request to agree: the agreed actions will go to HR
    interval_offer: str  # with the manager's request to agree: "{name}", "{choice}" (how often)
    interval_button: str
    hr_actions: str  # to HR after the final POP: "{name}", "{manager}"
    hr_subject: str
    checkin: str
    checkin_button: str
    evaluation: str
    evaluate_button: str
    checkin_summary: str
    evaluation_summary: str
    # a medium-term goal at the round's end: a review, and it goes on into the next POP
    goal_review: str
    review_button: str
    review_summary: str
    not_answered: str
    next_cycle: str
    next_cycle_manager: str
    # before the invitations: the manager fills in the organisation's side once (seed 003)
    organisation_request: str
    organisation_button: str
    # what manager and employee answer each other about a goal (bot.engine.remarks)
    feasible_intro: str  # with the draft: the manager's feasibility per goal
    feasible_goal: str  # "{number}", "{goal}", "{own}" (the employee's own answer)
    feasible_button: str
    return_offer: str  # with the request to agree: a goal can go back with a remark
    return_button: str
    respond_button: str  # under an evaluation's summary
    after_offer: str  # under the signed POP and a check-in's summary: a check-in now
    change_offer: str  # and a change to propose
    change_button: str
    checkin_now_button: str
    remark_returned: str  # to the employee: "{number}", "{goal}", "{text}"
    reopen_button: str
    remark_response: str
    remark_change: str
    remark_short: str  # the manager's no to the short conversation
    full_route_button: str


class FollowUpConfig(_Strict):
    """After the conversation (seed 001 §2.5): check-ins, evaluations, the next round."""

    checkin_months: int = Field(ge=1, le=24)
    # the employee's own choice of how often (seed 002): a choice question of the script and
    # the months each of its options means; without an answer, checkin_months
    checkin_question: str | None = None
    checkin_choices: dict[str, Annotated[int, Field(ge=1, le=24)]] = {}
    cycle_months: int = Field(ge=1, le=60)  # when the next round starts
    summary_after_days: int = Field(ge=0, le=60)  # the manager's summary of a check-in or evaluation


class HrConfig(_Strict):
    """After the final POP the agreed development actions go to HR (seed 001 §2.4.2, seed 002):
    actions only — the goal fields named here, never a reflection."""

    email: str = ""  # empty: nothing is sent to HR
    language: Annotated[str, Field(pattern=r"^[a-z]{2}$")] = "nl"
    fields: list[str] = ["doel", "activiteit", "ondersteuning", "planning"]


class Letterhead(_Strict):
    """What every document carries at the top of each page: the organisation, its logo."""

    organisation: str = Field(default="", max_length=120)
    logo: str = ""  # a PNG or JPEG file, relative to the schedule file or absolute


class ScheduleConfig(_Strict):
    """The schedule file (`dialogs/schedule.yaml`): the timeline, the hours, the messages."""

    _calendars: dict[str, Calendar] = PrivateAttr(default_factory=dict)

    letterhead: Letterhead = Letterhead()
    timeline: Offsets
    follow_up: FollowUpConfig
    working_hours: WorkingHours
    calendar: CalendarConfig = CalendarConfig()
    hr: HrConfig = HrConfig()
    retry: RetryPolicy
    preparation_minutes: int = Field(ge=1)
    retention_months: int = Field(ge=1, le=120)  # data of a finished round is kept this long
    messages: dict[Annotated[str, Field(pattern=r"^[a-z]{2}$")], Texts] = Field(min_length=1)

    def texts(self, language: str) -> Texts:
        """The schedule's messages in a language."""
        return self.messages.get(language) or next(iter(self.messages.values()))

    def calendar_for(self, country: str | None) -> Calendar:
        """The working days of someone in `country` (the calendar's default when none)."""
        code = (country or self.calendar.country).upper()
        if code not in self._calendars:
            self._calendars[code] = Calendar(self.working_hours, self.calendar, code)
        return self._calendars[code]


def bundled_schedule_path() -> Path:
    """The schedule file popbot ships."""
    return Path(str(resources.files("dialogs").joinpath("schedule.yaml")))


def load_schedule(path: str | Path | None = None) -> ScheduleConfig:
    """HR's schedule file; a PopbotError names the file, the line or the key that is wrong."""
    path = Path(path) if path else bundled_schedule_path()
    try:
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PopbotError(f"{path}: cannot read ({exc.strerror})") from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{mark.line + 1}:{mark.column + 1}" if mark else "?"
        raise PopbotError(f"{path}:{where}: invalid YAML: {exc.problem}") from None
    try:
        return ScheduleConfig.model_validate(data)
    except ValidationError as exc:
        problems = [
            f"{path}: {'.'.join(str(p) for p in e['loc']) or '(top)'}: {e['msg']}" for e in exc.errors()
        ]
        raise PopbotError("\n".join(problems)) from None


# ---------------------------------------------------------------- working hours


def in_working_hours(at: datetime, zone: ZoneInfo, hours: Hours) -> bool:
    """Whether the moment is in working hours in that time zone and country."""
    local = at.astimezone(zone)
    return hours.works(local.date()) and hours.start <= local.time() < hours.end


def next_working(at: datetime, zone: ZoneInfo, hours: Hours) -> datetime:
    """`at` if it is within working hours there, else the next working morning."""
    local = at.astimezone(zone)
    day = local.date()
    for _ in range(MAX_DAYS_OFF):
        if hours.works(day):
            start = datetime.combine(day, hours.start, zone)
            end = datetime.combine(day, hours.end, zone)
            if local < start:
                return start
            if local < end:
                return local
        day += timedelta(days=1)
        local = datetime.combine(day, time(0), zone)
    raise PopbotError(
        f"no working day in {MAX_DAYS_OFF} days from {local:%Y-%m-%d}: see the schedule's calendar"
    )


def on_the_day(at: datetime, zone: ZoneInfo, hours: Hours) -> datetime:
    """Within working hours on `at`'s own day; on a day off, the start of the working day before.

    For what is due *by* a day (the review, the manager's draft): a week before
    stays that day, and never slips past a weekend.
    """
    local = at.astimezone(zone)
    day = local.date()
    if hours.works(day):
        start = datetime.combine(day, hours.start, zone)
        last = datetime.combine(day, hours.end, zone) - timedelta(minutes=1)
        return min(max(local, start), last)
    for _ in range(MAX_DAYS_OFF):
        day -= timedelta(days=1)
        if hours.works(day):
            return datetime.combine(day, hours.start, zone)
    raise PopbotError(
        f"no working day in {MAX_DAYS_OFF} days before {local:%Y-%m-%d}: see the schedule's calendar"
    )


# ---------------------------------------------------------------- the plan

Kind = str  # a name in `bot.schedule.kinds.KINDS` (checked when planned)


def version_key(person_id: str, conversation: str, suffix: str, version: int) -> str:
    """The key of a message about a version of the POP: version 1's is the plain key, a later
    version's (a change during the year) ends in "-v2", "-v3", …"""
    return entry_key(person_id, conversation, suffix if version == 1 else f"{suffix}-v{version}")


def added_by_the_cycle(kind: str, key: str) -> bool:
    """Not from `plan`: a re-plan must leave it be (a new round or leaving the roster ends it).
    That is every kind the cycle adds, and the requests of a later version of the POP."""
    return message_kind(kind).by_cycle or re.search(r"-v\d+$", key) is not None


@dataclass(frozen=True)
class Planned:
    """One message a plan wants: its kind, when it is due, its deadline."""

    key: str  # stable: the same conversation and kind give the same key
    kind: Kind
    due: datetime  # UTC
    deadline: datetime | None = None  # a late delivery: when the employee finishes, at the latest this
    late: bool = False

    def __post_init__(self) -> None:
        message_kind(self.kind)  # a kind the schedule knows, or it says so at once


def entry_key(person_id: str, conversation: str, kind: str) -> str:
    """The key an entry is kept under: person, conversation, kind and its number."""
    return f"{person_id}|{conversation}|{kind}"


def key_suffix(key: str) -> str:
    """What an entry's key says after the person and conversation: "checkin-2", "remark-ab12"."""
    return key.rsplit("|", 1)[1]


def plan(
    person: Person,
    manager_zone: ZoneInfo | None,
    cfg: ScheduleConfig,
    now: datetime,
    manager_prep: bool = False,
    manager_country: str | None = None,
) -> list[Planned]:
    """The messages this person's conversation calls for, from `now` on.

    Everything goes within the recipient's working hours, on their working days (not on
    their country's public holidays nor the organisation's closing days): an invitation
    or a reminder that falls outside waits for the next working morning; the review and
    the manager's draft stay on their day (or move to the working day before, never after).
    A conversation closer than the delivery offset is late: the invitation goes at once, and
    the draft when the employee finishes (at the latest `late_delivery` days before).
    """
    conv = person.conversation_at()
    if not person.active or conv is None:
        return []
    zone = ZoneInfo(person.timezone)
    hours = cfg.calendar_for(person.country)  # the employee's working days
    mhours = cfg.calendar_for(manager_country)  # the manager's, for what goes to the manager
    t = cfg.timeline
    days = timedelta(days=1)
    key = person.conversation
    after = _after_the_conversation(person, conv, zone, cfg) if manager_prep else []
    if conv <= now:
        return _utc(after)

    def employee_time(offset: int) -> datetime:
        return next_working(conv - offset * days, zone, hours)

    out: list[Planned] = []
    soonest = next_working(now, zone, hours)
    invitation = max(employee_time(t.invitation), soonest)
    delivery = on_the_day(conv - t.delivery * days, manager_zone or zone, mhours)
    mzone = manager_zone or zone
    m_invitation = max(
        next_working(conv - t.invitation * days, mzone, mhours), next_working(now, mzone, mhours)
    )
    if manager_prep:  # seed 004: the manager prepares too, invited with the employee
        out.append(Planned(entry_key(person.id, key, "prep-invitation"), "prep_invitation", m_invitation))
    if manager_prep and t.organisation_request is not None:  # seed 003: the organisation's side first
        ask = next_working(conv - t.organisation_request * days, mzone, mhours)
        if ask < m_invitation:  # only while it still comes before the invitations
            key_ = entry_key(person.id, key, "organisation-request")
            out.append(Planned(key_, "organisation_request", max(ask, next_working(now, mzone, mhours))))
    late = delivery <= now
    out.append(Planned(entry_key(person.id, key, "invitation"), "invitation", invitation, late=late))
    if not late:
        review = max(on_the_day(conv - t.review * days, zone, hours), soonest)
        for offset in sorted(set(t.reminders), reverse=True):
            at = employee_time(offset)
            same_day = at.astimezone(zone).date() == review.astimezone(zone).date()
            if invitation < at < delivery and not same_day:  # the review's day has the review
                out.append(Planned(entry_key(person.id, key, f"reminder-{offset}"), "reminder", at))
        if review < delivery:
            out.append(Planned(entry_key(person.id, key, "review"), "review", review))
        for offset in sorted(set(t.reminders), reverse=True) if manager_prep else []:
            at = next_working(conv - offset * days, mzone, mhours)
            if m_invitation < at < delivery:
                out.append(Planned(entry_key(person.id, key, f"prep-reminder-{offset}"), "prep_reminder", at))
        out.append(Planned(entry_key(person.id, key, "delivery"), "delivery", delivery))
    else:
        deadline = on_the_day(conv - t.late_delivery * days, manager_zone or zone, mhours)
        out.append(
            Planned(
                entry_key(person.id, key, "delivery"),
                "delivery",
                soonest,
                deadline=max(deadline, soonest),
                late=True,
            )
        )
    return _utc(out + after)


def _after_the_conversation(
    person: Person, conv: datetime, zone: ZoneInfo, cfg: ScheduleConfig
) -> list[Planned]:
    """Vaststelling (seed 001 §2.4.2): the employee confirms the final POP, then the manager
    agrees; both get the final POP. Each waits for the agreements it needs, up to a window."""
    t = cfg.timeline
    key = person.conversation
    start = next_working(conv + timedelta(days=t.finalize_after), zone, cfg.calendar_for(person.country))
    until = start + timedelta(days=t.agreement_window)
    return [
        Planned(entry_key(person.id, key, "finalize"), "finalize", start),
        Planned(entry_key(person.id, key, "agree-request"), "agree_request", start, deadline=until),
        Planned(entry_key(person.id, key, "final"), "final", start, deadline=until),
        Planned(entry_key(person.id, key, "final-manager"), "final_manager", start, deadline=until),
    ]


def _utc(planned: list[Planned]) -> list[Planned]:
    return [
        replace(p, due=p.due.astimezone(UTC), deadline=p.deadline and p.deadline.astimezone(UTC))
        for p in planned
    ]
