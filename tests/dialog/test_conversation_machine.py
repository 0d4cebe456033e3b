"""The conversation is the transitions machine: steps hold their questions, every way
through is one of its triggers, side questions are its states, the turn writes no state
by hand, and HR's diagram is drawn from it."""

from __future__ import annotations

import ast
from pathlib import Path

from bot.dialog.diagram import build
from bot.dialog.flow import ANYWHERE, sides
from bot.dialog.questions import Step
from bot.domain import DONE, START
from bot.engine.side_questions import SIDE_QUESTIONS
from tests.helpers import NL

ROOT = Path(__file__).parent.parent.parent
TRIGGERS = {
    "advance",
    "skip",
    "back",
    "edit",
    "resume",
    "reposition",
    "restart",
    "pause",
    "unpause",
    "aside",
    "settle",
}


class Heard:
    def __init__(self) -> None:
        self.steps: list[str] = []
        self.ended = 0
        self.pauses: list[bool] = []

    def step_entered(self, step: Step) -> None:
        self.steps.append(step.id)

    def finished(self) -> None:
        self.ended += 1

    def paused(self, paused: bool) -> None:
        self.pauses.append(paused)


def test_every_way_through_is_a_trigger_of_one_nested_machine() -> None:
    flow = NL.flow
    assert set(flow.machine.events) == TRIGGERS
    first = NL.script.steps[0]
    assert {s.name for s in flow.machine.states[first.id].states.values()} == {q.id for q in first.questions}


def test_entering_a_step_forward_gives_its_intro_and_going_back_does_not() -> None:
    flow, heard = NL.flow, Heard()
    values = {"route": "volledig"}
    assert flow.fire("advance", "route", values, listener=heard) == ("goed_in", None)
    assert heard.steps == ["waar_sta_ik"]  # step 2's on_enter
    assert flow.fire("back", "goed_in", values, listener=heard, to="route") == ("route", None)
    assert heard.steps == ["waar_sta_ik"]  # back into step 1: no intro again
    assert flow.fire("pause", "goed_in", values, listener=heard) == ("goed_in", None)
    assert heard.pauses == [True]  # the place kept


def test_skip_leaves_only_an_optional_question() -> None:
    flow = NL.flow
    for qid, q in NL.questions.items():
        assert bool(flow.transitions("skip", qid)) == (not q.required), qid


def test_side_questions_are_states_inside_their_question() -> None:
    flow = NL.flow
    assert set(SIDE_QUESTIONS) == {*ANYWHERE, "group_more", "smart_follow_up"}
    heard = Heard()
    assert flow.fire("aside", "doelen", {}, listener=heard, to="group_more") == ("doelen", "group_more")
    assert flow.fire("settle", "doelen", {}, side="group_more") == ("doelen", None)
    assert "smart_follow_up" in sides(NL.questions["doelen"]) and "group_more" not in sides(
        NL.questions["goed_in"]
    )
    assert flow.fire("aside", DONE, {}, to="restart_confirm") == (DONE, "restart_confirm")
    assert flow.fire("restart", DONE, {}, side="restart_confirm") == (START, None)


def test_the_turn_writes_the_state_in_one_place() -> None:
    tree = ast.parse((ROOT / "bot" / "engine" / "turn.py").read_text(encoding="utf-8"))
    writes = []
    for function in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
        for node in ast.walk(function):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    for t in ast.walk(target):
                        if isinstance(t, ast.Attribute) and t.attr in ("state", "pending", "paused"):
                            writes.append((function.name, t.attr))
    # `_go` takes the machine's result; `aside` keeps what the side question is about; `paused`
    # is the machine's pause callback
    assert sorted(set(writes)) == [
        ("_go", "pending"),
        ("_go", "state"),
        ("aside", "pending"),
        ("paused", "paused"),
    ]


def test_hrs_diagram_is_drawn_from_the_machine_with_every_way_through() -> None:
    mermaid = build(NL, "mermaid").draw(None)
    for label in ("next", "skip", "back", "edit", "restart", "aside", "settle"):  # (edit: and resume)
        assert f": {label}" in mermaid or f"| {label}" in mermaid, label
    assert "ontwikkelacties__doelen__smart_follow_up" in mermaid  # a side question, inside its question
