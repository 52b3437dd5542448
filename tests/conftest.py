"""Fixtures every test folder shares: the store on SQLite and on a real, throwaway PostgreSQL.

The PostgreSQL server is started once per session (initdb + pg_ctl on 127.0.0.1, a free
port); each test gets a fresh database. Without a server the PostgreSQL half is skipped, except
in CI (``CI=true``), where it fails.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tracker.store.db import make_engine, upgrade
from tracker.store.pgtemp import PostgresUnavailable, TempPostgres


@pytest.fixture(scope="session")
def postgres() -> Iterator[TempPostgres]:
    try:
        server = TempPostgres.start()
    except PostgresUnavailable as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs PostgreSQL: {error}")
        pytest.skip(f"no PostgreSQL server: {error}")
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'tracker.db'}"
    server: TempPostgres = request.getfixturevalue("postgres")
    return server.create_database()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    upgrade(engine)
    yield engine
    engine.dispose()
