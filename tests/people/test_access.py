"""Invitations: single-use, expiring, and a new one moves the employee to a new account."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.app.platforms import accounts
from bot.people.access import Access
from storage import TinyDBStore


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 22, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def test_a_token_is_single_use_and_a_retry_is_harmless(tmp_path: Path) -> None:
    access = Access(TinyDBStore(tmp_path), Clock(), accounts=accounts())
    token = access.invite("anna", "telegram")
    assert access.redeem(token, "telegram", "100") == "anna"
    assert access.redeem(token, "telegram", "100") == "anna"  # the same account again: fine
    assert access.redeem(token, "telegram", "200") is None  # anyone else: no
    assert access.redeem(token, "slack", "100") is None
    assert access.who("telegram", "100") == "anna" and access.who("telegram", "200") is None


def test_a_token_expires(tmp_path: Path) -> None:
    clock = Clock()
    access = Access(TinyDBStore(tmp_path), clock, ttl=timedelta(days=14), accounts=accounts())
    token = access.invite("anna", "telegram")
    clock.now += timedelta(days=14, seconds=1)
    assert access.redeem(token, "telegram", "100") is None


def test_a_new_invite_moves_the_binding(tmp_path: Path) -> None:
    access = Access(TinyDBStore(tmp_path), Clock(), accounts=accounts())
    access.redeem(access.invite("anna", "telegram"), "telegram", "100")
    access.redeem(access.invite("anna", "telegram"), "telegram", "300")
    assert access.who("telegram", "100") is None
    assert access.who("telegram", "300") == "anna"
    assert access.handle_of("telegram", "anna") == "300"


def test_tokens_are_not_stored(tmp_path: Path) -> None:
    access = Access(TinyDBStore(tmp_path), Clock(), accounts=accounts())
    token = access.invite("anna", "telegram")
    stored = "".join(p.read_text(encoding="utf-8") for p in tmp_path.rglob("*.json"))
    assert token not in stored and "anna" in stored


def test_nonsense_tokens(tmp_path: Path) -> None:
    access = Access(TinyDBStore(tmp_path), Clock(), accounts=accounts())
    for token in ("", "x" * 65, "../../etc", "🙂"):
        assert access.redeem(token, "telegram", "1") is None
