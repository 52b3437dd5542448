"""Исполнительская дисциплина: the figures per executor, one query and one pure function.

Every place that shows discipline figures (the board, the digest, `tracker report`) takes them
from :func:`figures` over the facts that :func:`discipline_facts` reads, so they agree.

For a span of effective due dates and a day «по состоянию на» (``on``), each live occurrence
that is not cancelled is *на контроле* and falls in exactly one of four classes:

- **в срок** — done on or before its effective due (done before its window even started counts
  here too: it was not late);
- **с нарушением** — done after its effective due (the average delay is kept);
- **просрочено** — open, effective due before ``on``;
- **в работе** — open, not yet due on ``on``.

So на контроле = в срок + с нарушением + просрочено + в работе, per executor and in total.
*С переносом* counts occurrences whose due was moved (перенос срока); they are judged against
the new date. *% в срок* is в срок over the items whose outcome is known (в срок + с
нарушением + просрочено); None when there are none. An item done after ``on`` is open on
``on``. A co-executor counts each occurrence of the activity just as the lead executor does;
the total counts each occurrence once.

The same figures are grouped per organisation too: an executor that is itself an organisation
is its own organisation, a person counts for the ``organisation`` of their executors.toml entry,
a person with none (or a name not in the directory) for «без организации». An occurrence counts
once per organisation however many of its executors work there.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Collection, Hashable, Iterable, Sequence
from concurrent.futures import wait
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from itertools import islice
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Engine,
    Integer,
    Select,
    and_,
    cast,
    func,
    select,
)
from sqlalchemy.engine import Connection

from tracker.errors import InputError
from tracker.store.aside import aside
from tracker.store.bulk import driver_batches, driver_fetch, driver_rows
from tracker.store.executors import normalize
from tracker.store.models import Status
from tracker.store.tables import ACTIVITY as A
from tracker.store.tables import ACTIVITY_EXECUTOR as AE
from tracker.store.tables import EXECUTOR as EX
from tracker.store.tables import OCCURRENCE as OC
from tracker.store.tables import ROADMAP as RM
from tracker.store.tables import STATUS_CHANGE as SC

_K = TypeVar("_K", bound=Hashable)


class Outcome(StrEnum):
    """The class of one occurrence on the day «по состоянию на»."""

    ON_TIME = "on-time"
    LATE = "late"
    OVERDUE = "overdue"
    PENDING = "pending"


#: Column headers of the figures, in Russian, in the order of :meth:`Figures.cells`.
HEADERS = (
    "на контроле",
    "исполнено в срок",
    "исполнено с нарушением срока",
    "среднее нарушение, дн.",
    "просрочено",
    "в работе",
    "с переносом срока",
    "% в срок",
)

OUTCOME_LABELS = {
    Outcome.ON_TIME: "исполнено в срок",
    Outcome.LATE: "исполнено с нарушением срока",
    Outcome.OVERDUE: "просрочено",
    Outcome.PENDING: "в работе",
}


@dataclass(frozen=True, slots=True)
class Doer:
    """One executor of an activity, as the figures group by it."""

    id: int | None
    name: str
    kind: str = "person"  # person | organisation
    lead: bool = False
    organisation: str | None = None  # where a person works (executors.toml)


#: The organisation row of people with no organisation in the directory.
NO_ORGANISATION = "без организации"


def organisation_of(doer: Doer) -> str:
    """The organisation ``doer`` counts for: itself when it is one, else where it works."""
    if doer.kind == "organisation":
        return doer.name
    return (doer.organisation or "").strip() or NO_ORGANISATION


@dataclass(frozen=True, slots=True)
class Fact:
    """One occurrence with what the figures need."""

    occurrence_id: int
    roadmap: str
    number: str
    title: str
    start: date | None
    due: date
    extended_due: date | None
    effective_due: date
    status: str
    completed_on: date | None
    doers: tuple[Doer, ...] = ()
    deadline: str = ""  # the phrase as written
    position: int = 0  # the activity's place in its roadmap


def outcome(fact: Fact, on: date) -> Outcome | None:
    """The class of ``fact`` on day ``on``; None when it is not counted (cancelled)."""
    if fact.status == Status.CANCELLED.value:
        return None
    done = fact.status == Status.DONE.value and fact.completed_on is not None
    if done and fact.completed_on is not None and fact.completed_on <= on:
        return Outcome.ON_TIME if fact.completed_on <= fact.effective_due else Outcome.LATE
    return Outcome.OVERDUE if fact.effective_due < on else Outcome.PENDING


def days_late(fact: Fact, on: date) -> int:
    """Days past the effective due: to completion when done late, to ``on`` when overdue."""
    found = outcome(fact, on)
    if found is Outcome.LATE and fact.completed_on is not None:
        return (fact.completed_on - fact.effective_due).days
    if found is Outcome.OVERDUE:
        return (on - fact.effective_due).days
    return 0


@dataclass(slots=True)
class Figures:
    """The discipline figures of one executor (or of everyone: the total)."""

    on_time: int = 0
    late: int = 0
    overdue: int = 0
    pending: int = 0
    extended: int = 0
    late_days: int = 0  # the sum of days late of the «с нарушением» items
    ids: dict[Outcome, list[int]] = field(default_factory=lambda: defaultdict(list))

    @property
    def controlled(self) -> int:
        """На контроле: every class together."""
        return self.on_time + self.late + self.overdue + self.pending

    @property
    def average_late(self) -> float | None:
        return self.late_days / self.late if self.late else None

    @property
    def on_time_percent(self) -> float | None:
        known = self.on_time + self.late + self.overdue
        return 100.0 * self.on_time / known if known else None

    def count(self, outcome_: Outcome) -> int:
        return {
            Outcome.ON_TIME: self.on_time,
            Outcome.LATE: self.late,
            Outcome.OVERDUE: self.overdue,
            Outcome.PENDING: self.pending,
        }[outcome_]

    def add(self, fact: Fact, found: Outcome, on: date) -> None:
        if found is Outcome.ON_TIME:
            self.on_time += 1
        elif found is Outcome.LATE:
            self.late += 1
            self.late_days += days_late(fact, on)
        elif found is Outcome.OVERDUE:
            self.overdue += 1
        else:
            self.pending += 1
        if fact.extended_due is not None:
            self.extended += 1
        self.ids[found].append(fact.occurrence_id)

    def cells(self) -> tuple[str, ...]:
        """The figures as text, in the order of :data:`HEADERS` (Russian number format)."""
        average = self.average_late
        percent = self.on_time_percent
        return (
            str(self.controlled),
            str(self.on_time),
            str(self.late),
            "—" if average is None else f"{average:.1f}".replace(".", ","),
            str(self.overdue),
            str(self.pending),
            str(self.extended),
            "—" if percent is None else f"{percent:.0f}",
        )


@dataclass(frozen=True, slots=True)
class ExecutorFigures:
    executor: Doer
    figures: Figures


@dataclass(frozen=True, slots=True)
class Discipline:
    """Figures per executor (by name) and in total, on day ``on``, for due dates in a span."""

    on: date
    start: date | None
    end: date | None
    rows: tuple[ExecutorFigures, ...]
    total: Figures
    organisations: tuple[ExecutorFigures, ...] = ()  # per organisation: Doer(None, name, kind)


def figures(facts: Iterable[Fact], on: date) -> Discipline:
    """The discipline figures of ``facts`` on day ``on`` (pure: no clock, no database)."""
    total = Figures()
    per: dict[tuple[int | None, str], Figures] = {}
    doers: dict[tuple[int | None, str], Doer] = {}
    per_org: dict[str, Figures] = {}
    org_names: dict[str, str] = {}
    org_keys: dict[str, str] = {}  # name → normalised: few names, many facts
    for fact in facts:
        found = outcome(fact, on)
        if found is None:
            continue
        total.add(fact, found, on)
        seen: set[tuple[int | None, str]] = set()
        for doer in fact.doers:
            key = (doer.id, doer.name)
            if key in seen:
                continue
            seen.add(key)
            doers.setdefault(key, doer)
            per.setdefault(key, Figures()).add(fact, found, on)
        orgs: set[str] = set()
        for doer in fact.doers:
            name = organisation_of(doer)
            org_key = org_keys.get(name)
            if org_key is None:
                org_key = org_keys[name] = normalize(name)
            if org_key in orgs:
                continue
            orgs.add(org_key)
            # the directory's own spelling of an organisation wins over a person's free text
            if doer.kind == "organisation" or org_key not in org_names:
                org_names[org_key] = name
            per_org.setdefault(org_key, Figures()).add(fact, found, on)
    return Discipline(
        on=on, start=None, end=None, rows=_sorted(per.items(), doers.__getitem__),
        total=total,
        organisations=_sorted(
            per_org.items(), lambda key: Doer(None, org_names[key], "organisation")
        ),
    )  # fmt: skip


def _sorted(
    items: Iterable[tuple[_K, Figures]], doer: Callable[[_K], Doer]
) -> tuple[ExecutorFigures, ...]:
    """Rows with the most overdue first, then the most late, then by name (none last)."""
    rows = (ExecutorFigures(doer(key), value) for key, value in items)
    return tuple(sorted(rows, key=_order))


def _order(row: ExecutorFigures) -> tuple[bool, int, int, str]:
    none = row.executor.id is None and row.executor.name == NO_ORGANISATION
    return (none, -row.figures.overdue, -row.figures.late, row.executor.name)


def _roadmap_filter(engine: Engine, roadmaps: Sequence[str] | None) -> list[int] | None:
    if roadmaps is None:
        return None
    with engine.connect() as conn:
        found = conn.execute(select(RM.c.id, RM.c.slug).where(RM.c.slug.in_(roadmaps))).all()
    missing = sorted(set(roadmaps) - {row.slug for row in found})
    if missing:
        raise InputError(f"no roadmap {missing[0]!r}", hint="see `tracker status`")
    return [row.id for row in found]


def discipline_facts(
    engine: Engine,
    *,
    roadmaps: Sequence[str] | None = None,
    start: date | None = None,
    end: date | None = None,
) -> list[Fact]:
    """Live occurrences whose effective due is in [start, end] (open ends: unbounded), of the
    given roadmaps (None: all), ordered by due, roadmap and position, with their executors."""
    ids = _roadmap_filter(engine, roadmaps)
    where: list[ColumnElement[bool]] = [
        OC.c.archived_at.is_(None),
        A.c.archived_at.is_(None),
        RM.c.archived_at.is_(None),
    ]
    if ids is not None:
        where.append(RM.c.id.in_(ids))
    if start is not None:
        where.append(OC.c.effective_due >= start)
    if end is not None:
        where.append(OC.c.effective_due <= end)
    statement = (
        select(
            OC.c.id,
            OC.c.activity_id,
            RM.c.slug,
            A.c.key,
            A.c.title,
            OC.c.start,
            OC.c.due,
            OC.c.extended_due,
            OC.c.effective_due,
            OC.c.status,
            OC.c.completed_on,
            A.c.deadline,
            A.c.position,
        )
        .select_from(OC.join(A, OC.c.activity_id == A.c.id).join(RM, A.c.roadmap_id == RM.c.id))
        .where(and_(*where))
        .order_by(OC.c.effective_due, RM.c.slug, A.c.position, OC.c.id)
    )
    with engine.connect() as conn:
        rows = conn.execute(statement).all()
        doers = _doers(conn, sorted({row.activity_id for row in rows}))
    return [
        Fact(
            occurrence_id=row.id,
            roadmap=row.slug,
            number=row.key,
            title=row.title,
            start=row.start,
            due=row.due,
            extended_due=row.extended_due,
            effective_due=row.effective_due,
            status=row.status,
            completed_on=row.completed_on,
            doers=doers.get(row.activity_id, ()),
            deadline=row.deadline,
            position=row.position,
        )
        for row in rows
    ]


def _doers(conn: Connection, activity_ids: list[int]) -> dict[int, tuple[Doer, ...]]:
    out: dict[int, list[Doer]] = defaultdict(list)
    statement = (
        select(
            AE.c.activity_id,
            AE.c.name,
            AE.c.lead,
            AE.c.executor_id,
            EX.c.name.label("executor"),
            EX.c.kind,
            EX.c.organisation,
        )
        .select_from(AE.outerjoin(EX, AE.c.executor_id == EX.c.id))
        .order_by(AE.c.activity_id, AE.c.position)
    )
    for index in range(0, len(activity_ids), 900):
        chunk = activity_ids[index : index + 900]
        for row in conn.execute(statement.where(AE.c.activity_id.in_(chunk))):
            name = row.executor or row.name or "—"
            out[row.activity_id].append(
                Doer(
                    row.executor_id,
                    name,
                    row.kind or "person",
                    bool(row.lead),
                    row.organisation,
                )
            )
    return {key: tuple(value) for key, value in out.items()}


def discipline(
    engine: Engine,
    on: date,
    *,
    roadmaps: Sequence[str] | None = None,
    start: date | None = None,
    end: date | None = None,
) -> Discipline:
    """:func:`figures` over :func:`discipline_facts`, with the span recorded."""
    found = figures(discipline_facts(engine, roadmaps=roadmaps, start=start, end=end), on)
    return Discipline(
        on=on, start=start, end=end, rows=found.rows, total=found.total,
        organisations=found.organisations,
    )  # fmt: skip


def executor_figures(engine: Engine, on: date, roadmap_ids: Sequence[int]) -> Discipline:
    """The figures per executor and in total of the live occurrences of ``roadmap_ids`` on day
    ``on``: the same numbers (and the same row order) as :func:`discipline`, counted by the
    database per activity instead of one :class:`Fact` per occurrence.

    For the digest, which shows only these rows and the total: no organisations and no
    occurrence ids (:attr:`Figures.ids` stays empty).
    """
    if not roadmap_ids:
        return Discipline(on=on, start=None, end=None, rows=(), total=Figures())
    first_due = func.min(OC.c.effective_due)
    statement = (
        select(OC.c.activity_id, *_count_columns(engine, on))
        .select_from(OC.join(A, OC.c.activity_id == A.c.id).join(RM, A.c.roadmap_id == RM.c.id))
        .where(
            OC.c.archived_at.is_(None), A.c.archived_at.is_(None), RM.c.archived_at.is_(None),
            RM.c.id.in_(list(roadmap_ids)), OC.c.status != Status.CANCELLED.value,
        )
        .group_by(OC.c.activity_id, RM.c.slug, A.c.position)
        # activities in the order of their first occurrence in discipline_facts' order, so rows
        # that tie on every sort key keep the order figures() would give them
        .order_by(first_due, RM.c.slug, A.c.position)
    )  # fmt: skip
    with engine.connect() as conn:
        counts = [tuple(int(value or 0) for value in row) for row in conn.execute(statement)]
        doers = _doers(conn, sorted({row[0] for row in counts}))
    total = Figures()
    per: dict[tuple[int | None, str], Figures] = {}
    found: dict[tuple[int | None, str], Doer] = {}
    for activity_id, *numbers in counts:
        _add_counts(total, numbers)
        seen: set[tuple[int | None, str]] = set()
        for doer in doers.get(activity_id, ()):
            key = (doer.id, doer.name)
            if key in seen:
                continue
            seen.add(key)
            found.setdefault(key, doer)
            _add_counts(per.setdefault(key, Figures()), numbers)
    return Discipline(
        on=on, start=None, end=None, rows=_sorted(per.items(), found.__getitem__), total=total
    )


@dataclass(frozen=True, slots=True)
class _Share:
    """One executor's counts over one roadmap's activities, and where it first appears."""

    order: int  # rank of the activity in executor_figures' order × _PLACES + place in it
    doer: Doer
    numbers: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class RoadmapFigures:
    """The counts behind :func:`executor_figures` for every live roadmap at once, on day
    ``on``: :meth:`of` gives any set of roadmaps' figures without asking the database again.

    The figures are sums over activities (an activity belongs to one roadmap, an occurrence
    counts once per distinct executor of its activity), so a set of roadmaps' figures are the
    sums of each roadmap's; the row order's tie-break (where an executor first appears) is the
    earliest of its roadmaps' first appearances in the same activity order.
    """

    on: date
    totals: dict[int, tuple[int, ...]]
    shares: dict[int, tuple[_Share, ...]]

    def of(self, roadmap_ids: Iterable[int]) -> Discipline:
        """What ``executor_figures(engine, on, roadmap_ids)`` gives, from the counts read."""
        total = Figures()
        first: dict[tuple[int | None, str], _Share] = {}
        per: dict[tuple[int | None, str], Figures] = {}
        for roadmap_id in set(roadmap_ids):
            numbers = self.totals.get(roadmap_id)
            if numbers is None:
                continue
            _add_counts(total, numbers)
            for share in self.shares.get(roadmap_id, ()):
                key = (share.doer.id, share.doer.name)
                known = first.get(key)
                if known is None or share.order < known.order:
                    first[key] = share
                _add_counts(per.setdefault(key, Figures()), share.numbers)
        keys = sorted(per, key=lambda key: first[key].order)  # the order of first appearance
        rows = _sorted(((key, per[key]) for key in keys), lambda key: first[key].doer)
        return Discipline(on=self.on, start=None, end=None, rows=rows, total=total)


#: More than any executor's position in an activity's list of executors.
_PLACES = 1 << 20


def roadmap_figures(
    engine: Engine, on: date, roadmap_ids: Collection[int] | None = None
) -> RoadmapFigures:
    """:class:`RoadmapFigures` of every live roadmap (of ``roadmap_ids``, or every one): its
    totals and per distinct executor (``(executor id, name)``, as :func:`_doers` names them)
    the summed counts, with the activity rank and place of its first appearance and that
    appearance's :class:`Doer`.

    The database does the cheap part: the counts per activity (a plain GROUP BY) and the
    activities' executors in order. The activities' rank, each executor once per activity
    and the sums per roadmap and per executor (per roadmap, executor id, name and lead flag:
    the executor's kind and organisation follow from its id) are worked out here.
    """
    wanted = None if roadmap_ids is None else sorted(set(roadmap_ids))
    if wanted is not None and not wanted:
        return RoadmapFigures(on, {}, {})
    with engine.connect() as conn:
        return _figures(conn, on, wanted, driver_rows(conn, _per_activity(engine, on, wanted)))


class FiguresLater:
    """:func:`roadmap_figures`, begun aside (:mod:`tracker.store.aside`): the database counts
    per activity into a temporary table of a connection of its own (one statement), so a
    planning pass renders its messages meanwhile; :meth:`result` finishes the job on the
    caller's thread."""

    def __init__(self, engine: Engine, on: date, roadmap_ids: Collection[int]) -> None:
        self.on = on
        self._wanted = sorted(set(roadmap_ids))
        counts = _per_activity(engine, on, self._wanted).compile(
            dialect=engine.dialect,
            compile_kwargs={"literal_binds": True},  # integers, dates
        )
        self._table = f"activity_counts_{uuid.uuid4().hex[:12]}"
        self._conn = engine.connect()
        statement = f"CREATE TEMPORARY TABLE {self._table} AS {counts}"
        self._started = aside(self._conn.exec_driver_sql, statement)

    def result(self) -> RoadmapFigures:
        """The figures (the count's error, if any, is raised here)."""
        try:
            self._started.result()
            rows = driver_fetch(self._conn, f"SELECT * FROM {self._table}")
            return _figures(self._conn, self.on, self._wanted, rows)
        finally:
            self.close()

    def close(self) -> None:
        """Wait for the count and give its connection back (its transaction and temporary
        table end with it)."""
        wait([self._started])
        self._conn.close()


def _per_activity(engine: Engine, on: date, wanted: list[int] | None) -> Select[Any]:
    """Per live activity (of the roadmaps ``wanted``, or every one): its id, roadmap, first
    due date and position, then the counts of :func:`_count_columns`."""
    # grouped by the activity's primary key (PostgreSQL then takes its other columns too)
    return (
        select(
            A.c.id,
            A.c.roadmap_id,
            func.min(OC.c.effective_due),
            A.c.position,
            *_count_columns(engine, on),
        )
        .select_from(OC.join(A, OC.c.activity_id == A.c.id).join(RM, A.c.roadmap_id == RM.c.id))
        .where(OC.c.archived_at.is_(None), OC.c.status != Status.CANCELLED.value, *_live(wanted))
        .group_by(A.c.id)
    )


def _live(wanted: list[int] | None) -> list[ColumnElement[bool]]:
    live: list[ColumnElement[bool]] = [A.c.archived_at.is_(None), RM.c.archived_at.is_(None)]
    if wanted is not None:
        live.append(A.c.roadmap_id.in_(wanted))
    return live


def _figures(
    conn: Connection, on: date, wanted: list[int] | None, activities: list[tuple[Any, ...]]
) -> RoadmapFigures:
    """The rest of :func:`roadmap_figures` from the counts per activity (``activities``)."""
    # the roadmaps in the order of their slugs as the database sorts them (its collation, as
    # in executor_figures' ORDER BY; slugs are unique)
    slugs = select(RM.c.id).order_by(RM.c.slug)
    if wanted is not None:
        slugs = slugs.where(RM.c.id.in_(wanted))
    named = (  # with the directory's name, kind and organisation
        select(AE.c.activity_id, AE.c.position, AE.c.executor_id, AE.c.name, AE.c.lead,
               EX.c.name, EX.c.kind, EX.c.organisation)
        .select_from(
            AE.join(A, AE.c.activity_id == A.c.id)
            .join(RM, A.c.roadmap_id == RM.c.id)
            .outerjoin(EX, AE.c.executor_id == EX.c.id)
        )
        .where(*_live(wanted))
        .order_by(AE.c.activity_id, AE.c.position)
    )  # fmt: skip
    places: dict[int | None, tuple[str, str | None]] = {}  # kind and organisation
    # per (roadmap, executor id, name, lead): where it first appears (rank × _PLACES + its
    # place among the activity's executors) and its activities (an index, or a list of them)
    firsts: dict[tuple[int, int | None, str, Any], int] = {}
    members: dict[tuple[int, int | None, str, Any], int | list[int]] = {}
    # read after: roadmaps are archived, never deleted, so every one the rows above name
    # is found even if a sync ran in between
    slug_rank = {row[0]: place for place, row in enumerate(conn.execute(slugs))}
    # executor_figures' activity order: first due (on SQLite the ISO text, in the dates'
    # order), roadmap slug, position, the id breaking ties; rank = index + 1
    activities.sort(key=lambda row: (row[2], slug_rank[row[1]], row[3], row[0]))
    ranked = {row[0]: index for index, row in enumerate(activities)}
    seen: set[tuple[int | None, str]] = set()
    current = index = None
    roadmap_id = start = 0
    for part in driver_batches(conn, named, 10_000):  # streamed: a row per executor named
        for activity_id, position, executor_id, written, lead, known, kind, org in part:
            if activity_id != current:
                current, index = activity_id, ranked.get(activity_id)
                seen.clear()
                if index is not None:
                    roadmap_id, start = activities[index][1], (index + 1) * _PLACES
            if index is None:
                continue  # no occurrence counted
            # as _doers names it: the directory's name, else as written, else a dash
            name = known or written or "—"
            if (executor_id, name) in seen:  # the same executor named earlier in it
                continue
            seen.add((executor_id, name))
            places[executor_id] = (kind, org)
            key = (roadmap_id, executor_id, name, lead)
            first = firsts.get(key)
            if first is None:
                firsts[key], members[key] = start + position, index
                continue
            if start + position < first:
                firsts[key] = start + position
            found = members[key]
            if isinstance(found, int):
                members[key] = [found, index]
            else:
                found.append(index)
    shares: dict[int, list[_Share]] = defaultdict(list)
    doers: dict[tuple[int | None, str, Any], Doer] = {}
    for key, found in members.items():
        roadmap_id, executor_id, name, lead = key
        doer = doers.get((executor_id, name, lead))
        if doer is None:
            kind, organisation = places.get(executor_id, (None, None))
            doer = doers[executor_id, name, lead] = Doer(
                executor_id, name, kind or "person", bool(lead), organisation
            )
        if isinstance(found, int):
            numbers = tuple(activities[found][4:])
        else:
            numbers = _summed([activities[index] for index in found])
        shares[roadmap_id].append(_Share(firsts[key], doer, numbers))
    per_roadmap: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in activities:
        per_roadmap[row[1]].append(row)
    return RoadmapFigures(
        on,
        {key: _summed(rows) for key, rows in per_roadmap.items()},
        {key: tuple(value) for key, value in shares.items()},
    )


def _summed(rows: list[tuple[Any, ...]]) -> tuple[int, ...]:
    """The sums of the count columns (from the fifth on) of :func:`roadmap_figures`' rows."""
    return tuple(map(sum, islice(zip(*rows, strict=True), 4, None)))


def _count_columns(engine: Engine, on: date) -> list[ColumnElement[int]]:
    """Per group of occurrences: в срок, с нарушением, просрочено, в работе, с переносом and
    the days late of the «с нарушением» ones on day ``on`` (as :func:`outcome` classes them;
    cancelled occurrences must be filtered out by the caller). Never NULL.

    Counts with FILTER rather than sums of CASE: the same numbers, a good part cheaper per
    occurrence (SQLite 3.30 or later, as PostgreSQL)."""
    done = and_(
        OC.c.status == Status.DONE.value, OC.c.completed_on.is_not(None), OC.c.completed_on <= on
    )
    late = and_(done, OC.c.completed_on > OC.c.effective_due)
    if engine.dialect.name == "sqlite":
        delay: ColumnElement[int] = cast(
            func.julianday(OC.c.completed_on) - func.julianday(OC.c.effective_due), Integer
        )
    else:
        delay = OC.c.completed_on - OC.c.effective_due
    return [
        func.count().filter(and_(done, OC.c.completed_on <= OC.c.effective_due)),
        func.count().filter(late),
        func.count().filter(and_(~done, OC.c.effective_due < on)),
        func.count().filter(and_(~done, OC.c.effective_due >= on)),
        func.count(OC.c.extended_due),
        func.coalesce(func.sum(delay).filter(late), 0),
    ]


def _add_counts(into: Figures, numbers: Sequence[int]) -> None:
    on_time, late, overdue, pending, extended, late_days = numbers
    into.on_time += on_time
    into.late += late
    into.overdue += overdue
    into.pending += pending
    into.extended += extended
    into.late_days += late_days


def latest_comments(engine: Engine, occurrence_ids: Sequence[int]) -> dict[int, str]:
    """Occurrence id → the last comment (or report link) recorded in its history."""
    wanted = sorted(set(occurrence_ids))
    found: dict[int, str] = {}
    statement = (
        select(SC.c.occurrence_id, SC.c.comment)
        .where(SC.c.comment.is_not(None), SC.c.comment != "")
        .order_by(SC.c.occurrence_id, SC.c.at, SC.c.id)
    )
    with engine.connect() as conn:
        for index in range(0, len(wanted), 900):
            chunk = wanted[index : index + 900]
            for row in conn.execute(statement.where(SC.c.occurrence_id.in_(chunk))):
                found[row.occurrence_id] = row.comment
    return found
