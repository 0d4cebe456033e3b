"""The questions the engine asks beside the script's flow, one small class per kind.

A side question is pending in the record (`Pending.kind`) until it is answered: "start
over — sure?", "which answer to change?", "which language?", "another goal?", and the
SMART follow-up on a goal's field. Each kind knows how to ask itself, take an answer, and
what `back` and `skip` do while it is open; `Turn` looks the kind up and asks it — so a
new kind is one class here, not a branch in four places.
"""

from __future__ import annotations

from typing import Any, ClassVar, Protocol

from bot.dialog import answers
from bot.dialog.questions import GroupQuestion, TextQuestion
from bot.dialog.schema import Script, ScriptMessages
from bot.domain import EmployeeRecord, GroupProgress, Pending
from bot.messages import Option, Outgoing, Question

# Question ids of side questions (a button's payload names the question it answers).
RESTART_ID = "__restart__"
MORE = "__more__"
FOLLOW_UP = "__followup__"
LANGUAGE_ID = "__language__"


class TurnView(Protocol):
    """What a side question uses of the turn it is asked in."""

    r: EmployeeRecord
    out: list[Outgoing]
    msgs: ScriptMessages
    script: Script
    languages: dict[str, str]

    def say(self, text: str) -> None:
        """Add a line of text to what this turn answers (nothing for an empty one)."""

    def ask_current(self) -> None:
        """Show where the person is: the side question open, else their question, else that they are done."""

    def group(self) -> GroupQuestion:
        """The group (goals) question the person is in."""

    def items(self, g: GroupQuestion) -> list[dict[str, Any]]:
        """The goals (a group's items) answered so far."""

    def yesno_question(self, qid: str, text: str) -> Question:
        """A yes/no side question (a confirmation), offered as the yes/no kind offers."""

    def text_question_with_check(self, p: Pending) -> TextQuestion:
        """The text question a SMART follow-up belongs to (a goal's field, or the question itself)."""

    def reset(self) -> None:
        """Every answer wiped and the dialog begun again (the restart, confirmed)."""

    def group_more(self, g: GroupQuestion, yes: bool) -> None:
        """The answer to 'another goal?': one more, or on when there are enough."""

    def complete_follow_up(self, p: Pending, addition: str | None) -> None:
        """Join the follow-up to the original answer and check the whole again."""

    def edit_list(self) -> None:
        """The answers given so far as a list to pick one to change."""

    def edit_pick(self, text: str) -> None:
        """The answer picked from the edit list: asked again, a goal opened, or a goal dropped."""

    def settle(self) -> None:
        """Out of the side question, back at the question."""

    def cmd_language(self, arg: str | None) -> None:
        """`taal`: another language, named or picked from a list."""


class SideQuestion:
    """A question beside the script's flow: how it asks, takes an answer, and what `back`
    and `skip` do while it is open."""

    kind: ClassVar[str]

    def ask(self, t: TurnView, p: Pending) -> None:
        """Show this side question (on top of the question the person is on)."""
        raise NotImplementedError

    def answer(self, t: TurnView, p: Pending, text: str) -> None:
        """Take the person's answer to it, and go on from there."""
        raise NotImplementedError

    def back(self, t: TurnView, p: Pending) -> None:
        """`vorige` while it is open: close it; the turn asks the current question again."""
        t.settle()

    def skip(self, t: TurnView, p: Pending) -> bool:
        """`overslaan` while it is open; False: it cannot be skipped (the turn says so)."""
        return False


def _yes_no(t: TurnView, text: str) -> bool | None:
    """The answer to a yes/no side question, or None after saying how to answer."""
    yes = answers.yes_or_no(text, t.script.words)
    if yes is None:
        t.say(t.msgs.not_yes_no)
        t.ask_current()
    return yes


class RestartConfirm(SideQuestion):
    """ "opnieuw": are you sure? Yes erases the answers."""

    kind = "restart_confirm"

    def ask(self, t: TurnView, p: Pending) -> None:
        t.out.append(t.yesno_question(RESTART_ID, t.msgs.restart_confirm))

    def answer(self, t: TurnView, p: Pending, text: str) -> None:
        yes = _yes_no(t, text)
        if yes:
            t.reset()
        elif yes is False:
            t.settle()
            t.say(t.msgs.restart_cancelled)
            t.ask_current()


class LanguageSelect(SideQuestion):
    """ "taal": which language; the answers stay."""

    kind = "language_select"

    def ask(self, t: TurnView, p: Pending) -> None:
        options = tuple(Option(code, name) for code, name in t.languages.items())
        t.out.append(Question(LANGUAGE_ID, t.msgs.language_choose, "choice", options, t.msgs.hint_choice))

    def answer(self, t: TurnView, p: Pending, text: str) -> None:
        t.cmd_language(text)


class EditSelect(SideQuestion):
    """ "wijzig": which answer to change."""

    kind = "edit_select"

    def ask(self, t: TurnView, p: Pending) -> None:
        t.edit_list()

    def answer(self, t: TurnView, p: Pending, text: str) -> None:
        t.edit_pick(text)


class GroupMore(SideQuestion):
    """ "Another goal?" after a goal is complete."""

    kind = "group_more"

    def ask(self, t: TurnView, p: Pending) -> None:
        g = t.group()
        t.out.append(t.yesno_question(f"{g.id}.{MORE}", g.more))

    def answer(self, t: TurnView, p: Pending, text: str) -> None:
        yes = _yes_no(t, text)
        if yes is not None:
            t.settle()
            t.group_more(t.group(), yes)

    def back(self, t: TurnView, p: Pending) -> None:
        """Reopen the last goal's last field."""
        t.settle()
        g = t.group()
        items = t.items(g)
        if items:
            t.r.group = GroupProgress(
                index=len(items) - 1, field=len(g.fields) - 1, item=items[-1], editing=True
            )

    def skip(self, t: TurnView, p: Pending) -> bool:
        t.settle()
        t.group_more(t.group(), False)  # skipping "another goal?" is "no"
        return True


class SmartFollowUp(SideQuestion):
    """A goal's field that missed a SMART check: a friendly question, once more if the answer
    still misses, then on (the letter stays open for the conversation)."""

    kind = "smart_follow_up"

    def ask(self, t: TurnView, p: Pending) -> None:
        q = t.text_question_with_check(p)
        check = next(c for c in q.smart if c.check == p.check)
        text = (check.again or check.follow_up) if p.tries else check.follow_up
        t.out.append(Question(f"{t.r.state}.{p.field}.{FOLLOW_UP}", text, "text"))

    def answer(self, t: TurnView, p: Pending, text: str) -> None:
        if not answers.has_words(text):
            t.say(t.msgs.no_words)
            t.ask_current()
            return
        t.settle()
        t.complete_follow_up(p, text)

    def skip(self, t: TurnView, p: Pending) -> bool:
        t.settle()
        t.complete_follow_up(p, None)  # the answer stays as it was
        return True


SIDE_QUESTIONS: dict[str, SideQuestion] = {
    cls.kind: cls() for cls in (RestartConfirm, LanguageSelect, EditSelect, GroupMore, SmartFollowUp)
}
