"""The round's figures HR may see, and none that let anyone work out a small group.

HR sees how many people reached each stage per team (manager), per department and — for the
"finished" figure — per week of the conversation, and in all. Hiding a group smaller than the
minimum is not enough: a department minus the managers' groups shown inside it, or the total minus the
rows shown, would give a hidden group's figures away by subtraction.

The rule that closes every such sum: take the groups whose figures are shown, and split the
people into cells by which of those groups they are in (same team shown, same department
shown, same week shown, in the total or not). Every figure shown is a sum of whole cells, so
every figure anyone can compute from them — differences of any of them, any combination — is
a combination of whole cells. If every cell holds at least the minimum, no combination singles
out fewer people. So: while a cell is smaller, hide one of the groups that cuts it off, the
finest kind first (a week's figure, then a department's, then a team's, the total last), and
look again. Team sizes and the number of conversations per week are the roster's, not
anyone's progress: they stay shown.

The console's round page and `popbot roster show` print these figures and no others.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

# which kind of group gives way first when a cell is too small
_ORDER = ("week", "department", "team", "total")


@dataclass
class Figures:
    """Per group its counts per stage, or None where they are hidden."""

    per_manager: dict[str, Counter[str] | None] = field(default_factory=dict)  # a manager's team
    sizes: dict[str, int] = field(default_factory=dict)  # a team's size: shown even when hidden
    departments: dict[str, Counter[str] | None] = field(default_factory=dict)
    department_sizes: dict[str, int] = field(default_factory=dict)
    weeks: dict[str, tuple[int, int | None]] = field(default_factory=dict)  # week → (conversations, finished)
    total: Counter[str] | None = None
    everyone: int = 0


def figures(people: list[Any], reached: dict[str, set[str]], minimum: int) -> Figures:
    """The figures of the active `people` (with `manager`, `department`, `conversation_at()`),
    `reached` their stages, so that no cell of the shown groups is smaller than `minimum`."""
    active = [p for p in people if p.active]
    groups: dict[tuple[str, str], list[str]] = {}  # (kind, name) → person ids
    of: dict[str, list[tuple[str, str]]] = {}
    for p in active:
        mine = [("team", p.manager or "–"), ("total", "")]
        if p.department:
            mine.append(("department", p.department))
        when = p.conversation_at()
        if when is not None:
            year, week, _ = when.isocalendar()
            mine.append(("week", f"{year}-W{week:02d}"))
        of[p.id] = mine
        for g in mine:
            groups.setdefault(g, []).append(p.id)
    shown = {g for g, members in groups.items() if len(members) >= minimum}
    while True:
        cells: dict[tuple[tuple[str, str], ...], list[str]] = {}
        for pid, mine in of.items():
            key = tuple(sorted(g for g in mine if g in shown))
            if key:
                cells.setdefault(key, []).append(pid)
        small = [key for key, members in cells.items() if len(members) < minimum]
        if not small:
            break
        for key in small:  # the finest group that cuts this cell off gives way
            shown.discard(min(key, key=lambda g: (_ORDER.index(g[0]), len(groups[g]))))

    def counts(g: tuple[str, str]) -> Counter[str]:
        c: Counter[str] = Counter()
        for pid in groups[g]:
            c.update(["reports", *reached.get(pid, set())])
        return c

    out = Figures(everyone=len(active))
    for (kind, name), members in sorted(groups.items()):
        visible = (kind, name) in shown
        if kind == "team":
            out.per_manager[name] = counts((kind, name)) if visible else None
            out.sizes[name] = len(members)
        elif kind == "department":
            out.departments[name] = counts((kind, name)) if visible else None
            out.department_sizes[name] = len(members)
        elif kind == "week":
            out.weeks[name] = (len(members), counts((kind, name))["finished"] if visible else None)
        else:
            out.total = counts((kind, name)) if visible else None
    return out


def per_stage(counts: Counter[str] | None, size: int, stages: tuple[str, ...]) -> dict[str, int | None]:
    """A group's row: its size for "reports", its count per other stage, None where hidden."""
    return {s: size if s == "reports" else (counts[s] if counts is not None else None) for s in stages}
