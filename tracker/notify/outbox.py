"""The outbox: notifications made once, messages queued, claimed, sent and marked.

Store I/O for SQLite and PostgreSQL. The planner writes, in one transaction per batch,
:func:`insert_notifications` (a notification key is made once, whoever plans),
:func:`insert_outbox` (one message per key) and :func:`link`. A sender then :func:`claim`\\ s
due rows under a lease, sends them and records each result with :func:`mark_sent`,
:func:`mark_retry` or :func:`mark_failed`.

A row's life::

    pending ──claim──► sending ──► sent
       ▲                  │  └───► failed      (5xx, or out of attempts)
       └──── mark_retry ──┘         superseded (expired before it could go)

Claiming: PostgreSQL locks the due rows with ``SELECT … FOR UPDATE SKIP LOCKED`` so two
senders never take the same row; SQLite takes the write lock first (``BEGIN IMMEDIATE``), which
serialises claimers. A claimed row carries a lease: if its sender dies, the row is claimed again
once ``lease_until`` has passed. Every mark is fenced by the claim token (worker and attempt
number): a sender whose lease was lost and whose row was claimed again marks nothing and learns
:attr:`Outcome.LOST`; the message may then go out once more, never more often than that.

Sending hours: a row is sent only while the clock in its time zone is inside
``[policy] send_from … send_until``. A row found due outside them (a retry pushed into the
night, a sender that was down) is moved to the next morning's ``send_from`` instead of being
claimed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Connection,
    Engine,
    RowMapping,
    Table,
    and_,
    bindparam,
    func,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.exc import SQLAlchemyError

from tracker.errors import InputError
from tracker.notify.model import (
    MessageKind,
    executor_key,
    notification_key,
    stage_code,
    stage_of_code,
)
from tracker.store.bulk import driver_day, driver_moment, insert_rows
from tracker.store.db import unreachable
from tracker.store.models import OutboxState
from tracker.store.tables import NOTIFICATION, OUTBOX
from tracker.timezones import zone_or

if TYPE_CHECKING:
    from sqlalchemy.dialects.postgresql import Insert as PgInsert
    from sqlalchemy.dialects.sqlite import Insert as SqliteInsert

    from tracker.config import Settings

__all__ = [
    "Claimed",
    "NotificationLike",
    "OutboxMessage",
    "OutboxRow",
    "Outcome",
    "Result",
    "SendPolicy",
    "backoff",
    "claim",
    "counts",
    "failures_since",
    "in_sending_hours",
    "insert_notifications",
    "insert_outbox",
    "link",
    "list_rows",
    "make_message_id",
    "mark_failed",
    "mark_retry",
    "mark_sent",
    "next_sending_time",
    "record",
    "release",
    "retry",
]

PENDING = OutboxState.PENDING.value
SENDING = OutboxState.SENDING.value
SENT = OutboxState.SENT.value
FAILED = OutboxState.FAILED.value
SUPERSEDED = OutboxState.SUPERSEDED.value
DRAFT = OutboxState.DRAFT.value

#: Longest stored error text; a server's reply can be long.
ERROR_CHARS = 500


# --- what the planner hands over ----------------------------------------------------------------


class RecipientLike(Protocol):
    """What the outbox reads of a :class:`tracker.notify.model.Person`."""

    @property
    def key(self) -> str: ...

    @property
    def executor_id(self) -> int | None: ...


class NotificationLike(Protocol):
    """What the outbox reads of a :class:`tracker.notify.model.Notification`."""

    @property
    def key(self) -> str: ...

    @property
    def occurrence_id(self) -> int | None: ...

    @property
    def recipient(self) -> RecipientLike: ...

    @property
    def kind(self) -> str: ...

    @property
    def stage(self) -> str: ...

    @property
    def day(self) -> date: ...

    @property
    def send_at(self) -> datetime: ...

    @property
    def expires_at(self) -> datetime | None: ...


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    """One rendered message to queue: the planner's side of :func:`insert_outbox`.

    ``not_before`` (aware) is the first moment it may go, inside the recipient's sending hours;
    ``expires_at`` (aware, optional) is when it is no longer worth sending (it is then
    ``superseded``). ``timezone`` is the recipient's IANA zone, for the sending hours of retries.
    """

    key: str
    kind: str
    recipient_key: str
    recipient_id: int | None
    to_addrs: tuple[str, ...]
    subject: str
    text: str
    html: str
    timezone: str
    not_before: datetime
    expires_at: datetime | None = None
    list_unsubscribe: str | None = None  # the signed pause link (List-Unsubscribe header)


@dataclass(frozen=True, slots=True)
class OutboxRow:
    """An outbox row as stored. A claimed row's ``(claimed_by, attempts)`` is its claim token."""

    id: int
    key: str
    message_id: str
    kind: str
    recipient_key: str
    recipient_id: int | None
    to_addrs: tuple[str, ...]
    subject: str
    text: str
    html: str
    timezone: str
    state: str
    attempts: int
    not_before: datetime
    next_attempt_at: datetime
    expires_at: datetime | None
    lease_until: datetime | None
    claimed_by: str | None
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None
    failed_at: datetime | None
    list_unsubscribe: str | None = None

    @classmethod
    def of(cls, row: RowMapping) -> OutboxRow:
        values = dict(row)
        values["to_addrs"] = tuple(values["to_addrs"] or ())
        return cls(**values)


