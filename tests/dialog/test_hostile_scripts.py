"""Issue 13, point 6: any script — hostile, broken, huge, deep, self-referring — is a refused
edit with a clear message: in seconds, without a traceback, the previous version live."""

from __future__ import annotations

import asyncio
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

import bot.dialog.script
from bot.dialog.registry import ScriptRegistry
from bot.dialog.reload import watch_scripts
from bot.dialog.script import bundled_script_path, load_script

GOOD = bundled_script_path("pop", "nl").read_text(encoding="utf-8")

laughs = ["lol0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
laughs += [f"lol{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
HOSTILE = {
    # 10^9 values once the aliases are filled in, from a file of a few hundred bytes
    "billion laughs": "\n".join(laughs) + "\n" + GOOD,
    "refers to itself": "loop: &me [1, *me]\n" + GOOD,
    "deep": "deep: " + "[" * 3000 + "]" * 3000 + "\n" + GOOD,
    "deep mapping": "deep: " + "{a: " * 60 + "1" + "}" * 60 + "\n" + GOOD,
    "huge": GOOD + "\n# " + "x" * (2 * 1024 * 1024) + "\n",
    "not text": "\x00\x01\x02",
}
EXPECTED = {
    "billion laughs": "more than 100000 values",
    "refers to itself": "",  # ruamel cuts the loop (the alias reads as empty): refused as any other error
    "deep": "nests deeper than",
    "deep mapping": "nests deeper than",
    "huge": "larger than 1024 KB",
    "not text": "",
}


@pytest.mark.parametrize("case", HOSTILE, ids=HOSTILE.keys())
def test_the_validator_refuses_it_quickly_and_without_a_traceback(tmp_path: Path, case: str) -> None:
    path = tmp_path / "pop.nl.yaml"
    path.write_text(HOSTILE[case], encoding="utf-8")
    done = subprocess.run(  # the timeout is the "quickly": a validator that hangs fails
        [sys.executable, "-m", "bot.app.cli", "dialogs", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (600 * 2**20, 600 * 2**20)),
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr[-2000:]
    assert str(path) in done.stderr and EXPECTED[case] in done.stderr


def test_an_unforeseen_failure_while_reading_is_a_refused_script(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "pop.nl.yaml"
    path.write_text(GOOD, encoding="utf-8")

    def broken(*_args: object) -> list[object]:
        raise KeyError("a check that did not foresee this script")

    monkeypatch.setattr(bot.dialog.script, "flow_problems", broken)
    with pytest.raises(bot.dialog.script.ScriptError) as refused:
        load_script(path)
    assert refused.value.problems[0].code == "script_not_understood"


async def test_hot_reload_keeps_the_previous_version_through_every_hostile_edit(tmp_path: Path) -> None:
    path = tmp_path / "pop.nl.yaml"
    path.write_text(GOOD, encoding="utf-8")
    registry = ScriptRegistry([path], default_language="nl")
    live = registry.current["nl"].version
    stop = asyncio.Event()
    watcher = asyncio.create_task(watch_scripts(registry, stop))
    try:
        await asyncio.sleep(0.5)
        for text in HOSTILE.values():
            path.write_text(text, encoding="utf-8")
            await asyncio.sleep(0.8)
            assert registry.current["nl"].version == live and not watcher.done()
        path.write_text(GOOD.replace("Waar ben je goed in?", "Waar ben jij goed in?"), encoding="utf-8")
        for _ in range(50):
            if registry.current["nl"].version != live:
                break
            await asyncio.sleep(0.1)
        assert registry.current["nl"].version != live  # the watcher is alive: a good edit goes live
    finally:
        stop.set()
        await watcher
    assert os.path.exists(path)
