"""The round's figures for HR: no figure, nor any sum or difference of them, singles out a
group smaller than the minimum — per team, per department, per week, in all."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from datetime import datetime

from bot.app.published import Figures, figures

MINIMUM = 5
STAGES = ("invited", "started", "finished", "delivered", "agreed")


@dataclass
class P:
    id: str
    manager: str
    department: str
    when: datetime | None
    active: bool = True

    def conversation_at(self) -> datetime | None:
        return self.when


def roster(rng: random.Random, n: int) -> list[P]:
    teams = [f"m{i}" for i in range(rng.randint(2, 8))]
    departments = ["ICT", "Zorg", "HR", ""][: rng.randint(1, 4)]
    return [
        P(
            f"p{i}",
            rng.choice(teams),
            rng.choice(departments),
            datetime(2027, 1, 4 + 7 * rng.randint(0, 3), 10) if rng.random() < 0.9 else None,
        )
        for i in range(n)
    ]


def shown_groups(people: list[P], f: Figures) -> list[set[str]]:
    """The sets of people whose stage figures are shown."""
    sets = []
    for name, counts in f.per_manager.items():
        if counts is not None:
            sets.append({p.id for p in people if (p.manager or "–") == name})
    for name, counts in f.departments.items():
        if counts is not None:
            sets.append({p.id for p in people if p.department == name})
    for week, (_total, finished) in f.weeks.items():
        if finished is not None:
            sets.append(
                {
                    p.id
                    for p in people
                    if p.when and f"{p.when.isocalendar()[0]}-W{p.when.isocalendar()[1]:02d}" == week
                }
            )
    if f.total is not None:
        sets.append({p.id for p in people})
    return sets


def test_no_difference_of_shown_groups_singles_out_a_small_group() -> None:
    for seed in range(300):
        rng = random.Random(seed)
        people = roster(rng, rng.randint(3, 60))
        reached = {p.id: {s for s in STAGES if rng.random() < 0.5} for p in people}
        f = figures(people, reached, MINIMUM)
        sets = shown_groups(people, f)
        for s in sets:
            assert len(s) >= MINIMUM, seed
        # every cell of the partition the shown groups make is at least the minimum ...
        cells: dict[tuple[int, ...], int] = {}
        for p in people:
            key = tuple(i for i, s in enumerate(sets) if p.id in s)
            if key:
                cells[key] = cells.get(key, 0) + 1
        assert all(n >= MINIMUM for n in cells.values()), (seed, cells)
        # ... so no difference of one shown group and a union of others inside it is small
        for a, b in itertools.permutations(sets, 2):
            assert len(a - b) == 0 or len(a - b) >= MINIMUM or not b <= a, seed


def test_the_departments_and_the_total_minus_the_teams_shown() -> None:
    """Rob's team of five in ICT with Rob himself; Mila's team of one: ICT minus Rob's team is
    Rob, the total minus Rob's team is three people — both hidden; Rob's team stays."""
    when = datetime(2027, 1, 11, 10)
    people = [P("rob", "", "ICT", None), P("mila", "", "Zorg", None), P("anna", "mila", "Zorg", when)]
    people += [P(f"r{n}", "rob", "ICT", when) for n in range(5)]
    reached = {p.id: {"invited", "started"} for p in people}
    f = figures(people, reached, MINIMUM)
    assert f.per_manager["rob"] is not None and f.per_manager["rob"]["started"] == 5
    assert f.per_manager["mila"] is None and f.departments["ICT"] is None and f.total is None
    assert f.sizes == {"rob": 5, "mila": 1, "–": 2}  # the sizes are the roster's: shown
    assert f.weeks["2027-W02"] == (6, None)  # the week is Rob's team and Anna: its figure would give her
