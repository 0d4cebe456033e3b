"""A script that passed every check: the validated model, its text and version, its flow."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.dialog.flow import Flow
from bot.dialog.problems import ScriptProblem
from bot.dialog.questions import Question, Step
from bot.dialog.schema import Script
from bot.dialog.source import Loc, position


@dataclass(frozen=True)
class LoadedScript:
    """A validated script, where it came from, and its flow."""

    script: Script
    path: str
    version: str  # content hash: the same text is the same version
    text: str = field(repr=False)
    steps_by_question: dict[str, Step] = field(repr=False)
    questions: dict[str, Question] = field(repr=False)
    tree: Any = field(repr=False)  # the YAML nodes, for line numbers
    warnings: list[ScriptProblem] = field(default_factory=list)
    flow: Flow = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "flow", Flow(self))

    @property
    def order(self) -> list[str]:
        """The question ids in script order."""
        return list(self.questions)

    def position(self, loc: Loc) -> tuple[int, int]:
        """Where (file, line, column) a question or a step is written."""
        return position(self.tree, loc)
