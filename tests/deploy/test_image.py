"""popbot's container image, run from its own file system — read-only, as its own user, in a
mount and PID namespace (`unshare … chroot`: this machine has no OCI runtime that can set
resource limits). It answers /healthz and /readyz, shows the console's sign-in page, holds a
chat turn through a fake Telegram on loopback, and stops cleanly on SIGTERM.

The image is built before the tests, as an install step (it needs Debian's archive and
PyPI; no test reaches past loopback): `deploy/image.sh localhost/popbot:dev`, then
`POPBOT_TESTS_IMAGE=localhost/popbot:dev`. `.ci/run` does both and sets
POPBOT_TESTS_NEED_IMAGE, so there this fails instead of skipping."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest

from bot.app.platforms import accounts
from bot.people.access import Access
from storage import TinyDBStore
from tests.app.test_replicas_serve import wait_ready
from tests.fakes.telegram_api import TOKEN, FakeTelegram, message
from tests.schedule_world import free_port

USER = 10001  # the Dockerfile's

# Inside the new mount namespace: the image's file system read-only, with /proc, /dev, a /tmp
# of its own and the data folder given, then popbot as the image's user.
RUN = """
set -e
R=$1; DATA=$2; shift 2
mount --bind "$R" "$R"
mount -o remount,bind,ro "$R"
mount -t proc proc "$R/proc"
mount --rbind /dev "$R/dev"
mount -t tmpfs -o mode=1777 tmpfs "$R/tmp"
mount --bind "$DATA" "$R/data"
exec chroot --userspec={user}:{user} "$R" "$@"
""".replace("{user}", str(USER))


def _missing() -> str | None:
    if not os.environ.get("POPBOT_TESTS_IMAGE"):
        return "no image to run: deploy/image.sh TAG, then POPBOT_TESTS_IMAGE=TAG"
    if os.geteuid() != 0:
        return "running the image needs root (mounts, chroot)"
    for tool in ("buildah", "unshare", "chroot"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (apt-get install buildah)"
    return None


@pytest.fixture(scope="module")
def image() -> Iterator[tuple[Path, dict[str, object]]]:
    """The built image's file system (mounted) and its configuration."""
    reason = _missing()
    if reason:
        if os.environ.get("POPBOT_TESTS_NEED_IMAGE"):
            pytest.fail(reason)
        pytest.skip(reason)
    tag = os.environ["POPBOT_TESTS_IMAGE"]
    inspected = json.loads(
        subprocess.run(["buildah", "inspect", "--type", "image", tag], capture_output=True, check=True).stdout
    )
    container = subprocess.run(
        ["buildah", "from", tag], capture_output=True, text=True, check=True
    ).stdout.strip()
    try:
        mounted = subprocess.run(["buildah", "mount", container], capture_output=True, text=True, check=True)
        yield Path(mounted.stdout.strip()), inspected["Docker"]["config"]
    finally:
        subprocess.run(["buildah", "umount", container], capture_output=True)
        subprocess.run(["buildah", "rm", container], capture_output=True)


def test_the_image_is_built_as_the_dockerfile_says(image: tuple[Path, dict[str, object]]) -> None:
    root, config = image
    assert config["User"] == f"{USER}:{USER}" and config["Entrypoint"] == ["popbot"]
    assert config["Cmd"] == ["serve", "--port", "3000"] and config["WorkingDir"] == "/data"
    assert "CMD" in str(config.get("Healthcheck", {})) and "/healthz" in str(config["Healthcheck"])
    for font in ("truetype/dejavu/DejaVuSans.ttf", "opentype/noto/NotoSansCJK-Regular.ttc"):
        assert (root / "usr/share/fonts" / font).is_file(), font
    assert (root / "usr/bin/dot").is_file()  # Graphviz, for the script pages' flow pictures
    assert not (root / "opt/popbot/lib/python3.11/site-packages/pytest").exists()  # no test tools
    assert not (root / "src").exists() and not (root / "root/.cache/pip").exists()  # the build stays behind


async def test_popbot_runs_from_the_image_read_only(
    image: tuple[Path, dict[str, object]], tmp_path: Path
) -> None:
    root, config = image
    data = tmp_path / "data"
    Access(TinyDBStore(data), lambda: datetime.now(UTC), accounts=accounts()).bind("telegram", "6001", "anna")
    for path in (data, *data.rglob("*")):
        os.chown(path, USER, USER)
    telegram = FakeTelegram()
    await telegram.start()
    port = free_port()
    env = [str(e) for e in config["Env"]] + [  # type: ignore[attr-defined]
        f"TELEGRAM_BOT_TOKEN={TOKEN}", f"TELEGRAM_API_BASE_URL={telegram.url}", "POPBOT_LOG_LEVEL=INFO",
    ]  # fmt: skip
    command = [*config["Entrypoint"], *config["Cmd"], "--port", str(port), "--listen", "127.0.0.1"]  # type: ignore[misc]
    proc = await asyncio.create_subprocess_exec(
        "unshare", "--mount", "--pid", "--fork", "--kill-child", "sh", "-c", RUN, "run", str(root), str(data),
        "/usr/bin/env", "-i", *env, "sh", "-c", 'cd /data && exec "$@"', "popbot", *command,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as http:
            await wait_ready(http, port, proc)
            async with http.get(f"{base}/healthz") as r:
                assert r.status == 200
            async with http.get(f"{base}/console/signin") as r:
                page = await r.text()
                assert r.status == 200 and 'type="password"' in page
        telegram.push(message(6001, "/start"))  # one chat turn: Anna starts on Telegram
        await telegram.wait_for(lambda: len(telegram.sent_texts(6001)) >= 1, 60)
        assert any("POP" in text for text in telegram.sent_texts(6001))
    finally:
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
        for child in children:  # popbot: PID 1 of its namespace, the child of unshare
            os.kill(int(child), signal.SIGTERM)
        _out, err = await asyncio.wait_for(proc.communicate(), 60)
        await telegram.stop()
    assert proc.returncode == 0, err.decode()[-3000:]
    lines = [json.loads(line) for line in err.decode().splitlines()]  # the image logs JSON
    said = [str(line["message"]) for line in lines]
    assert any(s.startswith("serving: console, telegram on 127.0.0.1") for s in said), said
    assert not [line for line in lines if line["level"] in ("error", "critical")], lines
    assert any((data / "employees").rglob("*.json"))  # the turn was kept, in the data folder given
