"""One root error for popbot, with specific children.

Errors a *user* can cause (a bad answer) are not exceptions: the engine turns
them into a message from the script. These exceptions are for operators: a
broken script, an unreadable data file.
"""

from __future__ import annotations

from dataclasses import dataclass


class PopbotError(Exception):
    """Root of every error popbot raises on purpose."""


@dataclass(frozen=True)
class ScriptProblem:
    """One problem in a dialog script, located for the person who edits it."""

    file: str
    line: int  # 1-based; 0 when the problem has no place (e.g. an empty file)
    column: int  # 1-based
    message: str

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.column}: {self.message}"
        return f"{self.file}: {self.message}"


class ScriptError(PopbotError):
    """A dialog script that cannot be used; carries every problem found."""

    def __init__(self, problems: list[ScriptProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class StorageError(PopbotError):
    """A data file that cannot be read or written; names the file."""
