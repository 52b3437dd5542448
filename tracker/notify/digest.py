"""The digest's facts: what a coordinator's (or an admin's) weekly digest covers on a day.

Read from the store, never composed here: :mod:`tracker.notify.compose` renders them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Connection, Engine, and_, literal_column, select

from tracker.config import Settings
from tracker.notify import facts
from tracker.notify.model import DigestFacts, FailureFacts, ItemFacts, Person, RoadmapRef
from tracker.notify.outbox import failures_since
from tracker.store.discipline import (
    Discipline,
    FiguresLater,
    RoadmapFigures,
    executor_figures,
    roadmap_figures,
)
from tracker.store.status import needs_dates
from tracker.store.tables import ACTIVITY as A
from tracker.store.tables import NOTIFICATION as NT
from tracker.store.tables import OCCURRENCE as OC
from tracker.store.tables import OPEN_PREDICATE

#: At most this many items per section of a digest, the most urgent first.
DIGEST_ITEMS = 300


class DigestFigures:
    """The discipline figures of every digest of one planning pass: the counts of the
    roadmaps they cover read once per day (:func:`roadmap_figures`, one query over just those
    roadmaps), each digest's summed from them.

    Make one per pass, after what the pass records and before its digests are composed, and
    drop it with the pass: it does not see later changes of statuses or dates.
    :meth:`prefetch` has the database count while the pass does other work.
    """

    def __init__(self, engine: Engine, roadmap_ids: Collection[int]) -> None:
        self._engine = engine
        self._roadmaps = frozenset(roadmap_ids)
        self._days: dict[date, RoadmapFigures] = {}
        self._later: dict[date, FiguresLater] = {}

    def prefetch(self, days: Iterable[date]) -> None:
        """Begin counting these days' figures (:class:`FiguresLater`)."""
        if not self._roadmaps:
            return
        for day in sorted(set(days) - self._days.keys() - self._later.keys()):
            self._later[day] = FiguresLater(self._engine, day, self._roadmaps)

    def of(self, day: date, roadmap_ids: Sequence[int]) -> Discipline:
        """What ``executor_figures(engine, day, roadmap_ids)`` gives."""
        wanted = set(roadmap_ids)
        if not wanted <= self._roadmaps:
            return executor_figures(self._engine, day, roadmap_ids)  # not told of these
        found = self._days.get(day)
        if found is None:
            later = self._later.pop(day, None)
            found = self._days[day] = (
                later.result()
                if later is not None
                else roadmap_figures(self._engine, day, self._roadmaps)
            )
        return found.of(roadmap_ids)

    def close(self) -> None:
        """Drop what was begun and not asked for (its connection goes back to the pool)."""
        while self._later:
            self._later.popitem()[1].close()

    @classmethod
    def for_digests(
        cls, engine: Engine, directory: facts.Directory, recipients: Iterable[Person]
    ) -> DigestFigures:
        """For the digests of these recipients: the roadmaps their coordinators coordinate
        (an admin's digest has no figures)."""
        keys = {person.key for person in recipients if person.executor_id is not None}
        covered = {
            info.id
            for info in directory.roadmaps.values()
            if any(person.key in keys for person in info.coordinators)
        }
        return cls(engine, covered)


def digest_recipients(directory: facts.Directory) -> list[Person]:
    """Who gets a digest: every live roadmap's coordinators and the config's admins."""
    people: dict[str, Person] = {}
    for info in directory.roadmaps.values():
        for person in info.coordinators:
            people.setdefault(person.key, person)
    for person in directory.admins:
        people.setdefault(person.key, person)
    return sorted(people.values(), key=lambda person: person.key)


