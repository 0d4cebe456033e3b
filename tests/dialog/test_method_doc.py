"""docs/method.md lists every element of the seeds with the test that shows it: each test it
names exists (a renamed or deleted test would leave the table pointing at nothing)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "method.md"


def test_every_test_the_method_table_names_exists() -> None:
    text = DOC.read_text(encoding="utf-8")
    named = re.findall(r"`([\w/]+\.py)(?:::(\w+))?`", text)
    assert len(named) > 60
    for path, function in named:
        source = ROOT / "tests" / path
        assert source.is_file(), path
        if function:
            assert re.search(rf"^(async )?def {function}\(", source.read_text(encoding="utf-8"), re.M), (
                path,
                function,
            )


def test_every_seed_has_its_table_and_every_row_a_status() -> None:
    text = DOC.read_text(encoding="utf-8")
    for seed in ("000", "001", "002", "003", "004"):
        assert f"## Seed {seed}" in text
    rows = [line for line in text.splitlines() if re.match(r"^\| \d{3}\.\d", line)]
    assert rows and all(line.rstrip().endswith(("| acts |", "| asks |", "| no |")) for line in rows)
