"""What the policy needs, read from the store: people, open items worth a look, made keys.

A planning pass must not read every open occurrence: a store of a million of them would take
seconds on every tick. The policy's stages fall on dates that follow from each occurrence's own
dates (N days before the due date, the due date, every E days after it…), and a stage can be
new only if it *became ready* since the last pass. :func:`ready_days` turns the interval
``(since, now]`` into the set of stage dates that became ready in it, and :func:`candidates`
asks the database only for the occurrences with a stage on one of those dates.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    Row,
    Select,
    cast,
    func,
    literal,
    or_,
    select,
    union,
)

from tracker.calendar import WorkCalendar
from tracker.config import PolicySettings, Settings
from tracker.notify.model import ItemFacts, MessageKind, Person
from tracker.notify.policy import LOOKBACK_DAYS, days_before, send_time
from tracker.store.bulk import driver_fetch
from tracker.store.chunking import chunked
from tracker.store.tables import ACTIVITY as A
from tracker.store.tables import ACTIVITY_EXECUTOR as AE
from tracker.store.tables import EXECUTOR as EX
from tracker.store.tables import NOTIFICATION as NT
from tracker.store.tables import OCCURRENCE as OC
from tracker.store.tables import OPEN_PREDICATE
from tracker.store.tables import ROADMAP as RM
from tracker.store.tables import ROADMAP_COORDINATOR as RC


@dataclass(frozen=True, slots=True)
class RoadmapInfo:
    id: int
    slug: str
    title: str
    timezone: str
    coordinators: tuple[Person, ...]


@dataclass(slots=True)
class Directory:
    """Executors as people, live roadmaps with their coordinators, and the config's admins."""

    people: dict[int, Person]
    roadmaps: dict[int, RoadmapInfo]
    admins: tuple[Person, ...]
    executors_of: dict[int, tuple[Person, ...]] = field(default_factory=dict)

    def zones(self) -> tuple[set[str], set[str]]:
        """The roadmaps' time zones and the recipients' time zones."""
        roadmap_zones = {info.timezone for info in self.roadmaps.values()}
        people_zones = {person.timezone for person in self.people.values()}
        people_zones.update(person.timezone for person in self.admins)
        return roadmap_zones, people_zones


def load_directory(conn: Connection, settings: Settings) -> Directory:
    default_zone = settings.policy.timezone
    people: dict[int, Person] = {}
    for row in conn.execute(
        select(EX.c.id, EX.c.name, EX.c.emails, EX.c.timezone, EX.c.kind).where(
            EX.c.archived_at.is_(None)
        )
    ):
        people[row.id] = Person.executor(
            row.id,
            row.name,
            tuple(row.emails or ()),
            row.timezone or default_zone,
            organisation=row.kind == "organisation",
        )
    coordinators: dict[int, list[Person]] = defaultdict(list)
    for row in conn.execute(select(RC).order_by(RC.c.roadmap_id, RC.c.position)):
        if row.executor_id in people:
            coordinators[row.roadmap_id].append(people[row.executor_id])
    roadmaps = {
        row.id: RoadmapInfo(
            row.id, row.slug, row.title, row.timezone, tuple(coordinators.get(row.id, ()))
        )
        for row in conn.execute(
            select(RM.c.id, RM.c.slug, RM.c.title, RM.c.timezone).where(RM.c.archived_at.is_(None))
        )
    }
    admins = tuple(Person.address(address, default_zone) for address in settings.mail.admins)
    return Directory(people, roadmaps, admins)


# --- which dates can hold a stage that became ready in (since, now] -----------------------------


@dataclass(frozen=True, slots=True)
class StageDates:
    """Stage dates that became ready in a planning interval, as conditions on occurrences."""

    due: frozenset[date]  # effective due dates with a before-due or due-date stage among them
    start: frozenset[date]  # window starts with a before-start stage among them
    reference: date  # the latest stage date: residues below are counted from it
    overdue: frozenset[int]  # (reference - due) % every of overdue stages
    escalation: frozenset[int]  # (reference - due) % every of escalation stages
    every: int
    escalate_after: int

    @property
    def empty(self) -> bool:
        return not (self.due or self.start or self.overdue or self.escalation)


