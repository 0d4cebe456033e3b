"""The roster: who the employees are (a CSV file HR keeps).

Minimal for now — id, name, language, and optionally email and slack (user id)
— so invitations can check that someone exists, Slack users can be matched,
and the dialog can start in their language. The schedule issue extends
it (manager, conversation date, …) with `popbot roster import`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from bot.errors import PopbotError


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    language: str
    email: str = ""  # optional column: matches a Slack profile's e-mail
    slack: str = ""  # optional column: the Slack user id (U…)


class RosterError(PopbotError):
    pass


def load_roster(path: Path) -> dict[str, Person]:
    if not path.exists():
        raise RosterError(f"no roster at {path} (copy roster.example.csv and set POPBOT_ROSTER)")
    people: dict[str, Person] = {}
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        missing = {"id", "name", "language"} - set(reader.fieldnames or [])
        if missing:
            raise RosterError(f"{path}:1: missing column(s) {', '.join(sorted(missing))}")
        for n, row in enumerate(reader, start=2):
            pid = (row["id"] or "").strip()
            if not pid:
                raise RosterError(f"{path}:{n}: empty id")
            if pid in people:
                raise RosterError(f"{path}:{n}: id '{pid}' appears twice")
            people[pid] = Person(
                pid,
                (row["name"] or "").strip(),
                (row["language"] or "nl").strip() or "nl",
                (row.get("email") or "").strip().lower(),
                (row.get("slack") or "").strip(),
            )
    return people
