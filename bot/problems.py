"""Telling script problems in HR's language, from dialogs/validator.yaml."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from ruamel.yaml import YAML

from bot.errors import ScriptProblem
from bot.render import fmt


@cache
def catalogue() -> dict[str, dict[str, str]]:
    text = resources.files("dialogs").joinpath("validator.yaml").read_text(encoding="utf-8")
    data: dict[str, dict[str, str]] = YAML(typ="safe").load(text)
    return data


def say(code: str, language: str, **params: Any) -> str:
    entry = catalogue().get(code)
    if entry is None:  # a pydantic error type without a translation: its own English text
        return str(params.get("fallback", code))
    return fmt(entry.get(language) or entry["en"], **params)


def render_problem(p: ScriptProblem, language: str) -> str:
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
