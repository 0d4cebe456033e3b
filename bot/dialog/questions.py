"""The questions of the dialog script format: their kinds, validation, conditions, steps.

HR writes YAML; these pydantic models say what a question may be. Every model forbids
unknown keys so a typo is reported instead of silently ignored.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

# Short enough that a button payload (8-character question ref + option id) fits Telegram's 64 bytes.
Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$", max_length=48)]


class Strict(BaseModel):
    """A part of a script: every key must be known (a typo is refused, never ignored)."""

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
        """The question ids the condition reads."""
        ids = [self.answer] if self.answer else []
        for sub in (self.all or []) + (self.any or []) + ([self.not_] if self.not_ else []):
            ids.extend(sub.referenced_ids())
        return ids


# ---------------------------------------------------------------- questions


class Option(Strict):
    """A choice: its id (stored), label (shown), short label (documents) and synonyms."""

    id: Id
    label: str = Field(min_length=1)
    synonyms: list[str] = []  # other words that pick this option
    # how the chosen option reads in a document, where the chat's explanation is noise
    # ("Volledig" for "Volledig — alle zeven stappen (ongeveer 20 minuten)")
    short: str = ""


class Validation(Strict):
    """What a question's answer must be: lengths, how many choices, a date in the future."""

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
    """A SMART check on a goal field. A failed check asks `follow_up`; still failed, `again`
    (or `follow_up` once more); still failed, the letter is noted as open for the conversation."""

    check: Literal["specific", "observable", "has_date"]
    follow_up: str = Field(min_length=1)
    again: str | None = None


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
    """A jump: after this question, to that one, when the condition holds."""

    to: Id
    when: Condition | None = None


class QuestionBase(Strict):
    """What every question has: its id, text, help, whether it is required or private, where it goes in the
    draft."""

    id: Id
    text: str = Field(min_length=1)
    help: str | None = None
    required: bool = True
    private: bool = False  # never leaves the employee: not in the draft, not sent
    draft: Id | None = None  # the draft section this answer is shown in
    final: bool = True  # shown in the final POP too (not a question about the draft itself)
    when: Condition | None = None  # asked only when this holds
    goto: list[GotoRule] = []
    validation: Validation = Validation()
    messages: Messages = Messages()
    source: str | None = None  # where in the seeds the question comes from
    # a manager's question the employee may read (if the manager shares it): its wording for them
    for_employee: str | None = None

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
    """Free text, with length limits and SMART checks on goal fields."""

    kind: Literal["text"]
    smart: list[SmartCheck] = []


class ChoiceQuestion(QuestionBase):
    """One of the options, by number, label or synonym (multi: several)."""

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
    """Yes or no, in the script's words."""

    kind: Literal["yesno"]


class DateQuestion(QuestionBase):
    """A date, as the language writes it; the conversation's date can come from the roster."""

    kind: Literal["date"]
    # `conversation`: the roster's conversation date answers it; asked only without one, so
    # there are never two dates (the typed one in the chat, the roster's in the PDF)
    roster: Literal["conversation"] | None = None


class ScaleQuestion(QuestionBase):
    """A number on a scale with words at its ends."""

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
    # offered by 'wijzig' to add an item later, also where the group was not asked (the short
    # route: goals agreed in the conversation are added afterwards); none: no such offer
    add_later: str | None = None
    drop_later: str | None = None  # "{item} schrappen": offered likewise, to drop one
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
    """A step of the method: its title, intro, condition and questions."""

    id: Id
    method_step: int | None = Field(default=None, ge=1, le=7)  # which of the seven POP steps
    title: str = Field(min_length=1)
    intro: str | None = None
    when: Condition | None = None
    questions: list[Question] = Field(min_length=1)
    source: str | None = None
