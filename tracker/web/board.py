"""The coordinator board's numbers and rows, limited to the roadmaps an account sees.

Counts per roadmap and per executor: overdue (open, effective due before today in the
roadmap's zone), upcoming (open, due within ``due_soon_days``), open, done, and done late
(completed after the effective due). Rows come from :func:`tracker.store.status.status_rows`,
the query behind `tracker status`.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import IO, Any

from sqlalchemy import ColumnElement, Engine, and_, case, func, literal, select

from tracker.csv_safe import neutralise
from tracker.store.models import Status
from tracker.store.status import FIELDS, State, StatusQuery, StatusRow, status_rows, todays
from tracker.store.tables import ACTIVITY as A
from tracker.store.tables import ACTIVITY_EXECUTOR as AE
from tracker.store.tables import EXECUTOR as EX
from tracker.store.tables import OCCURRENCE as OC
from tracker.store.tables import OPEN
from tracker.store.tables import ROADMAP as RM


class Filter(StrEnum):
    """What the board's «Состояние» filter selects: the status states plus done late."""

    OPEN = "open"
    OVERDUE = "overdue"
    DUE_SOON = "due-soon"
    DONE = "done"
    DONE_LATE = "done-late"
    ON_TIME = "on-time"  # done on or before the effective due
    PENDING = "pending"  # open, not yet due (в работе)
    CONTROLLED = "controlled"  # на контроле: every dated occurrence but the cancelled
    CANCELLED = "cancelled"
    NEEDS_DATES = "needs-dates"
    ALL = "all"


FILTER_LABELS = {
    Filter.OPEN: "все открытые",
    Filter.OVERDUE: "просроченные",
    Filter.DUE_SOON: "скоро срок",
    Filter.DONE: "выполненные",
    Filter.DONE_LATE: "выполненные с опозданием",
    Filter.ON_TIME: "выполненные в срок",
    Filter.PENDING: "в работе, срок не наступил",
    Filter.CONTROLLED: "на контроле (все со сроком, кроме отменённых)",
    Filter.CANCELLED: "отменённые",
    Filter.NEEDS_DATES: "нужны сроки",
    Filter.ALL: "все",
}


@dataclass(frozen=True, slots=True)
class Counts:
    overdue: int = 0
    upcoming: int = 0
    open: int = 0
    done: int = 0
    done_late: int = 0


@dataclass(frozen=True, slots=True)
class RoadmapLine:
    slug: str
    title: str
    counts: Counts


@dataclass(frozen=True, slots=True)
class ExecutorLine:
    id: int
    name: str
    kind: str
    counts: Counts


