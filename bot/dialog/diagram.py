"""A picture of a script's flow, drawn by transitions' diagram support from the
conversation's own machine (`bot.dialog.flow`): its steps as groups, its questions inside
them, and its transitions as arrows — every `advance` with the condition under which it
is taken, `skip` from each question that may be left open, and, once per step, the jumps
that go anywhere (`back` to the step before, `edit` from the end to each step — and
`resume` back, the same arrow — and `restart` from the end to the start); the side
questions inside their question, with `aside` in and `settle` out.

The running machine carries no labels or drawing state, so the picture is a graph machine
made from its states and transitions (transitions draws only its graph machines).
Mermaid needs nothing installed; SVG and PNG need Graphviz's `dot`.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any, Literal

from transitions.extensions import HierarchicalGraphMachine
from transitions.extensions.diagrams import NestedGraphTransition
from transitions.extensions.nesting import NestedState

from bot.dialog.flow import ANYWHERE
from bot.dialog.loaded import LoadedScript
from bot.domain import DONE, START

_BEGIN, _END = "START", "END"  # ids are lower case, so these never clash


class _StepState(NestedState):
    separator = "__"  # ids may contain '_' but never '__' (see the Id pattern)

    def __init__(self, *args: Any, label: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if label is not None:
            self.label = label  # the diagram shows it instead of the bare id


class _Arrow(NestedGraphTransition):
    def __init__(self, *args: Any, label: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.label = label  # the condition under which this arrow is taken


class _Diagram(HierarchicalGraphMachine):
    state_cls = _StepState
    transition_cls = _Arrow

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # top to bottom: a dialog reads downwards, and the page stays narrow
        self.machine_attributes = {**HierarchicalGraphMachine.machine_attributes, "rankdir": "TB"}
        super().__init__(*args, **kwargs)


def _label(text: str) -> str:
    """Text as a diagram label: one line, and nothing Mermaid or Graphviz reads as syntax
    (quotes end a label; brackets, braces, `;`, `:`, `#`, `|` and angle brackets start one)."""
    one = " ".join(text.split())
    for char, safe in (('"', "'"), ("<", "‹"), (">", "›"), ("[", "("), ("]", ")"), ("{", "("), ("}", ")"),
                       (";", ","), ("#", "№"), ("|", "/"), (":", "꞉"), ("`", "'")):  # fmt: skip
        one = one.replace(char, safe)
    return one


def _short(text: str, limit: int = 48) -> str:
    one = _label(text)
    return one if len(one) <= limit else one[: limit - 1] + "…"


def build(loaded: LoadedScript, engine: Literal["mermaid", "graphviz"]) -> Any:
    """The graph object of transitions: mermaid source or a graphviz Digraph."""
    script, flow = loaded.script, loaded.flow
    full = {START: _BEGIN, DONE: _END}
    states: list[Any] = [_BEGIN]
    steps: list[str] = []
    drawn = _sides(flow)
    for n, step in enumerate(script.steps, start=1):
        children = []
        for q in step.questions:
            full[q.id] = f"{step.id}__{q.id}"
            node: dict[str, Any] = {"name": q.id, "label": f"{q.id} – {_short(q.text)}"}
            if drawn.get(full[q.id]):
                node["children"] = drawn[full[q.id]]
            children.append(node)
        if children:
            steps.append(step.id)
        states.append({"name": step.id, "label": f"{n}. {_label(step.title)}", "children": children})
    states.append({"name": _END, "children": drawn.get(_END, [])} if drawn.get(_END) else _END)
    machine = _Diagram(
        model=None,
        states=states,
        initial=_BEGIN,
        graph_engine=engine,
        auto_transitions=False,
        title=_label(script.title),
    )
    for source in [START, *loaded.order]:
        for dest, label in flow.transitions("advance", source):
            machine.add_transition("next", full[source], full[dest], label=_label(label or ""))
        skips = flow.transitions("skip", source) if source != START else []
        if skips:  # the same ways on as `advance`: drawn once, to where an open answer leads
            machine.add_transition("skip", full[source], full[skips[-1][0]], label="skip")
    jumps = _jumps(flow)
    for before, after in itertools.pairwise(steps):
        if (after, before) in jumps["back"]:
            machine.add_transition("back", after, before, label="back")
    for group in steps:
        # an edit goes from the end to any step and `resume`s back: one arrow shows both
        if (_END, group) in jumps["edit"] and (group, _END) in jumps["resume"]:
            machine.add_transition("edit", _END, group, label="edit")
    if (_END, _BEGIN) in jumps["restart"]:
        machine.add_transition("restart", _END, _BEGIN, label="restart")
    for parent, kinds in drawn.items():  # into each side question and back out of it
        for kind in kinds:
            machine.add_transition("aside", parent, f"{parent}__{kind}", label="aside")
            machine.add_transition("settle", f"{parent}__{kind}", parent, label="settle")

    class _Model:
        pass

    model = _Model()
    machine.add_model(model)
    return model.get_graph()  # type: ignore[attr-defined]


def _sides(flow: Any) -> dict[str, list[str]]:
    """The side questions drawn inside their question: a question's own (a SMART follow-up,
    another goal) everywhere, and those a command opens anywhere once, at the end."""
    drawn: dict[str, list[str]] = {}
    for side, parent in flow.aside.items():
        kind = side.rsplit("__", 1)[1]
        if kind not in ANYWHERE or parent == _END:
            drawn.setdefault(parent, []).append(kind)
    return drawn


def _jumps(flow: Any) -> dict[str, set[tuple[str, str]]]:
    """(source, destination) of each jump trigger of the running machine, by step: a
    question is its step, the start and the end themselves."""

    def where(name: str) -> str:
        return name.split("__", 1)[0]

    found: dict[str, set[tuple[str, str]]] = {}
    for trigger in ("back", "edit", "resume", "restart"):
        pairs = found.setdefault(trigger, set())
        for transitions in flow.machine.events[trigger].transitions.values():
            pairs.update((where(t.source), where(t.dest)) for t in transitions)
    return found


def draw(loaded: LoadedScript, out: Path) -> None:
    """Write the diagram; the suffix picks the format: .mmd, .dot, .svg or .png."""
    suffix = out.suffix.lower()
    if suffix in (".mmd", ".mermaid", ".md"):
        source = build(loaded, "mermaid").draw(None)
        out.write_text(f"```mermaid\n{source}\n```\n" if suffix == ".md" else source, encoding="utf-8")
    elif suffix in (".dot", ".svg", ".png", ".pdf"):
        graph = build(loaded, "graphviz")
        # transitions falls back to Mermaid when the graphviz package is missing;
        # never write Mermaid into a file named .svg
        if not hasattr(graph, "source"):
            raise ValueError("SVG, PNG and DOT need the Python package 'graphviz'")
        if suffix == ".dot":
            out.write_text(graph.source, encoding="utf-8")
        else:
            graph.draw(str(out), format=suffix[1:], prog="dot")
    else:
        raise ValueError(f"unknown diagram format {suffix!r}: use .mmd, .md, .dot, .svg, .png or .pdf")
