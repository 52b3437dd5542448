"""Login throttling: every attempt is logged; failures slow down the next tries exponentially.

Two counters, both over the last :data:`WINDOW` of the ``login_attempt`` table:

* **per client address**: wrong attempts from the address, whatever login they named. After
  :data:`FREE_PER_ADDRESS` of them, the next try waits 1 s after the last failure, then 2, 4 …
  up to :data:`LONGEST`.
* **per account**: wrong attempts on the login from addresses that have not logged in to it
  in the last :data:`KNOWN_FOR`. After :data:`FREE_PER_ACCOUNT` of them the same delays apply
  to every address that has itself failed on this login (and is not a known one). So a burst
  from one or many addresses costs each of them its next tries, while the real user, who has
  not failed from their own address, still gets in with the right password; so does one who
  mistyped it from an address that logged in before.

An attempt made while it must wait is refused before the password is checked (429 with
``Retry-After``) and not counted as a failure; it is logged as ``throttled`` at most once a
minute per login and address (:data:`THROTTLED_EVERY`), so a flood of refused tries cannot fill
the table. Attempts older than :data:`KNOWN_FOR` are deleted when someone logs in. Times come
from the app's clock (``now``), never the host's.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Connection, Engine, and_, delete, func, insert, select

from tracker.store.models import LoginOutcome
from tracker.store.tables import LOGIN_ATTEMPT as LA
from tracker.web.accounts import Account, authenticate

WINDOW = timedelta(minutes=15)
FREE_PER_ADDRESS = 10
FREE_PER_ACCOUNT = 5
LONGEST = timedelta(minutes=15)
KNOWN_FOR = timedelta(days=30)
THROTTLED_EVERY = timedelta(minutes=1)

log = logging.getLogger("tracker.web.login")


def login_key(login: str) -> str:
    """How attempts name a login: trimmed, lower-cased, at most 64 characters."""
    return login.strip().lower()[:64]


def delay(failures: int, free: int) -> timedelta:
    """How long after the last failure the next try waits, given ``failures`` so far."""
    if failures < free:
        return timedelta(0)
    return min(timedelta(seconds=2 ** min(failures - free, 20)), LONGEST)


@dataclass(frozen=True, slots=True)
class Failures:
    count: int
    last: datetime | None

    def wait(self, free: int, now: datetime) -> float:
        """Seconds until the next try is allowed (0: now)."""
        if self.last is None:
            return 0.0
        return max(0.0, (self.last + delay(self.count, free) - now).total_seconds())


def _failures(conn: Connection, *where: ColumnElement[bool]) -> Failures:
    statement = select(func.count(), func.max(LA.c.at)).where(
        LA.c.outcome == LoginOutcome.WRONG.value, *where
    )
    count, last = conn.execute(statement).one()
    return Failures(int(count), last)


def retry_after(engine: Engine, login: str, address: str, now: datetime) -> int:
    """Whole seconds the client at ``address`` must wait before trying ``login``; 0: go on."""
    key = login_key(login)
    since = now - WINDOW
    with engine.connect() as conn:
        by_address = _failures(conn, LA.c.address == address, LA.c.at > since)
        known = select(LA.c.address).where(
            LA.c.login == key,
            LA.c.outcome == LoginOutcome.OK.value,
            LA.c.at > now - KNOWN_FOR,
        )
        waits = [by_address.wait(FREE_PER_ADDRESS, now)]
        if address not in set(conn.execute(known).scalars()):
            on_login = (LA.c.login == key, LA.c.at > since)
            if _failures(conn, *on_login, LA.c.address == address).count:
                by_account = _failures(conn, *on_login, LA.c.address.not_in(known))
                waits.append(by_account.wait(FREE_PER_ACCOUNT, now))
    return math.ceil(max(waits))


def record(engine: Engine, login: str, address: str, outcome: LoginOutcome, now: datetime) -> None:
    """Log one attempt (the table and the ``tracker.web.login`` logger)."""
    key = login_key(login)
    with engine.begin() as conn:
        conn.execute(insert(LA).values(at=now, login=key, address=address, outcome=outcome.value))
    level = logging.INFO if outcome is LoginOutcome.OK else logging.WARNING
    log.log(level, "login %s: %r from %s", outcome.value, key, address)


@dataclass(frozen=True, slots=True)
class LoginResult:
    account: Account | None  # the account whose password it was, else None
    retry_after: int = 0  # seconds to wait: refused before the password was checked


def log_in(engine: Engine, login: str, password: str, address: str, now: datetime) -> LoginResult:
    """Check the password unless the client must wait first; log the attempt either way."""
    wait = retry_after(engine, login, address, now)
    if wait:
        if not _throttled_lately(engine, login, address, now):
            record(engine, login, address, LoginOutcome.THROTTLED, now)
        return LoginResult(None, wait)
    account = authenticate(engine, login, password)
    record(engine, login, address, LoginOutcome.OK if account else LoginOutcome.WRONG, now)
    if account is not None:
        with engine.begin() as conn:
            conn.execute(delete(LA).where(LA.c.at < now - KNOWN_FOR))
    return LoginResult(account)


def _throttled_lately(engine: Engine, login: str, address: str, now: datetime) -> bool:
    statement = select(LA.c.id).where(
        LA.c.login == login_key(login),
        LA.c.address == address,
        LA.c.outcome == LoginOutcome.THROTTLED.value,
        LA.c.at > now - THROTTLED_EVERY,
    )
    with engine.connect() as conn:
        return conn.execute(statement.limit(1)).first() is not None


@dataclass(frozen=True, slots=True)
class Attempt:
    at: datetime
    login: str
    address: str
    outcome: str


def recent_attempts(engine: Engine, *, limit: int = 50, login: str | None = None) -> list[Attempt]:
    """The latest attempts, newest first (of one login if given)."""
    statement = select(LA.c.at, LA.c.login, LA.c.address, LA.c.outcome)
    if login is not None:
        statement = statement.where(LA.c.login == login_key(login))
    statement = statement.order_by(LA.c.at.desc(), LA.c.id.desc()).limit(limit)
    with engine.connect() as conn:
        return [Attempt(r.at, r.login, r.address, r.outcome) for r in conn.execute(statement)]


@dataclass(frozen=True, slots=True)
class Pressure:
    """Failures of one login or address in the window, and whether it must wait now."""

    kind: str  # "login" or "address"
    name: str
    failures: int
    last: datetime
    waits: int  # seconds; 0: not throttled now


def under_pressure(engine: Engine, now: datetime) -> list[Pressure]:
    """Logins and addresses with wrong attempts in the last :data:`WINDOW`, most first."""
    since = now - WINDOW
    wrong = and_(LA.c.outcome == LoginOutcome.WRONG.value, LA.c.at > since)
    found: list[Pressure] = []
    with engine.connect() as conn:
        for kind, column, free in (
            ("address", LA.c.address, FREE_PER_ADDRESS),
            ("login", LA.c.login, FREE_PER_ACCOUNT),
        ):
            statement = (
                select(
                    column.label("name"), func.count().label("n"), func.max(LA.c.at).label("last")
                )
                .where(wrong)
                .group_by(column)
            )
            for row in conn.execute(statement):
                wait = Failures(int(row.n), row.last).wait(free, now)
                found.append(Pressure(kind, row.name, int(row.n), row.last, math.ceil(wait)))
    return sorted(found, key=lambda p: (-p.failures, p.kind, p.name))
