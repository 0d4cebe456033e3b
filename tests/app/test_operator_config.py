"""Configuration as operators expect it: `--version`, a secret from a file, `.env.example`
current with the settings, defaults in `--help`, one `--listen` for every command that
listens, `serve --only`, and no empty `./data` made silently in the wrong folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.app.cli import main, parser
from bot.app.configuration import env_example, models, secret_names, secrets_from_files
from bot.app.release import version
from bot.errors import PopbotError

ROOT = Path(__file__).resolve().parents[2]


def popbot(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("POPBOT_", "SLACK_", "TELEGRAM_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot.app", *args],
        env=base | env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0 and capsys.readouterr().out.strip() == f"popbot {version()}"
    assert version() != "unknown"  # the installed package's


def test_env_example_is_the_settings_models_own() -> None:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    assert text == env_example(models()), "run: popbot config example -o .env.example"
    for name in ("POPBOT_DATABASE_URL", "POPBOT_LOG_FORMAT", "TELEGRAM_BOT_TOKEN", "MATTERMOST_URL"):
        assert f"# {name}=" in text
    assert "POPBOT_WEB_SECRET_FILE" in text  # a secret's file form is said


def test_a_secret_from_a_file(tmp_path: Path) -> None:
    secret = tmp_path / "web-secret"
    secret.write_text("s3cret-from-a-file\n", encoding="utf-8")
    environ = {"POPBOT_WEB_SECRET_FILE": str(secret)}
    assert secrets_from_files(secret_names(models()), environ) == ["POPBOT_WEB_SECRET"]
    assert environ["POPBOT_WEB_SECRET"] == "s3cret-from-a-file"  # the file's newline dropped
    with pytest.raises(PopbotError, match="both set"):
        secrets_from_files(["X"], {"X": "a", "X_FILE": str(secret)})
    with pytest.raises(PopbotError, match=r"cannot read .*missing"):
        secrets_from_files(["X"], {"X_FILE": str(tmp_path / "missing")})
    # through the command line: a bad file is one line, exit 2, nothing else done
    done = popbot("roster", "show", cwd=tmp_path, SLACK_BOT_TOKEN_FILE=str(tmp_path / "none"))
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "SLACK_BOT_TOKEN_FILE" in done.stderr


def test_help_shows_defaults_and_every_listener_takes_listen() -> None:
    p = parser()
    commands = p._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    serve_help = commands["serve"].format_help()
    assert "(default: 3000)" in serve_help and "(default: 0.0.0.0)" in serve_help
    assert "(default: None)" not in serve_help and "(default: False)" not in serve_help
    for name in ("serve", "web", "telegram", "teams", "slack", "mattermost"):
        assert "--listen" in commands[name].format_help(), name


def test_serve_only_names_known_parts(capsys: pytest.CaptureFixture[str]) -> None:
    assert parser().parse_args(["serve", "--only", "console,slack"]).only == ["console", "slack"]
    with pytest.raises(SystemExit):
        parser().parse_args(["serve", "--only", "console,irc"])
    assert "irc: choose from console, telegram" in capsys.readouterr().err


def test_no_empty_data_folder_made_silently_in_the_wrong_folder(tmp_path: Path) -> None:
    done = popbot("roster", "show", cwd=tmp_path)
    assert done.returncode == 1 and f"no data folder at {tmp_path / 'data'}" in done.stderr
    assert not (tmp_path / "data").exists()
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name,language\nanna,Anna,nl\n", encoding="utf-8")
    started = popbot("roster", "import", str(roster), cwd=tmp_path)
    assert started.returncode == 0 and f"a new data folder at {tmp_path / 'data'}" in started.stderr
    again = popbot("roster", "show", cwd=tmp_path)
    assert again.returncode == 0 and "no data folder" not in again.stderr, again.stderr


LOG = """
import logging, sys
from bot.app.logs import configure
configure("INFO", sys.argv[1])
logging.getLogger("popbot.test").info("served %s", "a page")
from bot.ids import TURN_ID
token = TURN_ID.set("abc123")  # as the engine does for a chat turn
logging.getLogger("popbot.engine").warning("in a turn")
TURN_ID.reset(token)
try:
    1 / 0
except ZeroDivisionError:
    logging.getLogger("popbot").exception("it failed")
logging.getLogger("some.library").info("not shown: libraries stay at WARNING")
"""


def test_log_lines_have_a_timestamp_and_json_is_one_object_a_line() -> None:
    import json

    def run(form: str) -> str:
        done = subprocess.run([sys.executable, "-c", LOG, form], capture_output=True, text=True, timeout=30)
        return done.stderr

    text = run("text").splitlines()
    assert text[0].endswith("INFO popbot.test: served a page") and text[0][:4].isdigit(), text
    assert text[1].endswith("WARNING popbot.engine: in a turn turn_id=abc123"), text
    assert "ERROR popbot: it failed" in text[2] and "ZeroDivisionError" in text[-1]
    assert not any("not shown" in line for line in text)
    records = [json.loads(line) for line in run("json").splitlines()]
    assert len(records) == 3 and records[0]["message"] == "served a page" and "turn_id" not in records[0]
    assert records[1]["turn_id"] == "abc123"
    assert {"time", "level", "logger", "message"} <= records[0].keys() and records[0]["level"] == "info"
    assert "ZeroDivisionError" in records[2]["exception"]
