"""A platform is one package: the registry line is all a new one needs, and nothing in the
core or the storage names a platform.

`tests/fakes/echo` is a platform written the way a new one would be. With its package added
to the registry — and no other file touched — it is a roster platform with its own handle
rule, a route of the schedule, a command of its own, a part of `popbot serve`'s one HTTP
server, and its accounts are in the export, the erasure and `data migrate`."""

from __future__ import annotations

import argparse
import ast
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from bot.app import platforms
from bot.app.cli import parser
from bot.app.runtime import running
from bot.app.settings import Settings
from bot.app.stores import open_stores
from bot.app.wiring import Parts
from bot.errors import PopbotError
from bot.people.roster import RosterError, parse_roster
from bot.schedule.recipients import Recipients
from storage.transfer import transfer
from tests.fakes import echo
from tests.helpers import import_roster

ROOT = Path(__file__).parent.parent.parent
ROSTER = "id,name,email,language,platform,handle\nanna,Anna de Vries,anna@example.nl,nl,echo,e-anna\n"


@pytest.fixture
def with_echo(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(platforms, "REGISTRY", (*platforms.REGISTRY, "tests.fakes.echo"))
    platforms.registered.cache_clear()
    platforms.accounts.cache_clear()
    echo.SENT.clear()
    yield
    platforms.registered.cache_clear()
    platforms.accounts.cache_clear()


def _names() -> re.Pattern[str]:
    words = {p.name for p in platforms.registered()} | {
        w for p in platforms.registered() for w in p.title.split()
    }
    return re.compile("|".join(sorted(re.escape(w) for w in words - {"Microsoft"})), re.IGNORECASE)


def test_the_core_and_the_storage_name_no_platform() -> None:
    """Code and docstrings of `bot/` and `storage/` (the registry aside): no platform's name
    in a string, an identifier or an import — a comment may still cite a platform's limit
    as the reason for one of popbot's."""
    names = _names()
    found = []
    for folder in ("bot", "storage"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path == ROOT / "bot" / "app" / "platforms.py":
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                texts = {
                    ast.Constant: lambda n: n.value if isinstance(n.value, str) else "",
                    ast.Name: lambda n: n.id,
                    ast.Attribute: lambda n: n.attr,
                    ast.alias: lambda n: n.name,
                    ast.arg: lambda n: n.arg,
                    ast.FunctionDef: lambda n: n.name,
                    ast.AsyncFunctionDef: lambda n: n.name,
                    ast.ClassDef: lambda n: n.name,
                }
                read = texts.get(type(node))
                if read is not None and names.search(read(node)):
                    found.append(
                        f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', '?')}: {read(node)[:60]!r}"
                    )
    assert found == []


def test_the_registry_is_the_only_list_of_platforms() -> None:
    names = ["telegram", "slack", "teams", "mattermost"]
    assert [p.name for p in platforms.registered()] == names
    assert platforms.accounts().names == tuple(names)
    for p in platforms.registered():  # a platform is its package: everything it declares lives there
        assert type(p).__module__.startswith(f"adapters.{p.name}.")
        assert p.settings.__module__.startswith(f"adapters.{p.name}.")


def test_a_binding_on_a_platform_the_registry_does_not_list_is_refused(tmp_path: Path) -> None:
    parts = Parts(Settings(), data_dir=tmp_path)
    with pytest.raises(PopbotError, match="no platform 'echo'"):
        parts.access.bind("echo", "e-anna", "anna")  # else the export and erasure would miss it


def test_a_new_platform_takes_the_roster_its_handle_rule_and_a_route(with_echo: None, tmp_path: Path) -> None:
    csv = tmp_path / "roster.csv"
    csv.write_text(ROSTER, encoding="utf-8")
    (anna,) = parse_roster(csv, ("nl", "en"), accounts=platforms.accounts())
    assert anna.platform == "echo" and anna.accounts == {"echo": "e-anna"}
    csv.write_text(ROSTER.replace("e-anna", "anna"), encoding="utf-8")
    with pytest.raises(RosterError) as caught:
        parse_roster(csv, ("nl", "en"), accounts=platforms.accounts())
    assert "'anna' is not an echo handle (e-…)" in str(caught.value)
    assert "echo-handle" in caught.value.problems[0].render("nl")
    csv.write_text(ROSTER, encoding="utf-8")
    import_roster(csv, tmp_path / "data")
    parts = Parts(Settings(), data_dir=tmp_path / "data")
    assert parts.roster.by_account("echo", "e-anna") == anna
    recipients = Recipients(parts.roster, parts.access, parts.schedule_config)
    assert recipients.route(anna) == ("echo", "e-anna")  # the schedule reaches her there


def test_a_new_platform_has_its_command_and_serve_and_its_variables(with_echo: None) -> None:
    args = parser().parse_args(["echo", "--port", "4000"])
    assert args.platform == "echo" and args.port == 4000
    assert "ECHO_ON" in {name.upper() for p in platforms.registered() for name in p.settings.model_fields}


async def test_a_new_platform_runs_in_the_one_runtime_and_its_accounts_are_exported_erased_and_moved(
    with_echo: None, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    csv = tmp_path / "roster.csv"
    csv.write_text(ROSTER, encoding="utf-8")
    import_roster(csv, data)
    parts = Parts(Settings(), data_dir=data, platform_settings={"echo": echo.EchoSettings(echo_on=True)})
    assert [p.name for p in parts.configured()] == ["echo"]
    options = argparse.Namespace(listen="127.0.0.1", port=0, platform=None)  # port 0: no race
    async with running(parts, options, parts.configured(), console=False) as started:
        port = started.port
        async with httpx.AsyncClient(timeout=30) as http:
            ready = await http.get(f"http://127.0.0.1:{port}/healthz")
            assert ready.status_code == 200  # the one server, with the operator's routes
            said = (
                await http.post(f"http://127.0.0.1:{port}/echo", json={"from": "e-anna", "text": "hoi"})
            ).json()
            assert any("POP" in s for s in said["said"])  # the dialog answered her
            stranger = await http.post(f"http://127.0.0.1:{port}/echo", json={"from": "e-zoe", "text": "hoi"})
            assert stranger.status_code == 403
    assert parts.personal.export("anna")["chat_accounts"] == {"echo": "e-anna"}
    copy = open_stores(Settings(), tmp_path / "copy")
    report = transfer(open_stores(Settings(), data), copy, origin="t", platforms=platforms.accounts().names)
    assert report.verified and copy.people.load_binding("echo@employee:anna") == {"handle": "e-anna"}
    gone = parts.personal.erase("anna")
    assert gone["chat_accounts"] == 1 and parts.access.handle_of("echo", "anna") is None
    assert datetime.now(UTC)  # (the erasure's audit line is the privacy tests' concern)
