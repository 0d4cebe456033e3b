"""HR's views at organisation size: `schedule status`, `roster show`, `data check`.

    python -m benchmarks.views                    # 10,000 people
    python -m benchmarks.views --people 1000

A roster of N people (see `benchmarks.roster_import`) is imported, then each view runs as a
popbot process of its own (seconds include starting Python and popbot, ~0.9 s here; peak
memory is the process's). Baseline in the same run: the same commands on the code before
issue 16's outbox layout (`--baseline REV`), on a data folder that code imported.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from benchmarks.roster_import import BEFORE_ISSUE_16_LAYOUT, REPO, baseline_code, roster, timed

VIEWS = (("schedule", "status"), ("roster", "show"), ("data", "check"))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--baseline", default=BEFORE_ISSUE_16_LAYOUT)
    args = parser.parse_args()
    results: dict[tuple[str, str], float] = {}
    print("| code | view | people | s | peak MB |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "roster.csv"
        roster(csv, args.people)
        before = f"before ({args.baseline})"
        for label, code in ((before, baseline_code(args.baseline, Path(tmp))), ("now", REPO)):
            data = Path(tmp) / f"data-{label[:3]}"
            timed(code, data, "roster", "import", str(csv))
            for view in VIEWS:
                seconds, peak = timed(code, data, *view)
                results[label, " ".join(view)] = seconds
                print(
                    f"| {label} | `popbot {' '.join(view)}` | {args.people:,} | {seconds:.2f} | {peak:.0f} |"
                )
        print()
        for view in VIEWS:
            name = " ".join(view)
            print(f"{name}: before / now = {results[before, name] / results['now', name]:.1f}×")


if __name__ == "__main__":
    main()
