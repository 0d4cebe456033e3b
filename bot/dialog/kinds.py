"""The kinds of question, each one class: how an answer is read from what someone typed or
pressed, what the question offers (its options and its hint, in the neutral message every
platform renders), and how a stored answer reads in the chat, the draft and the PDF.

The script's schema of a kind is its model in `bot.dialog.questions`; the behaviour is here,
one `Kind` per model in `KINDS`. A new kind of question is a model there, a class here and
its row in the table — nothing in the turn, the draft or the adapters asks which kind it is.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from bot.dialog import answers
from bot.dialog.answers import Parsed, Problem
from bot.dialog.questions import (
    ChoiceQuestion,
    DateQuestion,
    GroupQuestion,
    QuestionBase,
    ScaleQuestion,
    TextQuestion,
    YesNoQuestion,
)
from bot.dialog.render import day, fmt, item_title
from bot.dialog.schema import Script
from bot.messages import Option


class Kind:
    """What every kind of question does; a kind overrides what is its own."""

    model: ClassVar[type[QuestionBase]]

    def parse(self, q: Any, text: str, script: Script, today: date) -> Parsed | Problem:
        """The answer in what was typed (or pressed), or why it is not one."""
        raise TypeError(f"a {type(q).__name__} is not answered by typing")

    def offer(self, q: Any, script: Script) -> tuple[tuple[Option, ...], str]:
        """The options the question shows (none: typed) and the hint under it."""
        return (), ""

    def show(self, q: Any, value: Any, script: Script) -> str:
        """A stored answer in the reader's words (the chat, the draft, the PDF)."""
        return str(value)


class TextKind(Kind):
    """Typed text: words in it, within its lengths."""

    model = TextQuestion

    def parse(self, q: TextQuestion, text: str, script: Script, today: date) -> Parsed | Problem:
        return answers.text_answer(q, text)


class ChoiceKind(Kind):
    """One option, or several (`multi`), offered as buttons and typed as a number or a label."""

    model = ChoiceQuestion

    def parse(self, q: ChoiceQuestion, text: str, script: Script, today: date) -> Parsed | Problem:
        if q.kind == "multi":
            return answers.multi_answer(q, text, script.words)
        return answers.choice_answer(q, text)

    def offer(self, q: ChoiceQuestion, script: Script) -> tuple[tuple[Option, ...], str]:
        m = script.messages
        hint = m.hint_multi if q.kind == "multi" else m.hint_choice
        return tuple(Option(o.id, o.label) for o in q.options), hint

    def show(self, q: ChoiceQuestion, value: Any, script: Script) -> str:
        labels = {o.id: o.short or o.label for o in q.options}
        if isinstance(value, list):
            return ", ".join(labels.get(v, str(v)) for v in value)
        return labels.get(value, str(value))


class YesNoKind(Kind):
    """Yes or no, in the script's words."""

    model = YesNoQuestion

    def parse(self, q: YesNoQuestion, text: str, script: Script, today: date) -> Parsed | Problem:
        return answers.yesno_answer(text, script.words)

    def offer(self, q: YesNoQuestion | None, script: Script) -> tuple[tuple[Option, ...], str]:
        """Yes and no (the same for a script's own yes/no questions and popbot's confirmations)."""
        words = script.words
        return (Option("yes", words.yes[0]), Option("no", words.no[0])), script.messages.hint_yesno

    def show(self, q: YesNoQuestion, value: Any, script: Script) -> str:
        return script.words.yes[0] if value else script.words.no[0]


class ScaleKind(Kind):
    """A number on a scale, with a label at its ends."""

    model = ScaleQuestion

    def parse(self, q: ScaleQuestion, text: str, script: Script, today: date) -> Parsed | Problem:
        return answers.scale_answer(q, text)

    def offer(self, q: ScaleQuestion, script: Script) -> tuple[tuple[Option, ...], str]:
        options = tuple(
            Option(str(n), f"{n} {q.labels[n]}" if n in q.labels else str(n)) for n in range(q.min, q.max + 1)
        )
        return options, fmt(script.messages.hint_scale, min=q.min, max=q.max)

    def show(self, q: ScaleQuestion, value: Any, script: Script) -> str:
        # "4 van 5 (1 = heel weinig, 5 = heel veel)", never a bare 4
        low, high = q.labels.get(q.min, ""), q.labels.get(q.max, "")
        return fmt(script.words.scale_answer, value=value, min=q.min, max=q.max, low=low, high=high)


class DateKind(Kind):
    """A whole date, in the future where the question asks so."""

    model = DateQuestion

    def parse(self, q: DateQuestion, text: str, script: Script, today: date) -> Parsed | Problem:
        return answers.date_answer(q, text, script.words, today)

    def offer(self, q: DateQuestion, script: Script) -> tuple[tuple[Option, ...], str]:
        return (), script.messages.hint_date

    def show(self, q: DateQuestion, value: Any, script: Script) -> str:
        try:
            return day(date.fromisoformat(value), script.words)
        except (TypeError, ValueError):
            return str(value)


class GroupKind(Kind):
    """A group (the goals) is asked field by field: each field is a question of its own kind."""

    model = GroupQuestion

    def show(self, q: GroupQuestion, value: Any, script: Script) -> str:
        return "; ".join(item_title(q, i, item) for i, item in enumerate(value))


KINDS: dict[type[QuestionBase], Kind] = {
    kind.model: kind for kind in (TextKind(), ChoiceKind(), YesNoKind(), ScaleKind(), DateKind(), GroupKind())
}


def kind_of(q: Any) -> Kind:
    """The behaviour of this question's kind."""
    return KINDS[type(q)]


def parse(q: Any, text: str, script: Script, today: date) -> Parsed | Problem:
    """The answer to `q` in what was typed, or the problem with it."""
    return kind_of(q).parse(q, text, script, today)


def show(q: Any, value: Any, script: Script) -> str:
    """A stored answer to `q` as its reader reads it ("" for none)."""
    return "" if value is None else kind_of(q).show(q, value, script)