class Outcome(StrEnum):
    """What became of a claimed row."""

    SENT = "sent"
    RETRY = "retry"  # back to pending, next_attempt_at after a backoff
    FAILED = "failed"
    SUPERSEDED = "superseded"
    DEFERRED = "deferred"  # due outside sending hours: moved to the next send_from
    LOST = "lost"  # the lease was lost: another sender had claimed the row again


# --- pure helpers: backoff and sending hours ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class SendPolicy:
    """How often to try a message and when sending is allowed.

    Retry ``n`` (1-based) waits ``first · 2ⁿ⁻¹``, at most ``longest``; after ``max_attempts``
    tries a temporary failure marks the row failed. ``timezone`` stands in for a row whose own
    zone is unknown.
    """

    max_attempts: int = 10
    first: timedelta = timedelta(minutes=1)
    longest: timedelta = timedelta(hours=1)
    send_from: time = time(9, 0)
    send_until: time = time(18, 0)
    timezone: str = "Europe/Moscow"

    @classmethod
    def from_settings(cls, settings: Settings) -> SendPolicy:
        """``[mail] max_attempts`` and ``[policy] send_from / send_until / timezone``."""
        return cls(
            max_attempts=settings.mail.max_attempts,
            send_from=settings.policy.send_from,
            send_until=settings.policy.send_until,
            timezone=settings.policy.timezone,
        )

    def zone(self, name: str | None) -> ZoneInfo:
        return zone_or(name, self.timezone)


def backoff(attempts: int, first: timedelta, longest: timedelta) -> timedelta:
    """The wait after the ``attempts``-th failed try: first, 2·first, 4·first … at most longest."""
    if attempts < 1:
        return first
    wait: timedelta = first * 2 ** min(attempts - 1, 30)
    return min(wait, longest)


def in_sending_hours(moment: datetime, zone: ZoneInfo, send_from: time, send_until: time) -> bool:
    """Whether the aware ``moment`` is within ``[send_from, send_until)`` on the zone's clock."""
    clock = moment.astimezone(zone).time()
    return send_from <= clock < send_until


def next_sending_time(
    moment: datetime, zone: ZoneInfo, send_from: time, send_until: time
) -> datetime:
    """The earliest instant at or after ``moment`` inside the sending hours (UTC).

    Inside the hours it is ``moment`` itself; after ``send_until`` it is the next day's
    ``send_from``; before ``send_from``, that same day's. Every day counts: which days to write
    on is the planner's business.
    """
    if in_sending_hours(moment, zone, send_from, send_until):
        return moment.astimezone(UTC)
    local = moment.astimezone(zone)
    day = local.date() if local.time() < send_from else local.date() + timedelta(days=1)
    return datetime.combine(day, send_from, tzinfo=zone).astimezone(UTC)


def make_message_id(key: str, sender: str) -> str:
    """The deterministic Message-ID of an outbox key, in the sender's domain."""
    domain = sender.rpartition("@")[2].strip().strip(">") or "tracker.local"
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    return f"<{digest}.tracker@{domain}>"


