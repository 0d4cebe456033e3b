"""`popbot invite` and `popbot telegram` as a person runs them, against the fake Bot API."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.fakes.telegram_api import TOKEN, FakeTelegram, message
from tests.helpers import FULL_ROUTE, import_roster

ANNA = 5101


@pytest.fixture
async def api() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram()
    await server.start()
    yield server
    await server.stop()


def env_for(tmp_path: Path, api: FakeTelegram, **extra: str) -> dict[str, str]:
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name,language,platform\nanna,Anna de Vries,nl,telegram\n", encoding="utf-8")
    import_roster(roster, tmp_path / "data")
    env = {
        **os.environ,
        "POPBOT_DATA_DIR": str(tmp_path / "data"),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": api.url,
        "PYTHONIOENCODING": "utf-8",
    }
    env.update(extra)
    return env


async def popbot(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.app.cli",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    return proc.returncode or 0, out.decode(), err.decode()


async def test_invite_then_the_whole_dialog_to_concept(api: FakeTelegram, tmp_path: Path) -> None:
    env = env_for(tmp_path, api) | {"POPBOT_LOG_LEVEL": "DEBUG"}
    code, out, err = await popbot(env, "invite", "anna")
    assert code == 0, err
    assert out.startswith("https://t.me/pop_test_bot?start=")
    token = out.strip().rsplit("=", 1)[1]

    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.app.cli",
        "telegram",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await api.wait_for(lambda: api.of("getUpdates"), timeout=30)
        api.push(message(ANNA, f"/start {token}"))
        await api.wait_for(lambda: any("Hoe wil je" in t for t in api.sent_texts(ANNA)), timeout=30)
        for answer in FULL_ROUTE:  # typed, numbers for the choices
            before = len(api.of("sendMessage"))
            api.push(message(ANNA, answer))
            await api.wait_for(lambda before=before: len(api.of("sendMessage")) > before, timeout=30)
            await asyncio.sleep(0.1)
        api.push(message(ANNA, "/concept"))
        await api.wait_for(lambda: len(api.of("sendDocument")) >= 2, timeout=30)  # done + /concept
        content = api.of("sendDocument")[-1].params["document"]["content"].decode("utf-8")
        assert "| Doel 1 | Klantgericht werken |" in content
    finally:
        proc.send_signal(signal.SIGINT)
        out_bytes, err_bytes = await asyncio.wait_for(proc.communicate(), 30)
    logs = out_bytes.decode() + err_bytes.decode()
    assert "Traceback" not in logs, logs[-2000:]
    # the logs (popbot's own at DEBUG) hold no answer and no secret
    assert "popbot.schedule" in logs  # logging was on (and captured)
    for secret in (TOKEN, token, *(a for a in FULL_ROUTE if len(a) > 8)):
        assert secret not in logs


@pytest.mark.parametrize(
    ("token", "words"),
    [("", "TELEGRAM_BOT_TOKEN is not set"), ("not-a-token", "does not look like a bot token")],
)
async def test_a_missing_or_malformed_token_is_one_line(
    api: FakeTelegram, tmp_path: Path, token: str, words: str
) -> None:
    code, _out, err = await popbot(env_for(tmp_path, api, TELEGRAM_BOT_TOKEN=token), "telegram")
    assert code == 1
    assert err.strip().count("\n") == 0 and words in err
    assert TOKEN not in err


async def test_invite_for_someone_not_in_the_roster(api: FakeTelegram, tmp_path: Path) -> None:
    code, _out, err = await popbot(env_for(tmp_path, api), "invite", "zoe")
    assert code == 1 and "'zoe' is not in the roster" in err
