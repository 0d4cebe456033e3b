"""T−7 for 1,000 managers on Mattermost: every draft POP and alignment summary written first
into each manager's direct message, against the server's rate limit.

    python -m benchmarks.mattermost_send                  # 1,000 managers
    python -m benchmarks.mattermost_send --managers 100   # quicker

Each manager has one report whose conversation is a week away and whose preparation is done
(`benchmarks.mass_send.prepare`), and a direct message with the bot. The passes of the hour
before compose the drafts ahead (as in `popbot serve`); the T−7 pass is measured: per manager
the summary, the draft POP and the alignment summary as posts and uploaded PDFs, through the
adapter's client to the fake server on 127.0.0.1, which allows `--server-rate` calls a second
(Mattermost's limit is the administrator's setting: 10 by default; here 100, the rate a
server of this size is given) and answers 429 past it. That makes the bound: calls / rate.

Two passes over the same composed outbox (copied): popbot paced at `MATTERMOST_MAX_RATE` =
90 % of the server's rate (a limiter that starts with a full bucket, against a server that
counts a sliding second, needs the margin), and the baseline in the same run: no pacing (a
rate far above the server's), so the 429s — each waited out as the server's reset says —
are what slows it.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import tempfile
import time
from contextlib import AsyncExitStack
from datetime import timedelta
from pathlib import Path

from adapters.mattermost import PLATFORM
from adapters.mattermost.channel import MattermostChannel
from adapters.mattermost.settings import MattermostSettings
from benchmarks.mass_send import NOW, plan_only_t7, prepare
from bot.app.runtime import AppHost
from bot.app.settings import Settings
from bot.app.wiring import Parts
from tests.fakes.mattermost_api import TOKEN, FakeMattermost


def parts_for(data: Path, url: str, max_rate: float, managers: int) -> Parts:
    settings = MattermostSettings(
        mattermost_url=url,
        mattermost_bot_token=TOKEN,
        mattermost_max_rate=max_rate,
        popbot_public_url="http://127.0.0.1:9",
    )
    parts = Parts(Settings(), data_dir=data, clock=lambda: NOW, platform_settings={"mattermost": settings})
    for n in range(managers):
        parts.access.bind("mattermost", f"{n:026d}", f"m{n:04d}")  # their DM with the bot, known
    return parts


async def _pass(
    data: Path, server: FakeMattermost, max_rate: float, managers: int, ahead: bool
) -> tuple[float, int]:
    parts = parts_for(data, server.url, max_rate, managers)
    async with AsyncExitStack() as stack:
        adapter = PLATFORM.adapter(AppHost(parts, argparse.Namespace(), None, stack))
        scheduler = parts.scheduler({"mattermost": MattermostChannel(adapter)})
        if ahead:
            plan_only_t7(scheduler, data)
            scheduler.clock = lambda: NOW - timedelta(hours=1)  # the passes of the hour before
        start = time.perf_counter()
        sent = 0
        while True:
            report = await scheduler.run_due()
            sent += len(report.sent)
            if not (ahead and report.composed_ahead):
                break
        return time.perf_counter() - start, sent


async def run(managers: int, server_rate: float) -> tuple[float, dict[str, float], dict[str, float]]:
    with tempfile.TemporaryDirectory() as tmp:
        composed = Path(tmp) / "composed"
        await prepare(composed, managers, platform="mattermost")
        server = FakeMattermost()
        await server.start()
        ahead, _ = await _pass(composed, server, 10_000, managers, ahead=True)
        await server.stop()
        results = {}
        for name, rate in (("paced", server_rate * 0.9), ("unpaced", 10_000.0)):
            data = Path(tmp) / name
            shutil.copytree(composed, data)
            limited = FakeMattermost(per_second=server_rate)
            await limited.start()
            seconds, sent = await _pass(data, limited, rate, managers, ahead=False)
            await limited.stop()
            assert sent == managers, (name, sent)
            calls = sum(not c.failed for c in limited.calls)
            throttled = sum(c.failed for c in limited.calls)
            results[name] = {
                "seconds": seconds,
                "calls": calls,
                "throttled": throttled,
                "bound": calls / server_rate,
            }
    return ahead, results["paced"], results["unpaced"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--managers", type=int, default=1000)
    parser.add_argument("--server-rate", type=float, default=100.0)
    args = parser.parse_args()
    ahead, paced, unpaced = asyncio.run(run(args.managers, args.server_rate))
    print(f"composed ahead (the passes of the hour before): {ahead:.1f} s\n")
    print("| T−7 pass | managers | calls | 429s | s | bound s | pass / bound | ms per manager |")
    print("|---|---|---|---|---|---|---|---|")
    rate = f"{args.server_rate * 0.9:.0f}/s of the server's {args.server_rate:.0f}/s"
    for name, r in ((f"paced at {rate}", paced), ("no pacing (baseline)", unpaced)):
        print(
            f"| {name} | {args.managers:,} | {r['calls']:,.0f} | {r['throttled']:,.0f} | {r['seconds']:.1f} "
            f"| {r['bound']:.1f} | {r['seconds'] / r['bound']:.2f}× "
            f"| {r['seconds'] / args.managers * 1000:.0f} |"
        )
    print(f"\nno pacing / paced: {unpaced['seconds'] / paced['seconds']:.2f}×")


if __name__ == "__main__":
    main()
