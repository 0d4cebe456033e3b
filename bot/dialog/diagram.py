"""A picture of a script's flow, drawn by transitions' diagram support.

The flow machine is flat (one state per question); for the picture it is
rebuilt as a hierarchical machine with one parent state per step, so steps
show as groups, and every arrow carries the condition under which it is taken.
Mermaid needs nothing installed; SVG and PNG need Graphviz's `dot`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from transitions.extensions import HierarchicalGraphMachine
from transitions.extensions.diagrams import NestedGraphTransition
from transitions.extensions.nesting import NestedState

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
    script = loaded.script
    full = {START: _BEGIN, DONE: _END}
    states: list[Any] = [_BEGIN]
    for n, step in enumerate(script.steps, start=1):
        children = []
        for q in step.questions:
            full[q.id] = f"{step.id}__{q.id}"
            children.append({"name": q.id, "label": f"{q.id} – {_short(q.text)}"})
        states.append({"name": step.id, "label": f"{n}. {_label(step.title)}", "children": children})
    states.append(_END)
    machine = _Diagram(
        model=None,
        states=states,
        initial=_BEGIN,
        graph_engine=engine,
        auto_transitions=False,
        title=_label(script.title),
    )
    for source in [START, *loaded.order]:
        for dest, label in loaded.flow.edges(source):
            machine.add_transition("next", full[source], full[dest], label=_label(label or ""))

    class _Model:
        pass

    model = _Model()
    machine.add_model(model)
    return model.get_graph()  # type: ignore[attr-defined]


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