def roadmaps(engine: Engine) -> list[tuple[str, str]]:
    """(slug, title) of every roadmap in use, by slug."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(RM.c.slug, RM.c.title).where(RM.c.archived_at.is_(None)).order_by(RM.c.slug)
        ).all()
    return [(row.slug, row.title) for row in rows]


def _count_columns(now: datetime, due_soon_days: int, engine: Engine) -> list[Any]:
    days = todays(engine, now)
    fallback = now.date()
    today: ColumnElement[Any] = (
        case(days, value=RM.c.timezone, else_=literal(fallback)) if days else literal(fallback)
    )
    soon = {zone: day + timedelta(days=due_soon_days) for zone, day in days.items()}
    horizon: ColumnElement[Any] = (
        case(soon, value=RM.c.timezone, else_=literal(fallback + timedelta(days=due_soon_days)))
        if soon
        else literal(fallback + timedelta(days=due_soon_days))
    )
    is_open = OC.c.status.in_(OPEN)
    done = OC.c.status == Status.DONE.value

    def counted(condition: ColumnElement[bool], name: str) -> Any:
        return func.count(func.distinct(case((condition, OC.c.id)))).label(name)

    return [
        counted(and_(is_open, OC.c.effective_due < today), "overdue"),
        counted(
            and_(is_open, OC.c.effective_due >= today, OC.c.effective_due <= horizon), "upcoming"
        ),
        counted(is_open, "open"),
        counted(done, "done"),
        counted(and_(done, OC.c.completed_on > OC.c.effective_due), "done_late"),
    ]


def _counts(row: Any) -> Counts:
    return Counts(row.overdue, row.upcoming, row.open, row.done, row.done_late)


_LIVE = (OC.c.archived_at.is_(None), A.c.archived_at.is_(None), RM.c.archived_at.is_(None))


def roadmap_lines(
    engine: Engine, now: datetime, due_soon_days: int, slugs: Sequence[str]
) -> list[RoadmapLine]:
    """One line per roadmap of ``slugs``, with its counts."""
    if not slugs:
        return []
    statement = (
        select(RM.c.slug, RM.c.title, *_count_columns(now, due_soon_days, engine))
        .select_from(
            RM.outerjoin(A, A.c.roadmap_id == RM.c.id).outerjoin(OC, OC.c.activity_id == A.c.id)
        )
        .where(RM.c.slug.in_(list(slugs)), RM.c.archived_at.is_(None))
        .where((OC.c.id.is_(None)) | and_(*_LIVE))
        .group_by(RM.c.slug, RM.c.title)
        .order_by(RM.c.slug)
    )
    with engine.connect() as conn:
        return [RoadmapLine(r.slug, r.title, _counts(r)) for r in conn.execute(statement)]


def executor_lines(
    engine: Engine, now: datetime, due_soon_days: int, slugs: Sequence[str]
) -> list[ExecutorLine]:
    """One line per executor with work in ``slugs``, most overdue first."""
    if not slugs:
        return []
    statement = (
        select(EX.c.id, EX.c.name, EX.c.kind, *_count_columns(now, due_soon_days, engine))
        .select_from(
            EX.join(AE, AE.c.executor_id == EX.c.id)
            .join(A, AE.c.activity_id == A.c.id)
            .join(RM, A.c.roadmap_id == RM.c.id)
            .join(OC, OC.c.activity_id == A.c.id)
        )
        .where(RM.c.slug.in_(list(slugs)), *_LIVE)
        .group_by(EX.c.id, EX.c.name, EX.c.kind)
    )
    with engine.connect() as conn:
        lines = [ExecutorLine(r.id, r.name, r.kind, _counts(r)) for r in conn.execute(statement)]
    return sorted(lines, key=lambda line: (-line.counts.overdue, -line.counts.upcoming, line.name))


def board_rows(
    engine: Engine,
    now: datetime,
    due_soon_days: int,
    slugs: Sequence[str],
    *,
    state: Filter,
    executor: str | None = None,
) -> list[StatusRow]:
    """The rows `tracker status` would print for each roadmap of ``slugs``, merged by due."""
    derived = {
        Filter.DONE_LATE: State.DONE,
        Filter.ON_TIME: State.DONE,
        Filter.PENDING: State.OPEN,
        Filter.CONTROLLED: State.ALL,
    }
    wanted = derived.get(state) or State(state.value)
    rows: list[StatusRow] = []
    for slug in slugs:
        query = StatusQuery(
            now=now, state=wanted, roadmap=slug, executor=executor, due_soon_days=due_soon_days
        )
        rows += status_rows(engine, query)
    if state is Filter.DONE_LATE:
        rows = [row for row in rows if row.days_late]
    elif state is Filter.ON_TIME:
        rows = [row for row in rows if not row.days_late]
    elif state is Filter.PENDING:
        rows = [row for row in rows if row.state != "overdue"]
    elif state is Filter.CONTROLLED:
        rows = [row for row in rows if row.occurrence_id is not None and row.state != "cancelled"]
    return sorted(rows, key=lambda r: (r.effective_due or date.max, r.roadmap, r.key))


def executor_names(engine: Engine, slugs: Sequence[str]) -> list[str]:
    """Names of the executors with activities in ``slugs``, for the filter."""
    if not slugs:
        return []
    statement = (
        select(EX.c.name)
        .distinct()
        .select_from(
            EX.join(AE, AE.c.executor_id == EX.c.id)
            .join(A, AE.c.activity_id == A.c.id)
            .join(RM, A.c.roadmap_id == RM.c.id)
        )
        .where(RM.c.slug.in_(list(slugs)), A.c.archived_at.is_(None))
        .order_by(EX.c.name)
    )
    with engine.connect() as conn:
        return list(conn.execute(statement).scalars())


def board_csv(rows: Iterable[StatusRow], stream: IO[str]) -> None:
    """The rows as CSV, the columns of `tracker status --format csv`, every text cell made
    safe for spreadsheets (:func:`tracker.csv_safe.neutralise`): a title that starts with
    ``=`` or ``-`` is shown as text, never run as a formula."""
    writer = csv.writer(stream)
    writer.writerow(FIELDS)
    for row in rows:
        record = row.to_json()
        record["executors"] = "; ".join(row.executors)
        writer.writerow([_cell(record[key]) for key in FIELDS])


def _cell(value: object) -> object:
    if value is None:
        return ""
    return neutralise(value) if isinstance(value, str) else value
