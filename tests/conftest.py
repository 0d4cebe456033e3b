from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# python-telegram-bot 22: opt in to timedelta retry_after now (the next major's behaviour)
os.environ.setdefault("PTB_TIMEDELTA", "1")

# Loopback only, here and in every Python process a test starts (tests/loopback/sitecustomize.py)
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (str(Path(__file__).parent / "loopback"), os.environ.get("PYTHONPATH", "")) if p
)
from bot import Engine
from tests.helpers import Chat, make_engine
from tests.postgres_server import Cluster

importlib.import_module("tests.loopback.sitecustomize")  # and in this process, from now on


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return make_engine(tmp_path / "data")


@pytest.fixture
async def chat(engine: Engine) -> Chat:
    c = Chat(engine)
    await c.start()
    return c


@pytest.fixture(scope="session")
def postgres() -> Iterator[Cluster]:
    """One PostgreSQL cluster for the whole run (started on first use)."""
    cluster = Cluster()
    yield cluster
    cluster.remove()


@pytest.fixture
def database_url(postgres: Cluster) -> str:
    """A new database with popbot's schema, for one test."""
    from storage.postgres.database import Database, upgrade

    url = postgres.fresh_database()
    db = Database(url)
    db.open()
    upgrade(db)
    db.close()
    return url
