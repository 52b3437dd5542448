"""Engines and migrations on both databases."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, text

from tracker.errors import StoreError
from tracker.store.db import (
    SCHEMA_REVISION,
    current_revision,
    make_engine,
    require_current,
    safe_url,
    script_heads,
    upgrade,
)
from tracker.store.models import metadata


def test_pinned_revision_is_the_scripts_head() -> None:
    assert script_heads() == (SCHEMA_REVISION,)


def test_migrations_build_exactly_the_models(engine: Engine) -> None:
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []


def test_schema_check(db_url: str) -> None:
    engine = make_engine(db_url)
    with pytest.raises(StoreError, match=r"no tracker schema yet.*tracker db upgrade"):
        require_current(engine)
    assert upgrade(engine) == (None, SCHEMA_REVISION)
    require_current(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0000'"))
    with pytest.raises(StoreError, match="schema is at 0000, this tracker needs"):
        require_current(engine)
    engine.dispose()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 't.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    with engine.connect() as conn, pytest.raises(Exception, match=r"(?i)foreign key"):
        conn.execute(
            text(
                "INSERT INTO occurrence (activity_id, kind, due, effective_due, status) "
                "VALUES (999, 'window', '2022-01-01', '2022-01-01', 'planned')"
            )
        )


def test_unreachable_database_is_one_line_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no folder"):
        make_engine(f"sqlite:///{tmp_path / 'absent' / 't.db'}")
    engine = make_engine("postgresql://tracker:secret@127.0.0.1:1/none", timeout=1)
    with pytest.raises(StoreError) as caught:
        current_revision(engine)
    assert "secret" not in str(caught.value) and "\n" not in str(caught.value)


def test_safe_url_hides_passwords() -> None:
    assert safe_url("postgresql+psycopg://u:p4ss@h/db") == "postgresql+psycopg://u:***@h/db"