def _clip(error: str) -> str:
    line = " ".join(error.split())
    return line if len(line) <= ERROR_CHARS else line[: ERROR_CHARS - 1] + "…"


# --- transactions -------------------------------------------------------------------------------


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """One write transaction. On SQLite it takes the write lock first (``BEGIN IMMEDIATE``), so
    a read followed by a write waits for other writers instead of failing on a stale snapshot."""
    try:
        if engine.dialect.name != "sqlite":
            with engine.begin() as conn:
                yield conn
            return
        with engine.connect() as conn:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.rollback()
                raise
            conn.commit()
    except SQLAlchemyError as error:
        raise unreachable(engine, error) from None


@contextmanager
def _reading(engine: Engine) -> Iterator[Connection]:
    try:
        with engine.connect() as conn:
            yield conn
    except SQLAlchemyError as error:
        raise unreachable(engine, error) from None


def upsert_insert(conn: Connection, table: Table) -> PgInsert | SqliteInsert:
    """An INSERT of this dialect, with ON CONFLICT (PostgreSQL and SQLite both have it)."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table)


# --- planner side: make notifications and queue messages ---------------------------------------


def insert_notifications(
    conn: Connection, notifications: Iterable[NotificationLike], *, now: datetime
) -> list[str]:
    """Record notifications as made; returns the keys inserted now (a notification already
    made is skipped, even when another planner inserts it at the same moment). Runs in the
    caller's transaction.

    An item notification is stored by its three-integer key (occurrence, recipient,
    :func:`~tracker.notify.model.stage_code`); a digest, about no occurrence, by its string
    key."""
    rows: dict[str, dict[str, Any]] = {}
    for item in notifications:
        kind = MessageKind(str(item.kind))
        about_item = item.occurrence_id is not None
        if about_item and item.recipient.executor_id is None:
            raise ValueError(f"{item.key}: an item notification goes to an executor")
        rows.setdefault(
            item.key,
            {
                "key": None if about_item else item.key,
                "occurrence_id": item.occurrence_id,
                "recipient_key": None if about_item else item.recipient.key,
                "recipient_id": item.recipient.executor_id,
                "stage_code": stage_code(kind, item.stage) if about_item else None,
                "kind": None if about_item else kind.value,
                "stage": None if about_item else item.stage,
                "day": item.day,
                "send_at": item.send_at,
                "expires_at": item.expires_at,
                "outbox_id": None,
                "created_at": None if about_item else now,
            },
        )
    if not rows:
        return []
    statement = upsert_insert(conn, NOTIFICATION).on_conflict_do_nothing().returning(*KEY_COLUMNS)
    return [read_stored(row).key for row in conn.execute(statement, list(rows.values()))]


class StoredNotification(NamedTuple):
    """What a stored notification row says, an item's read from its integers."""

    key: str
    kind: MessageKind
    stage: str
    recipient_key: str


#: The columns :func:`read_stored` reads.
KEY_COLUMNS = (
    NOTIFICATION.c.key,
    NOTIFICATION.c.kind,
    NOTIFICATION.c.stage,
    NOTIFICATION.c.recipient_key,
    NOTIFICATION.c.stage_code,
    NOTIFICATION.c.occurrence_id,
    NOTIFICATION.c.recipient_id,
)


def read_stored(row: Any) -> StoredNotification:
    """A ``notification`` row (``KEY_COLUMNS``, or every column) as it was made: a digest's
    as stored, an item's from its integers; ``.key`` is
    :func:`~tracker.notify.model.notification_key`."""
    if row.stage_code is None:  # a digest: as stored
        return StoredNotification(row.key, MessageKind(row.kind), row.stage, row.recipient_key)
    kind, stage = stage_of_code(row.stage_code)
    recipient_key = executor_key(row.recipient_id)
    key = notification_key(kind, stage, row.occurrence_id, recipient_key)
    return StoredNotification(key, kind, stage, recipient_key)


