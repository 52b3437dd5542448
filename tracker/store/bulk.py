"""Bulk rows below SQLAlchemy's per-row processing: inserts by ``executemany`` on SQLite and
``COPY`` on PostgreSQL, and reads from the driver's own cursor.

Sync writes up to a million occurrence rows, and a cold planning pass as many notification
rows and reads half a million candidates; SQLAlchemy's per-row processing costs more than the
database itself there. These helpers take and give plain tuples in the driver's own form
(:func:`driver_day`, :func:`driver_moment`: a date or time as SQLAlchemy itself would store
it), inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, Select, Table


def driver_day(value: date | None, postgres: bool) -> date | str | None:
    """A date as the driver takes it (SQLAlchemy's SQLite form is ISO text)."""
    if value is None or postgres:
        return value
    return value.isoformat()


def driver_moment(value: datetime | None, postgres: bool) -> datetime | str | None:
    """An aware time as ``UtcDateTime`` stores it: naive UTC (text on SQLite)."""
    if value is None:
        return None
    naive = value.astimezone(UTC).replace(tzinfo=None)
    return naive if postgres else naive.isoformat(" ", "microseconds")


def insert_rows(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    skip_made: bool = False,
) -> int:
    """Insert rows in the driver's form; returns how many went in. With ``skip_made`` a row
    whose unique key is there already is skipped (``ON CONFLICT DO NOTHING``): on PostgreSQL
    the rows are copied into a temporary table first and inserted from it in one statement,
    as ``COPY`` itself cannot skip a duplicate key."""
    if not rows:
        return 0
    names = ", ".join(f'"{name}"' for name in columns)
    skip = " ON CONFLICT DO NOTHING" if skip_made else ""
    if conn.dialect.name != "postgresql":
        marks = ", ".join("?" * len(columns))
        statement = f"INSERT INTO {table.name} ({names}) VALUES ({marks}){skip}"
        return int(conn.exec_driver_sql(statement, list(map(tuple, rows))).rowcount)
    driver: Any = conn.connection.driver_connection
    with driver.cursor() as cursor:
        target = table.name
        if skip_made:
            # the session's own, with just these columns (one list of them per table),
            # emptied at each commit
            target = f"incoming_{table.name}"
            cursor.execute(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS {target} ON COMMIT DELETE ROWS "
                f"AS SELECT {names} FROM {table.name} WITH NO DATA"
            )
        with cursor.copy(f"COPY {target} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        if not skip_made:
            return len(rows)
        cursor.execute(f"INSERT INTO {table.name} ({names}) SELECT {names} FROM {target}{skip}")
        inserted = int(cursor.rowcount)
        cursor.execute(f"DELETE FROM {target}")  # a dry run's one transaction goes on
        return inserted


class Bulk:
    """Raw inserts on the connection of an open SQLAlchemy transaction."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.postgres = conn.dialect.name == "postgresql"

    def day(self, value: date | None) -> date | str | None:
        return driver_day(value, self.postgres)

    def insert(
        self, table: Table, columns: Sequence[str], rows: Sequence[Sequence[object]]
    ) -> None:
        insert_rows(self.conn, table, columns, rows)


def driver_batches(
    conn: Connection, statement: Select[Any], size: int
) -> Iterator[Sequence[Sequence[Any]]]:
    """The rows of ``statement``, ``size`` at a time, as plain tuples. PostgreSQL: a
    server-side cursor. SQLite: the driver's own cursor (the statement compiled once, its
    dates bound as the ISO text SQLite stores); a date comes back as that text and a boolean
    as 0 or 1."""
    if conn.dialect.name != "sqlite":
        # options on the statement, not the connection: writes between batches must not stream
        result = conn.execute(statement.execution_options(stream_results=True, yield_per=size))
        yield from result.partitions(size)  # rows that unpack and index as tuples do
        return
    compiled = statement.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    values = compiled.construct_params()
    bound = tuple(_bound(values[name]) for name in compiled.positiontup or ())
    with _cursor(conn) as cursor:
        cursor.execute(str(compiled), bound)
        while rows := cursor.fetchmany(size):
            yield rows


def driver_fetch(conn: Connection, sql: str, params: Sequence[object] = ()) -> list[Any]:
    """Every row of a plain SQL statement (the driver's parameter marks), as the driver's own
    cursor gives them: no statement compiled, no row objects, values as the driver types
    them (on SQLite a date is its ISO text)."""
    with _cursor(conn) as cursor:
        cursor.execute(sql, tuple(params))
        return list(cursor.fetchall())


@contextmanager
def _cursor(conn: Connection) -> Iterator[Any]:
    """A cursor of the driver's own connection under ``conn`` (inside its transaction)."""
    driver: Any = conn.connection.dbapi_connection
    cursor = driver.cursor()
    try:
        yield cursor
    finally:
        cursor.close()


def driver_rows(conn: Connection, statement: Select[Any]) -> list[tuple[Any, ...]]:
    """Every row of ``statement``, as :func:`driver_batches` gives them."""
    return [tuple(row) for part in driver_batches(conn, statement, 10_000) for row in part]


def _bound(value: object) -> object:
    """A parameter as SQLite stores it: a date as ISO text. (No query here binds a time.)"""
    if isinstance(value, datetime):
        raise TypeError("bulk reads bind no moments")
    return value.isoformat() if isinstance(value, date) else value
