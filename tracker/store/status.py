"""What is due, overdue and done: the query behind `tracker status` and the digests.

``overdue`` is derived here, never stored: an open occurrence (planned or in progress) is
overdue when its effective due is before *today in its roadmap's time zone*. ``now`` (or a
pinned ``today``) is a parameter; nothing here reads the clock.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Generator, Iterator, Sequence
from contextlib import ExitStack, closing
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Select,
    and_,
    case,
    exists,
    func,
    literal,
    or_,
    select,
)

from tracker.errors import InputError
from tracker.store.chunking import chunked
from tracker.store.executors import normalize
from tracker.store.models import Status
from tracker.store.tables import ACTIVITY as A
from tracker.store.tables import ACTIVITY_EXECUTOR as AE
from tracker.store.tables import EXECUTOR as EX
from tracker.store.tables import OCCURRENCE as OC
from tracker.store.tables import OPEN, OPEN_DUE_INDEX, OPEN_PREDICATE
from tracker.store.tables import ROADMAP as RM


class State(StrEnum):
    """What `tracker status --state` selects."""

    OVERDUE = "overdue"
    DUE_SOON = "due-soon"
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"
    NEEDS_DATES = "needs-dates"
    ALL = "all"


#: Labels of the derived state of a row, for people.
LABELS = {
    "overdue": "просрочено",
    "due-soon": "скоро срок",
    "planned": "запланировано",
    "in_progress": "в работе",
    "done": "выполнено",
    "cancelled": "отменено",
    "needs-dates": "нужны сроки",
}


def days_late(
    effective_due: date | None,
    completed_on: date | None,
    state: str = "",
    today: date | None = None,
) -> int | None:
    """Days past the effective due: up to ``today`` while ``state`` is overdue, or to the
    completion date of an item done late; None when it is not late."""
    if effective_due is None:
        return None
    if state == "overdue" and today is not None:
        return (today - effective_due).days
    if completed_on and completed_on > effective_due:
        return (completed_on - effective_due).days
    return None


#: Labels of history events (:class:`~tracker.store.models.Event`), for people.
EVENT_LABELS = {
    "status": "статус",
    "extended": "срок перенесён",
    "dates": "срок изменён в плане",
    "archived": "исключено из плана",
    "restored": "возвращено в план",
    "comment": "комментарий",
    "extension_requested": "запрошен перенос срока",
    "extension_declined": "в переносе срока отказано",
}


@dataclass(frozen=True, slots=True)
class StatusQuery:
    now: datetime
    state: State = State.OPEN
    roadmap: str | None = None
    executor: str | None = None
    before: date | None = None
    after: date | None = None
    today: date | None = None  # pins "today" for every roadmap instead of ``now``
    due_soon_days: int = 14
    limit: int | None = None  # at most this many rows (the earliest due first); None: all


@dataclass(slots=True)
class StatusRow:
    roadmap: str
    key: str
    title: str
    section: str | None
    activity_kind: str
    occurrence_id: int | None
    occurrence_kind: str | None
    start: date | None
    due: date | None
    extended_due: date | None
    effective_due: date | None
    status: str | None
    completed_on: date | None
    state: str
    today: date
    activity_id: int = field(default=0, compare=False, repr=False)
    executors: tuple[str, ...] = field(default=())

    @property
    def ref(self) -> str:
        return f"{self.roadmap}:{self.key}"

    @property
    def days_late(self) -> int | None:
        """Days past the effective due: overdue now, or when done late."""
        return days_late(self.effective_due, self.completed_on, self.state, self.today)

    def to_json(self) -> dict[str, object]:
        """The row for JSON and CSV; its keys are :data:`FIELDS`, in that order."""

        def iso(day: date | None) -> str | None:
            return day.isoformat() if day else None

        return {
            "ref": self.ref,
            "roadmap": self.roadmap,
            "number": self.key,
            "section": self.section,
            "title": self.title,
            "kind": self.activity_kind,
            "occurrence": self.occurrence_id,
            "checkin": self.occurrence_kind == "checkin",
            "start": iso(self.start),
            "due": iso(self.due),
            "extended_due": iso(self.extended_due),
            "effective_due": iso(self.effective_due),
            "status": self.status,
            "state": self.state,
            "completed_on": iso(self.completed_on),
            "days_late": self.days_late,
            "executors": list(self.executors),
        }


FIELDS = (
    "ref", "roadmap", "number", "section", "title", "kind", "occurrence", "checkin", "start",
    "due", "extended_due", "effective_due", "status", "state", "completed_on", "days_late",
    "executors",
)  # fmt: skip


def _activity_columns() -> tuple[Any, ...]:
    """The roadmap and activity columns every status row starts with, in this order."""
    return (
        RM.c.slug,
        RM.c.timezone,
        A.c.id.label("activity_id"),
        A.c.key,
        A.c.title,
        A.c.section,
        A.c.kind,
    )


def todays(engine: Engine, now: datetime) -> dict[str, date]:
    """Today in each time zone the roadmaps use."""
    with engine.connect() as conn:
        zones = conn.execute(select(RM.c.timezone).distinct()).scalars().all()
    return {zone: now.astimezone(ZoneInfo(zone)).date() for zone in zones}


def _by_zone(days: dict[str, date], fallback: date) -> ColumnElement[Any]:
    if not days:
        return literal(fallback)
    return case(days, value=RM.c.timezone, else_=literal(fallback))


def executor_ids(engine: Engine, name: str) -> list[int]:
    """Executors a ``--executor`` value means: exact name or alias, else a part of the name."""
    wanted = normalize(name)
    with engine.connect() as conn:
        rows = conn.execute(select(EX.c.id, EX.c.key, EX.c.aliases)).all()
    exact = [r.id for r in rows if r.key == wanted or wanted in map(normalize, r.aliases)]
    if exact:
        return exact
    partial = [r.id for r in rows if wanted in r.key]
    if not partial:
        raise InputError(f"no executor matches {name!r}")
    return partial


def _today_of(zone: str, days: dict[str, date], query: StatusQuery) -> date:
    """Today for a roadmap in ``zone``: pinned, else looked up, else computed from ``now``."""
    return query.today or days.get(zone) or query.now.astimezone(ZoneInfo(zone)).date()


def derive_state(status: str, effective_due: date, today: date, due_soon_days: int) -> str:
    """The state a person sees: overdue and due-soon are derived from dates."""
    if status in OPEN:
        if effective_due < today:
            return "overdue"
        if effective_due <= today + timedelta(days=due_soon_days):
            return "due-soon"
    return status


def _occurrence_filter(query: StatusQuery, days: dict[str, date]) -> list[ColumnElement[bool]]:
    if query.today is not None:
        today: ColumnElement[Any] = literal(query.today)
        horizon: ColumnElement[Any] = literal(query.today + timedelta(days=query.due_soon_days))
        latest = query.today
    else:
        fallback = query.now.date()
        today = _by_zone(days, fallback)
        soon = {zone: day + timedelta(days=query.due_soon_days) for zone, day in days.items()}
        horizon = _by_zone(soon, fallback + timedelta(days=query.due_soon_days))
        latest = max([*days.values(), fallback])
    state = query.state
    if state is State.OVERDUE:
        # the plain bound lets the open-occurrence index narrow the scan
        return [OPEN_PREDICATE, OC.c.effective_due <= latest, OC.c.effective_due < today]
    if state is State.DUE_SOON:
        return [OPEN_PREDICATE, OC.c.effective_due >= today, OC.c.effective_due <= horizon]
    if state is State.OPEN:
        return [OPEN_PREDICATE]
    if state is State.DONE:
        return [OC.c.status == Status.DONE.value]
    if state is State.CANCELLED:
        return [OC.c.status == Status.CANCELLED.value]
    return []


def _common_filters(engine: Engine, query: StatusQuery) -> list[ColumnElement[bool]]:
    filters: list[ColumnElement[bool]] = [A.c.archived_at.is_(None), RM.c.archived_at.is_(None)]
    if query.roadmap is not None:
        with engine.connect() as conn:
            found = conn.execute(select(RM.c.id).where(RM.c.slug == query.roadmap)).first()
        if found is None:
            raise InputError(f"no roadmap {query.roadmap!r}", hint="see `tracker status`")
        filters.append(A.c.roadmap_id == found.id)
    if query.executor is not None:
        ids = executor_ids(engine, query.executor)
        filters.append(A.c.id.in_(select(AE.c.activity_id).where(AE.c.executor_id.in_(ids))))
    return filters


def status_rows(engine: Engine, query: StatusQuery) -> list[StatusRow]:
    """Rows for `tracker status`, ordered by effective due, roadmap and activity."""
    return list(iter_status_rows(engine, query))


#: Rows fetched, labelled and handed on at a time: memory stays flat however many rows match.
CHUNK = 5000


def iter_status_rows(
    engine: Engine, query: StatusQuery, *, chunk: int = CHUNK
) -> Iterator[StatusRow]:
    """The rows of :func:`status_rows`, streamed from the database in chunks of ``chunk``.

    The stream and the executors' labels of each chunk share one connection: a generator
    that held its connection while asking the pool for another deadlocked a full pool.
    """
    days = todays(engine, query.now) if query.today is None else {}
    common = _common_filters(engine, query)
    left = query.limit
    labels: dict[int, tuple[str, ...]] = {}
    with engine.connect() as conn, ExitStack() as parts_open:
        parts: list[Generator[list[StatusRow]]] = []
        if query.state is not State.NEEDS_DATES:
            parts.append(_occurrence_rows(conn, engine, query, days, common, chunk))
        if query.state in (State.NEEDS_DATES, State.ALL):
            parts.append(_needs_dates_rows(conn, query, days, common, chunk))
        for part in parts:  # closed (their results too) before the connection goes back
            parts_open.enter_context(closing(part))
        for part in parts:
            for rows in part:
                if left is not None:
                    rows = rows[:left]
                    left -= len(rows)
                wanted = [row.activity_id for row in rows if row.activity_id not in labels]
                labels.update(executor_labels(conn, wanted))
                for row in rows:
                    row.executors = labels.get(row.activity_id, ())
                yield from rows
                if left == 0:
                    return


def count_rows(engine: Engine, query: StatusQuery) -> int:
    """How many rows :func:`status_rows` gives without a limit: counted by the database."""
    days = todays(engine, query.now) if query.today is None else {}
    common = _common_filters(engine, query)
    total = 0
    with engine.connect() as conn:
        if _countable_by_index(query):
            total += _count_open(conn, engine, query, days, common)
        elif query.state is not State.NEEDS_DATES:
            statement = _occurrence_select(engine, query, days, common)
            total += conn.execute(
                statement.with_only_columns(func.count()).order_by(None)
            ).scalar_one()
        if query.state in (State.NEEDS_DATES, State.ALL):
            statement = _needs_dates_select(common)
            total += conn.execute(
                statement.with_only_columns(func.count()).order_by(None)
            ).scalar_one()
    return total


_OPEN_FAMILY = (State.OVERDUE, State.DUE_SOON, State.OPEN)


def _countable_by_index(query: StatusQuery) -> bool:
    """Whether the open-occurrence index alone can count the rows (no roadmap or executor)."""
    return query.state in _OPEN_FAMILY and query.roadmap is None and query.executor is None


def _due_bounds(query: StatusQuery, today: date) -> tuple[date | None, date | None]:
    """Inclusive effective-due bounds of the rows wanted, for a roadmap whose today is given."""
    low, high = query.after, query.before
    if query.state is State.OVERDUE:
        high = _earlier(high, today - timedelta(days=1))
    elif query.state is State.DUE_SOON:
        low = _later(low, today)
        high = _earlier(high, today + timedelta(days=query.due_soon_days))
    return low, high


def _earlier(a: date | None, b: date) -> date:
    return b if a is None else min(a, b)


def _later(a: date | None, b: date) -> date:
    return b if a is None else max(a, b)


def _count_open(
    conn: Any,
    engine: Engine,
    query: StatusQuery,
    days: dict[str, date],
    common: list[ColumnElement[bool]],
) -> int:
    """Count open occurrences in the wanted due range without joining every row.

    Rows whose due is inside the range for *every* roadmap's today are counted from the
    open-occurrence index alone (archived activities and roadmaps are few: excluded by id).
    The band where the time zones disagree (a day or so wide) is counted with the
    per-roadmap filter, joined.
    """
    todays_ = [query.today] if query.today is not None else sorted(set(days.values()))
    bounds = [_due_bounds(query, today) for today in todays_ or [query.now.date()]]
    lows = [low for low, _ in bounds if low is not None]
    highs = [high for _, high in bounds if high is not None]
    low = max(lows) if lows else None
    high = min(highs) if highs else None
    total = 0
    if low is None or high is None or low <= high:
        total += _index_count(conn, engine, low, high)
    band = []
    if lows and low is not None and min(lows) < low:
        band.append(and_(OC.c.effective_due >= min(lows), OC.c.effective_due < low))
    if highs and high is not None and max(highs) > high:
        band.append(and_(OC.c.effective_due > high, OC.c.effective_due <= max(highs)))
    if band:
        statement = _occurrence_select(engine, query, days, common)
        statement = statement.where(or_(*band)).limit(None)
        total += conn.execute(statement.with_only_columns(func.count()).order_by(None)).scalar_one()
    return total


def _index_count(conn: Any, engine: Engine, low: date | None, high: date | None) -> int:
    """Open, current occurrences due in [low, high] of live activities and roadmaps."""
    archived = (
        select(A.c.id)
        .select_from(A.join(RM, A.c.roadmap_id == RM.c.id))
        .where(or_(A.c.archived_at.is_not(None), RM.c.archived_at.is_not(None)))
    )
    where = [OPEN_PREDICATE, OC.c.activity_id.not_in(archived)]
    if low is not None:
        where.append(OC.c.effective_due >= low)
    if high is not None:
        where.append(OC.c.effective_due <= high)
    statement = select(func.count()).select_from(OC).where(*where)
    if engine.dialect.name != "sqlite":
        return int(conn.execute(statement).scalar_one())
    # SQLite's planner prefers the (status, due) index, which must visit every row for
    # archived_at; the partial open-occurrence index answers from the index alone.
    compiled = statement.compile(engine, compile_kwargs={"literal_binds": True})
    sql = str(compiled).replace(
        "FROM occurrence", f"FROM occurrence INDEXED BY {OPEN_DUE_INDEX}", 1
    )
    return int(conn.exec_driver_sql(sql).scalar_one())


def _streamed(conn: Connection, statement: Select[Any], chunk: int) -> Iterator[Sequence[Any]]:
    result = conn.execute(statement.execution_options(stream_results=True, yield_per=chunk))
    with closing(result):
        yield from result.partitions(chunk)


def _occurrence_select(
    engine: Engine, query: StatusQuery, days: dict[str, date], common: list[ColumnElement[bool]]
) -> Select[Any]:
    filters = [*common, OC.c.archived_at.is_(None), *_occurrence_filter(query, days)]
    if query.before is not None:
        filters.append(OC.c.effective_due <= query.before)
    if query.after is not None:
        filters.append(OC.c.effective_due >= query.after)
    activity: ColumnElement[int] = OC.c.activity_id
    if engine.dialect.name == "sqlite" and query.state in (State.OVERDUE, State.DUE_SOON):
        # Few rows of many. SQLite would walk roadmap → activity → occurrence; hiding the
        # join column from its index makes it start from (status, effective_due) instead.
        # PostgreSQL's planner finds that order by itself.
        activity = OC.c.activity_id + 0
    statement = (
        select(
            *_activity_columns(),
            OC.c.id,
            OC.c.kind.label("occurrence_kind"),
            OC.c.start,
            OC.c.due,
            OC.c.extended_due,
            OC.c.effective_due,
            OC.c.status,
            OC.c.completed_on,
        )
        .select_from(OC.join(A, activity == A.c.id).join(RM, A.c.roadmap_id == RM.c.id))
        .where(and_(*filters))
        .order_by(OC.c.effective_due, RM.c.slug, A.c.position, OC.c.id)
    )
    if query.limit is not None:
        statement = statement.limit(query.limit)
    return statement


def _occurrence_rows(
    conn: Connection,
    engine: Engine,
    query: StatusQuery,
    days: dict[str, date],
    common: list[ColumnElement[bool]],
    chunk: int,
) -> Generator[list[StatusRow]]:
    statement = _occurrence_select(engine, query, days, common)
    soon = query.due_soon_days
    for rows in _streamed(conn, statement, chunk):
        out: list[StatusRow] = []
        for (
            slug, zone, activity_id, key, title, section, kind, occurrence_id, occurrence_kind,
            start, due, extended_due, effective_due, status, completed_on,
        ) in rows:  # fmt: skip
            today = _today_of(zone, days, query)
            state = derive_state(status, effective_due, today, soon)
            out.append(
                StatusRow(
                    roadmap=slug, key=key, title=title, section=section, activity_kind=kind,
                    occurrence_id=occurrence_id, occurrence_kind=occurrence_kind, start=start,
                    due=due, extended_due=extended_due, effective_due=effective_due,
                    status=status, completed_on=completed_on, state=state, today=today,
                    activity_id=activity_id,
                )
            )  # fmt: skip
        yield out


def needs_dates() -> ColumnElement[bool]:
    """The one "needs dates" predicate on ``activity``: unscheduled, unreadable, or without a
    current occurrence (a window). Used by `tracker status` and by the digests."""
    has_window = exists(
        select(OC.c.id).where(OC.c.activity_id == A.c.id, OC.c.archived_at.is_(None))
    )
    return or_(A.c.kind.in_(("unscheduled", "error")), ~has_window)


def _needs_dates_select(common: list[ColumnElement[bool]]) -> Select[Any]:
    return (
        select(*_activity_columns())
        .select_from(A.join(RM, A.c.roadmap_id == RM.c.id))
        .where(and_(*common), needs_dates())
        .order_by(RM.c.slug, A.c.position)
    )


def _needs_dates_rows(
    conn: Connection,
    query: StatusQuery,
    days: dict[str, date],
    common: list[ColumnElement[bool]],
    chunk: int,
) -> Generator[list[StatusRow]]:
    for rows in _streamed(conn, _needs_dates_select(common), chunk):
        yield [
            StatusRow(
                roadmap=row.slug,
                key=row.key,
                title=row.title,
                section=row.section,
                activity_kind=row.kind,
                occurrence_id=None,
                occurrence_kind=None,
                start=None,
                due=None,
                extended_due=None,
                effective_due=None,
                status=None,
                completed_on=None,
                state="needs-dates",
                today=_today_of(row.timezone, days, query),
                activity_id=row.activity_id,
            )
            for row in rows
        ]


def executor_labels(
    bind: Engine | Connection, activity_ids: Sequence[int]
) -> dict[int, tuple[str, ...]]:
    """Activity id → who does it, lead first; a stand-in says for whom it stands.

    Given a connection, it asks on that one (a caller streaming rows passes its own)."""
    if isinstance(bind, Engine):
        with bind.connect() as conn:
            return executor_labels(conn, activity_ids)
    wanted = sorted(set(activity_ids))
    labels: dict[int, list[str]] = defaultdict(list)
    statement = (
        select(AE.c.activity_id, AE.c.name, AE.c.stand_in, EX.c.name.label("executor"))
        .select_from(AE.outerjoin(EX, AE.c.executor_id == EX.c.id))
        .order_by(AE.c.activity_id, AE.c.position)
    )
    for chunk in chunked(wanted):
        for row in bind.execute(statement.where(AE.c.activity_id.in_(chunk))):
            labels[row.activity_id].append(_label(row.name, row.executor, row.stand_in))
    return {key: tuple(names) for key, names in labels.items()}


def _label(name: str, executor: str | None, stand_in: bool) -> str:
    if executor is None:
        return name or "—"
    if stand_in:
        return f"{executor} (вместо «{name}»)" if name else f"{executor} (координатор)"
    return executor
