"""One root error for popbot, with specific children.

Errors a *user* can cause (a bad answer) are not exceptions: the engine turns
them into a message from the script. These exceptions are for operators: a
broken script, an unreadable data file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal


@dataclass(frozen=True)
class ScriptProblem:
    """One problem in a dialog script, located for the person who edits it.

    `code` names a message in dialogs/validator.yaml, so the same problem can
    be told in Dutch or English; `params` fill its placeholders.
    """

    file: str
    line: int  # 1-based; 0 when the problem has no place (e.g. an unreadable file)
    column: int  # 1-based
    code: str
    params: dict[str, Any] = field(default_factory=dict)
    severity: Literal["error", "warning"] = "error"

    def render(self, language: str = "en") -> str:
        from bot.problems import render_problem  # the catalogue is loaded on first use

        return render_problem(self, language)

    @property
    def message(self) -> str:
        return self.render("en")

    def __str__(self) -> str:
        return self.render("en")


class PopbotError(Exception):
    """Root of every error popbot raises on purpose."""


class ScriptError(PopbotError):
    """A dialog script that cannot be used; carries every problem found."""

    def __init__(self, problems: list[ScriptProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class StorageError(PopbotError):
    """A data file that cannot be read or written; names the file."""


class DamagedData(StorageError):
    """A data file that exists but cannot be understood (truncated, garbled): never overwritten.

    The message names the file and both ways out (its backup, or a fresh start).
    """
