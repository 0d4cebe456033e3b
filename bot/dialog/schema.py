"""The dialog script format, defined once.

HR writes YAML; these pydantic models say what that YAML may contain. Every
model forbids unknown keys so a typo is reported instead of silently ignored.
The meaning checks that need the whole script (ids that must exist, ids that
must be unique) live in `bot.dialog.script`, next to the loader that knows lines.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

# Short enough that a button payload (8-character question ref + option id) fits Telegram's 64 bytes.
Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$", max_length=48)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------------------------------------------------------------- conditions


class Condition(Strict):
    """A test on an earlier answer, or a combination of tests.

    Exactly one form is used: `answer` with one comparison, or `all`/`any`/`not`.
    """

    answer: Id | None = None
    equals: str | int | bool | None = None
    not_equals: str | int | bool | None = None
    one_of: list[str | int] | None = None
    includes: str | None = None  # for multiple choice: the option was picked
    answered: bool | None = None
    all: list[Condition] | None = None
    any: list[Condition] | None = None
    not_: Condition | None = Field(default=None, alias="not")

    @model_validator(mode="after")
    def _one_form(self) -> Condition:
        combos = [x for x in (self.all, self.any, self.not_) if x is not None]
        tests = [
            x
            for x in (self.equals, self.not_equals, self.one_of, self.includes, self.answered)
            if x is not None
        ]
        if self.answer is not None:
            if combos or len(tests) != 1:
                raise PydanticCustomError(
                    "condition_test",
                    "a condition on 'answer' needs exactly one of "
                    "equals, not_equals, one_of, includes, answered",
                )
        elif len(combos) != 1 or tests:
            raise PydanticCustomError(
                "condition_form", "a condition needs 'answer' with a test, or one of all, any, not"
            )
        return self

    def referenced_ids(self) -> list[str]:
        ids = [self.answer] if self.answer else []
        for sub in (self.all or []) + (self.any or []) + ([self.not_] if self.not_ else []):
            ids.extend(sub.referenced_ids())
        return ids


# ---------------------------------------------------------------- questions


class Option(Strict):
    id: Id
    label: str = Field(min_length=1)
    synonyms: list[str] = []  # other words that pick this option


class Validation(Strict):
    min_length: int | None = Field(default=None, ge=0)
    max_length: int | None = Field(default=None, ge=1)
    future: bool = False  # dates: must be after today
    min_choices: int | None = Field(default=None, ge=0)
    max_choices: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _consistent(self) -> Validation:
        lo, hi = self.min_length, self.max_length
        if lo is not None and hi is not None and lo > hi:
            raise PydanticCustomError(
                "length_range", "min_length ({lo}) is larger than max_length ({hi})", {"lo": lo, "hi": hi}
            )
        lo, hi = self.min_choices, self.max_choices
        if lo is not None and hi is not None and lo > hi:
            raise PydanticCustomError(
                "choices_range", "min_choices ({lo}) is larger than max_choices ({hi})", {"lo": lo, "hi": hi}
            )
        return self


class SmartCheck(Strict):
    """A SMART check on a goal field; a failed check asks `follow_up` once."""

    check: Literal["has_date", "observable"]
    follow_up: str = Field(min_length=1)


class Messages(Strict):
    """Per-question overrides of the script's re-ask messages (same keys)."""

    empty: str | None = None
    too_short: str | None = None
    too_long: str | None = None
    no_words: str | None = None
    not_an_option: str | None = None
    out_of_range: str | None = None
    not_a_date: str | None = None
    date_in_past: str | None = None
    too_few_choices: str | None = None
    too_many_choices: str | None = None
    not_yes_no: str | None = None


class GotoRule(Strict):
    to: Id
    when: Condition | None = None


