"""The settings: one object, every variable in the README's table, read nowhere else."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from bot.app.platforms import registered
from bot.app.settings import Settings

ROOT = Path(__file__).parent.parent.parent


def test_every_setting_is_in_the_readme_and_every_variable_there_is_a_setting() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|")[1] for line in table.split("|---|", 1)[1].splitlines() if line.startswith("|")]
    documented = {name for cell in rows for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", cell)}
    read = {name.upper() for name in Settings.model_fields}
    for platform in registered():  # each platform's own variables
        read |= {name.upper() for name in platform.settings.model_fields}
    assert documented == read


def test_nothing_outside_the_composition_root_reads_the_environment() -> None:
    readers = []
    for folder in ("bot", "adapters", "storage"):
        for path in (ROOT / folder).rglob("*.py"):
            if path.is_relative_to(ROOT / "bot" / "app"):
                continue
            # (a library's own variable set for it, `os.environ.setdefault`, is no reading)
            reads = re.compile(r"os\.environ(?!\.setdefault)|getenv\(|load_dotenv")
            if reads.search(path.read_text(encoding="utf-8")):
                readers.append(str(path.relative_to(ROOT)))
    assert readers == []


def test_a_bad_value_names_the_variable_and_never_its_value(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "SMTP_PORT": "geheim-wachtwoord", "POPBOT_DATA_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "bot.app", "roster", "show"],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 2 and "SMTP_PORT" in done.stderr
    assert "geheim-wachtwoord" not in done.stderr and "Traceback" not in done.stderr
