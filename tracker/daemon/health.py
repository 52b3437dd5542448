"""`tracker health`: is the daemon ticking, and is the outbox draining?

Unhealthy when (each gives a reason; all reasons are reported on one line):

* no daemon has ever ticked, or the freshest tick is older than ``[daemon] stale_after``;
* more than ``[daemon] max_pending`` messages are due and unsent (pending rows whose next
  attempt has come, and claimed rows whose lease has run out);
* a message failed for good in the last day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine, and_, func, or_, select
from sqlalchemy.exc import SQLAlchemyError

from tracker.config import DaemonSettings
from tracker.store.db import unreachable
from tracker.store.tables import OUTBOX, WORKER

FAILURE_WINDOW = timedelta(days=1)


def span(delta: timedelta) -> str:
    """A duration for people: ``45 s``, ``12 min``, ``3 h 05 min``, ``2 d 4 h``."""
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 60:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes:02d} min"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h"


@dataclass(slots=True)
class Health:
    problems: list[str] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def line(self) -> str:
        if self.ok:
            return "OK: " + ", ".join(self.facts)
        return "FAIL: " + "; ".join(self.problems)


def check(engine: Engine, settings: DaemonSettings, now: datetime) -> Health:
    """The daemon's health at ``now`` (the real time, or ``tracker health --now``)."""
    health = Health()
    try:
        with engine.connect() as conn:
            last = conn.execute(
                select(WORKER.c.id, WORKER.c.last_tick_at, WORKER.c.stopped_at)
                .order_by(WORKER.c.last_tick_at.desc())
                .limit(1)
            ).first()
            waiting = conn.execute(
                select(func.count()).where(
                    or_(
                        and_(OUTBOX.c.state == "pending", OUTBOX.c.next_attempt_at <= now),
                        and_(OUTBOX.c.state == "sending", OUTBOX.c.lease_until < now),
                    )
                )
            ).scalar_one()
            failed = conn.execute(
                select(func.count()).where(
                    OUTBOX.c.state == "failed", OUTBOX.c.failed_at > now - FAILURE_WINDOW
                )
            ).scalar_one()
    except SQLAlchemyError as error:
        raise unreachable(engine, error) from None
    if last is None:
        health.problems.append("no daemon has ticked yet (start `tracker run`)")
    else:
        age = now - last.last_tick_at
        if age > timedelta(seconds=settings.stale_after):
            health.problems.append(
                f"the daemon has not ticked for {span(age)} "
                f"(last tick by {last.id}; stale after {settings.stale_after} s)"
            )
        state = "stopped" if last.stopped_at is not None else "running"
        health.facts.append(f"last tick {span(age)} ago by {last.id} ({state})")
    if waiting > settings.max_pending:
        health.problems.append(
            f"{waiting} messages are due and unsent (more than {settings.max_pending})"
        )
    health.facts.append(f"{waiting} due and unsent")
    if failed:
        health.problems.append(
            f"{failed} message(s) failed in the last day (see `tracker outbox --state failed`)"
        )
    health.facts.append(f"{failed} failed in the last day")
    return health
