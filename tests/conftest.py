from __future__ import annotations

from pathlib import Path

import pytest

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
