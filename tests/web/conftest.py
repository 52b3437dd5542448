"""Fixtures for the web tests: the store on SQLite and PostgreSQL, a pinned clock, the app.

The store fixtures (``postgres``, ``db_url``, ``engine``) come from ``tests/conftest.py``;
:mod:`webkit` seeds roadmaps, accounts and links.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest
import webkit
from sqlalchemy import Engine


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
