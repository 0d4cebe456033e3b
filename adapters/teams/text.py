"""What popbot itself says in Teams (`text/teams.<lang>.yaml`), Dutch and English; the dialog's
own words are the scripts'."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from ruamel.yaml import YAML

DEFAULT = "nl"


@cache
def words(language: str | None) -> dict[str, str]:
    folder = resources.files("adapters.teams") / "text"
    found = folder / f"teams.{language}.yaml"
    text = (found if language and found.is_file() else folder / f"teams.{DEFAULT}.yaml").read_text(
        encoding="utf-8"
    )
    loaded: Any = YAML(typ="safe").load(text)
    return {str(k): str(v) for k, v in loaded.items()}
