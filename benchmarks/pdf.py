"""One PDF of each kind: the draft POP, the alignment summary and the signed POP.

    python -m benchmarks.pdf                 # 30 renders of each, after 3 to warm up
    python -m benchmarks.pdf --repeat 100

The documents come from a real run: an employee walks the full route (one goal), their
manager prepares, both agree. The baseline, in the same run and process, is how every
PDF was made before: fpdf2 parses the fonts for each document, and every table cell is
laid out once to learn whether its row fits on a page. Medians and p90 in ms; the peak
memory of the process at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from bot.documents import fonts, pdf
from bot.documents.alignment import build_alignment
from bot.documents.draft import build_draft
from tests.helpers import FULL_ROUTE, MANAGER_ROUTE, Chat, make_team_engine

ROSTER = """id,name,email,language,manager,platform,handle,conversation,timezone
mila,Mila Bakker,mila@example.org,nl,,console,,,Europe/Amsterdam
anna,Anna de Vries,anna@example.org,nl,mila,console,,2027-01-18 10:00,Europe/Amsterdam
"""
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


async def documents(data: Path) -> dict[str, Callable[[], bytes]]:
    engine = make_team_engine(data, ROSTER)
    anna, mila = Chat(engine, "anna"), Chat(engine, "mila")
    await anna.start()
    for answer in FULL_ROUTE:
        await anna.say(answer)
    await engine.prepare("mila", engine.team.own("anna").ref)  # type: ignore[union-attr]
    for answer in MANAGER_ROUTE:
        await mila.say(answer)
    record = engine.store.load("anna")
    assert record is not None
    prep = next(
        r for r in map(engine.store.load, engine.store.employee_ids()) if r and r.script_id == "manager"
    )
    loaded = engine.scripts.for_record(record)
    assert engine.managers is not None
    draft = build_draft(loaded, record, NOW, employee="Anna de Vries")
    signed = build_draft(
        loaded,
        record,
        NOW,
        employee="Anna de Vries",
        final=("Persoonlijk Ontwikkelingsplan (definitief)", {"Medewerker": "Anna de Vries, akkoord"}),
    )
    alignment = build_alignment(
        loaded,
        engine.managers.for_language("nl"),
        record,
        prep,
        employee_name="Anna de Vries",
        header=draft.header[:-1],
        conversation_day=datetime(2027, 1, 18).date(),
    )
    return {
        "draft POP": lambda: pdf.render_pdf(draft),
        "alignment summary": lambda: pdf.render_alignment_pdf(alignment),
        "signed POP": lambda: pdf.render_pdf(signed),
    }


def timed(make: Callable[[], bytes], repeat: int) -> list[float]:
    for _ in range(3):
        make()
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        make()
        out.append((time.perf_counter() - start) * 1000)
    return out


def _p90(xs: list[float]) -> float:
    return statistics.quantiles(xs, n=10)[-1]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        docs = asyncio.run(documents(Path(tmp)))
    print("| document | before: median / p90 ms | now: median / p90 ms | before / now |")
    print("|---|---|---|---|")
    for name, make in docs.items():
        fonts.ENABLED, pdf.QUICK_FIT = False, False
        before = timed(make, args.repeat)
        fonts.ENABLED, pdf.QUICK_FIT = True, True
        now = timed(make, args.repeat)
        b, n = statistics.median(before), statistics.median(now)
        print(f"| {name} | {b:.0f} / {_p90(before):.0f} | {n:.0f} / {_p90(now):.0f} | {b / n:.2f}× |")
    print(f"\npeak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