def ready_days(
    since: datetime,
    now: datetime,
    zone_pairs: Iterable[tuple[str, str]],
    settings: PolicySettings,
    calendar: WorkCalendar,
) -> set[date]:
    """Civil dates whose stages (a stage's moment is midnight at the start of its date in the
    roadmap's zone) became ready — reached the recipient's sending hours — in ``(since, now]``."""
    if now <= since:
        return set()
    first = (since - timedelta(days=LOOKBACK_DAYS)).date()
    last = now.date() + timedelta(days=1)
    days: set[date] = set()
    pairs = sorted(set(zone_pairs))
    day = first
    while day <= last:
        for roadmap_zone, recipient_zone in pairs:
            moment = datetime.combine(day, time(0), ZoneInfo(roadmap_zone))
            if since < send_time(moment, recipient_zone, settings, calendar) <= now:
                days.add(day)
                break
        day += timedelta(days=1)
    return days


def stage_dates(days: set[date], settings: PolicySettings, calendar: WorkCalendar) -> StageDates:
    """Turn the ready stage dates into the due/start dates and residues that have them."""
    every = settings.overdue_every_days
    if not days:
        return StageDates(frozenset(), frozenset(), date.min, frozenset(), frozenset(), every, 0)
    reference = max(days)
    widest = max((*settings.remind_days, *settings.before_start_days, 0))
    span = widest * 2 + 14 if settings.working_days else widest
    due: set[date] = set()
    start: set[date] = set()
    candidate = min(days)
    while candidate <= reference + timedelta(days=span):
        for n in (*settings.remind_days, 0):
            if days_before(candidate, n, settings.working_days, calendar) in days:
                due.add(candidate)
        for n in settings.before_start_days:
            if n > 0 and days_before(candidate, n, settings.working_days, calendar) in days:
                start.add(candidate)
        candidate += timedelta(days=1)
    overdue = {((reference - day).days + 1) % every for day in days}
    escalate = settings.escalate_after_days
    escalation = {((reference - day).days + escalate) % every for day in days}
    return StageDates(
        frozenset(due),
        frozenset(start),
        reference,
        frozenset(overdue),
        frozenset(escalation),
        every,
        escalate,
    )


def _days_between(conn: Connection, later: date, column: Any) -> ColumnElement[Any]:
    if conn.dialect.name == "sqlite":
        return cast(func.julianday(literal(later.isoformat())) - func.julianday(column), Integer)
    difference: ColumnElement[Any] = literal(later) - column  # PostgreSQL: a number of days
    return difference


def _residue_dates(
    dates: StageDates, residues: frozenset[int], first: date, bound: date
) -> list[date] | None:
    """The due dates in ``[first, bound]`` whose distance to the reference date has one of
    ``residues`` modulo ``every``; None when every residue is there (every date then)."""
    if len(residues) >= dates.every:
        return None
    step = timedelta(days=dates.every)
    found: list[date] = []
    for residue in residues:
        day = dates.reference - timedelta(days=residue)
        while day > bound:
            day -= step
        while day >= first:
            found.append(day)
            day -= step
    return found


def stage_filter(conn: Connection, dates: StageDates) -> ColumnElement[bool]:
    """Open occurrences with a stage on one of ``dates``: lists of due and start dates, which
    the open occurrences' indexes find (a series of overdue or escalation steps becomes the
    due dates it falls on, from the earliest open one)."""
    due: set[date] = set(dates.due)
    ranges: list[ColumnElement[bool]] = []
    series = (
        (dates.overdue, dates.reference - timedelta(days=1)),
        (dates.escalation, dates.reference - timedelta(days=dates.escalate_after)),
    )
    first: date | None = None
    for residues, bound in series:
        if not residues:
            continue
        if first is None:
            first = conn.execute(
                select(func.min(OC.c.effective_due)).where(OPEN_PREDICATE)
            ).scalar()
            if first is None:
                break  # nothing open
        listed = _residue_dates(dates, residues, first, bound)
        if listed is None:
            ranges.append(OC.c.effective_due <= bound)
        else:
            due.update(listed)
    tests: list[ColumnElement[bool]] = [*ranges]
    if due:
        tests.append(OC.c.effective_due.in_(sorted(due)))
    if dates.start:
        tests.append(OC.c.start.in_(sorted(dates.start)))
    if len(tests) == 1 or ranges:  # a range of due dates: most open occurrences, read them
        return or_(*tests)
    # one indexed look-up per list (a plain OR of them makes SQLite read every occurrence)
    found = union(*(select(OC.c.id).where(OPEN_PREDICATE, test) for test in tests))
    return OC.c.id.in_(found.scalar_subquery())


# --- reading items ------------------------------------------------------------------------------


