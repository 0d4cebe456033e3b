"""What popbot says about a roster file, as a code and its values: rendered in the reader's
language from `dialogs/roster.yaml` (the console in HR's language, the command line in English)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from ruamel.yaml import YAML

from bot.dialog.render import fmt


@cache
def _texts() -> dict[str, dict[str, str]]:
    path = resources.files("dialogs").joinpath("roster.yaml")
    loaded: dict[str, dict[str, str]] = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    return loaded


def text(code: str, language: str = "en") -> str:
    """One message's words, without its place: a word put into another message."""
    entry = _texts()[code]
    return entry.get(language) or entry["en"]


@dataclass(frozen=True)
class Words:
    """Words a platform package brings, per language (what its handles look like), put
    into one of the roster's messages in the reader's language."""

    by_language: dict[str, str]

    def render(self, language: str = "en") -> str:
        """The words in this language (English when it has none)."""
        return self.by_language.get(language) or self.by_language.get("en", "")


@dataclass(frozen=True)
class Said:
    """One problem or note about a roster file: where (file, line), what (code and values)."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)
    path: str = ""
    line: int | None = None
    warning: bool = False

    def render(self, language: str = "en") -> str:
        """The message in a language, with its file and line when it has them."""
        # a value may be a word of its own ("e-mailadres"), said in the same language
        params = {k: v.render(language) if isinstance(v, Said | Words) else v for k, v in self.params.items()}
        message = fmt(text(self.code, language), **params)
        if self.warning:
            message = fmt(text("_warning", language), message=message)
        if not self.path:
            return message
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return fmt(text("_at", language), where=where, message=message)

    def __str__(self) -> str:
        return self.render("en")
