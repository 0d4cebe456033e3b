"""The dialog's forward flow as a `transitions` state machine.

One Machine per loaded script version, never one per employee (attaching
thousands of models is slow and memory-hungry): each turn attaches a small
cursor at the employee's saved state, fires `advance`, reads the new state and
detaches it. The states are the question ids plus a start and an end.

For each question the `advance` transitions are added in script order: first
its `goto` rules, then each later question guarded by "is this question asked
for these answers?". transitions tries them in order and takes the first whose
condition holds, which is exactly "go to the next question that applies".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from transitions import Machine

from bot.dialog.conditions import describe, holds
from bot.dialog.questions import Question, Step
from bot.domain import DONE, ROSTER_MARK, START

Values = Mapping[str, Any]


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


class _Test:
    """A transition condition that can say what it tests (diagrams show `__name__`)."""

    def __init__(self, test: Callable[[Values], bool], label: str) -> None:
        self.test = test
        self.__name__ = label

    def __call__(self, values: Values) -> bool:
        return self.test(values)


class _Cursor:
    """The model attached for one turn; holds only the state."""

    state: str


class Flow:
    """Which question comes next: the script's questions as the states of a `transitions`
    machine (built once per script version), with its conditions as the transitions'
    guards. A record is attached, advanced and detached per call."""

    def __init__(self, loaded: Shape) -> None:
        self.loaded = loaded
        order = loaded.order
        self.machine = Machine(
            model=None,
            states=[START, *order, DONE],
            initial=START,
            auto_transitions=False,
            send_event=False,
        )
        jumped_to = {rule.to for q in loaded.questions.values() for rule in q.goto}
        # a question the roster may answer (the conversation's date) is never a sure next one:
        # its edge tests whether the roster did, so it is not shown only to be passed over
        by_roster = {qid for qid, q in loaded.questions.items() if getattr(q, "roster", None)}
        sources = [START, *order]
        for index, source in enumerate(sources):
            q = loaded.questions.get(source)
            for rule in q.goto if q is not None else []:
                self._add(source, rule.to, self._holds(rule.when) if rule.when else None)
            own = self._guard(source) if q is not None and source not in jumped_to else None
            tried: list[tuple[Any, Any]] = []
            for target in order[index:]:
                guard = self._guard(target)
                if target in by_roster:
                    self._add(source, target, self.applies_to(target))
                    continue
                # A target with no test, or with the very test that let us into
                # this question (it still holds), is always taken.
                if guard == (None, None) or guard == own:
                    self._add(source, target, None)
                    break  # later targets can never be reached from here
                if guard in tried:
                    continue  # the same test already failed for an earlier target
                tried.append(guard)
                self._add(source, target, self.applies_to(target))
            else:
                self._add(source, DONE, None)

    def _add(self, source: str, dest: str, cond: Callable[[Values], bool] | None) -> None:
        self.machine.add_transition("advance", source, dest, conditions=[cond] if cond is not None else [])

    @staticmethod
    def _holds(cond: Any) -> Callable[[Values], bool]:
        return _Test(lambda values: holds(cond, values), describe(cond))

    def _guard(self, qid: str) -> tuple[Any, Any]:
        return (self.loaded.steps_by_question[qid].when, self.loaded.questions[qid].when)

    def applies_to(self, qid: str) -> Callable[[Values], bool]:
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

    def edges(self, source: str) -> list[tuple[str, str | None]]:
        """(destination, condition label or None) of `advance` from `source`, in the
        order they are tried; after one without a condition nothing else is tried.
        """
        out: list[tuple[str, str | None]] = []
        for t in self.machine.get_transitions(trigger="advance", source=source):
            label = " and ".join(getattr(c.func, "__name__", str(c.func)) for c in t.conditions)
            out.append((str(t.dest), label or None))
            if not t.conditions:
                break
        return out

    def targets(self, source: str) -> list[str]:
        """Where `advance` may go from `source`, in the order tried."""
        return [dest for dest, _label in self.edges(source)]

    def next_state(self, state: str, values: Values) -> str:
        """The question after `state` for these answers (or done)."""
        cursor = _Cursor()
        self.machine.add_model(cursor, initial=state)
        try:
            cursor.trigger("advance", values)  # type: ignore[attr-defined]
            return cursor.state
        finally:
            self.machine.remove_model(cursor)
