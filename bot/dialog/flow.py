"""The conversation as one nested `transitions` machine per script version.

Steps are parent states and their questions the states inside them; a start and an end
beside them. One machine per loaded script version, never one per employee (attaching
thousands of models is slow and memory-hungry): each turn places a small cursor (one per
thread, attached once) at the employee's saved state, fires one trigger and reads where it
ended.

The triggers are every way through the conversation:

- `advance`: to the next question that applies. For each question its transitions are
  added in script order — first its `goto` rules, then each later question guarded by "is
  this question asked for these answers?" — and transitions takes the first whose condition
  holds, which is exactly "the next question that applies".
- `skip`: the same ways on, from a question that may be left open (an optional one).
- `back`: to the question on top of the person's history (or out of an edit, to where
  they were); `edit`: to the question picked from the list of their answers.
- `resume`: from an edit back to where the person was (a question, or the end).
- `reposition`: to where the person now belongs, said nothing of (an answer dropped, a
  question gone from a changed script).
- `restart`: to the start, every answer gone.
- `pause` and `unpause`: the conversation set aside and taken up again, where it was.
- `aside` and `settle`: into one of a question's side questions — states inside the
  question's own: a SMART follow-up (a question with SMART checks, a goal's fields), another
  goal (a group), and at every question and at the end the confirmation of a restart, the
  choice of a language and of an answer to change — and out of it, back to the question.

Entering a step by `advance`, `skip` or `resume` gives its intro (the step's `on_enter`);
entering the end that way gives the closing words and the draft. HR's flow diagram
(`bot.dialog.diagram`) is drawn from this machine's own states and transitions.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from transitions.core import EventData
from transitions.extensions.nesting import HierarchicalMachine, NestedState

from bot.dialog.conditions import describe, holds
from bot.dialog.questions import GroupQuestion, Question, Step
from bot.domain import DONE, ROSTER_MARK, START

Values = Mapping[str, Any]

FORWARD = ("advance", "skip", "resume")  # the ways in that give a step's intro, and the end's words
JUMPS = ("back", "edit", "resume", "reposition")  # to a question (or the end) named when fired
SEPARATOR = "__"  # ids may contain '_' but never '__' (see the Id pattern)
BEGIN, END = "START", "END"  # the machine's start and end: ids are lower case, so never theirs
# side questions a command opens wherever the person is, the end included
ANYWHERE = ("restart_confirm", "language_select", "edit_select")


def sides(q: Question | None) -> tuple[str, ...]:
    """The side questions that may open at this question (None: at the end)."""
    found = list(ANYWHERE)
    if isinstance(q, GroupQuestion):
        found.append("group_more")
        if any(getattr(f, "smart", None) for f in q.fields):
            found.append("smart_follow_up")
    elif getattr(q, "smart", None):
        found.append("smart_follow_up")
    return tuple(found)


class Shape(Protocol):
    """What the flow reads of a script: its questions in order and the step of each.
    (`LoadedScript` has it; naming only this keeps script.py → flow.py one way.)"""

    @property
    def order(self) -> list[str]:
        """The question ids in script order."""

    @property
    def questions(self) -> dict[str, Question]:
        """The questions by id."""

    @property
    def steps_by_question(self) -> dict[str, Step]:
        """The step each question is in."""


class Listener(Protocol):
    """Who hears what the machine does in a turn (the `Turn`)."""

    def step_entered(self, step: Step) -> None:
        """A new step began: its intro is said."""

    def finished(self) -> None:
        """The end was reached: the closing words and the draft."""

    def paused(self, paused: bool) -> None:
        """The conversation was set aside (True), or taken up again."""


class _State(NestedState):
    separator = SEPARATOR


class _Machine(HierarchicalMachine):
    state_cls = _State


class _Test:
    """A transition condition that can say what it tests (diagrams show `__name__`)."""

    def __init__(self, test: Callable[[Values], bool], label: str) -> None:
        self.test = test
        self.__name__ = label

    def __call__(self, event: EventData) -> bool:
        return self.test(event.kwargs["values"])


class _To:
    """A jump's condition: the state it was fired towards is this transition's."""

    def __init__(self, dest: str) -> None:
        self.dest = dest
        self.__name__ = "to"

    def __call__(self, event: EventData) -> bool:
        return bool(event.kwargs.get("to") == self.dest)


class _Cursor:
    """The model attached for one turn: the state, and who hears the step's intro."""

    state: str

    def __init__(self, listener: Listener | None) -> None:
        self.listener = listener