class NotificationWriter:
    """Bulk item notification rows in the driver's own form (:mod:`tracker.store.bulk`). A row
    is ``(occurrence_id, recipient_id, stage_code, outbox_id) + tail``; the tails, shared by
    every row of one recipient and stage, are made once."""

    COLUMNS = ("occurrence_id", "recipient_id", "stage_code", "outbox_id", "day", "send_at",
               "expires_at")  # fmt: skip

    def __init__(self, postgres: bool) -> None:
        self.postgres = postgres

    def tail(self, day: date, send_at: datetime, expires_at: datetime | None) -> tuple[object, ...]:
        """Every column after the outbox id, in the driver's form."""
        postgres = self.postgres
        return (
            driver_day(day, postgres), driver_moment(send_at, postgres),
            driver_moment(expires_at, postgres),
        )  # fmt: skip

    def insert(self, conn: Connection, rows: Sequence[tuple[object, ...]]) -> int:
        """Insert prepared rows (one already made is skipped); returns how many were new."""
        return insert_rows(conn, NOTIFICATION, self.COLUMNS, rows, skip_made=True)


def insert_outbox(
    conn: Connection, message: OutboxMessage, *, now: datetime, sender: str
) -> int | None:
    """Queue a message as a pending row; returns its id, or ``None`` when its key is already
    queued. ``sender`` (``[mail] from``) gives the Message-ID's domain. Runs in the caller's
    transaction."""
    if not message.to_addrs:
        raise ValueError(f"outbox message {message.key!r} has no recipients")
    statement = (
        upsert_insert(conn, OUTBOX)
        .values(
            key=message.key,
            message_id=make_message_id(message.key, sender),
            kind=str(message.kind),
            recipient_key=message.recipient_key,
            recipient_id=message.recipient_id,
            to_addrs=list(message.to_addrs),
            subject=message.subject,
            text=message.text,
            html=message.html,
            timezone=message.timezone,
            list_unsubscribe=message.list_unsubscribe,
            state=PENDING,
            attempts=0,
            not_before=message.not_before,
            next_attempt_at=message.not_before,
            expires_at=message.expires_at,
            created_at=now,
        )
        # No conflict target: message_id is unique too and derived from key, and when two
        # planners insert the same key at the same instant PostgreSQL may meet the
        # message_id index first; DO NOTHING must cover that as well.
        .on_conflict_do_nothing()
        .returning(OUTBOX.c.id)
    )
    found = conn.execute(statement).scalar()
    return None if found is None else int(found)


def link(conn: Connection, notification_keys: Collection[str], outbox_id: int) -> int:
    """Point notifications at the outbox row that carries them; returns how many."""
    if not notification_keys:
        return 0
    statement = (
        update(NOTIFICATION)
        .where(NOTIFICATION.c.key.in_(list(notification_keys)))
        .values(outbox_id=outbox_id)
    )
    return int(conn.execute(statement).rowcount)


# --- sender side: claim, mark -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Claimed:
    """One claim: rows now ``sending`` for this worker, and what was set aside on the way."""

    rows: tuple[OutboxRow, ...]
    superseded: tuple[OutboxRow, ...] = ()
    deferred: tuple[OutboxRow, ...] = ()  # due outside sending hours; next_attempt_at moved
    exhausted: tuple[OutboxRow, ...] = ()  # lease expired on the last attempt: now failed

    @property
    def touched(self) -> int:
        return len(self.rows) + len(self.superseded) + len(self.deferred) + len(self.exhausted)


