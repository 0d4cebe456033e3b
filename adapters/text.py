"""Helpers every chat adapter needs for plain text."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from ruamel.yaml import YAML


def split_text(text: str, limit: int) -> list[str]:
    """Split text into chunks of at most `limit` characters, at paragraph,
    then line, then word boundaries; a single over-long word is cut."""
    chunks: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind("\n\n"), window.rfind("\n"))
        if cut < limit // 2:
            cut = window.rfind(" ")
        if cut < limit // 2:
            cut = limit
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n ")
    if rest.strip() or not chunks:
        chunks.append(rest)
    return chunks


@cache
def package_words(package: str, key: str) -> dict[str, str]:
    """One text a platform package keeps in its `words.yaml`, per language (`{en: …, nl: …}`)."""
    loaded: Any = YAML(typ="safe").load((resources.files(package) / "words.yaml").read_text(encoding="utf-8"))
    return {str(lang): str(text) for lang, text in loaded[key].items()}
