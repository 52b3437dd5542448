"""Fixtures for the web tests: the store on SQLite and PostgreSQL, a pinned clock, the app.

The store fixtures (``postgres``, ``db_url``, ``engine``) are the store tests' own, loaded from
``tests/store/conftest.py``; :mod:`webkit` seeds roadmaps, accounts and links.
"""

from __future__ import annotations

import importlib.util
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

HERE = Path(__file__).resolve().parent
STORE_TESTS = HERE.parent / "store"
for folder in (HERE, STORE_TESTS):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import webkit  # noqa: E402


def _store_fixtures() -> object:
    spec = importlib.util.spec_from_file_location("store_conftest_web", STORE_TESTS / "conftest.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_store = _store_fixtures()
postgres = _store.postgres  # type: ignore[attr-defined]
db_url = _store.db_url  # type: ignore[attr-defined]
engine = _store.engine  # type: ignore[attr-defined]


@pytest.fixture
def clock() -> webkit.Clock:
    return webkit.Clock(webkit.NOW)


@pytest.fixture
def world(engine: Engine, clock: webkit.Clock) -> webkit.World:
    """Two roadmaps with items in every state, an admin and a coordinator of «beta»."""
    return webkit.World.build(engine, clock)


@pytest.fixture
def client(world: webkit.World) -> Iterator[webkit.Client]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # starlette's notice that httpx2 will replace httpx
        from starlette.testclient import TestClient

    with TestClient(world.app(), base_url="http://127.0.0.1:8080") as test_client:
        yield webkit.Client(test_client, world)
