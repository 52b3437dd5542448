"""Engines and schema migrations.

SQLite (the embedded default) runs in WAL mode with foreign keys on; PostgreSQL is reached
through psycopg 3 by URL. Alembic scripts live in :mod:`tracker.store.migrations` and are
driven from here: no ``alembic.ini`` is needed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from tracker.errors import StoreError

#: The newest migration. A test checks it against the scripts; commands compare the
#: database's ``alembic_version`` with it without loading Alembic.
SCHEMA_REVISION = "0008"

MIGRATIONS = Path(__file__).with_name("migrations")


def safe_url(url: str) -> str:
    """The URL with any password hidden, for messages."""
    return re.sub(r"(://[^:/@]+:)[^@]*@", r"\1***@", url)


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(
    url: str,
    *,
    timeout: float = 30.0,
    pool_size: int | None = None,
    pool_timeout: float = 30.0,
) -> Engine:
    """An engine for ``url``: ``sqlite:///FILE`` or ``postgresql[+psycopg]://…``.

    ``pool_size`` fixes the pool at exactly that many connections (no overflow), as a server
    with that many workers needs; a checkout that waits ``pool_timeout`` seconds fails with
    :class:`sqlalchemy.exc.TimeoutError`. Without it, SQLAlchemy's default pool.
    """
    pool: dict[str, Any] = {}
    if pool_size is not None:
        pool = {"pool_size": pool_size, "max_overflow": 0, "pool_timeout": pool_timeout}
    try:
        parsed = make_url(url)
    except SQLAlchemyError:
        raise StoreError(f"bad database URL {safe_url(url)!r}") from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            folder = Path(parsed.database).parent
            if not folder.is_dir():
                raise StoreError(f"cannot open database {url}: no folder {folder}")
        engine = create_engine(parsed, connect_args={"timeout": timeout}, **pool)
        event.listen(engine, "connect", _sqlite_on_connect)
        return engine
    if backend == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        return create_engine(
            parsed,
            pool_pre_ping=True,
            connect_args={"connect_timeout": max(1, int(timeout))},
            **pool,
        )
    raise StoreError(f"unsupported database {safe_url(url)!r}", hint="use sqlite or postgresql")


def current_revision(engine: Engine) -> str | None:
    """The schema revision the database is at; ``None`` for an empty database."""
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return None
            row = connection.execute(text("SELECT version_num FROM alembic_version")).first()
    except SQLAlchemyError as error:
        raise unreachable(engine, error) from None
    return str(row[0]) if row else None


def unreachable(engine: Engine, error: Exception) -> StoreError:
    """A one-line StoreError for a database that cannot be used."""
    reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
    url = safe_url(engine.url.render_as_string(hide_password=True))
    return StoreError(f"database {url}: {reason}")


def require_current(engine: Engine) -> None:
    """Refuse to go on unless the schema is at :data:`SCHEMA_REVISION`."""
    found = current_revision(engine)
    if found == SCHEMA_REVISION:
        return
    if found is None:
        message = "the database has no tracker schema yet"
    else:
        message = f"the database schema is at {found}, this tracker needs {SCHEMA_REVISION}"
    raise StoreError(message, hint="run `tracker db upgrade`")


def analyze(engine: Engine) -> None:
    """Refresh the planner's statistics (after a sync that wrote many rows)."""
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("ANALYZE roadmap, activity, activity_executor, occurrence"))
        else:
            connection.execute(text("ANALYZE"))


def _alembic_config(connection: Any) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str | None]:
    """Apply migrations up to ``revision``; returns the revisions before and after."""
    from alembic import command

    before = current_revision(engine)
    try:
        with engine.begin() as connection:
            command.upgrade(_alembic_config(connection), revision)
    except SQLAlchemyError as error:
        raise unreachable(engine, error) from None
    return before, current_revision(engine)


def script_heads() -> tuple[str, ...]:
    """The head revisions of the migration scripts (for the test that pins the revision)."""
    from alembic.script import ScriptDirectory

    config = _alembic_config(None)
    return tuple(ScriptDirectory.from_config(config).get_heads())
