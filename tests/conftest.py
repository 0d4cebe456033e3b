from __future__ import annotations

import os
from pathlib import Path

import pytest

# python-telegram-bot 22: opt in to timedelta retry_after now (the next major's behaviour)
os.environ.setdefault("PTB_TIMEDELTA", "1")

from bot import Engine
from tests.helpers import Chat, make_engine


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return make_engine(tmp_path / "data")


@pytest.fixture
async def chat(engine: Engine) -> Chat:
    c = Chat(engine)
    await c.start()
    return c
