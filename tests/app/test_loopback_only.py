"""The guard every test runs under: a connection to anything but loopback fails at once —
in the test process and in the popbot processes the tests start."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

from tests.loopback.sitecustomize import NotLoopback


def test_a_connection_past_loopback_fails_in_the_test_process() -> None:
    with (
        socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock,
        pytest.raises(NotLoopback, match=r"192\.0\.2\.1"),
    ):
        sock.connect(("192.0.2.1", 443))  # TEST-NET-1: never routed, and never tried


def test_a_connection_past_loopback_fails_in_a_started_process() -> None:
    code = "import socket; socket.create_connection(('192.0.2.1', 443), timeout=1)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=os.environ)
    assert done.returncode != 0 and "may only connect to loopback, not 192.0.2.1" in done.stderr


def test_loopback_itself_is_allowed() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with socket.create_connection(server.getsockname(), timeout=5):
            pass


def test_no_test_names_a_real_host_to_talk_to() -> None:
    """Tests, fakes and recorded payloads name only loopback and reserved names (RFC 2606:
    `.example`, `.invalid`); `t.me` is the invitation link popbot prints for people, never a
    host a test connects to. Vendored third-party schemas are read, not run, and left as
    they came."""
    import re
    from pathlib import Path

    tests = Path(__file__).parent.parent
    allowed = re.compile(r"(127\.0\.0\.1|localhost|x|t\.me|([a-z0-9-]+\.)*(example(\.[a-z]+)?|invalid))$")
    found = []
    for path in sorted(tests.rglob("*")):
        if path.suffix not in (".py", ".json", ".yaml", ".csv") or "vendor" in path.parts:
            continue
        for host in re.findall(r"https?://([A-Za-z0-9.-]+)", path.read_text(encoding="utf-8")):
            if not allowed.fullmatch(host.lower()):
                found.append(f"{path.relative_to(tests)}: {host}")
    assert found == []
