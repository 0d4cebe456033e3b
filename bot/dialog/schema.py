"""The dialog script format, defined once: the script and its texts (the questions are in
`bot.dialog.questions`).

HR writes YAML; these pydantic models say what that YAML may contain. Every
model forbids unknown keys so a typo is reported instead of silently ignored.
The meaning checks that need the whole script (ids that must exist, ids that
must be unique) live in `bot.dialog.checks`, next to the loader that knows lines.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from bot.dialog.questions import (
    Id,
    Step,
    Strict,
)


class Commands(Strict):
    """The words that steer the dialog; HR may change them per language."""

    back: list[str] = Field(min_length=1)
    skip: list[str] = Field(min_length=1)
    progress: list[str] = Field(min_length=1)
    draft: list[str] = Field(min_length=1)
    edit: list[str] = Field(min_length=1)
    restart: list[str] = Field(min_length=1)
    help: list[str] = Field(min_length=1)
    stop: list[str] = Field(min_length=1)
    faq: list[str] = Field(min_length=1)
    language: list[str] = Field(min_length=1)


MonthDay = Annotated[str, Field(pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]


class Moment(Strict):
    """A named moment in a planning ("voor de zomer", "eind volgend jaar"): a day of the year
    (its next occurrence, or in the conversation's year plus `year`), or an offset from it."""

    words: list[str] = Field(min_length=1)
    date: MonthDay | None = None
    year: int | None = None  # 0 = the conversation's year, 1 = the next; none = next occurrence
    days: int | None = None
    months: int | None = None


class SmartWords(Strict):
    """The words the SMART checks read (seed 001 §2.4.1), per language; whole words only."""

    # Specifiek: words that name nothing concrete ("beter worden", "groeien", "zelfvertrouwen",
    # "communiceren" without an object); a goal made of only these and `filler` asks what exactly.
    vague: list[str] = []
    filler: list[str] = []
    # Meetbaar: an inner state ("ik voel me", "begrijp") or a direction without a criterion
    # ("beter", "meer", "sneller") is not something another person can observe — unless a
    # number or one of the script's `observable` words comes with it.
    inner: list[str] = []
    comparative: list[str] = []
    comparative_endings: list[str] = []  # "bredere", "hogere": a comparative by its form
    not_comparative: list[str] = []  # words of that form that are none ("andere")
    # behaviours that are specific with what they are about ("een panel organiseren")
    behaviours: list[str] = []
    # Tijdgebonden: "binnen een half jaar" = a `within` word, a number, a unit
    within: list[str] = []
    numbers: dict[str, float] = {}  # "een": 1, "een half": 0.5
    units: dict[str, Literal["day", "week", "month", "quarter", "year"]] = {}
    quarter: list[str] = []  # "Q2 2027", "kwartaal 2"
    ordinals: dict[str, int] = {}  # "het derde kwartaal"
    of_year: list[str] = []  # "het derde kwartaal van 2027"
    moments: list[Moment] = []
    before_month: list[str] = []  # "in maart", "eind maart": the month's last day
    before: list[str] = []  # "voor juli": the day before the month begins
    month_parts: dict[str, int] = {}  # "medio maart": the 15th
    year_parts: dict[str, MonthDay] = {}  # "medio 2027": "06-30" (MM-DD)
    this_year: list[str] = []  # "begin dit jaar"
    next_year: list[str] = []  # "januari volgend jaar", "begin volgend jaar"
    # a month name that is also a common word ("I may ask") counts only with a word before it,
    # a year, or as the whole planning
    month_needs_context: list[str] = []
    # the end of a planning, not its start: a moment in a clause with a start word ("ik begin in
    # maart") or right after a start marker ("vanaf 1 februari") is when it begins
    start_words: list[str] = []
    start_before: list[str] = []
    clause_breaks: list[str] = []  # besides punctuation: "en", "tot", "daarna"


class Words(Strict):
    """The script's words for yes and no, the months, dates, lists and the scale's answer."""

    yes: list[str] = Field(min_length=1)
    no: list[str] = Field(min_length=1)
    months: list[str] = Field(min_length=12, max_length=12)
    months_short: list[str] = Field(default=[], max_length=12)
    list_separators: list[str] = [",", ";"]
    observable: list[str] = []  # words and phrases that make a desired result observable
    smart: SmartWords = Field(default_factory=SmartWords)
    # how a date reads in this language: {day}, {month} (a name from `months`, as written), {year}
    date_format: str = "{day} {month} {year}"
    # a scale's answer in a document: {value} {min} {max} {low} {high} (the end labels)
    scale_answer: str = "{value}"


class Limits(Strict):
    """How long a message may be."""

    max_message_length: int = Field(default=2000, ge=10)


class ScriptMessages(Strict):
    """Every sentence the engine says that is not a question."""

    welcome: str
    welcome_back: str
    done: str
    already_done: str
    step_intro: str  # "Stap {number} van {total}: {title}"
    step_intro_open: str = ""  # while the number of steps still hangs on an answer: "{title}"
    hint_choice: str
    hint_multi: str
    hint_yesno: str
    hint_scale: str
    hint_date: str
    current_answer: str  # "Je huidige antwoord: {answer}"
    empty: str
    too_short: str
    too_long: str
    no_words: str
    not_an_option: str
    out_of_range: str
    not_a_date: str
    date_incomplete: str
    date_in_past: str
    too_few_choices: str
    too_many_choices: str
    not_yes_no: str
    unknown_command: str
    unsupported: str
    cannot_skip: str
    skipped: str
    nothing_to_go_back_to: str
    paused: str
    progress_header: str
    progress_line: str  # "{marker} Stap {number}: {title} — {answered}/{total}"
    progress_done_marker: str
    progress_open_marker: str
    edit_choose: str
    edit_nothing: str
    edit_not_found: str
    restart_confirm: str
    restart_done: str
    restart_cancelled: str
    help: str  # "{commands}" and "{faq}" are filled in
    help_question: str  # "Bij deze vraag: {help}"
    faq_list_line: str
    faq_not_found: str
    stale_choice: str
    group_item: str  # "{label}" heading when a new item starts
    group_max_reached: str
    group_need_more: str
    draft_caption: str
    language_choose: str
    language_set: str
    edited: str  # an edited earlier message: what to do instead
    multi_done: str  # the button that confirms a multiple choice
    # a SMART follow-up asked twice that still misses: noted as open ({hint}: the draft's words)
    smart_open: str
    not_invited: str  # someone the bot does not know
    invite_invalid: str  # an invite link that is unknown, used or expired
    edit_button: str  # a button next to an answer that opens a form to change it
    edit_title: str  # that form's title (Slack: at most 24 characters)
    save: str
    cancel: str
    data_damaged: str  # the employee's saved data cannot be read: nothing goes on, nothing is overwritten
    not_saved: str  # a turn that could not be written (disk full, read-only): not acknowledged
    invalid_text: str  # text that is not valid (invalid UTF-8 from a terminal or a payload)


class FaqEntry(Strict):
    """One question of the FAQ and its answer."""

    id: Id
    question: str = Field(min_length=1)
    answer: str = Field(min_length=1)
    source: str | None = None


class DraftSection(Strict):
    """A heading of the draft and the questions under it."""

    id: Id
    title: str = Field(min_length=1)


class RealisticRule(Strict):
    """SMART's Realistisch: the goal field the employee answers it in, and the choices that hold."""

    field: Id
    holds: list[Id] = Field(min_length=1)


class RouteRule(Strict):
    """The short conversation (seed 000): the question that chooses the route, its short and
    full choices, and the pleziervraag at its heart — at the top of every alignment summary."""

    question: Id
    short: Id
    full: Id
    heart: Id


class ConsentRule(Strict):
    """The employee's yes/no: may the manager use the draft as the basis of the final POP?
    On no the draft does not go to the manager a week before (the schedule says so to both);
    `withheld` is said in the chat right after the no ("{manager}")."""

    question: Id
    withheld: str


class MediumTerm(Strict):
    """Seed 001 §2.3.1: goals for one to five years. The goal field that says so, and its
    choices that mean it; such a goal gets a review at the round's end (not an evaluation of a
    goal that is not due) and carries into the next POP."""

    field: Id
    values: list[Id] = Field(min_length=1)


class DraftLayout(Strict):
    """Headings and labels of the draft POP (seed 001 §4.11)."""

    title: str
    employee_label: str
    date_label: str
    conversation_label: str
    status_complete: str
    status_incomplete: str
    missing_label: str
    sections: list[DraftSection] = Field(min_length=1)
    goals_title: str = ""
    goals_question: Id | None = None  # the group question that holds the goals (none: no table)
    goal_columns: dict[Id, str] = {}  # field id -> column header, in column order
    smart_hint_title: str
    smart_hints: dict[str, str]  # check -> "planning zonder datum"
    realistic: RealisticRule | None = None
    route: RouteRule | None = None
    # per goal, when it is evaluated: the day its planning ends, or `evaluation_open` without one
    evaluation_column: str = ""
    evaluation_open: str = ""
    rhythm_label: str = ""  # how often progress is discussed, in the header
    feasibility_column: str = ""  # per goal, the manager's view of its feasibility
    consent: ConsentRule | None = None
    medium_term: MediumTerm | None = None
    support_title: str
    support_questions: list[Id] = []
    # answers shown at the top, beside the employee's name: question id -> label (the route)
    header_questions: dict[Id, str] = {}
    signatures_title: str
    signature_lines: list[str] = Field(min_length=1)
    empty_answer: str
    skipped_answer: str
    # the final POP is not a concept: its date line and, while questions are open, its status
    final_date_label: str = ""
    final_incomplete: str = ""
    department_label: str = ""  # the roster's department, beside the name
    confidential: str = ""  # at the top of every page: who may read this


class Privacy(Strict):
    """The employee keeps single answers out of the draft: `privé 3` (and again to share)."""

    words: list[str] = Field(min_length=1)
    description: str = ""  # for chat menus
    choose: str  # how to use it, with the numbered answers below
    marked: str  # "{question}" now private
    unmarked: str  # "{question}" shared again
    asked: str  # said with a question that is always private, when it is asked
    # a script whose answers are shared only by choice (the manager's): said with every other
    # question, so each one says whether the other will see it; "{name}" is whom it is about
    shareable: str = ""
    marker: str = "🔒"  # shown before a private answer in lists


class Team(Strict):
    """For managers, in the employee's script: `team` lists their reports' preparations."""

    words: list[str] = Field(min_length=1)
    description: str = ""  # for chat menus
    own_words: list[str] = Field(min_length=1)  # back to one's own POP preparation
    header: str  # above the list
    line: str  # "{number}. {name} — {date}: {status}"
    open: str  # status of a preparation not yet done
    done: str
    none: str  # no reports in the roster
    not_found: str  # "team 9" with fewer reports
    preparing: str  # "Your preparation for {name} ({date})" when one starts or resumes
    back_to_own: str
    # "team organisatie": the organisation's side, once for the whole team
    organisation_words: list[str] = []
    organisation_shared: str = ""  # to the employee before the goals: "{manager}", "{points}"
    # "team week": one invitation a week for all reports, instead of one per report (again: undo)
    digest_words: list[str] = Field(min_length=1)
    digest_on: str
    digest_off: str  # after finishing or leaving a report's preparation


class Agreement(Strict):
    """Vaststelling (seed 001 §2.4.2): both agree to the final POP, a button each."""

    button: str  # the button under the request to agree (a POP without goals)
    goal: str  # one goal to agree to: "{number}. {goal}"
    goal_button: str  # its button
    goal_agreed: str  # "{number}", "{open}": the goals still without a yes
    goal_open: str = ""  # a goal whose SMART letters are not all there: "{number}", "{goal}", "{open}"
    agreed_employee: str  # "{manager}" is asked next
    agreed_manager: str  # "{name}": whose POP
    already: str
    signed: str  # in the final POP's signature lines: "{name}, akkoord op {when}"
    final_title: str  # the final POP's title (the draft's says "concept")
    version_title: str = ""  # after a change during the year: "{version}"
    # the POP that became the working POP without both agreements (not "final", not "concept")
    working_title: str = ""
    revised: str = ""  # to the employee when a change makes a new version: "{version}"
    interval_set: str = ""  # to the manager who set how often the check-ins come: "{name}", "{choice}"


class FollowUpTexts(Strict):
    """Check-ins and evaluations after the conversation (seed 001 §2.5), in the employee's script."""

    goal_header: str  # "— Doel {number} van {count}: {goal} —" before each goal's questions
    all_done: str  # after the last goal
    no_goals: str
    new_cycle: str  # a new POP round starts: "{goals}" were the previous ones
    carried: str = ""  # and these medium-term goals go on in the new POP: "{goals}"
    # the manager's note on a check-in (seed 001 §2.5: both watch progress)
    note_button: str = ""  # under the check-in summary
    note_ask: str = ""  # "{number}", "{name}", "{stop}"
    note_saved: str = ""  # "{number}", "{name}"
    note_cancelled: str = ""
    note_shown: str = ""  # to the employee, when the next check-in opens: "{manager}", "{number}", "{text}"


class RemarkTexts(Strict):
    """Manager and employee answering each other about a goal, in the writer's script: what
    the bot asks and says back. Every ask may use "{name}" (the employee), "{number}" and
    "{goal}" (the goal), "{count}" (the goals) and "{stop}" (the word to write nothing)."""

    # SMART's Realistisch per goal, by the manager once the goals are known: the choices
    # (numbered in this order; the answer may add a remark: "2 budget pas na de zomer")
    feasible_ask: str  # "{own}": what the employee said of it
    feasible_choices: dict[Id, str] = Field(min_length=2)
    feasible_saved: str  # "{choice}"
    not_a_choice: str  # "{count}"
    # Acceptabel both ways: a goal sent back at the agreement, with a remark
    return_ask: str
    return_saved: str
    not_a_goal: str  # "{count}"
    # after the conversation
    response_ask: str
    response_saved: str
    change_ask: str
    change_saved: str
    checkin_started: str
    cancelled: str
    # the employee reopens a goal that was sent back, or takes the full route after all
    reopened: str
    full_route: str


class Rights(Strict):
    """The employee's rights (AVG/GDPR) in the chat: see everything, erase everything."""

    export_words: list[str] = Field(min_length=1)
    erase_words: list[str] = Field(min_length=1)
    export_caption: str
    export_labels: dict[str, str] = {}  # headings of the readable export: title, roster, …
    erase_confirm: str  # "{yes}": the word that confirms
    erase_done: str
    erase_cancelled: str


class Compare(Strict):
    """What the alignment summary sets side by side: an employee's question and the manager's."""

    employee: Id  # a question of the employee's script
    manager: Id  # a question of this (the manager's) script
    label: str | None = None  # what is compared, in a few words (default: the employee's question)


class Theme(Strict):
    """A theme of the alignment summary."""

    title: str = Field(min_length=1)
    employee: list[Id] = []  # shown side by side, as written
    manager: list[Id] = []
    compare: list[Compare] = []  # structured answers compared: agree or differ


class Matrix(Strict):
    """Seed 004: ability/potential × willingness/interest → the kind of conversation."""

    title: str
    ability: Id  # a scale question of the manager's script
    willingness: Id
    high_from: int  # a score from here up counts as high
    low_until: int | None = None  # a score up to here counts as low; between the two: the middle
    kinds: dict[Literal["low_low", "low_high", "high_low", "high_high"], str]  # ability_willingness
    middle: str = ""  # either score in the middle: no quadrant fits, and this says so


class Letter(Strict):
    """One letter of SMART and the follow-up that asks for it."""

    name: str  # "Specifiek"
    holds: str
    fails: str


class SmartLetters(Strict):
    """Per goal, letter by letter, what holds and what does not (never "SMART" when it isn't)."""

    goal: str  # "{goal}: {letters}"
    separator: str = "; "
    specific: Letter
    observable: Letter  # Meetbaar
    acceptable: str  # agreed per goal at the vaststelling: said, not judged
    realistic: Letter  # {answer}: the employee's own answer
    has_date: Letter  # {date}: the resolved deadline
    not_answered: str  # {letter}


class ShortRouteCheck(Strict):
    """Seed 000: the short conversation is agreed by both. The manager's yes/no question on
    it, and how the summary says which route the employee chose ("{name}")."""

    question: Id
    chose_short: str
    chose_full: str


class BudgetCheck(Strict):
    """Seed 004's don't: a POP without a development budget. The manager's budget question,
    the answers that mean there is none, and the warning then (also when it is left empty)."""

    question: Id
    none: list[str] = Field(min_length=1)
    warning: str


class Alignment(Strict):
    """The manager's alignment summary: both views side by side (manager scripts only)."""

    title: str
    employee_label: str  # "{name}"
    manager_label: str
    agree: str  # "{what}: jullie zijn het eens ({value})"
    differ: str  # "{what}: {name} zegt {employee}, jij zegt {manager}"
    both: str  # "Allebei genoemd: {items}"
    only_employee: str  # "Alleen {name}: {items}"
    only_manager: str  # "Alleen jij: {items}"
    scale_margin: int = 1  # scales this close count as agreeing
    themes: list[Theme] = Field(min_length=1)
    goals_title: str
    smart: SmartLetters
    organisation_title: str = ""  # the organisation's side in the summary
    # at the top, on every route: the pleziervraag (the pop script's `draft.route.heart`)
    heart_title: str = ""
    short_route: ShortRouteCheck | None = None
    private_title: str = ""  # "{name}": the manager's own 🔒 answers, in their own summary only
    budget: BudgetCheck | None = None
    # the manager's choice of what the employee reads a week before: a multi question whose
    # options are the ids of shareable questions (with `for_employee`); none chosen: nothing
    share_question: Id | None = None
    no_goals: str
    agenda_title: str
    agenda: list[str] = Field(min_length=1)
    matrix: Matrix
    dos_title: str = ""  # seed 004's do's and don'ts, each under its own heading
    dos: list[str] = []
    donts_title: str
    donts: list[str] = []
    not_prepared: str  # the manager did not finish: what is missing
    points_title: str  # to the employee at T−7: "{manager}'s points for the conversation"
    points_none: str


class Script(Strict):
    """A whole dialog script in one language."""

    id: Id
    language: Annotated[str, Field(pattern=r"^[a-z]{2}$")]
    language_name: str = Field(min_length=1)  # "Nederlands", shown when choosing a language
    title: str
    limits: Limits = Limits()
    commands: Commands
    words: Words
    messages: ScriptMessages
    faq: list[FaqEntry] = []
    # One line per command for chat menus (Telegram's command list), by command name.
    command_descriptions: dict[str, str] = {}
    # Optional: without it the employee cannot mark single answers private.
    privacy: Privacy | None = None
    # Who the script is for; a manager's script prepares the conversation with one report.
    role: Literal["employee", "manager", "organisation", "follow_up", "evaluation"] = "employee"
    # Take commands, words, limits, messages (each unless given here), faq, privacy, team
    # and command descriptions from this script of the same language and folder.
    extends: Id | None = None
    team: Team | None = None
    agreement: Agreement | None = None
    follow_up: FollowUpTexts | None = None
    remarks: RemarkTexts | None = None
    rights: Rights | None = None
    alignment: Alignment | None = None
    steps: list[Step] = Field(min_length=1)
    draft: DraftLayout

    # Convenience built once; never part of the YAML.
    def questions(self) -> list[tuple[Step, Any]]:
        """Every question of the script, in order."""
        return [(step, q) for step in self.steps for q in step.questions]
