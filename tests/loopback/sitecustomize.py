"""No test reaches past this machine: every socket popbot's tests open — in the test process
and in every Python process they start (this folder is on their PYTHONPATH) — may connect
to loopback or a Unix socket only. Anything else fails at once, naming the address."""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

_connect = socket.socket.connect
_connect_ex = socket.socket.connect_ex


class NotLoopback(OSError):
    """A test tried to open a connection to something other than this machine."""


def _check(sock: socket.socket, address: Any) -> None:
    if sock.family not in (socket.AF_INET, socket.AF_INET6):
        return  # a Unix socket (PostgreSQL's), never the network
    host = str(address[0]) if isinstance(address, tuple) else str(address)
    if host == "localhost":
        return
    try:
        loopback = ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise NotLoopback(f"a test may only connect to loopback, not {host}")


def _guarded_connect(self: socket.socket, address: Any) -> None:
    _check(self, address)
    _connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> int:
    _check(self, address)
    return _connect_ex(self, address)


socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
