"""The store's tables (SQLModel): roadmaps, activities, occurrences, executors and history.

What a schedule file says is *synced* into ``roadmap``, ``activity``, ``activity_executor`` and
``occurrence``; what people do is *recorded* in ``occurrence.status`` with an append-only
``status_change`` row per change and an ``extension`` row per перенос срока. Nothing is deleted:
a removed activity or window gets ``archived_at``.

``overdue`` is not a stored status: an open occurrence is overdue when its ``effective_due`` is
before today in the roadmap's time zone (see :mod:`tracker.store.status`).

The reminders (issue 5) add ``notification`` (what was planned, made once per key) and
``outbox`` (each message to send, with its delivery state).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, Index, MetaData, UniqueConstraint, text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import DateTime, TypeDecorator
from sqlmodel import Field, SQLModel

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata


class Status(StrEnum):
    """Stored statuses; ``overdue`` is derived, never stored."""

    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


OPEN_STATUSES: tuple[Status, ...] = (Status.PLANNED, Status.IN_PROGRESS)

#: The condition of the partial index of open, current occurrences by due date: what the
#: overdue, due-soon and open queries and the planner walk.
OPEN_OCCURRENCE_SQL = "status IN ('planned', 'in_progress') AND archived_at IS NULL"
DONE_OCCURRENCE_SQL = "status = 'done' AND archived_at IS NULL"


class OccurrenceKind(StrEnum):
    WINDOW = "window"  # a window of a once/recurring deadline
    CHECKIN = "checkin"  # a periodic check-in of a continuous activity


class Event(StrEnum):
    """What a history row records."""

    STATUS = "status"  # a person changed the status
    EXTENDED = "extended"  # перенос срока; old_due → new_due
    DATES = "dates"  # sync: the schedule file moved the window; old_due → new_due
    ARCHIVED = "archived"  # sync: the window left the schedule file
    RESTORED = "restored"  # sync: it came back
    COMMENT = "comment"  # a note or a report link, status unchanged (web)
    EXTENSION_REQUESTED = "extension_requested"  # a curator asked to move the due (web)
    EXTENSION_DECLINED = "extension_declined"  # a coordinator declined that request (web)


class UtcDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as naive UTC, returned aware (UTC) on every database."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("tracker stores only aware datetimes")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):  # pragma: no cover - SQLite without type detection
            value = datetime.fromisoformat(value)
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC)


class Executor(SQLModel, table=True):
    """A person or an organisation that does the work or coordinates it."""

    __tablename__ = "executor"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, description="normalised name: the identity across syncs")
    name: str
    kind: str = Field(default="person", description="person | organisation")
    role: str | None = None
    organisation: str | None = Field(default=None, description="where a person works")
    timezone: str | None = None
    aliases: list[str] = Field(default_factory=list, sa_type=JSON)
    emails: list[str] = Field(default_factory=list, sa_type=JSON)
    roadmaps: list[str] = Field(
        default_factory=list, sa_type=JSON, description="slugs the names match in; [] = all"
    )
    coordinates: list[str] = Field(
        default_factory=list, sa_type=JSON, description="slugs of roadmaps it coordinates"
    )
    archived_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class Roadmap(SQLModel, table=True):
    __tablename__ = "roadmap"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True)
    title: str
    timezone: str
    period_start: date | None = None
    period_end: date | None = None
    issuer: str | None = None
    document_number: str | None = None
    document_date: date | None = None
    source: str | None = Field(default=None, description="the schedule file it was synced from")
    fingerprint: str = Field(default="", description="hash of what the last sync wrote")
    synced_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    archived_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class RoadmapCoordinator(SQLModel, table=True):
    __tablename__ = "roadmap_coordinator"

    roadmap_id: int = Field(foreign_key="roadmap.id", primary_key=True)
    executor_id: int = Field(foreign_key="executor.id", primary_key=True)
    position: int = 0


class Activity(SQLModel, table=True):
    """One row of a roadmap's plan. ``key`` identifies it inside the roadmap across syncs."""

    __tablename__ = "activity"
    __table_args__ = (UniqueConstraint("roadmap_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    roadmap_id: int = Field(foreign_key="roadmap.id")
    key: str
    number: str
    section: str | None = None
    title: str
    result: str | None = None
    deadline: str = Field(description="the deadline phrase as written")
    rule: str = Field(default="", description="the phrase's normal form")
    kind: str = Field(description="once | recurring | continuous | unscheduled | error")
    position: int = 0
    source_row: int | None = None
    fingerprint: str = ""
    archived_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class ActivityExecutor(SQLModel, table=True):
    """Who does an activity: position 0 is the lead executor, the rest co-executors.

    ``name`` is the responsible name as written. ``executor_id`` is the matching executor, or
    the roadmap's coordinator standing in (``stand_in``) when the name matches nobody.
    """

    __tablename__ = "activity_executor"

    activity_id: int = Field(foreign_key="activity.id", primary_key=True)
    position: int = Field(primary_key=True)
    name: str = ""
    executor_id: int | None = Field(default=None, foreign_key="executor.id", index=True)
    lead: bool = False
    stand_in: bool = False


class Occurrence(SQLModel, table=True):
    """One window of an activity: ``start``…``due`` from the schedule, and what became of it.

    ``extended_due`` is the latest перенос срока; ``effective_due`` is ``extended_due or due``
    after the calendar's shift policy, and it is what "overdue" compares with today.
    """

    __tablename__ = "occurrence"
    __table_args__ = (
        CheckConstraint("status IN ('planned', 'in_progress', 'done', 'cancelled')", name="status"),
        Index("ix_occurrence_status_effective_due", "status", "effective_due"),
        Index(
            "ix_occurrence_open_due",
            "effective_due",
            "activity_id",
            sqlite_where=text(OPEN_OCCURRENCE_SQL),
            postgresql_where=text(OPEN_OCCURRENCE_SQL),
        ),
        # the planning pass's look-up of windows opening on given days (issue 18)
        Index(
            "ix_occurrence_open_start",
            "start",
            sqlite_where=text(OPEN_OCCURRENCE_SQL),
            postgresql_where=text(OPEN_OCCURRENCE_SQL),
        ),
        # a digest's lists, per activity of its roadmaps: open by due date, done by date
        Index(
            "ix_occurrence_open_activity_due",
            "activity_id",
            "effective_due",
            sqlite_where=text(OPEN_OCCURRENCE_SQL),
            postgresql_where=text(OPEN_OCCURRENCE_SQL),
        ),
        Index(
            "ix_occurrence_done_activity_completed",
            "activity_id",
            "completed_on",
            sqlite_where=text(DONE_OCCURRENCE_SQL),
            postgresql_where=text(DONE_OCCURRENCE_SQL),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    activity_id: int = Field(foreign_key="activity.id", index=True)
    kind: str = OccurrenceKind.WINDOW.value
    start: date | None = None
    due: date
    extended_due: date | None = None
    effective_due: date
    status: str = Status.PLANNED.value
    completed_on: date | None = None
    archived_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class StatusChange(SQLModel, table=True):
    """Append-only history: who, when, from, to and why (database triggers refuse changes)."""

    __tablename__ = "status_change"

    id: int | None = Field(default=None, primary_key=True)
    occurrence_id: int = Field(foreign_key="occurrence.id", index=True)
    at: datetime = Field(sa_type=UtcDateTime)
    actor: str
    event: str
    from_status: str | None = None
    to_status: str | None = None
    old_due: date | None = None
    new_due: date | None = None
    comment: str | None = None


class Extension(SQLModel, table=True):
    """Перенос срока: the due before, the new due, who approved it and why."""

    __tablename__ = "extension"

    id: int | None = Field(default=None, primary_key=True)
    occurrence_id: int = Field(foreign_key="occurrence.id", index=True)
    original_due: date
    new_due: date
    approved_by: str
    reason: str
    at: datetime = Field(sa_type=UtcDateTime)


class OutboxState(StrEnum):
    """Where an outbox row is on its way out."""

    PENDING = "pending"  # waits for next_attempt_at
    SENDING = "sending"  # claimed by a sender until lease_until
    SENT = "sent"
    FAILED = "failed"  # permanent failure, or out of attempts
    SUPERSEDED = "superseded"  # expired before it could be sent
    DRAFT = "draft"  # a message being put together by planning passes: never sent as such


class OutboxRecord(SQLModel, table=True):
    """One message to send: its content, recipients and delivery state (see tracker.notify)."""

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint(
            "state IN ('pending', 'sending', 'sent', 'failed', 'superseded', 'draft')",
            name="state",
        ),
        Index("ix_outbox_state_next_attempt_at", "state", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, description="made once: planning again never adds a copy")
    message_id: str = Field(unique=True, description="deterministic Message-ID, from key")
    kind: str
    recipient_key: str = Field(description='"executor:<id>" or "address:<email>"')
    recipient_id: int | None = Field(default=None, foreign_key="executor.id")
    to_addrs: list[str] = Field(default_factory=list, sa_type=JSON)
    subject: str
    text: str
    html: str
    timezone: str = Field(description="the recipient's IANA zone, for sending hours")
    list_unsubscribe: str | None = Field(
        default=None, description="the signed pause link (List-Unsubscribe, RFC 8058)"
    )
    state: str = OutboxState.PENDING.value
    attempts: int = 0
    not_before: datetime = Field(sa_type=UtcDateTime)
    next_attempt_at: datetime = Field(sa_type=UtcDateTime)
    expires_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    lease_until: datetime | None = Field(default=None, sa_type=UtcDateTime)
    claimed_by: str | None = None
    last_error: str | None = None
    created_at: datetime = Field(sa_type=UtcDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    failed_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class NotificationRecord(SQLModel, table=True):
    """A notification made by the planner; its unique key makes it once, whoever plans."""

    __tablename__ = "notification"
    __table_args__ = (
        # an item notification's key: three integers (issue 18), made once whoever plans
        Index("ux_notification_item", "occurrence_id", "recipient_id", "stage_code", unique=True),
        # the waiting ones (not yet in a message), by sending time: what a pass composes
        Index(
            "ix_notification_waiting",
            "outbox_id",
            "send_at",
            sqlite_where=text("outbox_id IS NULL"),
            postgresql_where=text("outbox_id IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str | None = Field(
        default=None, unique=True, description="a digest's key, kind:stage:-:recipient"
    )
    occurrence_id: int | None = Field(default=None, foreign_key="occurrence.id")
    recipient_id: int | None = Field(default=None, foreign_key="executor.id")
    stage_code: int | None = Field(
        default=None, sa_type=BigInteger, description="an item's kind and stage (model.stage_code)"
    )
    # a digest's own; an item's follow from recipient_id and stage_code (not stored)
    recipient_key: str | None = None
    kind: str | None = None
    stage: str | None = None
    day: date = Field(description="the recipient-local day it belongs to")
    send_at: datetime = Field(sa_type=UtcDateTime)
    expires_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    outbox_id: int | None = Field(default=None, foreign_key="outbox.id", index=True)
    created_at: datetime | None = Field(default=None, sa_type=UtcDateTime, description="digests")


class PlannerMark(SQLModel, table=True):
    """How far planning has looked: every reminder stage that became ready by ``until`` was
    planned. The next pass looks only at items with a stage that became ready after it."""

    __tablename__ = "planner_mark"

    name: str = Field(primary_key=True)
    until: datetime = Field(sa_type=UtcDateTime)


class Worker(SQLModel, table=True):
    """A daemon process (issue 6): who it is, its heartbeat, what its last passes did.

    ``id`` is also the name a sender claims outbox rows under. ``tracker health`` reads the
    freshest ``last_tick_at``; rows of processes long gone are purged by the next daemon.
    """

    __tablename__ = "worker"

    id: str = Field(primary_key=True, description="host:pid:token")
    host: str
    pid: int
    started_at: datetime = Field(sa_type=UtcDateTime)
    last_tick_at: datetime = Field(sa_type=UtcDateTime, index=True)
    stopped_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    ticks: int = 0
    last_planned: int = 0
    last_superseded: int = 0
    last_sent: int = 0
    last_failed: int = 0
    last_error: str | None = None


# --- web (issue 7): accounts, extension requests, feed secrets, the signing key -------------


class AccountRole(StrEnum):
    ADMIN = "admin"  # sees and decides everything
    COORDINATOR = "coordinator"  # sees and decides only its roadmaps


class WebAccount(SQLModel, table=True):
    """A login to the coordinator board, created from the CLI (`tracker user add`)."""

    __tablename__ = "web_account"
    __table_args__ = (CheckConstraint("role IN ('admin', 'coordinator')", name="role"),)

    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(unique=True)
    name: str = Field(description="shown on the pages and written to the history as the actor")
    role: str
    roadmaps: list[str] = Field(
        default_factory=list, sa_type=JSON, description="slugs a coordinator sees"
    )
    password_hash: str = Field(description="scrypt$N$r$p$salt$hash (hashlib.scrypt)")
    created_at: datetime = Field(sa_type=UtcDateTime)
    disabled_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    session_generation: int = Field(
        default=0,
        sa_column_kwargs={"server_default": "0"},
        description="in every session cookie; logout and a new password add one (issue 17)",
    )


class LoginOutcome(StrEnum):
    OK = "ok"
    WRONG = "wrong"  # unknown login, wrong password, or a disabled account
    THROTTLED = "throttled"  # refused with 429 before the password was checked


class LoginAttempt(SQLModel, table=True):
    """Every attempt to log in to the board: what login throttling counts and admins read."""

    __tablename__ = "login_attempt"
    __table_args__ = (
        CheckConstraint("outcome IN ('ok', 'wrong', 'throttled')", name="outcome"),
        Index("ix_login_attempt_login_at", "login", "at"),
        Index("ix_login_attempt_address_at", "address", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_type=UtcDateTime)
    login: str = Field(description="as typed, trimmed and lower-cased, at most 64 characters")
    address: str = Field(description="the client's address as the server saw it")
    outcome: str


class RequestState(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


class ExtensionRequest(SQLModel, table=True):
    """A curator's request to move a due date; a coordinator approves (→ ``extension``) or
    declines it on the board."""

    __tablename__ = "extension_request"
    __table_args__ = (
        CheckConstraint("state IN ('pending', 'approved', 'declined')", name="state"),
    )

    id: int | None = Field(default=None, primary_key=True)
    occurrence_id: int = Field(foreign_key="occurrence.id", index=True)
    requested_by: str = Field(description="the recipient's name")
    recipient_key: str = Field(description='"executor:<id>" or "address:<email>"')
    current_due: date = Field(description="the due date when it was asked")
    new_due: date
    reason: str
    at: datetime = Field(sa_type=UtcDateTime)
    state: str = RequestState.PENDING.value
    decided_by: str | None = None
    decided_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    decision_comment: str | None = None


class FeedSecret(SQLModel, table=True):
    """The random part of an executor's secret iCalendar URL (`tracker feed url`)."""

    __tablename__ = "feed_secret"

    executor_id: int = Field(foreign_key="executor.id", primary_key=True)
    secret: str = Field(unique=True)
    created_at: datetime = Field(sa_type=UtcDateTime)


class WebKey(SQLModel, table=True):
    """Generated keys, e.g. the signing key when ``[web] secret`` is empty."""

    __tablename__ = "web_key"

    name: str = Field(primary_key=True)
    value: str
    created_at: datetime = Field(sa_type=UtcDateTime)


class MailPause(SQLModel, table=True):
    """A recipient's pause of reminders (the signed List-Unsubscribe link, issue 16).

    ``until`` None: until resumed. ``digests``: the coordinator's digest is paused too (only
    when asked for explicitly). Resuming deletes the row.
    """

    __tablename__ = "mail_pause"

    address: str = Field(primary_key=True, description="the e-mail address, lower case")
    until: datetime | None = Field(default=None, sa_type=UtcDateTime)
    digests: bool = False
    created_at: datetime = Field(sa_type=UtcDateTime)
