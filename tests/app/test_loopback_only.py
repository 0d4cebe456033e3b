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
