"""Who may run: one daemon per SQLite file; on PostgreSQL, mutual exclusion of sync and plan.

* **SQLite** — :class:`InstanceLock` takes an exclusive ``flock`` on ``<database>.lock`` next
  to the database file for the life of the process (the kernel drops it when the process dies,
  however it dies). A second daemon, or ``tracker run --once`` beside a running daemon, refuses
  to start with one line naming the holder.
* **PostgreSQL** — any number of daemons. Sending is safe through the outbox's claims
  (``FOR UPDATE SKIP LOCKED`` and a lease). Syncing the schedule files and planning take a
  session-level advisory lock, :class:`DbMutex`, held on a dedicated connection that is never
  returned to the pool (a pooled connection would keep the lock after being handed back). If the
  holder dies its connection closes and the server releases the lock.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from tracker.errors import StoreError
from tracker.store.db import unreachable

#: First key of tracker's advisory locks ("trkr"); the second names the work.
LOCK_CLASS = 0x74726B72
LOCK_KEYS = {"sync": 1, "plan": 2}


def lock_path(engine: Engine) -> Path | None:
    """``<database>.lock`` for a SQLite file; ``None`` for memory or PostgreSQL."""
    if engine.dialect.name != "sqlite":
        return None
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).resolve().with_name(Path(database).name + ".lock")


class InstanceLock:
    """An exclusive lock file next to a SQLite database, held until :meth:`release`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[str] | None = None

    def acquire(self) -> InstanceLock:
        stream = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held open on purpose
        try:
            fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            stream.seek(0)
            holder = stream.read().strip() or "another process"
            stream.close()
            database = self.path.with_suffix("")
            raise StoreError(
                f"another tracker daemon ({holder}) is already running on {database}; "
                "SQLite allows one",
                hint="stop it first, or use PostgreSQL to run several",
            ) from None
        stream.seek(0)
        stream.truncate()
        stream.write(f"pid {os.getpid()} on {socket.gethostname()}\n")
        stream.flush()
        self._file = stream
        return self

    def release(self) -> None:
        if self._file is not None:
            with contextlib.suppress(OSError):
                self._file.seek(0)
                self._file.truncate()
            self._file.close()  # closing drops the flock
            self._file = None

    def __enter__(self) -> InstanceLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def instance_lock(engine: Engine) -> InstanceLock | None:
    """Take the single-instance lock when the database needs one (SQLite files)."""
    path = lock_path(engine)
    return InstanceLock(path).acquire() if path is not None else None


class DbMutex:
    """Mutual exclusion between daemons on one PostgreSQL database (a no-op on SQLite).

    :meth:`hold` blocks until the named advisory lock is free. Within one process, a thread
    lock keeps the dedicated connection to one user at a time.
    """

    def __init__(self, engine: Engine) -> None:
        self._main = engine
        self._url = engine.url
        self._enabled = engine.dialect.name == "postgresql"
        self._engine: Engine | None = None
        self._connection: Connection | None = None
        self._threads = threading.Lock()

    def _connect(self) -> Connection:
        if self._connection is None or self._connection.closed:
            if self._engine is None:
                self._engine = create_engine(self._url, poolclass=NullPool)
            self._connection = self._engine.connect().execution_options(
                isolation_level="AUTOCOMMIT"
            )
        return self._connection

    @contextlib.contextmanager
    def hold(self, name: str) -> Iterator[None]:
        if not self._enabled:
            with self._threads:
                yield
            return
        key = LOCK_KEYS[name]
        with self._threads:
            try:
                connection = self._connect()
                connection.execute(
                    text("SELECT pg_advisory_lock(:c, :k)"), {"c": LOCK_CLASS, "k": key}
                )
            except SQLAlchemyError as error:
                self._drop()
                raise unreachable(self._main, error) from None
            try:
                yield
            finally:
                try:
                    connection.execute(
                        text("SELECT pg_advisory_unlock(:c, :k)"), {"c": LOCK_CLASS, "k": key}
                    )
                except SQLAlchemyError:
                    self._drop()  # closing the session releases the lock anyway

    def _drop(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(SQLAlchemyError):
                self._connection.close()
            self._connection = None

    def close(self) -> None:
        self._drop()
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