def claim(
    engine: Engine,
    worker: str,
    now: datetime,
    *,
    limit: int,
    lease: timedelta,
    policy: SendPolicy | None = None,
    only: Collection[int] | None = None,
) -> Claimed:
    """Claim up to ``limit`` due rows for ``worker`` until ``now + lease``.

    Due means pending with ``next_attempt_at <= now``, or ``sending`` with an expired lease (its
    sender died). Each claimed row gets ``state = sending``, the lease, ``claimed_by`` and one
    more attempt. Rows past ``expires_at`` become superseded; rows due outside the sending
    hours move to the next ``send_from``; a lease that expired on the last allowed attempt
    fails the row. ``only`` restricts the claim to these ids.
    """
    policy = policy or SendPolicy()
    due = or_(
        and_(OUTBOX.c.state == PENDING, OUTBOX.c.next_attempt_at <= now),
        and_(OUTBOX.c.state == SENDING, OUTBOX.c.lease_until <= now),
    )
    query = select(OUTBOX).where(due).order_by(OUTBOX.c.next_attempt_at, OUTBOX.c.id).limit(limit)
    if only is not None:
        query = query.where(OUTBOX.c.id.in_(list(only)))
    if engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    taken: list[OutboxRow] = []
    superseded: list[OutboxRow] = []
    deferred: list[tuple[OutboxRow, datetime]] = []
    exhausted: list[OutboxRow] = []
    until = now + lease
    with write_transaction(engine) as conn:
        for found in (OutboxRow.of(row) for row in conn.execute(query).mappings()):
            zone = policy.zone(found.timezone)
            if found.expires_at is not None and found.expires_at <= now:
                superseded.append(found)
            elif found.state == SENDING and found.attempts >= policy.max_attempts:
                exhausted.append(found)
            elif not in_sending_hours(now, zone, policy.send_from, policy.send_until):
                later = next_sending_time(now, zone, policy.send_from, policy.send_until)
                deferred.append((found, later))
            else:
                taken.append(found)
        _set_states(conn, superseded, now, SUPERSEDED, "expired before it could be sent")
        _set_states(
            conn,
            exhausted,
            now,
            FAILED,
            f"no result after {policy.max_attempts} attempts (the sender stopped while sending)",
        )
        if deferred:
            conn.execute(
                update(OUTBOX)
                .where(OUTBOX.c.id == bindparam("row_id"))
                .values(
                    state=PENDING,
                    next_attempt_at=bindparam("later"),
                    lease_until=None,
                    claimed_by=None,
                ),
                [{"row_id": row.id, "later": later} for row, later in deferred],
            )
        if taken:
            conn.execute(
                update(OUTBOX)
                .where(OUTBOX.c.id.in_([row.id for row in taken]))
                .values(
                    state=SENDING,
                    lease_until=until,
                    claimed_by=worker,
                    attempts=OUTBOX.c.attempts + 1,
                )
            )
    claimed = tuple(
        _replace(
            row, state=SENDING, lease_until=until, claimed_by=worker, attempts=1 + row.attempts
        )
        for row in taken
    )
    return Claimed(
        rows=claimed,
        superseded=tuple(_replace(row, state=SUPERSEDED) for row in superseded),
        deferred=tuple(
            _replace(row, state=PENDING, next_attempt_at=later) for row, later in deferred
        ),
        exhausted=tuple(_replace(row, state=FAILED, failed_at=now) for row in exhausted),
    )


def _replace(row: OutboxRow, **changes: Any) -> OutboxRow:
    return replace(row, **changes)


def _set_states(
    conn: Connection, rows: Sequence[OutboxRow], now: datetime, state: str, error: str
) -> None:
    if not rows:
        return
    values: dict[str, Any] = {"state": state, "lease_until": None, "last_error": error}
    if state == FAILED:
        values["failed_at"] = now
    conn.execute(update(OUTBOX).where(OUTBOX.c.id.in_([row.id for row in rows])).values(**values))


#: Plain deliveries of a batch, fenced by claim token; one cached statement for any batch size.
_SENT = (
    update(OUTBOX)
    .where(
        OUTBOX.c.id.in_(bindparam("ids", expanding=True)),  # the index, on SQLite too
        tuple_(OUTBOX.c.id, OUTBOX.c.attempts).in_(bindparam("claims", expanding=True)),
        OUTBOX.c.state == SENDING,
        OUTBOX.c.claimed_by == bindparam("worker"),
    )
    .values(
        state=SENT,
        sent_at=bindparam("now", type_=OUTBOX.c.sent_at.type),
        last_error=None,
        lease_until=None,
    )
    .returning(OUTBOX.c.id)
)


@dataclass(frozen=True, slots=True)
class Result:
    """A sender's verdict on one claimed row, for :func:`record`."""

    row: OutboxRow
    outcome: Outcome  # SENT, RETRY or FAILED
    error: str | None = None  # for SENT: the recipients refused while others accepted


def _fenced(row: OutboxRow, worker: str) -> Any:
    """Only the claim that produced ``row``: same worker, same attempt, still sending."""
    return and_(
        OUTBOX.c.id == row.id,
        OUTBOX.c.state == SENDING,
        OUTBOX.c.claimed_by == worker,
        OUTBOX.c.attempts == row.attempts,
    )