class QuestionBase(Strict):
    id: Id
    text: str = Field(min_length=1)
    help: str | None = None
    required: bool = True
    private: bool = False  # never leaves the employee: not in the draft, not sent
    draft: Id | None = None  # the draft section this answer is shown in
    when: Condition | None = None  # asked only when this holds
    goto: list[GotoRule] = []
    validation: Validation = Validation()
    messages: Messages = Messages()
    source: str | None = None  # where in the seeds the question comes from

    @model_validator(mode="after")
    def _validation_fits_kind(self) -> QuestionBase:
        kind = getattr(self, "kind", "")
        fits = {
            "min_length": "text",
            "max_length": "text",
            "future": "date",
            "min_choices": "multi",
            "max_choices": "multi",
        }
        for rule, right_kind in fits.items():
            if getattr(self.validation, rule) not in (None, False) and kind != right_kind:
                raise PydanticCustomError(
                    "validation_kind",
                    "the validation rule '{rule}' does not apply to a {kind} question",
                    {"rule": rule, "kind": kind},
                )
        return self


class TextQuestion(QuestionBase):
    kind: Literal["text"]
    smart: list[SmartCheck] = []


class ChoiceQuestion(QuestionBase):
    kind: Literal["choice", "multi"]
    options: list[Option] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_options(self) -> ChoiceQuestion:
        ids = [o.id for o in self.options]
        labels = [o.label.casefold() for o in self.options]
        for kind, values in (("option_id_twice", ids), ("option_label_twice", labels)):
            twice = sorted({v for v in values if values.count(v) > 1})
            if twice:
                raise PydanticCustomError(
                    kind,
                    "two options have the same {what}: {value}",
                    {"what": "id" if kind == "option_id_twice" else "label", "value": twice[0]},
                )
        low = self.validation.min_choices
        if low is not None and low > len(self.options):
            raise PydanticCustomError(
                "choices_over_options",
                "min_choices ({lo}) is more than the {count} options",
                {"lo": low, "count": len(self.options)},
            )
        return self


class YesNoQuestion(QuestionBase):
    kind: Literal["yesno"]


class DateQuestion(QuestionBase):
    kind: Literal["date"]


class ScaleQuestion(QuestionBase):
    kind: Literal["scale"]
    min: int = 1
    max: int = 5
    labels: dict[int, str] = {}  # e.g. {1: "weinig", 5: "veel"}

    @model_validator(mode="after")
    def _range(self) -> ScaleQuestion:
        if self.min >= self.max:
            raise PydanticCustomError(
                "scale_range",
                "a scale needs min < max (got min {min}, max {max})",
                {"min": self.min, "max": self.max},
            )
        outside = sorted(n for n in self.labels if not self.min <= n <= self.max)
        if outside:
            raise PydanticCustomError(
                "scale_label_outside",
                "scale label {n} is outside {min}–{max}",
                {"n": outside[0], "min": self.min, "max": self.max},
            )
        return self


FieldQuestion = Annotated[
    TextQuestion | ChoiceQuestion | YesNoQuestion | DateQuestion | ScaleQuestion,
    Field(discriminator="kind"),
]


class GroupQuestion(QuestionBase):
    """A repeating group: the same fields asked once per item (e.g. goals)."""

    kind: Literal["group"]
    fields: list[FieldQuestion] = Field(min_length=1)
    item_label: str = Field(min_length=1)  # "Doel {n}"
    more: str = Field(min_length=1)  # "Nog een doel toevoegen?"
    min_items: int = Field(default=1, ge=0)
    max_items: int = Field(default=10, ge=1)

    @model_validator(mode="after")
    def _items(self) -> GroupQuestion:
        if self.min_items > self.max_items:
            raise PydanticCustomError(
                "items_range",
                "min_items ({lo}) is larger than max_items ({hi})",
                {"lo": self.min_items, "hi": self.max_items},
            )
        return self


Question = Annotated[
    TextQuestion | ChoiceQuestion | YesNoQuestion | DateQuestion | ScaleQuestion | GroupQuestion,
    Field(discriminator="kind"),
]