def digest_facts(
    conn: Connection,
    engine: Engine,
    settings: Settings,
    recipient: Person,
    day: date,
    directory: facts.Directory,
    *,
    figures_cache: DigestFigures | None = None,
) -> DigestFacts:
    """What a coordinator's (or an admin's) weekly digest covers on ``day``; the discipline
    figures from ``figures_cache`` when given (the same figures, read once per pass)."""
    if recipient.executor_id is None:  # an admin: every roadmap, unscheduled items and failures
        roadmaps = list(directory.roadmaps.values())
    else:
        roadmaps = [
            info
            for info in directory.roadmaps.values()
            if any(person.key == recipient.key for person in info.coordinators)
        ]
    ids = [info.id for info in roadmaps]
    since = day - timedelta(days=7)
    soon = day + timedelta(days=settings.policy.due_soon_days)
    live = and_(A.c.roadmap_id.in_(ids), A.c.archived_at.is_(None), OC.c.archived_at.is_(None))
    coordinator = recipient.executor_id is not None
    overdue: tuple[ItemFacts, ...] = ()
    due_soon: tuple[ItemFacts, ...] = ()
    done_late: tuple[ItemFacts, ...] = ()
    if coordinator and ids:
        overdue = _items(conn, directory, [live, OPEN_PREDICATE, OC.c.effective_due < day])
        due_soon = _items(
            conn,
            directory,
            [live, OPEN_PREDICATE, OC.c.effective_due >= day, OC.c.effective_due <= soon],
        )
        done_late = _items(
            conn,
            directory,
            [
                live,
                OC.c.status == literal_column("'done'"),  # the partial index
                OC.c.completed_on >= since,
                OC.c.completed_on > OC.c.effective_due,
            ],
        )
    start = datetime.combine(since, datetime.min.time(), ZoneInfo(recipient.timezone))
    return DigestFacts(
        recipient=recipient,
        day=day,
        since=since,
        roadmaps=tuple(RoadmapRef(info.slug, info.title) for info in roadmaps),
        overdue=overdue,
        due_soon=due_soon,
        done_late=done_late,
        needs_dates=_needs_dates(conn, directory, ids),
        failures=_failures(engine, start, recipient, ids),
        discipline=_discipline(engine, day, ids, figures_cache) if coordinator and ids else None,
        board_url=settings.web.base_url,
    )


def _discipline(
    engine: Engine, day: date, ids: Sequence[int], cache: DigestFigures | None
) -> Discipline:
    return executor_figures(engine, day, ids) if cache is None else cache.of(day, ids)


def _items(
    conn: Connection, directory: facts.Directory, where: Sequence[ColumnElement[bool]]
) -> tuple[ItemFacts, ...]:
    statement = facts.select_items(*where).order_by(OC.c.effective_due, OC.c.id).limit(DIGEST_ITEMS)
    return tuple(facts.items_of(conn, directory, conn.execute(statement).all()))


def _needs_dates(
    conn: Connection, directory: facts.Directory, ids: Sequence[int]
) -> tuple[ItemFacts, ...]:
    if not ids:
        return ()
    statement = (
        select(A.c.id, A.c.roadmap_id, A.c.key, A.c.title, A.c.section, A.c.result, A.c.kind)
        .where(A.c.roadmap_id.in_(ids), A.c.archived_at.is_(None), needs_dates())
        .order_by(A.c.roadmap_id, A.c.position)
        .limit(DIGEST_ITEMS)
    )
    rows = conn.execute(statement).all()
    facts.load_executors(conn, directory, {row.id for row in rows})
    out = []
    for row in rows:
        info = directory.roadmaps[row.roadmap_id]
        out.append(
            ItemFacts(
                occurrence_id=None, roadmap=info.slug, roadmap_title=info.title,
                timezone=info.timezone, number=row.key, title=row.title, section=row.section,
                result=row.result, occurrence_kind=None, activity_kind=row.kind, start=None,
                due=None, effective_due=None, status=None, completed_on=None,
                executors=directory.executors_of.get(row.id, ()),
                coordinators=info.coordinators,
            )
        )  # fmt: skip
    return tuple(out)


def _failures(
    engine: Engine, since: datetime, recipient: Person, ids: Sequence[int]
) -> tuple[FailureFacts, ...]:
    """Failed deliveries since ``since``: all for an admin; a coordinator's roadmaps' else."""
    rows = failures_since(engine, since)
    if recipient.executor_id is not None and rows:
        wanted = set(ids)
        with engine.connect() as conn:
            mine = set(
                conn.execute(
                    select(NT.c.outbox_id)
                    .select_from(NT.join(OC, NT.c.occurrence_id == OC.c.id))
                    .join(A, OC.c.activity_id == A.c.id)
                    .where(NT.c.outbox_id.in_([row.id for row in rows]))
                    .where(A.c.roadmap_id.in_(wanted))
                ).scalars()
            )
        rows = [row for row in rows if row.id in mine]
    return tuple(
        FailureFacts(
            recipient=", ".join(row.to_addrs),
            subject=row.subject,
            error=row.last_error or "",
            at=row.failed_at or row.sent_at or row.created_at,
        )
        for row in rows
    )
