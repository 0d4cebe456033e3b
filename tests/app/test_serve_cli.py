"""Real processes: `popbot serve` runs the schedule beside both adapters, and a
scheduler killed with SIGKILL at each point of a send loses and repeats nothing
when `popbot schedule run-due` runs after it."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller

from bot.app.platforms import accounts
from bot.people.access import Access
from bot.schedule.outbox import Outbox
from storage import TinyDBStore
from storage.outbox_files import OutboxFiles
from tests.adapters.test_slack_cli import stop
from tests.fakes.slack_api import BOT_TOKEN, SECRET, FakeSlack
from tests.fakes.telegram_api import TOKEN, FakeTelegram
from tests.helpers import import_roster
from tests.schedule_world import Mailbox, free_port

ROOT = Path(__file__).parent.parent.parent


def always_open_schedule(tmp_path: Path) -> Path:
    """The bundled schedule, but every hour is a working hour: tests run at any time of day."""
    text = (ROOT / "dialogs" / "schedule.yaml").read_text(encoding="utf-8")
    text = text.replace("days: [mon, tue, wed, thu, fri]", "days: [mon, tue, wed, thu, fri, sat, sun]")
    text = text.replace('start: "09:00"', 'start: "00:00"').replace('end: "17:00"', 'end: "23:59"')
    path = tmp_path / "schedule.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def soon(days: int) -> str:
    return (datetime.now(ZoneInfo("Europe/Amsterdam")) + timedelta(days=days)).strftime("%Y-%m-%d %H:%M")


def base_env(tmp_path: Path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TELEGRAM_", "SMTP_", "POPBOT_"))
    }
    return env | {
        "POPBOT_DATA_DIR": str(tmp_path / "data"),
        "POPBOT_SCHEDULE": str(always_open_schedule(tmp_path)),
        "PYTHONIOENCODING": "utf-8",
    }


async def test_serve_runs_both_adapters_and_the_schedule(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "id,name,language,manager,platform,handle,conversation\n"
        "mila,Mila,nl,,slack,U0MILA,\n"
        f"ben,Ben,en,mila,slack,U0BEN,{soon(3)}\n"
        f"tom,Tom,nl,mila,telegram,,{soon(3)}\n",
        encoding="utf-8",
    )
    import_roster(roster, tmp_path / "data")
    Access(TinyDBStore(tmp_path / "data"), lambda: datetime.now(UTC), accounts=accounts()).bind(
        "telegram", "6001", "tom"
    )
    slack, telegram = FakeSlack(), FakeTelegram()
    await slack.start()
    await telegram.start()
    port = free_port()
    env = base_env(tmp_path) | {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": telegram.url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack.url,
        "POPBOT_SCHEDULE_INTERVAL": "0.5",
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.app.cli", "serve", "--port", str(port), "--listen", "127.0.0.1",
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        # late conversations (3 days away): the invitations go at once, each on its own platform
        await telegram.wait_for(
            lambda: any("!start" in str(c.params.get("reply_markup")) for c in telegram.of("sendMessage")), 30
        )
        await slack.wait_for(
            lambda: any(c.params.get("channel") == "DU0BEN" for c in slack.of("chat.postMessage")), 30
        )
    finally:
        err = await stop(proc)
        await telegram.stop()
        await slack.stop()
    assert proc.returncode == 0, err
    sent = {
        e.key.rsplit("|", 1)[1] + ":" + e.person
        for e in Outbox(OutboxFiles(tmp_path / "data")).everything()
        if e.status == "sent"
    }
    assert {"invitation:ben", "invitation:tom"} <= sent
    assert "serving: console, telegram, slack" in err


KILLER = textwrap.dedent(
    """
    import asyncio, os, signal, sys
    from pathlib import Path
    from bot.app.settings import Settings
    from bot.app.wiring import Parts

    point, data = sys.argv[1], Path(sys.argv[2])
    scheduler = Parts(Settings(), data_dir=data).scheduler()

    def kill(at: str, key: str) -> None:
        if at == point and key.endswith("|invitation"):
            os.kill(os.getpid(), signal.SIGKILL)

    scheduler.fault = kill
    asyncio.run(scheduler.run_due())
    """
)


# Every point for e-mail (the channel that cannot be asked); two for the console inbox
# (every point of every channel is also covered in-process by test_outbox_crash.py).
KILLS = [("email", p) for p in ("composed", "before_send", "after_send", "after_receipt", "before_close")]
KILLS += [("console", "before_send"), ("console", "after_send")]


@pytest.mark.parametrize(("platform", "point"), KILLS)
async def test_kill_9_at_each_point_then_run_due(tmp_path: Path, point: str, platform: str) -> None:
    """Eva's conversation is in three days: her invitation is due at once."""
    roster = tmp_path / "roster.csv"
    chat = "console" if platform == "console" else ""  # no chat platform: e-mail
    roster.write_text(
        "id,name,email,language,manager,platform,conversation\n"
        "mila,Mila,mila@example.org,nl,,,\n"
        f"eva,Eva,eva@example.org,nl,mila,{chat},{soon(3)}\n",
        encoding="utf-8",
    )
    data = tmp_path / "data"
    import_roster(roster, data)
    mailbox = Mailbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    env = base_env(tmp_path) | {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp.port),
        "SMTP_SECURITY": "none",
    }
    popbot = [sys.executable, "-m", "bot.app.cli", "schedule"]
    try:
        planned = subprocess.run([*popbot, "plan"], env=env, capture_output=True, text=True)
        assert planned.returncode == 0, planned.stderr
        killed = subprocess.run([sys.executable, "-c", KILLER, point, str(data)], env=env, cwd=ROOT)
        assert killed.returncode == -signal.SIGKILL  # it really died at that point
        after = subprocess.run([*popbot, "run-due"], env=env, capture_output=True, text=True)
        assert after.returncode == 0, after.stderr
    finally:
        smtp.stop()
    invitation = next(e for e in Outbox(OutboxFiles(data)).everything() if e.kind == "invitation")
    assert invitation.status == "sent"
    if platform == "console":  # the inbox can tell what arrived: never twice
        assert len(TinyDBStore(data).load_inbox("eva")) == 1
        assert invitation.repeats == 0
        return
    # SMTP cannot be asked: a kill between the server's "250 OK" and our record repeats
    # the message, with the same Message-ID (one message to mail clients); never lost.
    to_eva = [m for m in mailbox.messages if m["To"] == "eva@example.org"]  # Mila is invited to prepare too
    assert len(to_eva) == (2 if point == "after_send" else 1)
    assert len({m["Message-ID"] for m in to_eva}) == 1
    assert invitation.repeats == (1 if point in ("before_send", "after_send") else 0)