class Step(Strict):
    id: Id
    method_step: int | None = Field(default=None, ge=1, le=7)  # which of the seven POP steps
    title: str = Field(min_length=1)
    intro: str | None = None
    when: Condition | None = None
    questions: list[Question] = Field(min_length=1)
    source: str | None = None


# ---------------------------------------------------------------- the rest


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


class Words(Strict):
    yes: list[str] = Field(min_length=1)
    no: list[str] = Field(min_length=1)
    months: list[str] = Field(min_length=12, max_length=12)
    months_short: list[str] = Field(default=[], max_length=12)
    list_separators: list[str] = [",", ";"]
    observable: list[str] = []  # words that make a desired result observable


class Limits(Strict):
    max_message_length: int = Field(default=2000, ge=10)


class ScriptMessages(Strict):
    """Every sentence the engine says that is not a question."""

    welcome: str
    welcome_back: str
    done: str
    already_done: str
    step_intro: str  # "Stap {number} van {total}: {title}"
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
    id: Id
    question: str = Field(min_length=1)
    answer: str = Field(min_length=1)
    source: str | None = None


class DraftSection(Strict):
    id: Id
    title: str = Field(min_length=1)


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
    support_title: str
    support_questions: list[Id] = []
    signatures_title: str
    signature_lines: list[str] = Field(min_length=1)
    empty_answer: str
    skipped_answer: str


class Privacy(Strict):
    """The employee keeps single answers out of the draft: `privé 3` (and again to share)."""

    words: list[str] = Field(min_length=1)
    description: str = ""  # for chat menus
    choose: str  # how to use it, with the numbered answers below
    marked: str  # "{question}" now private
    unmarked: str  # "{question}" shared again
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
    # "team week": one invitation a week for all reports, instead of one per report (again: undo)
    digest_words: list[str] = Field(min_length=1)
    digest_on: str
    digest_off: str  # after finishing or leaving a report's preparation


class Agreement(Strict):
    """Vaststelling (seed 001 §2.4.2): both agree to the final POP, a button each."""

    button: str  # the button under the request to agree
    agreed_employee: str  # "{manager}" is asked next
    agreed_manager: str  # "{name}": whose POP
    already: str
    signed: str  # in the final POP's signature lines: "{name}, akkoord op {when}"
    final_title: str  # the final POP's title (the draft's says "concept")


class FollowUpTexts(Strict):
    """Check-ins and evaluations after the conversation (seed 001 §2.5), in the employee's script."""

    goal_header: str  # "— Doel {number} van {count}: {goal} —" before each goal's questions
    all_done: str  # after the last goal
    no_goals: str
    new_cycle: str  # a new POP round starts: "{goals}" were the previous ones


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
    employee: Id  # a question of the employee's script
    manager: Id  # a question of this (the manager's) script
    label: str | None = None  # what is compared, in a few words (default: the employee's question)


class Theme(Strict):
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
    kinds: dict[Literal["low_low", "low_high", "high_low", "high_high"], str]  # ability_willingness


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
    smart_ok: str
    smart_missing: str  # "{goal}: {missing}"
    no_goals: str
    agenda_title: str
    agenda: list[str] = Field(min_length=1)
    matrix: Matrix
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
    role: Literal["employee", "manager", "follow_up", "evaluation"] = "employee"
    # Take commands, words, limits, messages (each unless given here), faq, privacy, team
    # and command descriptions from this script of the same language and folder.
    extends: Id | None = None
    team: Team | None = None
    agreement: Agreement | None = None
    follow_up: FollowUpTexts | None = None
    rights: Rights | None = None
    alignment: Alignment | None = None
    steps: list[Step] = Field(min_length=1)
    draft: DraftLayout

    # Convenience built once; never part of the YAML.
    def questions(self) -> list[tuple[Step, Any]]:
        return [(step, q) for step in self.steps for q in step.questions]
