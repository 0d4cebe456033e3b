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
from typing import Any

from transitions import Machine

from bot.conditions import holds
from bot.domain import DONE, START
from bot.script import LoadedScript

Values = Mapping[str, Any]


class _Cursor:
    """The model attached for one turn; holds only the state."""

    state: str


class Flow:
    def __init__(self, loaded: LoadedScript) -> None:
        self.loaded = loaded
        order = loaded.order
        self.machine = Machine(
            model=None,
            states=[START, *order, DONE],
            initial=START,
            auto_transitions=False,
            send_event=False,
        )
        sources = [START, *order]
        for index, source in enumerate(sources):
            q = loaded.questions.get(source)
            for rule in q.goto if q is not None else []:
                self._add(source, rule.to, self._holds(rule.when) if rule.when else None)
            for target in order[index:]:
                if self._unconditional(target):
                    self._add(source, target, None)
                    break  # later targets can never be reached from here
                self._add(source, target, self.applies_to(target))
            else:
                self._add(source, DONE, None)

    def _add(self, source: str, dest: str, cond: Callable[[Values], bool] | None) -> None:
        self.machine.add_transition("advance", source, dest, conditions=[cond] if cond is not None else [])

    @staticmethod
    def _holds(cond: Any) -> Callable[[Values], bool]:
        return lambda values: holds(cond, values)

    def _unconditional(self, qid: str) -> bool:
        step = self.loaded.steps_by_question[qid]
        return step.when is None and self.loaded.questions[qid].when is None

    def applies_to(self, qid: str) -> Callable[[Values], bool]:
        return lambda values: self.applies(qid, values)

    def applies(self, qid: str, values: Values) -> bool:
        """Is this question asked, given these answers?"""
        step = self.loaded.steps_by_question[qid]
        return holds(step.when, values) and holds(self.loaded.questions[qid].when, values)

    def next_state(self, state: str, values: Values) -> str:
        cursor = _Cursor()
        self.machine.add_model(cursor, initial=state)
        try:
            cursor.trigger("advance", values)  # type: ignore[attr-defined]
            return cursor.state
        finally:
            self.machine.remove_model(cursor)
