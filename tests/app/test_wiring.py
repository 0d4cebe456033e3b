"""The composition root builds each store once per process and hands it to whoever needs it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import storage.outbox_files
import storage.tinydb_store
from bot.app.settings import Settings
from bot.app.wiring import Parts


def test_one_store_per_port_per_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    built: dict[str, int] = {}
    for module, name in ((storage.tinydb_store, "TinyDBStore"), (storage.outbox_files, "OutboxFiles")):
        cls = getattr(module, name)
        real = cls.__init__

        def counting(self: Any, *args: Any, _real: Any = real, _name: str = name, **kw: Any) -> None:
            built[_name] = built.get(_name, 0) + 1
            _real(self, *args, **kw)

        monkeypatch.setattr(cls, "__init__", counting)
    parts = Parts(Settings(popbot_data_dir=tmp_path / "data"))
    # what `popbot serve` builds: the engine, the scheduler with its channels, the background
    engine = parts.engine
    background = parts.background()
    scheduler = background.scheduler
    assert built == {"TinyDBStore": 1, "OutboxFiles": 1}
    assert engine.store is parts.store is scheduler.store is parts.personal.store
    assert scheduler.roster is not None and scheduler.roster.store is parts.store
    assert scheduler.access is parts.access and scheduler.outbox.store is parts.outbox_files