def _verdict(result: Result, now: datetime, policy: SendPolicy) -> tuple[Outcome, dict[str, Any]]:
    row, error = result.row, _clip(result.error) if result.error else None
    if result.outcome is Outcome.SENT:
        return Outcome.SENT, {"state": SENT, "sent_at": now, "last_error": error}
    if result.outcome is Outcome.RETRY and row.attempts < policy.max_attempts:
        zone = policy.zone(row.timezone)
        wait = backoff(row.attempts, policy.first, policy.longest)
        later = next_sending_time(now + wait, zone, policy.send_from, policy.send_until)
        return Outcome.RETRY, {"state": PENDING, "next_attempt_at": later, "last_error": error}
    if result.outcome is Outcome.RETRY:
        error = f"gave up after {row.attempts} attempts: {error}"
    return Outcome.FAILED, {"state": FAILED, "failed_at": now, "last_error": error}


def record(
    engine: Engine,
    results: Sequence[Result],
    worker: str,
    now: datetime,
    *,
    policy: SendPolicy | None = None,
) -> list[Outcome]:
    """Record several results in one transaction; returns each row's final outcome, in order
    (:attr:`Outcome.LOST` where the claim was no longer ``worker``'s). Plain deliveries, the
    common case, are one statement for the whole batch."""
    policy = policy or SendPolicy()
    outcomes: dict[int, Outcome] = {}
    plain = [r.row for r in results if r.outcome is Outcome.SENT and not r.error]
    with write_transaction(engine) as conn:
        if plain:
            parameters = {
                "ids": [row.id for row in plain],
                "claims": [(row.id, row.attempts) for row in plain],
                "worker": worker,
                "now": now,
            }
            done = set(conn.execute(_SENT, parameters).scalars())
            outcomes.update(
                {row.id: Outcome.SENT if row.id in done else Outcome.LOST for row in plain}
            )
        for result in results:
            if result.row.id in outcomes:
                continue
            outcome, values = _verdict(result, now, policy)
            values.update(lease_until=None)
            changed = conn.execute(
                update(OUTBOX).where(_fenced(result.row, worker)).values(**values)
            ).rowcount
            outcomes[result.row.id] = outcome if changed == 1 else Outcome.LOST
    return [outcomes[result.row.id] for result in results]


def mark_sent(
    engine: Engine, row: OutboxRow, worker: str, now: datetime, *, refused: str | None = None
) -> bool:
    """Mark a claimed row sent; ``refused`` notes recipients refused while others accepted.
    ``False`` when the lease was lost (the row was claimed again: it may go out once more)."""
    return record(engine, [Result(row, Outcome.SENT, refused)], worker, now)[0] is Outcome.SENT


def mark_retry(
    engine: Engine,
    row: OutboxRow,
    worker: str,
    error: str,
    now: datetime,
    *,
    policy: SendPolicy | None = None,
) -> Outcome:
    """A temporary failure: back to pending after the backoff (moved into sending hours), or
    failed when this was the last allowed attempt. Returns RETRY, FAILED or LOST."""
    return record(engine, [Result(row, Outcome.RETRY, error)], worker, now, policy=policy)[0]


def mark_failed(engine: Engine, row: OutboxRow, worker: str, error: str, now: datetime) -> bool:
    """A permanent failure: the row is failed and will not be tried again (see :func:`retry`).
    ``False`` when the lease was lost."""
    return record(engine, [Result(row, Outcome.FAILED, error)], worker, now)[0] is Outcome.FAILED


def release(engine: Engine, rows: Sequence[OutboxRow], worker: str) -> int:
    """Give back claimed rows that were never tried (a sender stopping): pending again, the
    attempt not counted. Returns how many were still this worker's."""
    if not rows:
        return 0
    released = 0
    with write_transaction(engine) as conn:
        for row in rows:
            released += conn.execute(
                update(OUTBOX)
                .where(_fenced(row, worker))
                .values(state=PENDING, lease_until=None, claimed_by=None, attempts=row.attempts - 1)
            ).rowcount
    return released


# --- reading and admin --------------------------------------------------------------------------


