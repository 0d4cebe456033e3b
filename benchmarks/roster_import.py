"""`popbot roster import` in bulk: a roster of N people planned at once.

    python -m benchmarks.roster_import                  # 1,000 people
    python -m benchmarks.roster_import --people 10000

The roster: 8 reports per manager, conversations spread over nine months, all on the
console channel. Each run is a process of its own (its own peak memory). Baseline in the
same run: the entries written one by one, as before issue 16 (each entry also rewrote the
person's list of keys: ~9 writes and fsyncs of that file per person). Now a person's
entries are added together and their list of keys written once.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path


def roster(path: Path, people: int) -> None:
    lines = ["id,name,email,language,manager,platform,handle,conversation,timezone"]
    for i in range(people):
        manager = f"p{(i // 8) * 8:06d}" if i % 8 else ""
        day = date(2027, 1, 4) + timedelta(days=(i * 7) % 270)
        lines.append(
            f"p{i:06d},Persoon {i},p{i}@example.org,nl,{manager},console,,{day} 10:00,Europe/Amsterdam"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def one(csv: str, data: str, baseline: bool) -> None:
    """In a child process: import, then print seconds and peak MB."""
    os.environ["POPBOT_DATA_DIR"] = data
    if baseline:
        from bot.schedule.outbox import Outbox

        def one_by_one(self: Outbox, entries: list) -> None:  # type: ignore[type-arg]
            for entry in entries:
                self.store.add_person_key(entry.person, entry.key)
                self.store.index_due(entry.key, entry.due)
                self.store.save_entry(entry.dump())

        Outbox.add_all = one_by_one  # type: ignore[method-assign]
    from bot.app.cli import main

    start = time.perf_counter()
    code = main(["roster", "import", csv])
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"RESULT {code} {seconds:.1f} {peak:.0f}", file=sys.stderr)


def size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_blocks * 512 for p in files)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        one(sys.argv[2], sys.argv[3], sys.argv[4] == "baseline")
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=1000)
    args = parser.parse_args()
    print("| run | people | s | s / person (ms) | peak MB | files | on disk MB |")
    print("|---|---|---|---|---|---|---|")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "roster.csv"
        roster(csv, args.people)
        for mode in ("baseline", "now"):
            data = Path(tmp) / mode
            done = subprocess.run(
                [sys.executable, "-m", "benchmarks.roster_import", "--child", str(csv), str(data), mode],
                capture_output=True,
                text=True,
                check=False,
            )
            line = next(x for x in done.stderr.splitlines() if x.startswith("RESULT"))
            _, code, seconds, peak = line.split()
            if code != "0":
                raise SystemExit(f"the {mode} import failed:\n{done.stderr}")
            files, used = size(data)
            results[mode] = float(seconds)
            label = "one entry at a time (baseline)" if mode == "baseline" else "a person's entries at once"
            per_person = float(seconds) / args.people * 1000
            print(
                f"| {label} | {args.people:,} | {float(seconds):.1f} | {per_person:.1f} "
                f"| {peak} | {files:,} | {used / 1e6:.0f} |"
            )
    print(f"\nbaseline / now: {results['baseline'] / results['now']:.2f}×")


if __name__ == "__main__":
    main()
