"""`popbot roster import` in bulk: a roster of N people planned at once, and a re-import.

    python -m benchmarks.roster_import                      # 1,000 people
    python -m benchmarks.roster_import --people 10000
    python -m benchmarks.roster_import --people 50000 --no-baseline
    python -m benchmarks.roster_import --people 10000 --postgresql   # files vs PostgreSQL

The roster: 8 reports per manager, conversations spread over nine months, all on the
console channel. Each import is a `popbot roster import` process of its own (its own peak
memory), so the figures include starting popbot and loading its scripts (~3 s here).

Baseline in the same run: the same commands on the code before issue 16's outbox layout
(a file per outbox entry, a marker file per due entry, a file per roster person), taken
from git (`--baseline REV`, default the last commit with that layout) into a temporary
folder. Then the same roster again with 1 % of the conversations moved (`re-import`).

With `--postgresql` the comparison is the current code on the files (the baseline) and on
PostgreSQL (`POPBOT_DATABASE_URL`; a throwaway cluster on 127.0.0.1, as the tests start
one). "On disk" is then the database's growth (`pg_database_size`), indexes included.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

BEFORE_ISSUE_16_LAYOUT = "f2e5835"
REPO = Path(__file__).resolve().parent.parent


def roster(path: Path, people: int, moved: int = 0) -> None:
    """`moved`: every how-manieth person's conversation is four hours later (0: none)."""
    lines = ["id,name,email,language,manager,platform,handle,conversation,timezone"]
    for i in range(people):
        manager = f"p{(i // 8) * 8:06d}" if i % 8 else ""
        day = date(2027, 1, 4) + timedelta(days=(i * 7) % 270)
        hour = 14 if moved and i % moved == 5 else 10
        lines.append(
            f"p{i:06d},Persoon {i},p{i}@example.org,nl,{manager},console,,{day} {hour}:00,Europe/Amsterdam"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def timed(code: Path, data: Path, *command: str, url: str = "") -> tuple[float, float]:
    """One popbot process (`code`'s): seconds and peak MB (GNU time's maximum RSS)."""
    env = {**os.environ, "POPBOT_DATA_DIR": str(data), "PYTHONPATH": str(code), "POPBOT_DATABASE_URL": url}
    start = time.perf_counter()
    done = subprocess.run(
        ["/usr/bin/time", "-f", "PEAK %M", sys.executable, "-m", "bot.app.cli", *command],
        cwd=code,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"popbot {' '.join(command)} failed ({code}):\n{done.stderr}")
    peak = next(int(x.split()[1]) for x in done.stderr.splitlines() if x.startswith("PEAK"))
    return seconds, peak / 1024


def baseline_code(rev: str, tmp: Path) -> Path:
    """The project as it was at `rev`, from git, in a folder of its own."""
    base = tmp / "baseline-code"
    base.mkdir()
    archive = subprocess.run(["git", "-C", str(REPO), "archive", rev], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(base)], input=archive.stdout, check=True)
    return base


def size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_blocks * 512 for p in files)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--baseline", default=BEFORE_ISSUE_16_LAYOUT, help="the git revision to compare with")
    parser.add_argument("--no-baseline", action="store_true", help="only the current code")
    parser.add_argument("--postgresql", action="store_true", help="the files vs PostgreSQL, current code")
    args = parser.parse_args()
    n = args.people
    if args.postgresql:
        on_postgresql(n)
        return
    print("| code | run | people | s | ms / person | peak MB | files | on disk MB | KB / person |")
    print("|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        csv, again = Path(tmp) / "roster.csv", Path(tmp) / "moved.csv"
        roster(csv, n)
        roster(again, n, moved=100)
        codes = {"now": REPO}
        if not args.no_baseline:
            base = Path(tmp) / "baseline-code"
            base.mkdir()
            archive = subprocess.run(
                ["git", "-C", str(REPO), "archive", args.baseline], capture_output=True, check=True
            )
            subprocess.run(["tar", "-x", "-C", str(base)], input=archive.stdout, check=True)
            codes = {f"before ({args.baseline})": base, **codes}
        results: dict[tuple[str, str], float] = {}
        for label, code in codes.items():
            data = Path(tmp) / f"data-{len(results)}"
            for run, file in (("import", csv), ("re-import, 1 % moved", again)):
                seconds, peak = timed(code, data, "roster", "import", str(file))
                files, used = size(data)
                results[label, run] = seconds
                print(
                    f"| {label} | {run} | {n:,} | {seconds:.1f} | {seconds / n * 1000:.2f} | {peak:.0f} "
                    f"| {files:,} | {used / 1e6:.0f} | {used / n / 1024:.1f} |"
                )
    if not args.no_baseline:
        before = f"before ({args.baseline})"
        for run in ("import", "re-import, 1 % moved"):
            print(f"\n{run}: before / now = {results[before, run] / results['now', run]:.2f}×", end="")
        print()


def on_postgresql(n: int) -> None:
    from storage.postgres.database import Database, upgrade
    from tests.postgres_server import Cluster

    cluster = Cluster(fsync=True)  # commits as durable as the files' saves
    print("| store | run | people | s | ms / person | peak MB | on disk MB | KB / person |")
    print("|---|---|---|---|---|---|---|---|")
    results: dict[tuple[str, str], float] = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            csv, again = Path(tmp) / "roster.csv", Path(tmp) / "moved.csv"
            roster(csv, n)
            roster(again, n, moved=100)
            url = cluster.fresh_database()
            db = Database(url)
            db.open()
            upgrade(db)

            def database_bytes() -> int:
                with db.connection() as conn:
                    row = conn.execute("SELECT pg_database_size(current_database())").fetchone()
                return int(row[0]) if row else 0

            empty = database_bytes()
            for label, where in (("files", ""), ("PostgreSQL", url)):
                data = Path(tmp) / f"data-{label}"
                for run, file in (("import", csv), ("re-import, 1 % moved", again)):
                    seconds, peak = timed(REPO, data, "roster", "import", str(file), url=where)
                    used = database_bytes() - empty if where else size(data)[1]
                    results[label, run] = seconds
                    print(
                        f"| {label} | {run} | {n:,} | {seconds:.1f} | {seconds / n * 1000:.2f} | {peak:.0f} "
                        f"| {used / 1e6:.0f} | {used / n / 1024:.1f} |"
                    )
            db.close()
    finally:
        cluster.remove()
    for run in ("import", "re-import, 1 % moved"):
        print(
            f"\n{run}: PostgreSQL / files = {results['PostgreSQL', run] / results['files', run]:.2f}×", end=""
        )
    print()


if __name__ == "__main__":
    main()
