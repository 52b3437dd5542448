"""Recipients' pauses of reminders (the signed pause link in every message, issue 16).

A pause belongs to an e-mail address (lower case). ``until`` None pauses until resumed. While
a pause is on, the planning pass makes its notifications as usual (each stage once) but does
not put them into messages: what is still of use when the pause ends (the policy's expiries
drop the rest) is sent then. A coordinator's digest is paused only when ``digests`` was asked
for. Resuming deletes the pause.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, delete, insert, or_, select

from tracker.store.tables import MAIL_PAUSE as MP


@dataclass(frozen=True, slots=True)
class Pause:
    address: str
    until: datetime | None  # None: until resumed
    digests: bool


def normal_address(address: str) -> str:
    return address.strip().lower()


def set_pause(
    engine: Engine, address: str, *, until: datetime | None, digests: bool, now: datetime
) -> Pause:
    """Pause reminders to ``address`` until ``until`` (None: until resumed); replaces any."""
    if until is not None and until.tzinfo is None:
        raise ValueError("until must be an aware datetime")
    key = normal_address(address)
    with engine.begin() as conn:
        conn.execute(delete(MP).where(MP.c.address == key))
        conn.execute(insert(MP).values(address=key, until=until, digests=digests, created_at=now))
    return Pause(key, until, digests)


def resume(engine: Engine, address: str) -> bool:
    """End the pause of ``address``; whether there was one."""
    with engine.begin() as conn:
        return bool(
            conn.execute(delete(MP).where(MP.c.address == normal_address(address))).rowcount
        )


def active_pauses(
    conn: Connection, now: datetime, addresses: Iterable[str] | None = None
) -> dict[str, Pause]:
    """Address → its pause, for the pauses on at ``now`` (of ``addresses``; None: all)."""
    statement = select(MP).where(or_(MP.c.until.is_(None), MP.c.until > now))
    if addresses is not None:
        wanted = sorted({normal_address(address) for address in addresses})
        if not wanted:
            return {}
        statement = statement.where(MP.c.address.in_(wanted))
    return {
        row.address: Pause(row.address, row.until, bool(row.digests))
        for row in conn.execute(statement)
    }


def pause_of(engine: Engine, address: str, now: datetime) -> Pause | None:
    """The pause of ``address`` on at ``now``, if any."""
    with engine.connect() as conn:
        return active_pauses(conn, now, [address]).get(normal_address(address))
