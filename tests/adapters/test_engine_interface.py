"""Adapters ask the engine through its methods (issue 29, begun): none reads the engine's
store or its script registry — so the engine can keep or change how it holds them."""

from __future__ import annotations

import re
from pathlib import Path

ADAPTERS = Path(__file__).resolve().parents[2] / "adapters"


def test_no_adapter_reaches_into_the_engine() -> None:
    reach = re.compile(r"engine\.(store|scripts|managers|team|outbox)\b")
    for path in ADAPTERS.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not reach.search(text), f"{path.relative_to(ADAPTERS)}: {reach.search(text).group(0)}"  # type: ignore[union-attr]
