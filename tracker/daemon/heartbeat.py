"""The ``worker`` table: one row per daemon process, touched on every tick.

A row is written when a daemon starts (:func:`register`), updated after each pass
(:func:`beat`) and marked when it stops (:func:`stopped`). Rows of processes whose last tick is
older than :data:`KEEP` are purged at start, so the table stays small however often
``tracker run --once`` runs.
"""

from __future__ import annotations

import os
import secrets
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, insert, update
from sqlalchemy.exc import SQLAlchemyError

from tracker.store.db import unreachable
from tracker.store.tables import WORKER

KEEP = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class WorkerId:
    """This process as a worker: ``host:pid:token`` (the token tells restarts apart)."""

    host: str
    pid: int
    token: str

    @classmethod
    def mine(cls) -> WorkerId:
        return cls(socket.gethostname(), os.getpid(), secrets.token_hex(3))

    def __str__(self) -> str:
        return f"{self.host}:{self.pid}:{self.token}"


def _write(engine: Engine, statement: Any) -> None:
    try:
        with engine.begin() as conn:
            conn.execute(statement)
    except SQLAlchemyError as error:
        raise unreachable(engine, error) from None


def register(engine: Engine, worker: WorkerId, now: datetime) -> None:
    """Add this worker's row and purge rows of workers gone for longer than :data:`KEEP`."""
    try:
        with engine.begin() as conn:
            conn.execute(delete(WORKER).where(WORKER.c.last_tick_at < now - KEEP))
            conn.execute(
                insert(WORKER).values(
                    id=str(worker),
                    host=worker.host,
                    pid=worker.pid,
                    started_at=now,
                    last_tick_at=now,
                )
            )
    except SQLAlchemyError as error:
        raise unreachable(engine, error) from None


def beat(engine: Engine, worker: WorkerId, now: datetime, **counts: int | str | None) -> None:
    """Record a tick at ``now`` and what the pass did (``last_planned=…``, ``last_sent=…``)."""
    values: dict[str, Any] = {"last_tick_at": now, "ticks": WORKER.c.ticks + 1, **counts}
    _write(engine, update(WORKER).where(WORKER.c.id == str(worker)).values(**values))


def ticked_at(engine: Engine, worker: WorkerId, at: datetime) -> None:
    """Set the last tick to ``at`` (a cycle at a simulated moment ran at the real ``at``)."""
    _write(engine, update(WORKER).where(WORKER.c.id == str(worker)).values(last_tick_at=at))


def stopped(engine: Engine, worker: WorkerId, now: datetime) -> None:
    _write(engine, update(WORKER).where(WORKER.c.id == str(worker)).values(stopped_at=now))