ITEM_COLUMNS = (
    OC.c.id,
    OC.c.activity_id,
    OC.c.kind.label("occurrence_kind"),
    OC.c.start,
    OC.c.due,
    OC.c.effective_due,
    OC.c.status,
    OC.c.completed_on,
    A.c.roadmap_id,
    A.c.key,
    A.c.title,
    A.c.section,
    A.c.result,
    A.c.kind.label("activity_kind"),
)


def select_items(*where: ColumnElement[bool]) -> Select[tuple[object, ...]]:
    """Occurrence rows with their activity's columns (``ITEM_COLUMNS``), for :func:`items_of`."""
    return select(*ITEM_COLUMNS).select_from(OC.join(A, OC.c.activity_id == A.c.id)).where(*where)


def items_of(
    conn: Connection, directory: Directory, rows: Sequence[Row[tuple[object, ...]]]
) -> list[ItemFacts]:
    """ItemFacts of occurrence rows (columns as in ``ITEM_COLUMNS``) of live roadmaps."""
    load_executors(conn, directory, {row.activity_id for row in rows})
    items = []
    for row in rows:
        roadmap = directory.roadmaps.get(row.roadmap_id)
        if roadmap is None:
            continue  # an archived roadmap
        items.append(
            ItemFacts(
                occurrence_id=row.id,
                roadmap=roadmap.slug,
                roadmap_title=roadmap.title,
                timezone=roadmap.timezone,
                number=row.key,
                title=row.title,
                section=row.section,
                result=row.result,
                occurrence_kind=row.occurrence_kind,
                activity_kind=row.activity_kind,
                start=row.start,
                due=row.due,
                effective_due=row.effective_due,
                status=row.status,
                completed_on=row.completed_on,
                executors=directory.executors_of.get(row.activity_id, ()),
                coordinators=roadmap.coordinators,
            )
        )
    return items


def executors_by_activity(
    conn: Connection, directory: Directory, activity_ids: Collection[int]
) -> dict[int, list[Person]]:
    """Activity → its executors as people (lead first, each once, stand-ins included): one
    query per chunk of ids."""
    found: dict[int, list[Person]] = defaultdict(list)
    people = directory.people
    for part in chunked(activity_ids, ID_LIST):
        rows = in_list(
            conn,
            f"SELECT activity_id, executor_id FROM {AE.name} WHERE executor_id IS NOT NULL "
            "AND activity_id IN ({ids}) ORDER BY activity_id, position",
            part,
        )
        for activity_id, executor_id in rows:
            person = people.get(executor_id)
            if person is not None and person not in found[activity_id]:
                found[activity_id].append(person)
    return found


#: Ids per IN (...) list of :func:`in_list`: SQLite (3.32 and later) binds up to 32,766.
ID_LIST = 5000


def in_list(conn: Connection, sql: str, ids: Sequence[int]) -> list[tuple[Any, ...]]:
    """Rows of a plain SQL query whose ``{ids}`` is an IN list of ``ids``, run on the driver's
    own cursor: no statement to compile per list, no row objects (the planning pass asks one
    such query per chunk of thousands). Only for columns the driver itself types (integers,
    text)."""
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    return driver_fetch(conn, sql.format(ids=", ".join([mark] * len(ids))), ids)


def load_executors(conn: Connection, directory: Directory, activity_ids: set[int]) -> None:
    """Fill ``directory.executors_of`` for these activities: lead first, stand-ins included."""
    wanted = activity_ids - directory.executors_of.keys()
    found = executors_by_activity(conn, directory, wanted)
    for activity_id in wanted:
        directory.executors_of[activity_id] = tuple(found.get(activity_id, ()))


def made_codes(conn: Connection, occurrence_ids: Collection[int]) -> set[tuple[int, int, int]]:
    """The stored keys (occurrence, recipient id, stage code) of the item notifications made
    about these occurrences: one query per :data:`ID_LIST` ids."""
    made: set[tuple[int, int, int]] = set()
    for part in chunked(occurrence_ids, ID_LIST):
        rows = in_list(
            conn,
            f"SELECT occurrence_id, recipient_id, stage_code FROM {NT.name} "
            "WHERE occurrence_id IN ({ids})",
            part,
        )
        made.update((row[0], row[1], row[2]) for row in rows)
    return made


def made_digest_keys(conn: Connection, since: date) -> set[str]:
    statement = select(NT.c.key).where(
        NT.c.occurrence_id.is_(None),  # a digest is about no occurrence: found by index
        NT.c.kind == MessageKind.DIGEST.value,
        NT.c.day >= since,
    )
    return set(conn.execute(statement).scalars())
