"""Issue 27: a whole round, rendered, and the classes a reader frowns at checked on all of it."""

from __future__ import annotations

import os
from pathlib import Path

from tests.helpers import EN, MANAGER_NL, MANAGER_ROUTE, NL
from tests.round import checks
from tests.round.play import ANNA_ROUTE, BEN_ROUTE, IDS, ROSTER, TOM_ROUTE, Round, play_round
from tests.schedule_world import world


def internal_keys() -> set[str]:
    keys: set[str] = set()
    for s in (NL, EN, MANAGER_NL):
        keys |= {q for q in s.questions if "_" in q}
    from typing import get_args

    from bot.schedule.timeline import Kind

    keys |= {k for k in get_args(Kind) if "_" in k}
    return keys


async def test_the_whole_round(tmp_path: Path) -> None:
    r = Round()
    async with world(tmp_path, ROSTER, managers=True) as w:
        await play_round(w, r)
    if os.environ.get("POPBOT_ROUND_DUMP"):
        r.dump(Path(os.environ["POPBOT_ROUND_DUMP"]))
    typed = [
        *ANNA_ROUTE,
        *BEN_ROUTE,
        *MANAGER_ROUTE,
        *TOM_ROUTE,
        "Anna de Vries",
        "Ben Jansen",
        "Tom Visser",
        "Mila Bakker",
        "Sara Smit",
    ]
    found = [
        *checks.placeholders(r.seen),
        *checks.ids(r.seen, IDS, internal_keys()),
        *checks.markup(r.seen),
        *checks.language(r.seen, typed),
        *checks.finals(r.seen),
        *checks.dates(r.seen),
        *checks.answers(r.seen),
    ]
    assert not found, "\n".join(sorted(set(found)))
