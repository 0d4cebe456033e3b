"""Every route of `popbot serve` (Slack's events, Telegram's webhook, Teams, the console, the
operator's probes), run as a real process, sent malformed and hostile requests from a table:
none gets a 5xx, none leaves a traceback in the log, and the server goes on serving."""

from __future__ import annotations

import asyncio
import base64
import sys
from pathlib import Path

import httpx
import jwt

from bot.app.web.accounts import Accounts
from storage import TinyDBStore
from tests.adapters.test_slack_cli import stop
from tests.app.test_serve_cli import base_env
from tests.fakes.bot_connector import APP_ID, TENANT
from tests.fakes.slack_api import BOT_TOKEN, SECRET, FakeSlack
from tests.fakes.telegram_api import TOKEN, FakeTelegram
from tests.schedule_world import free_port
from tests.serve_load import until_up

HOOK_SECRET = "the-webhook-secret"
HR, PASSWORD = "hr@example.org", "een lang wachtwoord"
DEEP = b"[" * 100_000 + b"]" * 100_000
NO_KID = jwt.encode({"aud": APP_ID, "iss": "x"}, "k" * 32, algorithm="HS256")
# a token whose header is JSON but not an object, and one whose header is not JSON at all
ODD_HEADER = base64.urlsafe_b64encode(b"[1]").decode().rstrip("=") + ".e30.x"
NOT_JSON_HEADER = base64.urlsafe_b64encode(b"\xff\xfe").decode().rstrip("=") + ".e30.x"

# (method, path, headers, body): bytes for header values so that any octet can be sent
TABLE: list[tuple[str, str, dict[str, bytes], bytes]] = [
    ("GET", "/healthz", {}, b""),
    ("POST", "/healthz", {}, b"x"),
    ("GET", "/readyz", {"Cookie": "é=é".encode()}, b""),
    ("GET", "/metrics?x=%ff%00", {}, b""),
    ("POST", "/telegram", {}, b"{}"),
    ("POST", "/telegram", {"X-Telegram-Bot-Api-Secret-Token": "é".encode()}, b"{}"),
    ("POST", "/telegram", {"X-Telegram-Bot-Api-Secret-Token": HOOK_SECRET.encode()}, DEEP),
    ("POST", "/telegram", {"X-Telegram-Bot-Api-Secret-Token": HOOK_SECRET.encode()}, b"\xff\xfe{"),
    ("POST", "/telegram", {"X-Telegram-Bot-Api-Secret-Token": HOOK_SECRET.encode()}, b"[1, 2]"),
    ("POST", "/slack/events", {"Content-Type": b"application/json"}, DEEP),
    ("POST", "/slack/events", {"X-Slack-Signature": "é".encode(), "X-Slack-Request-Timestamp": b"x"}, b"{}"),
    ("POST", "/api/messages", {}, b"{}"),
    ("POST", "/api/messages", {"Authorization": f"Bearer {NO_KID}".encode()}, b"{}"),
    ("POST", "/api/messages", {"Authorization": f"Bearer {ODD_HEADER}".encode()}, b"{}"),
    ("POST", "/api/messages", {"Authorization": f"Bearer {NOT_JSON_HEADER}".encode()}, b"{}"),
    ("POST", "/api/messages", {"Authorization": b"Bearer \xc3\xa9.\xc3\xa9.\xc3\xa9"}, b"{}"),
    ("POST", "/api/messages", {"Authorization": b"Basic Zm9vOmJhcg=="}, DEEP),
    ("POST", "/api/messages", {"Authorization": f"Bearer {NO_KID}".encode()}, DEEP),
    ("GET", "/teams/files/%ff%fe", {}, b""),
    ("GET", "/teams/files/" + "é" * 43, {}, b""),
    ("GET", "/console/round", {"Cookie": "popbot_console=é.é".encode()}, b""),
    ("GET", "/console/round", {"Cookie": b"popbot_console=" + b"a" * 5000}, b""),
    ("GET", "/console/round?lang=%ff", {}, b""),
    ("GET", "/console/oidc/callback?state=%C3%A9&code=x", {"Cookie": "popbot_oidc=é.é".encode()}, b""),
    ("POST", "/console/signin", {"Content-Type": b"application/x-www-form-urlencoded"}, "csrf=é".encode()),
    ("POST", "/console/signin", {"Content-Type": b"multipart/form-data"}, b"--x\r\n"),
    ("POST", "/console/signin", {"Content-Type": b"multipart/form-data; boundary=x"}, b"--x\r\nbroken"),
    ("POST", "/console/signin", {"Content-Type": b"application/x-www-form-urlencoded"}, b"%ff%fe=%00"),
    ("GET", "/console/static/..%2f..%2fsettings.py", {}, b""),
    ("GET", "/%00", {}, b""),
]


async def test_no_malformed_request_gets_a_5xx_or_a_traceback(tmp_path: Path) -> None:
    data = tmp_path / "data"
    Accounts(TinyDBStore(data)).add(HR, "hr", PASSWORD)
    slack, telegram = FakeSlack(), FakeTelegram()
    await slack.start()
    await telegram.start()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = base_env(tmp_path) | {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": telegram.url,
        "TELEGRAM_WEBHOOK_SECRET": HOOK_SECRET,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack.url,
        "TEAMS_APP_ID": APP_ID,
        "TEAMS_APP_PASSWORD": "s3cret",
        "TEAMS_TENANT_ID": TENANT,
        "POPBOT_PUBLIC_URL": url,
        "POPBOT_WEB_MAX_UPLOAD_MB": "1",
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.app.cli", "serve", "--port", str(port), "--listen", "127.0.0.1",
        "--telegram-webhook", f"{url}/telegram",
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    answers: list[tuple[str, str, int]] = []
    try:
        async with httpx.AsyncClient(base_url=url, timeout=30) as http:
            await until_up(http)
            for method, path, headers, body in TABLE:
                answer = await http.request(method, path, headers=headers, content=body)
                answers.append((method, path, answer.status_code))
            # signed in: a form with a token in any characters, and an upload over the limit
            signin = await http.get("/console/signin")
            assert 'name="csrf"' in signin.text, (answers, signin.status_code, signin.text[:300])
            token = signin.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
            signed = await http.post(
                "/console/signin", data={"email": HR, "password": PASSWORD, "csrf": token}
            )
            assert signed.status_code == 303 and signed.headers["Location"] == "/console/round"
            for csrf in ("é", "\u0000", "x" * 10_000):
                answer = await http.post("/console/schedule/retry", data={"csrf": csrf, "key": "x"})
                answers.append(("POST", f"/console/schedule/retry csrf={csrf[:3]!r}", answer.status_code))
            big = await http.post(
                "/console/roster/check", data={"csrf": "x"}, files={"file": ("r.csv", b"a" * (2 * 2**20))}
            )
            answers.append(("POST", "/console/roster/check (2 MB)", big.status_code))
            assert big.status_code == 413 and "1 MB" in big.text and "Maximum request body" not in big.text
            assert (await http.get("/healthz")).status_code == 200  # still serving
    finally:
        err = await stop(proc)
        await telegram.stop()
        await slack.stop()
    assert len(answers) == len(TABLE) + 4  # every row was sent and answered
    failed = [a for a in answers if a[2] >= 500]
    assert not failed, failed
    assert "Traceback" not in err and "Error handling request" not in err, err[-3000:]
