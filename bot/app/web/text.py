"""The console's words from YAML (`text/console.<lang>.yaml`), Dutch and English."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from ruamel.yaml import YAML

from bot.app.settings import LANGUAGES


@cache
def words(language: str) -> dict[str, str]:
    lang = language if language in LANGUAGES else LANGUAGES[0]
    text = (resources.files("bot.app.web") / "text" / f"console.{lang}.yaml").read_text(encoding="utf-8")
    loaded: Any = YAML(typ="safe").load(text)
    return {str(k): str(v) for k, v in loaded.items()}
