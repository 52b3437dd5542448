"""Bulk inserts below the ORM: ``executemany`` on SQLite, ``COPY`` on PostgreSQL.

Sync writes up to a million occurrence rows; SQLAlchemy's per-row parameter processing costs
more than the database itself there. These helpers take plain tuples in the database's own
representation (:meth:`Bulk.day` turns a date into it) inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import Connection, Table


class Bulk:
    """Raw inserts on the connection of an open SQLAlchemy transaction."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.postgres = conn.dialect.name == "postgresql"

    def day(self, value: date | None) -> date | str | None:
        """A date as this database's driver takes it (SQLAlchemy's SQLite form is ISO text)."""
        if value is None or self.postgres:
            return value
        return value.isoformat()

    def insert(
        self, table: Table, columns: Sequence[str], rows: Sequence[Sequence[object]]
    ) -> None:
        if not rows:
            return
        names = ", ".join(columns)
        if self.postgres:
            driver = self.conn.connection.driver_connection
            assert driver is not None
            with (
                driver.cursor() as cursor,
                cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join("?" * len(columns))
        self.conn.exec_driver_sql(
            f"INSERT INTO {table.name} ({names}) VALUES ({marks})", list(map(tuple, rows))
        )
