"""One turn of the dialog: what the employee said, applied to their record.

A `Turn` is made per incoming message with the employee's record loaded; it
changes the record and collects the outgoing messages. It does no I/O: the
engine loads before and saves after, so a turn is all-or-nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.dialog import answers, followup, kinds, smart
from bot.dialog.answers import Parsed, Problem
from bot.dialog.conditions import asks_about
from bot.dialog.kinds import show
from bot.dialog.loaded import LoadedScript
from bot.dialog.questions import (
    GroupQuestion,
    Step,
    TextQuestion,
)
from bot.dialog.render import asked_text, fmt, item_title
from bot.dialog.schema import Commands
from bot.documents.draft import render_draft
from bot.domain import DONE, START, Answer, EmployeeRecord, GroupProgress, Pending
from bot.engine.side_questions import SIDE_QUESTIONS
from bot.messages import Document, Incoming, Option, Outgoing, Question, Text

EDIT_ID = "__edit__"


class Turn:
    """One message applied to one record with one script: the question on screen, the answer
    parsed and stored, the next question chosen by the flow, the commands (back, skip, edit, …)
    and the side questions. Made per turn and thrown away; it writes only to its record."""

    def __init__(
        self,
        loaded: LoadedScript,
        record: EmployeeRecord,
        now: datetime,
        languages: dict[str, str] | None = None,
        other_commands: list[Commands] | None = None,
        subject: str | None = None,
        organisation: Callable[[], str | None] | None = None,
        owner: str | None = None,
    ):
        self.subject = subject  # whom the draft is about, by name (a preparation's employee)
        self.owner = owner  # the employee's own name, from the roster (never their id)
        # the organisation's side: shown the turn after it arrives, at the goals' step, with the draft
        self.organisation = organisation
        self.loaded = loaded
        self.script = loaded.script
        self.msgs = loaded.script.messages
        self.flow = loaded.flow
        self.r = record
        self.now = now
        # language code -> name of every loaded script, for 'taal' / 'language'
        self.languages = languages or {self.script.language: self.script.language_name}
        # the other languages' navigation words also work: someone who types
        # 'back' in the Dutch dialog is understood
        self.other_commands = other_commands or []
        self.switch_to: str | None = None  # set when the employee picks another language
        self.out: list[Outgoing] = []
        self._finished = False  # a forward move reached the end (the machine said so)
        self._reposition()

    def _reposition(self) -> None:
        """An employee whose question is gone from the script goes to the first open one."""
        r = self.r
        if r.state in (START, DONE) or r.state in self.loaded.questions:
            return
        r.group, r.return_to = None, None  # (and what was pending there: gone with it)
        state = START
        while True:
            state = self.flow.next_state(state, r.values())
            if state == DONE or state not in r.answers:
                break
        self._go("reposition", to=state, remember=False, source=START)  # where it was is gone
        r.history = [h for h in r.history if h in self.loaded.questions]

    def after_language_switch(self) -> list[Outgoing]:
        """The turn after the person picked another language: said so, and their question again in it."""
        self.say(self.msgs.language_set)
        self.ask_current()
        return self.out

    # ------------------------------------------------------------ entry points

    def begin(self) -> list[Outgoing]:
        """The first words of a session: welcome, or welcome back where they were."""
        r = self.r
        if r.state == START:
            # a manager's preparation names the employee it is about ({name})
            self.say(fmt(self.msgs.welcome, name=self.subject or ""))
            self._forward("advance", remember=False)
        elif r.state == DONE:
            self.say(self.msgs.already_done)
        else:
            self._go("unpause")
            self.say(self.msgs.welcome_back)
            self.ask_current()
        return self.out

    def handle(self, inc: Incoming) -> list[Outgoing]:
        """One message of the person's; the organisation's side comes first the first turn
        after the manager shared it (or changed it), wherever they are."""
        if self.r.state == START:  # first contact: whatever they wrote, greet and begin
            return self.begin()
        out = self._handle(inc)
        news = self.organisation_news()
        if news:
            out.insert(0, Text(news))
        return out

    def organisation_news(self, again: bool = False) -> str | None:
        """The organisation's side as the manager shares it, if this person has not seen it
        as it is now (or `again`: the goals' step, the draft)."""
        text = self.organisation() if self.organisation is not None else None
        if not text:
            return None
        key = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
        if key == self.r.organisation_seen and not again:
            return None
        self.r.organisation_seen = key
        return text

    def _handle(self, inc: Incoming) -> list[Outgoing]:
        r = self.r
        if inc.kind in ("unsupported", "edited"):
            self.say(self.msgs.unsupported if inc.kind == "unsupported" else self.msgs.edited)
            self.ask_current()
            return self.out
        if inc.kind == "choice":
            return self._press(inc)
        text = answers.accept(inc.text, self.script.limits.max_message_length)
        if isinstance(text, Problem):
            self.say(fmt(getattr(self.msgs, text.key), **text.params))
            self.ask_current()
            return self.out
        if r.paused:
            self._go("unpause")
            self.say(self.msgs.welcome_back)
            self.ask_current()
            return self.out
        command, arg = self._command(text)
        if command:
            getattr(self, f"cmd_{command}")(arg)
            return self.out
        if text.startswith("/"):
            self.say(fmt(self.msgs.unknown_command, command=text.split()[0], help=self._word("help")))
            self.ask_current()
            return self.out
        self._answer(text)
        return self.out

    # ------------------------------------------------------------ output

    def say(self, text: str) -> None:
        """Add a line of text to what this turn answers (nothing for an empty one)."""
        if text:
            self.out.append(Text(text))

    def ask_current(self) -> None:
        """Show where the person is: the side question open, else their question, else that they are done."""
        r = self.r
        p = r.pending
        if p is not None:
            self._ask_pending(p)
        elif r.state == DONE:
            self.say(self.msgs.already_done)
        elif r.state != START:
            q = self.loaded.questions[r.state]
            if isinstance(q, GroupQuestion):
                self._ask_group(q)
            else:
                self.out.append(self._question(q, q.id, r.answers.get(q.id)))

    def _question(self, q: Any, qid: str, current: Answer | None = None) -> Question:
        m = self.msgs
        options, hint = kinds.kind_of(q).offer(q, self.script)
        shown = ""
        if current is not None and not current.skipped:
            shown = fmt(m.current_answer, answer=show(q, current.value, self.script))
        done = m.multi_done if q.kind == "multi" else ""
        privacy = self.script.privacy
        if privacy is not None:  # said when asked, not only in help
            if privacy.shareable:  # a script shared only by choice: every question says which
                said = privacy.shareable if q.for_employee and not q.private else privacy.asked
            else:  # the employee's script: only an always-private question says so
                said = privacy.asked if q.private else ""
            hint = "\n".join(h for h in (fmt(said, name=self.subject or ""), hint) if h)
        text = asked_text(q, self.subject)
        return Question(qid, text, q.kind, options, hint, shown, done, optional=not q.required)

    def yesno_question(self, qid: str, text: str) -> Question:
        """A yes/no side question (a confirmation), offered as the yes/no kind offers."""
        options, hint = kinds.YesNoKind().offer(None, self.script)
        return Question(qid, text, "yesno", options, hint)

    # ------------------------------------------------------------ moving

    def _go(
        self, trigger: str, to: str | None = None, remember: bool = True, source: str | None = None
    ) -> None:
        """Fire `trigger` of the conversation's machine (`bot.dialog.flow`) from where the
        person is (`to`: a jump's destination) and stand where it ends — the one place the
        record's state is written. The question left is remembered for `terug`."""
        r = self.r
        before = r.state
        side = r.pending.kind if r.pending is not None and source is None else None
        after, still = self.flow.fire(trigger, source or before, r.values(), listener=self, to=to, side=side)
        if remember and before not in (START, DONE) and before != after:
            r.history.append(before)
        r.state = after
        if still is None:  # out of the side question (or never in one): nothing pending
            r.pending = None

    def aside(self, pending: Pending) -> None:
        """Into a side question of where the person is (the machine's `aside`), and ask it."""
        self._go("aside", to=pending.kind, remember=False)
        self.r.pending = pending

    def settle(self) -> None:
        """Out of the side question, back at the question (the machine's `settle`)."""
        if self.r.pending is not None:
            self._go("settle", remember=False)

    def step_entered(self, step: Step) -> None:
        """The machine entered a new step on the way forward: its intro."""
        # number the steps this person will see: the short route is "2 van 3", not "3 van 7"
        ahead = self.steps_ahead()
        number = ahead.index(step) + 1 if step in ahead else self.script.steps.index(step) + 1
        # while the route is open the total is not known: no "1 van 7" that becomes "2 van 3"
        open_ = self.msgs.step_intro_open and self.steps_open()
        intro = self.msgs.step_intro_open if open_ else self.msgs.step_intro
        head = fmt(intro, number=number, total=len(ahead), title=step.title)
        self.say(f"{head}\n{step.intro}" if step.intro else head)
        goals = self.script.draft.goals_question
        if any(q.id == goals for q in step.questions):
            shared = self.organisation_news(again=True)
            if shared:
                self.say(shared)

    def paused(self, paused: bool) -> None:
        """The machine set the conversation aside (`stop`), or took it up again."""
        self.r.paused = paused

    def finished(self) -> None:
        """The machine reached the end on the way forward: the closing words and the draft."""
        self.r.return_to = None
        self.say(self.msgs.done)
        self._finished = True

    def _forward(self, trigger: str, to: str | None = None, remember: bool = True) -> None:
        """On, by a trigger that may begin a step or end the dialog; then where they are."""
        self._finished = False
        self._go(trigger, to=to, remember=remember)
        if self._finished:
            self.cmd_draft(None)
        else:
            self.ask_current()

    def advance(self, trigger: str = "advance") -> None:
        """On to the next question the flow gives (`skip`: leaving this one open), or back
        to where an edit started."""
        r = self.r
        back_to = r.return_to
        if back_to is not None:
            r.return_to = None
            if back_to == DONE or self.flow.applies(back_to, r.values()):
                self._forward("resume", to=back_to, remember=False)
                return
        self._forward(trigger)

    def _store(self, qid: str, value: Any, skipped: bool = False) -> None:
        old = self.r.answers.get(qid)
        self.r.answers[qid] = Answer(
            value=value,
            skipped=skipped,
            version=self.loaded.version,
            at=self.now,
            private=old is not None and old.private,  # a changed answer stays as private as it was
        )

    # ------------------------------------------------------------ answering

    def _problem(self, q: Any, problem: Problem) -> None:
        override = getattr(q.messages, problem.key, None) if hasattr(q, "messages") else None
        template = override or getattr(self.msgs, problem.key)
        self.say(fmt(template, **problem.params))
        self.ask_current()

    def _answer(self, text: str) -> None:
        r = self.r
        if r.pending is not None:
            self._answer_pending(r.pending, text)
            return
        if r.state == DONE:
            self.say(self.msgs.already_done)
            return
        q = self.loaded.questions[r.state]
        if isinstance(q, GroupQuestion):
            self._answer_group(q, text)
            return
        result = kinds.parse(q, text, self.script, self.now.date())
        if isinstance(result, Problem):
            self._problem(q, result)
            return
        self._store(q.id, result.value)
        if isinstance(q, TextQuestion) and self._follow_up(q, result.value, q.id):
            return
        consent = self.script.draft.consent
        if consent is not None and q.id == consent.question and result.value is False:
            self.say(consent.withheld)
        self.advance()

    def _follow_up(self, q: TextQuestion, value: str, field: str, tries: int = 0) -> bool:
        """Ask the first failed SMART check's follow-up (`tries`: how many were answered);
        True if one was asked. After two, a letter that still misses is said to stay open —
        it is listed again when both are asked to agree."""
        after = followup.conversation_day(self.loaded, self.r) or self.now.date()
        failed = [c for c in q.smart if not smart.passes(c.check, value, self.script.words, after)]
        if not failed:
            return False
        if tries < 2:
            self.aside(Pending(kind="smart_follow_up", check=failed[0].check, field=field, tries=tries))
            self.ask_current()
            return True
        for c in failed:
            self.say(fmt(self.msgs.smart_open, hint=self.script.draft.smart_hints.get(c.check, "")))
        return False

    def _press(self, inc: Incoming) -> list[Outgoing]:
        """A button: accepted only for the question on screen and its own options."""
        expected = self._current_question()
        option_ids = [o.id for o in expected.options] if expected else []
        picked = (inc.option_id or "").split(",")
        if (
            expected is None
            or inc.question_id not in (expected.question_id, expected.ref)
            or not picked
            or any(p not in option_ids for p in picked)
        ):
            self.say(self.msgs.stale_choice)
            self.ask_current()
            return self.out
        if expected.kind == "yesno":
            w = self.script.words
            text = w.yes[0] if picked[0] == "yes" else w.no[0]
        else:
            text = ",".join(picked)
        self._answer(text)
        return self.out

    def ask(self) -> list[Outgoing]:
        """The question the person is on (after a button changed where they are)."""
        self.ask_current()
        return self.out

    def take_full_route(self) -> list[Outgoing]:
        """The full route after all (the manager's no to the short conversation): the route
        becomes the full one and the dialog goes on at the first question not yet answered."""
        r, rule = self.r, self.script.draft.route
        if rule is None:
            return self.ask()
        self._store(rule.question, rule.full)
        values = r.values()
        state = self.flow.next_state(rule.question, values)
        while state != DONE and state in r.answers:
            state = self.flow.next_state(state, values)
        self.settle()
        r.group = r.return_to = None
        self._forward("resume", to=state)
        return self.out

    def current_question(self) -> Question | None:
        """The question on screen now, without changing anything."""
        return self._current_question()

    def _current_question(self) -> Question | None:
        saved = self.out
        self.out = []
        self.ask_current()
        shown = [o for o in self.out if isinstance(o, Question)]
        self.out = saved
        return shown[-1] if shown else None

    # ------------------------------------------------------------ side questions

    def _ask_pending(self, p: Pending) -> None:
        SIDE_QUESTIONS[p.kind].ask(self, p)

    def group(self) -> GroupQuestion:
        """The group (goals) question the person is in."""
        g = self.loaded.questions[self.r.state]
        assert isinstance(g, GroupQuestion)
        return g

    def text_question_with_check(self, p: Pending) -> TextQuestion:
        """The text question a SMART follow-up belongs to (a goal's field, or the question itself)."""
        q = self.loaded.questions[self.r.state]
        if isinstance(q, GroupQuestion):
            q = next(f for f in q.fields if f.id == p.field)
        assert isinstance(q, TextQuestion)
        return q

    def _answer_pending(self, p: Pending, text: str) -> None:
        SIDE_QUESTIONS[p.kind].answer(self, p, text)

    def complete_follow_up(self, p: Pending, addition: str | None) -> None:
        """Join the follow-up to the original answer and check the whole again: once more a
        follow-up if it still misses, after that (or a skip) the letter stays open."""
        r = self.r
        assert p.field is not None
        q = self.loaded.questions[r.state]
        field = self.text_question_with_check(p)
        tries = p.tries + 1 if addition is not None else 2
        if isinstance(q, GroupQuestion):
            assert r.group is not None
            if addition:
                r.group.item[p.field] = f"{r.group.item[p.field]} — {addition}"
            if not self._follow_up(field, str(r.group.item[p.field]), p.field, tries):
                self._next_field(q)
        else:
            if addition:
                self._store(q.id, f"{r.answers[q.id].value} — {addition}")
            if not self._follow_up(field, str(r.answers[q.id].value), p.field, tries):
                self.advance()

    # ------------------------------------------------------------ the repeating group

    def items(self, g: GroupQuestion) -> list[dict[str, Any]]:
        """The goals (a group's items) answered so far."""
        a = self.r.answers.get(g.id)
        return list(a.value) if a is not None and isinstance(a.value, list) else []

    def _ask_group(self, g: GroupQuestion) -> None:
        r = self.r
        items = self.items(g)
        if r.group is None:
            if items:  # came back to a group that has goals: offer to add one
                more = Pending(kind="group_more")
                self.aside(more)
                self.say("\n".join(item_title(g, i, it) for i, it in enumerate(items)))
                self._ask_pending(more)
                return
            r.group = GroupProgress(index=0)
        p = r.group
        if p.field == 0 and not p.item:
            self.say(fmt(self.msgs.group_item, label=fmt(g.item_label, n=p.index + 1)))
            if p.index == 0 and not p.editing:
                self.say(g.text)
        f = g.fields[p.field]
        current = None
        if p.editing and f.id in p.item:
            current = Answer(value=p.item[f.id])
        self.out.append(self._question(f, f"{g.id}.{f.id}", current))

    def _answer_group(self, g: GroupQuestion, text: str) -> None:
        r = self.r
        if r.group is None:
            r.group = GroupProgress(index=len(self.items(g)))
        f = g.fields[r.group.field]
        result = kinds.parse(f, text, self.script, self.now.date())
        if isinstance(result, Problem):
            self._problem(f, result)
            return
        assert isinstance(result, Parsed)
        r.group.item[f.id] = result.value
        if isinstance(f, TextQuestion) and self._follow_up(f, result.value, f.id):
            return
        self._next_field(g)

    def _next_field(self, g: GroupQuestion) -> None:
        r = self.r
        p = r.group
        assert p is not None
        p.field += 1
        if p.field < len(g.fields):
            self.ask_current()
            return
        items = self.items(g)
        if p.index < len(items):
            items[p.index] = p.item
        else:
            items.append(p.item)
        self._store(g.id, items)
        r.group = None
        if r.return_to is not None:  # edited from 'wijzig': back to where they were
            self.advance()
        elif len(items) >= g.max_items:
            self.say(self.msgs.group_max_reached)
            self.advance()
        else:
            self.aside(Pending(kind="group_more"))
            self.ask_current()

    def group_more(self, g: GroupQuestion, yes: bool) -> None:
        """The answer to 'another goal?': one more, or on when there are enough."""
        r = self.r
        items = self.items(g)
        if not yes and len(items) >= g.min_items:
            self.advance()
            return
        if not yes:
            self.say(fmt(self.msgs.group_need_more, min=g.min_items))
        if len(items) >= g.max_items:
            self.say(self.msgs.group_max_reached)
            self.advance()
            return
        r.group = GroupProgress(index=len(items))
        self.ask_current()

    # ------------------------------------------------------------ commands

    def _command(self, text: str) -> tuple[str | None, str | None]:
        """Recognise a navigation word (with or without '/'), and its argument."""
        parts = text.split(maxsplit=1)
        head = parts[0].casefold().lstrip("/")
        arg = parts[1].strip() if len(parts) > 1 else None
        if self.script.privacy is not None and head in (w.casefold() for w in self.script.privacy.words):
            return "private", arg
        for commands in [self.script.commands, *self.other_commands]:
            for name, words in commands:
                if head in (w.casefold() for w in words):
                    if arg is not None and name not in ("edit", "faq", "language"):
                        return None, None  # "stop met roken" is an answer, not a command
                    return name, arg
        return None, None

    def _word(self, command: str) -> str:
        words: list[str] = getattr(self.script.commands, command)
        return words[0]

    def cmd_back(self, _arg: str | None) -> None:
        """`terug`: the side question, the edit or the goal's field undone, else the previous question."""
        r = self.r
        if r.pending is not None:
            SIDE_QUESTIONS[r.pending.kind].back(self, r.pending)
            self.ask_current()
            return
        if r.return_to is not None:  # stop editing, go back to where they were
            target = r.return_to
            r.return_to = None
            r.group = None
            self._go("back", to=target, remember=False)
            self.ask_current()
            return
        if r.group is not None and r.group.field > 0:
            r.group.field -= 1
            r.group.editing = True
            self.ask_current()
            return
        if r.group is not None and r.group.index > 0 and not r.group.item:
            r.group = None  # undo the "yes, another goal"
            self.aside(Pending(kind="group_more"))
            self.ask_current()
            return
        if not r.history:
            self.say(self.msgs.nothing_to_go_back_to)
            self.ask_current()
            return
        r.group = None
        self._go("back", to=r.history.pop(), remember=False)
        self.ask_current()

    def cmd_skip(self, _arg: str | None) -> None:
        """`overslaan`: an optional question (or a goal's optional field) left open, and on."""
        r = self.r
        p = r.pending
        if p is not None and SIDE_QUESTIONS[p.kind].skip(self, p):
            return
        if p is not None or r.state in (START, DONE):
            self.say(self.msgs.cannot_skip)
            self.ask_current()
            return
        q = self.loaded.questions[r.state]
        if isinstance(q, GroupQuestion):
            self._skip_group_field(q)
            return
        if r.return_to is not None and q.id in r.answers:  # editing: keep the answer
            self.advance()
            return
        if q.required:
            self.say(self.msgs.cannot_skip)
            self.ask_current()
            return
        self._store(q.id, None, skipped=True)
        self.say(self.msgs.skipped)
        self.advance("skip")

    def _skip_group_field(self, g: GroupQuestion) -> None:
        r = self.r
        p = r.group or GroupProgress(index=len(self.items(g)))
        r.group = p
        f = g.fields[p.field]
        if p.editing and f.id in p.item:
            self._next_field(g)
        elif p.field == 0 and not p.item and len(self.items(g)) >= g.min_items:
            r.group = None  # no new goal after all
            self.advance()
        elif not f.required:
            p.item[f.id] = None
            self._next_field(g)
        else:
            self.say(self.msgs.cannot_skip)
            self.ask_current()

    def cmd_progress(self, _arg: str | None) -> None:
        """`voortgang`: how far the person is, per step, and their question again."""
        self.say(self.progress_text())
        self.ask_current()

    def steps_ahead(self) -> list[Step]:
        """The steps with a question for this person: asked on their answers so far, or hanging
        on an answer not given yet (before the route is chosen, all seven may come)."""
        values = self.r.values()

        def may_come(step: Step) -> bool:
            return any(
                self.flow.applies(q.id, values)
                or any(qid not in values for qid in asks_about(step.when) | asks_about(q.when))
                for q in step.questions
            )

        return [step for step in self.script.steps if may_come(step)]

    def steps_open(self) -> bool:
        """Does a later step hang on an answer not given yet (the route), so the count may change?"""
        values = self.r.values()
        return any(
            qid not in values
            for step in self.script.steps
            for q in step.questions
            for qid in asks_about(step.when) | asks_about(q.when)
        )

    def progress_text(self) -> str:
        """How far the person is: answered of asked, per step they will see."""
        values = self.r.values()
        lines = [self.msgs.progress_header]
        for number, step in enumerate(self.steps_ahead(), start=1):
            asked = [q.id for q in step.questions if self.flow.applies(q.id, values)]
            if not asked:
                continue
            done = sum(1 for qid in asked if qid in self.r.answers)
            marker = self.msgs.progress_done_marker if done == len(asked) else self.msgs.progress_open_marker
            lines.append(
                fmt(
                    self.msgs.progress_line,
                    marker=marker,
                    number=number,
                    title=step.title,
                    answered=done,
                    total=len(asked),
                )
            )
        return "\n".join(lines)

    def answered(self) -> list[tuple[str, str, str]]:
        """(question id, question, answer as shown) of every answer that can be edited alone."""
        out = []
        for qid, q in self.loaded.questions.items():
            a = self.r.answers.get(qid)
            if a is not None and not isinstance(q, GroupQuestion):
                out.append(
                    (
                        qid,
                        asked_text(q, self.subject),
                        self.script.draft.skipped_answer if a.skipped else show(q, a.value, self.script),
                    )
                )
        return out

    def set_answer(self, question_id: str, text: str) -> str | None:
        """Change one earlier answer outside the chat (e.g. a form); the error, or None."""
        q = self.loaded.questions.get(question_id)
        if q is None or isinstance(q, GroupQuestion) or question_id not in self.r.answers:
            return self.msgs.stale_choice
        accepted = answers.accept(text, self.script.limits.max_message_length)
        if isinstance(accepted, Problem):  # the same limits as the chat's
            return fmt(getattr(self.msgs, accepted.key), **accepted.params)
        result = kinds.parse(q, accepted, self.script, self.now.date())
        if isinstance(result, Problem):
            override = getattr(q.messages, result.key, None)
            return fmt(override or getattr(self.msgs, result.key), **result.params)
        self._store(q.id, result.value)
        return None

    def cmd_draft(self, _arg: str | None) -> None:
        """`concept`: the draft POP so far, as a document (and the organisation's side with it)."""
        md = render_draft(self.loaded, self.r, self.now, employee=self.subject or self.owner)
        self.out.append(
            Document(f"pop-{self.loaded.script.id}-concept.md", md, caption=self.msgs.draft_caption)
        )
        shared = self.organisation_news(again=True)  # what the goals should answer to
        if shared:
            self.say(shared)
        if self.r.state != DONE:
            self.ask_current()

    def cmd_help(self, _arg: str | None) -> None:
        """`help`: the commands, the FAQ's questions and the question's own help."""
        c = self.script.commands
        words = [w[0] for _name, w in c]
        if self.script.privacy is not None:
            words.append(self.script.privacy.words[0])
        commands = "\n".join(f"• {word}" for word in words)
        faq = "\n".join(
            fmt(self.msgs.faq_list_line, word=c.faq[0], number=i, question=e.question)
            for i, e in enumerate(self.script.faq, start=1)
        )
        self.say(fmt(self.msgs.help, commands=commands, faq=faq))
        if self.r.state in self.loaded.questions:
            q = self.loaded.questions[self.r.state]
            if q.help:
                self.say(fmt(self.msgs.help_question, help=q.help))
        self.ask_current()

    def cmd_faq(self, arg: str | None) -> None:
        """`faq N`: one entry of the FAQ, by its number or id."""
        entries = self.script.faq
        if arg is None:
            self.cmd_help(None)
            return
        key = arg.strip().casefold()
        entry = None
        if key.isdigit() and 1 <= int(key) <= len(entries):
            entry = entries[int(key) - 1]
        else:
            entry = next((e for e in entries if e.id == key), None)
        if entry is None:
            self.say(fmt(self.msgs.faq_not_found, count=len(entries)))
        else:
            self.say(f"{entry.question}\n\n{entry.answer}")
        self.ask_current()

    def cmd_language(self, arg: str | None) -> None:
        """`taal`: another language, named or picked from a list."""
        if arg is not None:
            key = arg.strip().casefold()
            codes = list(self.languages)
            for n, (code, name) in enumerate(self.languages.items(), start=1):
                if key in (code, name.casefold(), str(n)) or (
                    len(key) >= 2 and name.casefold().startswith(key)
                ):
                    self.settle()
                    self.switch_to = code
                    return
            self.say(fmt(self.msgs.not_an_option, count=len(codes)))
        self.aside(Pending(kind="language_select"))
        self.ask_current()

    def cmd_stop(self, _arg: str | None) -> None:
        """`stop`: the dialog paused; the next message welcomes them back where they were."""
        self._go("pause")
        self.say(self.msgs.paused)

    def cmd_restart(self, _arg: str | None) -> None:
        """`opnieuw`: asks first; a yes wipes the answers and begins again."""
        self.aside(Pending(kind="restart_confirm"))
        self.ask_current()

    def reset(self) -> None:
        """Every answer wiped and the dialog begun again (the restart, confirmed)."""
        r = self.r
        r.answers = {}
        r.history = []
        r.group = None
        r.return_to = None
        self._go("restart", remember=False)
        self.say(self.msgs.restart_done)
        self.begin()

    # ------------------------------------------------------------ editing

    def _edit_entries(self) -> list[tuple[str, str, int | None]]:
        """(label, question id, group item index) for every answer given so far."""
        entries: list[tuple[str, str, int | None]] = []
        for qid, q in self.loaded.questions.items():
            a = self.r.answers.get(qid)
            if isinstance(q, GroupQuestion) and q.add_later and self.r.state == DONE:
                items = list(a.value or []) if a is not None and not a.skipped else []
                for i, item in enumerate(items):
                    entries.append((item_title(q, i, item), qid, i))
                if len(items) < q.max_items:
                    entries.append((q.add_later, qid, len(items)))
                if q.drop_later and len(items) > q.min_items:
                    for i, item in enumerate(items):  # a negative index: drop that item
                        entries.append((fmt(q.drop_later, item=item_title(q, i, item)), qid, -1 - i))
                continue
            if a is None:
                continue
            if isinstance(q, GroupQuestion):
                for i, item in enumerate(a.value or []):
                    entries.append((item_title(q, i, item), qid, i))
            else:
                value = self.script.draft.skipped_answer if a.skipped else show(q, a.value, self.script)
                entries.append((f"{asked_text(q, self.subject)} — {_short(value)}", qid, None))
        return entries

    def cmd_private(self, arg: str | None) -> None:
        """Keep one answer out of the draft, or share it again (seed 004: the employee decides)."""
        p = self.script.privacy
        assert p is not None  # only recognised when the script has the words
        # only answers that can go in the draft: a question that is always private is not offered
        entries = [
            (label, qid)
            for label, qid, index in self._edit_entries()
            if index is None and not getattr(self.loaded.questions[qid], "private", False)
        ]
        key = (arg or "").strip().rstrip(".")
        if not key.isdigit() or not 1 <= int(key) <= len(entries):
            lines = []
            for n, (label, qid) in enumerate(entries, start=1):
                mark = f"{p.marker} " if self.r.answers[qid].private else ""
                lines.append(f"{n}. {mark}{label}")
            self.say(fmt(p.choose, word=p.words[0], answers="\n".join(lines)))
        else:
            _label, qid = entries[int(key) - 1]
            a = self.r.answers[qid]
            a.private = not a.private
            text = self.loaded.questions[qid].text
            self.say(fmt(p.marked if a.private else p.unmarked, question=text, draft=self._word("draft")))
        if self.r.state != DONE:
            self.ask_current()

    def edit_list(self) -> None:
        """The answers given so far as a list to pick one to change."""
        entries = self._edit_entries()
        options = tuple(Option(str(i), label) for i, (label, _q, _n) in enumerate(entries, start=1))
        self.out.append(Question(EDIT_ID, self.msgs.edit_choose, "choice", options, self.msgs.hint_choice))

    def cmd_edit(self, arg: str | None) -> None:
        """`wijzig`: pick an earlier answer to change (then back to where they were)."""
        if not self._edit_entries():
            self.say(self.msgs.edit_nothing)
            self.ask_current()
            return
        if arg is None:
            self.aside(Pending(kind="edit_select"))
            self.ask_current()
            return
        self.edit_pick(arg)

    def edit_pick(self, text: str) -> None:
        """The answer picked from the edit list: asked again, a goal opened, or a goal dropped."""
        r = self.r
        entries = self._edit_entries()
        key = text.strip().rstrip(".")
        if not key.isdigit() or not 1 <= int(key) <= len(entries):
            self.say(fmt(self.msgs.edit_not_found, count=len(entries)))
            self.aside(Pending(kind="edit_select"))
            self.ask_current()
            return
        _label, qid, index = entries[int(key) - 1]
        self.settle()
        if r.return_to is None:
            r.return_to = r.state
        self._go("edit", to=qid, remember=False)
        r.group = None
        if index is not None and index < 0:  # drop an item: nothing to ask, back where they were
            g = self.loaded.questions[qid]
            assert isinstance(g, GroupQuestion)
            items = self.items(g)
            del items[-1 - index]
            self._store(g.id, items)
            self._go("reposition", to=r.return_to or DONE, remember=False)
            r.return_to = None
            if r.state == DONE:
                self.say(self.msgs.already_done)
            else:
                self.ask_current()
            return
        if index is not None:
            g = self.loaded.questions[qid]
            assert isinstance(g, GroupQuestion)
            items = self.items(g)
            item = dict(items[index]) if index < len(items) else {}  # a new one: added afterwards
            r.group = GroupProgress(index=index, field=0, item=item, editing=True)
        self.ask_current()


def _short(text: str, limit: int = 60) -> str:
    one = " ".join(text.split())
    return one if len(one) <= limit else one[: limit - 1] + "…"
