"""The daily retention purge runs in one process at a time among replicas and cron: while one
holds it, `popbot privacy purge` elsewhere does nothing and says so; then it runs."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

HOLDER = """
import sys, time
from pathlib import Path
from bot.app.settings import Settings
from bot.app.wiring import Parts
parts = Parts(Settings())
with parts.outbox_files.job_lock("retention") as mine:
    assert mine
    Path(sys.argv[1]).touch()
    time.sleep(600)  # killed by the test when it is done
"""


@pytest.mark.parametrize("backend", ["files", "postgresql"])
def test_retention_runs_in_one_replica_at_a_time(
    tmp_path: Path, backend: str, request: pytest.FixtureRequest
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POPBOT_")} | {
        "POPBOT_DATA_DIR": str(tmp_path / "data")
    }
    if backend == "postgresql":
        env["POPBOT_DATABASE_URL"] = request.getfixturevalue("database_url")
    holding = tmp_path / "holding"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(holding)], env=env)
    try:
        deadline = time.monotonic() + 30
        while not holding.exists():
            assert holder.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        busy = subprocess.run(
            [sys.executable, "-m", "bot.app", "privacy", "purge"], env=env, capture_output=True, text=True
        )
        assert busy.returncode == 0 and "another popbot process" in busy.stdout, busy.stderr
    finally:
        holder.kill()  # a replica killed while it held the job: the lock goes with it
        holder.wait()
    done = subprocess.run(
        [sys.executable, "-m", "bot.app", "privacy", "purge"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0 and done.stdout.startswith("retention "), done.stdout + done.stderr