def list_rows(
    engine: Engine, state: str | OutboxState | None = None, *, limit: int = 100
) -> list[OutboxRow]:
    """Outbox rows, newest first, optionally in one state (drafts only when asked for)."""
    query = select(OUTBOX).order_by(OUTBOX.c.id.desc()).limit(limit)
    if state is not None:
        query = query.where(OUTBOX.c.state == OutboxState(state).value)
    else:
        query = query.where(OUTBOX.c.state != DRAFT)
    with _reading(engine) as conn:
        return [OutboxRow.of(row) for row in conn.execute(query).mappings()]


def retry(engine: Engine, row_id: int, now: datetime, *, force: bool = False) -> OutboxRow:
    """Queue a row to be sent again from ``now``: a failed or superseded row (attempts kept, so
    a further temporary failure fails it again), a pending one sooner, a sent one only with
    ``force``. A row being sent is refused."""
    with write_transaction(engine) as conn:
        found = conn.execute(select(OUTBOX).where(OUTBOX.c.id == row_id)).mappings().first()
        if found is None:
            raise InputError(f"no outbox row {row_id}", hint="see `tracker outbox`")
        row = OutboxRow.of(found)
        if row.state == DRAFT:
            raise InputError(
                f"outbox row {row_id} is a message the planner is still putting together",
                hint="it is queued when its recipient's sending hours come",
            )
        if row.state == SENDING:
            raise InputError(
                f"outbox row {row_id} is being sent by {row.claimed_by}",
                hint="wait for its result",
            )
        if row.state == SENT and not force:
            raise InputError(
                f"outbox row {row_id} was sent at {row.sent_at:%Y-%m-%d %H:%M} UTC"
                if row.sent_at
                else f"outbox row {row_id} was sent",
                hint="pass --force to send it again",
            )
        values: dict[str, Any] = {
            "state": PENDING,
            "next_attempt_at": now,
            "expires_at": None,
            "lease_until": None,
            "claimed_by": None,
            "failed_at": None,
        }
        conn.execute(update(OUTBOX).where(OUTBOX.c.id == row_id).values(**values))
    return _replace(row, **values)


def failures_since(engine: Engine, since: datetime) -> list[OutboxRow]:
    """Delivery failures for the coordinator digest, oldest first: rows failed at or after
    ``since``, and rows sent since then with some recipients refused (``last_error``)."""
    query = (
        select(OUTBOX)
        .where(
            or_(
                and_(OUTBOX.c.state == FAILED, OUTBOX.c.failed_at >= since),
                and_(
                    OUTBOX.c.state == SENT,
                    OUTBOX.c.sent_at >= since,
                    OUTBOX.c.last_error.is_not(None),
                ),
            )
        )
        .order_by(OUTBOX.c.id)
    )
    with _reading(engine) as conn:
        return [OutboxRow.of(row) for row in conn.execute(query).mappings()]


def leased_elsewhere(
    engine: Engine, worker: str, now: datetime, only: Collection[int] | None = None
) -> tuple[int, datetime | None]:
    """Rows other senders hold under a lease that has not run out at ``now``: how many, and
    when the last lease ends (they are claimed again then, if their sender died)."""
    query = select(func.count(), func.max(OUTBOX.c.lease_until)).where(
        OUTBOX.c.state == SENDING, OUTBOX.c.lease_until > now, OUTBOX.c.claimed_by != worker
    )
    if only is not None:
        query = query.where(OUTBOX.c.id.in_(list(only)))
    with _reading(engine) as conn:
        number, until = conn.execute(query).one()
    if until is not None and until.tzinfo is None:  # SQLite hands back naive UTC
        until = until.replace(tzinfo=UTC)
    return int(number), until


def counts(engine: Engine) -> dict[str, int]:
    """Rows per delivery state (every state present, zero included); drafts, messages still
    being put together by the planner, are not counted."""
    query = (
        select(OUTBOX.c.state, func.count()).where(OUTBOX.c.state != DRAFT).group_by(OUTBOX.c.state)
    )
    out = {state.value: 0 for state in OutboxState if state is not OutboxState.DRAFT}
    with _reading(engine) as conn:
        out.update({str(state): int(n) for state, n in conn.execute(query)})
    return out
