"""Telling script problems in HR's language, from dialogs/validator.yaml."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Literal

from ruamel.yaml import YAML

from bot.dialog.render import fmt
from bot.errors import PopbotError


@cache
def catalogue() -> dict[str, dict[str, str]]:
    text = resources.files("dialogs").joinpath("validator.yaml").read_text(encoding="utf-8")
    data: dict[str, dict[str, str]] = YAML(typ="safe").load(text)
    return data


def say(code: str, language: str, **params: Any) -> str:
    """A validator message in a language, with its values."""
    entry = catalogue().get(code)
    if entry is None:  # a pydantic error type without a translation: its own English text
        return str(params.get("fallback", code))
    return fmt(entry.get(language) or entry["en"], **params)


def render_problem(p: ScriptProblem, language: str) -> str:
    """A script problem as `file:line:col: message` in a language."""
    params = dict(p.params)
    if "suggest" in params:
        params["suggestion"] = say("_did_you_mean", language, name=params["suggest"])
    params.setdefault("suggestion", "")
    if "what" in params:
        params["what"] = say(f"_kind_{params['what']}", language)
    message = say(p.code, language, **params)
    if params.get("where"):
        message = say("_at", language, message=message, where=params["where"])
    if p.severity == "warning":
        message = say("_warning", language, message=message)
    if p.line:
        return f"{p.file}:{p.line}:{p.column}: {message}"
    return f"{p.file}: {message}"


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
        """The problem as `file:line:col: message` in a language."""
        from bot.dialog.problems import render_problem  # the catalogue is loaded on first use

        return render_problem(self, language)

    @property
    def message(self) -> str:
        """The problem's message alone, in English."""
        return self.render("en")

    def __str__(self) -> str:
        return self.render("en")


class ScriptError(PopbotError):
    """A dialog script that cannot be used; carries every problem found."""

    def __init__(self, problems: list[ScriptProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