def _listener(event: EventData) -> Listener | None:
    model = event.model
    return model.listener if isinstance(model, _Cursor) else None


class Flow:
    """The conversation of one script version as a nested `transitions` machine (see the
    module): built once per version, a record attached, fired and detached per call."""

    def __init__(self, loaded: Shape) -> None:
        self.loaded = loaded
        self._cursors = threading.local()  # one attached cursor per thread (turns run in threads too)
        order = loaded.order
        steps: list[Step] = []
        for qid in order:
            step = loaded.steps_by_question[qid]
            if step not in steps:
                steps.append(step)
        self.full = {START: BEGIN, DONE: END} | {
            qid: f"{loaded.steps_by_question[qid].id}{SEPARATOR}{qid}" for qid in order
        }
        self.short = {name: qid for qid, name in self.full.items()}
        states: list[Any] = [BEGIN]
        for step in steps:
            children = [
                {"name": qid, "children": list(sides(loaded.questions[qid]))}
                for qid in order
                if loaded.steps_by_question[qid] is step
            ]
            states.append({"name": step.id, "children": children, "on_enter": [self._entering(step)]})
        states.append({"name": END, "children": list(sides(None)), "on_enter": [self._ending]})
        self.machine = _Machine(
            model=None, states=states, initial=BEGIN, auto_transitions=False, send_event=True
        )
        self._forward(order)
        questions = [self.full[qid] for qid in order]
        leaves = [BEGIN, *questions, END]
        for trigger in JUMPS:
            ends = [*questions, END] if trigger != "edit" else questions  # `back` out of an edit too
            for dest in ends:
                self.machine.add_transition(trigger, leaves, dest, conditions=[_To(dest)])
        self.machine.add_transition("restart", leaves, BEGIN)
        self.aside: dict[str, str] = {}  # a side question's state → its question's
        for qid in [*order, DONE]:
            at = self.full[qid]
            for kind in sides(loaded.questions.get(qid)):
                side = f"{at}{SEPARATOR}{kind}"
                self.aside[side] = at
                self.machine.add_transition("aside", at, side, conditions=[_To(side)])
                self.machine.add_transition("settle", side, at)
        for trigger, flag in (("pause", True), ("unpause", False)):  # the place stays: no move
            self.machine.add_transition(trigger, leaves, None, after=[self._pausing(flag)])

    # ------------------------------------------------------------ building

    def _forward(self, order: list[str]) -> None:
        loaded = self.loaded
        jumped_to = {rule.to for q in loaded.questions.values() for rule in q.goto}
        # a question the roster may answer (the conversation's date) is never a sure next one:
        # its edge tests whether the roster did, so it is not shown only to be passed over
        by_roster = {qid for qid, q in loaded.questions.items() if getattr(q, "roster", None)}
        sources = [START, *order]
        for index, source in enumerate(sources):
            q = loaded.questions.get(source)
            optional = q is not None and not q.required
            for rule in q.goto if q is not None else []:
                self._add(source, rule.to, self._holds(rule.when) if rule.when else None, optional)
            own = self._guard(source) if q is not None and source not in jumped_to else None
            tried: list[tuple[Any, Any]] = []
            for target in order[index:]:
                guard = self._guard(target)
                if target in by_roster:
                    self._add(source, target, self.applies_to(target), optional)
                    continue
                # A target with no test, or with the very test that let us into
                # this question (it still holds), is always taken.
                if guard == (None, None) or guard == own:
                    self._add(source, target, None, optional)
                    break  # later targets can never be reached from here
                if guard in tried:
                    continue  # the same test already failed for an earlier target
                tried.append(guard)
                self._add(source, target, self.applies_to(target), optional)
            else:
                self._add(source, DONE, None, optional)

    def _add(self, source: str, dest: str, cond: Callable[..., bool] | None, optional: bool) -> None:
        conditions: list[str | Callable[..., bool | None]] = [cond] if cond is not None else []
        for trigger in ("advance", "skip") if optional else ("advance",):
            self.machine.add_transition(trigger, self.full[source], self.full[dest], conditions=conditions)

    @staticmethod
    def _entering(step: Step) -> Callable[[EventData], None]:
        def entered(event: EventData) -> None:
            listener = _listener(event)
            if listener is not None and event.event.name in FORWARD:
                listener.step_entered(step)

        return entered

    @staticmethod
    def _pausing(flag: bool) -> Callable[[EventData], None]:
        def pausing(event: EventData) -> None:
            listener = _listener(event)
            if listener is not None:
                listener.paused(flag)

        return pausing

    @staticmethod
    def _ending(event: EventData) -> None:
        listener = _listener(event)
        if listener is not None and event.event.name in FORWARD:
            listener.finished()

    @staticmethod
    def _holds(cond: Any) -> _Test:
        return _Test(lambda values: holds(cond, values), describe(cond))

    def _guard(self, qid: str) -> tuple[Any, Any]:
        return (self.loaded.steps_by_question[qid].when, self.loaded.questions[qid].when)

    # ------------------------------------------------------------ asking it

    def fire(
        self,
        trigger: str,
        state: str,
        values: Values,
        listener: Listener | None = None,
        to: str | None = None,
        side: str | None = None,
    ) -> tuple[str, str | None]:
        """Fire `trigger` with a record at `state` (a question id, start or done) — in its
        side question `side`, when one is open; where it ends: (question, side question or
        None). `to`: a jump's destination (for `aside`: the side question). `listener`
        hears the intros and the end."""
        cursor = self._cursor()
        cursor.listener = listener
        at = self.full[state]
        if side is not None and f"{at}{SEPARATOR}{side}" in self.aside:
            at = f"{at}{SEPARATOR}{side}"  # (a side question this question no longer has: at it)
        to = f"{self.full[state]}{SEPARATOR}{to}" if trigger == "aside" else self.full.get(to or "", to)
        # placed where the record stands (no callbacks: it is already there), then fired
        self.machine.set_state(at, model=cursor)
        try:
            moved = cursor.trigger(trigger, values=values, to=to)  # type: ignore[attr-defined]
            if not moved:
                raise ValueError(f"'{trigger}' does not lead anywhere from {state}")
            name = cursor.state
            if name in self.aside:
                return self.short[self.aside[name]], name.rsplit(SEPARATOR, 1)[1]
            return self.short[name], None
        finally:
            cursor.listener = None

    def _cursor(self) -> _Cursor:
        """This thread's cursor, attached once: attaching a model to a nested machine costs
        more than the turn's whole walk (~0.7 ms), placing it costs nothing."""
        cursor: _Cursor | None = getattr(self._cursors, "cursor", None)
        if cursor is None:
            cursor = self._cursors.cursor = _Cursor(None)
            self.machine.add_model(cursor, initial=BEGIN)
        return cursor

    def next_state(self, state: str, values: Values) -> str:
        """The question after `state` for these answers (or done)."""
        return self.fire("advance", state, values)[0]

    def applies_to(self, qid: str) -> _Test:
        """The test whether a question is asked, as a transition's condition (it says what it tests)."""
        step = self.loaded.steps_by_question[qid]
        conds = [c for c in (step.when, self.loaded.questions[qid].when) if c is not None]
        return _Test(lambda values: self.applies(qid, values), " and ".join(describe(c) for c in conds))

    def applies(self, qid: str, values: Values) -> bool:
        """Is this question asked, given these answers? Not when the roster answered it."""
        step = self.loaded.steps_by_question[qid]
        if values.get(ROSTER_MARK + qid):
            return False
        return holds(step.when, values) and holds(self.loaded.questions[qid].when, values)

    def transitions(self, trigger: str, source: str) -> list[tuple[str, str | None]]:
        """(destination, condition label or None) of `trigger` from `source` (question ids),
        in the order they are tried; after one without a condition nothing else is tried."""
        out: list[tuple[str, str | None]] = []
        for t in self.machine.get_transitions(trigger=trigger, source=self.full[source]):
            label = " and ".join(getattr(c.func, "__name__", str(c.func)) for c in t.conditions)
            out.append((self.short[str(t.dest)], label or None))
            if not t.conditions:
                break
        return out

    def edges(self, source: str) -> list[tuple[str, str | None]]:
        """The `advance` transitions from `source` (see `transitions`)."""
        return self.transitions("advance", source)

    def targets(self, source: str) -> list[str]:
        """Where `advance` may go from `source`, in the order tried."""
        return [dest for dest, _label in self.edges(source)]
