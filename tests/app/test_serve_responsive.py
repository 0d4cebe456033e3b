"""The chat stays responsive on `popbot serve` while HR signs in ten times at once and checks
and imports a 10,000-person roster on the same port: turns are answered *during* the import
request, throughout it: in each tenth of the import's own duration some turn is answered.
(Were any step of the import on the event loop, no turn could be answered while that step
runs, and the tenths it spans would be empty. The measure is relative to the import itself,
so a fast and a slow machine judge alike; how fast the turns are is measured in
benchmarks/serve_hr_load.py, not here.)"""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.serve_load import SIZE, roster, served, within


async def test_the_chat_is_answered_while_hr_signs_in_and_imports(tmp_path: Path) -> None:
    async with served(tmp_path) as s:
        await s.turn("hoi")
        going = asyncio.Event()
        going.set()

        async def chat() -> None:
            while going.is_set():
                await s.turn()

        chatting = asyncio.create_task(chat())
        try:
            *_signed, (start, end) = await asyncio.gather(
                *(s.sign_in() for _ in range(10)), s.import_roster(roster(SIZE).encode())
            )
        finally:
            going.clear()
            await chatting
        answered = within(s.turns, start, end)
        tenth = (end - start) / 10
        empty = [
            n
            for n in range(10)
            if not any(start + n * tenth <= r < start + (n + 1) * tenth for _s, r in s.turns)
        ]
        assert not empty, f"{answered} turns in a {end - start:.1f} s import, none in its tenths {empty}"
