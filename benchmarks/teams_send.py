"""T−7 for 1,000 managers on Teams: every draft POP and alignment summary written first into
each manager's chat, against Teams' rate limit.

    python -m benchmarks.teams_send                  # 1,000 managers
    python -m benchmarks.teams_send --managers 100   # quicker

Each manager has one report whose conversation is a week away and whose preparation is done
(`benchmarks.mass_send.prepare`), and a Teams conversation as the app's install leaves it.
The passes of the hour before compose the drafts ahead (as in `popbot serve`); the T−7 pass
is measured: per manager the summary, the draft POP's card, the alignment summary and its
card (the PDFs kept for the download links), each a proactive post through the real SDK to
the fake Bot Connector on 127.0.0.1. The fake enforces Teams' limit of 50 posts a second per
app and tenant (a 429 with Retry-After past it), which makes the bound: posts / 50.

Two passes over the same composed outbox (copied): popbot's pacing at `TEAMS_MAX_RATE` (25 a
second, so two replicas together stay under 50), and the baseline in the same run: no pacing,
so Teams' 429s are what slows it down (each waited out and retried).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from adapters.teams.channel import TeamsChannel
from benchmarks.mass_send import NOW, plan_only_t7, prepare
from bot.app.wiring import Parts
from tests.adapters.teams_world import teams_adapter, teams_parts
from tests.fakes.bot_connector import APP_ID, TENANT, FakeConnector

TEAMS_RATE = 50  # posts a second per app and tenant (Teams' documented limit)


def parts_for(data: Path, max_rate: float) -> Parts:
    return teams_parts(data, 9, max_rate, clock=lambda: NOW)


def install(parts: Parts, managers: int, service: str) -> None:
    """What the org-wide install leaves: each manager's conversation with the app."""
    for n in range(managers):
        person = f"m{n:04d}"
        oid = f"00000000-0000-4000-8000-{n:012d}"
        reference = {
            "channelId": "msteams",
            "serviceUrl": service,
            "conversation": {"id": f"a:{person}", "conversationType": "personal", "tenantId": TENANT},
            "user": {"id": f"29:{person}", "aadObjectId": oid},
            "agent": {"id": f"28:{APP_ID}", "name": "popbot"},
        }
        parts.access.bind("teams", oid, person, reference)


async def compose(data: Path, managers: int) -> float:
    await prepare(data, managers, platform="teams")
    connector = FakeConnector()
    await connector.start()
    parts = parts_for(data, 0)
    install(parts, managers, connector.url)
    scheduler = parts.scheduler({"teams": TeamsChannel(teams_adapter(parts))})
    plan_only_t7(scheduler, data)
    scheduler.clock = lambda: NOW - timedelta(hours=1)  # the passes of the hour before
    start = time.perf_counter()
    while (await scheduler.run_due()).composed_ahead:
        pass
    await connector.stop()
    return time.perf_counter() - start


async def send(data: Path, managers: int, max_rate: float) -> dict[str, float]:
    connector = FakeConnector(per_second=TEAMS_RATE)
    await connector.start()
    parts = parts_for(data, max_rate)
    install(parts, managers, connector.url)  # the fake's new port
    adapter = teams_adapter(parts)
    scheduler = parts.scheduler({"teams": TeamsChannel(adapter)})
    start = time.perf_counter()
    report = await scheduler.run_due()
    elapsed = time.perf_counter() - start
    await connector.stop()
    assert len(report.sent) == managers and not report.failed, report
    posts = len(connector.sent())
    return {
        "seconds": elapsed,
        "posts": posts,
        "throttled": sum(c.failed for c in connector.calls),
        "bound": posts / TEAMS_RATE,
    }


async def run(managers: int) -> tuple[float, dict[str, float], dict[str, float]]:
    with tempfile.TemporaryDirectory() as tmp:
        composed = Path(tmp) / "composed"
        ahead = await compose(composed, managers)
        paced_data, unpaced_data = Path(tmp) / "paced", Path(tmp) / "unpaced"
        shutil.copytree(composed, paced_data)
        shutil.copytree(composed, unpaced_data)
        paced = await send(paced_data, managers, 25)
        unpaced = await send(unpaced_data, managers, 0)
    return ahead, paced, unpaced


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--managers", type=int, default=1000)
    args = parser.parse_args()
    ahead, paced, unpaced = asyncio.run(run(args.managers))
    print(f"composed ahead (the passes of the hour before): {ahead:.1f} s\n")
    print("| T−7 pass | managers | posts | 429s | s | bound s | pass / bound | ms per manager |")
    print("|---|---|---|---|---|---|---|---|")
    for name, r in (("paced at 25/s (TEAMS_MAX_RATE)", paced), ("no pacing (baseline)", unpaced)):
        print(
            f"| {name} | {args.managers:,} | {r['posts']:,.0f} | {r['throttled']:,.0f} | {r['seconds']:.1f} "
            f"| {r['bound']:.1f} | {r['seconds'] / r['bound']:.2f}× "
            f"| {r['seconds'] / args.managers * 1000:.0f} |"
        )
    print(f"\nno pacing / paced: {unpaced['seconds'] / paced['seconds']:.2f}×")


if __name__ == "__main__":
    main()
