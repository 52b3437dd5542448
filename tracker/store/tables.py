"""The models' Core tables, for the bulk and query paths that bypass the ORM."""

from __future__ import annotations

from sqlalchemy import Table, and_, literal_column
from sqlmodel import SQLModel

from tracker.store.models import (
    OPEN_STATUSES,
    Activity,
    ActivityExecutor,
    Executor,
    Extension,
    ExtensionRequest,
    FeedSecret,
    LoginAttempt,
    MailPause,
    NotificationRecord,
    Occurrence,
    OutboxRecord,
    PlannerMark,
    Roadmap,
    RoadmapCoordinator,
    StatusChange,
    WebAccount,
    WebKey,
    Worker,
)


def table_of(model: type[SQLModel]) -> Table:
    table = model.__table__  # type: ignore[attr-defined]
    assert isinstance(table, Table)
    return table


ACTIVITY = table_of(Activity)
ACTIVITY_EXECUTOR = table_of(ActivityExecutor)
EXECUTOR = table_of(Executor)
EXTENSION = table_of(Extension)
NOTIFICATION = table_of(NotificationRecord)
OCCURRENCE = table_of(Occurrence)
OUTBOX = table_of(OutboxRecord)
PLANNER_MARK = table_of(PlannerMark)
ROADMAP = table_of(Roadmap)
ROADMAP_COORDINATOR = table_of(RoadmapCoordinator)
STATUS_CHANGE = table_of(StatusChange)
EXTENSION_REQUEST = table_of(ExtensionRequest)
FEED_SECRET = table_of(FeedSecret)
LOGIN_ATTEMPT = table_of(LoginAttempt)
MAIL_PAUSE = table_of(MailPause)
WEB_ACCOUNT = table_of(WebAccount)
WEB_KEY = table_of(WebKey)
WORKER = table_of(Worker)

#: Stored values of the open statuses (planned, in progress).
OPEN = tuple(status.value for status in OPEN_STATUSES)

#: "An open, current occurrence", written out literally: a query must repeat the partial
#: index's own condition, constants included, for SQLite to use that index.
OPEN_PREDICATE = and_(
    OCCURRENCE.c.status.in_([literal_column(f"'{value}'") for value in OPEN]),
    OCCURRENCE.c.archived_at.is_(None),
)
OPEN_DUE_INDEX = "ix_occurrence_open_due"
