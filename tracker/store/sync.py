"""Sync: schedule files and the executors file → the store, idempotently and without loss.

* A roadmap whose fingerprint (content + resolved executors + policy) is unchanged is skipped.
* Changed activities are rewritten; their occurrences are reconciled: an occurrence whose
  window still exists keeps its row, status and history; one whose dates moved keeps its row
  and gets a ``dates`` history row; one that left the file is archived, never deleted.
* An activity that left the file is archived; so is a roadmap whose file was removed.
* Each schedule file is its own transaction: a broken file changes nothing, the rest go on.

New rows go in through :mod:`tracker.store.bulk` (``executemany`` on SQLite, ``COPY`` on
PostgreSQL), not as ORM objects per row; schedule files are read by :mod:`tracker.store.loading`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, delete, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from tracker.calendar import WorkCalendar, russian_calendar
from tracker.errors import InputError, TrackerError
from tracker.roadmap.model import Roadmap
from tracker.store.bulk import Bulk
from tracker.store.chunking import batches
from tracker.store.db import analyze, unreachable
from tracker.store.executors import ExecutorEntry, Known, NameIndex, load_executors, normalize
from tracker.store.loading import Loader, load_all
from tracker.store.models import Event
from tracker.store.plan import (
    EffectiveDue,
    PlannedActivity,
    PlannedOccurrence,
    SyncPolicy,
    activity_fingerprint,
    activity_keys,
    digest,
    occurrences_of,
)
from tracker.store.tables import ACTIVITY as A
from tracker.store.tables import ACTIVITY_EXECUTOR as AE
from tracker.store.tables import EXECUTOR as EX
from tracker.store.tables import OCCURRENCE as OC
from tracker.store.tables import ROADMAP as RM
from tracker.store.tables import ROADMAP_COORDINATOR as RC
from tracker.store.tables import STATUS_CHANGE as SC
from tracker.terms.model import FIRST_YEAR, LAST_YEAR

ACTOR = "sync"
#: A sync that writes this many rows refreshes the query planner's statistics.
ANALYZE_AFTER = 10_000
CHUNK = 500


@dataclass(slots=True)
class FileReport:
    """What sync did with one schedule file."""

    path: str
    slug: str | None = None
    outcome: str = "unchanged"  # created | updated | unchanged | archived | failed
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def summary(self) -> str:
        if self.error:
            return f"{self.path}: not synced: {self.error}"
        parts = [f"{name} {count}" for name, count in sorted(self.counts.items()) if count]
        detail = f" ({', '.join(parts)})" if parts else ""
        return f"{self.path}: {self.outcome}{detail}"


@dataclass(slots=True)
class SyncReport:
    executors: FileReport
    files: list[FileReport] = field(default_factory=list)

    @property
    def failed(self) -> list[FileReport]:
        return [report for report in (self.executors, *self.files) if report.error]

    @property
    def warnings(self) -> list[str]:
        return [w for report in (self.executors, *self.files) for w in report.warnings]


# --- executors -----------------------------------------------------------------------------------


def sync_executors(
    engine: Engine, entries: Sequence[ExecutorEntry], now: datetime
) -> dict[str, int]:
    """Upsert the executors file; executors no longer listed are archived. Returns counts."""
    counts: dict[str, int] = defaultdict(int)
    with engine.begin() as conn:
        stored = {row.key: row for row in conn.execute(select(EX))}
        wanted = {entry.key: entry for entry in entries}
        for key, entry in wanted.items():
            values = {
                "key": key,
                "name": entry.name,
                "kind": entry.kind,
                "role": entry.role,
                "organisation": entry.organisation,
                "timezone": entry.timezone,
                "aliases": list(entry.aliases),
                "emails": list(entry.emails),
                "roadmaps": list(entry.roadmaps),
                "coordinates": list(entry.coordinates),
                "archived_at": None,
            }
            row = stored.get(key)
            if row is None:
                conn.execute(insert(EX).values(**values))
                counts["executors added"] += 1
            elif any(getattr(row, name) != value for name, value in values.items()):
                conn.execute(update(EX).where(EX.c.id == row.id).values(**values))
                counts["executors updated"] += 1
        for key, row in stored.items():
            if key not in wanted and row.archived_at is None:
                conn.execute(update(EX).where(EX.c.id == row.id).values(archived_at=now))
                counts["executors archived"] += 1
    return counts


def load_name_index(engine: Engine) -> NameIndex:
    """The matcher over the stored executors that are not archived."""
    with engine.connect() as conn:
        rows = conn.execute(select(EX).where(EX.c.archived_at.is_(None)).order_by(EX.c.id)).all()
    return NameIndex(
        Known(
            id=row.id,
            name=row.name,
            spellings=(row.key, *(normalize(alias) for alias in row.aliases)),
            roadmaps=tuple(row.roadmaps),
            coordinates=tuple(row.coordinates),
        )
        for row in rows
    )


# --- roadmaps ------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Prepared:
    roadmap: Roadmap
    source: str
    slug: str
    coordinators: list[int]
    activities: list[PlannedActivity]
    fingerprint: str


def _prepare(
    roadmap: Roadmap, source: str, directory: NameIndex, policy: SyncPolicy, report: FileReport
) -> _Prepared:
    """Plan the roadmap's rows; ``source`` is the file as named in messages."""
    slug = roadmap.slug or Path(source).stem
    if roadmap.period is not None and (
        roadmap.period.start.year < FIRST_YEAR or roadmap.period.end.year > LAST_YEAR
    ):
        raise InputError(
            f"{source}: the period {roadmap.period} lies outside the years "
            f"{FIRST_YEAR}–{LAST_YEAR} tracker plans; correct the period"
        )
    coordinators = directory.coordinators(slug, roadmap.coordinators)
    for name in roadmap.coordinators:
        if directory.match(name, slug) is None:
            report.warnings.append(f"{source}: unknown coordinator «{name}»")
    names = {known.id: known.name for known in directory.known}
    stand_in = coordinators[0] if coordinators else None
    if stand_in is None:
        report.warnings.append(
            f'{source}: roadmap {slug} has no coordinator: add coordinates = ["{slug}"] '
            "to its coordinator in the executors file"
        )
    keys = activity_keys(roadmap.activities)
    planned: list[PlannedActivity] = []
    nobody = 0
    for position, (key, activity) in enumerate(zip(keys, roadmap.activities, strict=True)):
        item = PlannedActivity(key=key, position=position, source=activity)
        for name in activity.responsible:
            found = directory.match(name, slug)
            if found is None:
                where = f"row {activity.source_row}" if activity.source_row else "activity"
                standing = f"coordinator «{names[stand_in]}» stands in" if stand_in else "nobody"
                report.warnings.append(
                    f"{source}: {where} {key}: unknown responsible «{name}»; {standing}"
                )
            item.links.append((name, found if found is not None else stand_in, found is None))
        if not activity.responsible:
            nobody += 1
            item.links.append(("", stand_in, True))
        item.occurrences = occurrences_of(activity, roadmap, policy)
        item.fingerprint = activity_fingerprint(item, policy)
        planned.append(item)
    if nobody:
        names_none = "activity names" if nobody == 1 else "activities name"
        report.warnings.append(
            f"{source}: {nobody} {names_none} no responsible; the coordinator stands in"
        )
    stored_source = str(Path(source).resolve())
    fingerprint = digest(
        policy.token(),
        stored_source,
        slug,
        roadmap.title,
        roadmap.timezone,
        roadmap.period,
        roadmap.issuer,
        roadmap.document_number,
        roadmap.document_date,
        coordinators,
        [item.fingerprint for item in planned],
    )
    return _Prepared(roadmap, stored_source, slug, coordinators, planned, fingerprint)


def _roadmap_values(item: _Prepared, now: datetime) -> dict[str, Any]:
    roadmap = item.roadmap
    return {
        "slug": item.slug,
        "title": roadmap.title,
        "timezone": roadmap.timezone,
        "period_start": roadmap.period.start if roadmap.period else None,
        "period_end": roadmap.period.end if roadmap.period else None,
        "issuer": roadmap.issuer,
        "document_number": roadmap.document_number,
        "document_date": roadmap.document_date,
        "source": item.source,
        "fingerprint": item.fingerprint,
        "synced_at": now,
        "archived_at": None,
    }


_ACTIVITY_COLUMNS = (
    "roadmap_id",
    "key",
    "number",
    "section",
    "title",
    "result",
    "deadline",
    "rule",
    "kind",
    "position",
    "source_row",
    "fingerprint",
)


def _activity_row(roadmap_id: int, item: PlannedActivity) -> tuple[Any, ...]:
    values = _activity_values(roadmap_id, item)
    return tuple(values[column] for column in _ACTIVITY_COLUMNS)


def _activity_values(roadmap_id: int, item: PlannedActivity) -> dict[str, Any]:
    source = item.source
    return {
        "roadmap_id": roadmap_id,
        "key": item.key,
        "number": source.number,
        "section": source.section,
        "title": source.title,
        "result": source.result,
        "deadline": source.effective_phrase,
        "rule": source.expansion.rule if source.expansion else "",
        "kind": source.kind.value,
        "position": item.position,
        "source_row": source.source_row,
        "fingerprint": item.fingerprint,
        "archived_at": None,
    }


class _Writer:
    """The writes of one roadmap's sync, inside one transaction."""

    def __init__(
        self, conn: Connection, effective: EffectiveDue, now: datetime, report: FileReport
    ) -> None:
        self.conn = conn
        self.bulk = Bulk(conn)
        self.effective = effective
        self.now = now
        self.counts = report.counts
        self.history: list[dict[str, Any]] = []

    def roadmap(self, item: _Prepared) -> tuple[int, bool] | None:
        """Upsert the roadmap row: its id and whether it is new; ``None`` when unchanged."""
        row = self.conn.execute(
            select(RM.c.id, RM.c.fingerprint, RM.c.archived_at).where(RM.c.slug == item.slug)
        ).first()
        if row is not None and row.fingerprint == item.fingerprint and row.archived_at is None:
            return None
        values = _roadmap_values(item, self.now)
        if row is None:
            inserted = self.conn.execute(insert(RM).values(**values).returning(RM.c.id))
            roadmap_id = int(inserted.scalar_one())
        else:
            roadmap_id = int(row.id)
            self.conn.execute(update(RM).where(RM.c.id == roadmap_id).values(**values))
            self.conn.execute(delete(RC).where(RC.c.roadmap_id == roadmap_id))
        if item.coordinators:
            self.conn.execute(
                insert(RC),
                [
                    {"roadmap_id": roadmap_id, "executor_id": executor_id, "position": position}
                    for position, executor_id in enumerate(item.coordinators)
                ],
            )
        return roadmap_id, row is None

    def activities(self, roadmap_id: int, planned: list[PlannedActivity]) -> None:
        stored = {
            row.key: row
            for row in self.conn.execute(
                select(A.c.id, A.c.key, A.c.fingerprint, A.c.archived_at).where(
                    A.c.roadmap_id == roadmap_id
                )
            )
        }
        fresh: list[PlannedActivity] = []
        changed: list[tuple[int, PlannedActivity]] = []
        for item in planned:
            row = stored.get(item.key)
            if row is None:
                fresh.append(item)
            elif row.fingerprint != item.fingerprint or row.archived_at is not None:
                changed.append((int(row.id), item))
        wanted = {item.key for item in planned}
        gone = [
            int(row.id) for key, row in stored.items() if key not in wanted and not row.archived_at
        ]
        if gone:
            for part in batches(gone, CHUNK):
                self.conn.execute(update(A).where(A.c.id.in_(part)).values(archived_at=self.now))
            self.counts["activities archived"] += len(gone)
        if changed:
            self.conn.execute(
                update(A).where(A.c.id == bindparam("b_id")),
                [{"b_id": aid, **_activity_values(roadmap_id, item)} for aid, item in changed],
            )
            for part in batches([aid for aid, _item in changed], CHUNK):
                self.conn.execute(delete(AE).where(AE.c.activity_id.in_(part)))
            self.counts["activities updated"] += len(changed)
            self._reconcile(changed)
        if fresh:
            self.bulk.insert(
                A,
                _ACTIVITY_COLUMNS,
                [_activity_row(roadmap_id, item) for item in fresh],
            )
            ids: dict[str, int] = {
                key: aid
                for key, aid in self.conn.execute(
                    select(A.c.key, A.c.id).where(A.c.roadmap_id == roadmap_id)
                )
            }
            created = [(int(ids[item.key]), item) for item in fresh]
            self.counts["activities added"] += len(fresh)
            self._insert_occurrences(
                [(aid, occurrence) for aid, item in created for occurrence in item.occurrences]
            )
            changed += created
        self._links(changed)
        if self.history:
            self.conn.execute(insert(SC), self.history)

    def _links(self, items: list[tuple[int, PlannedActivity]]) -> None:
        rows = [
            (aid, position, name, executor_id, position == 0, stand_in)
            for aid, item in items
            for position, (name, executor_id, stand_in) in enumerate(item.links)
        ]
        self.bulk.insert(
            AE, ("activity_id", "position", "name", "executor_id", "lead", "stand_in"), rows
        )

    def _insert_occurrences(self, rows: list[tuple[int, PlannedOccurrence]]) -> None:
        if not rows:
            return
        effective, day = self.effective, self.bulk.day
        self.bulk.insert(
            OC,
            ("activity_id", "kind", "start", "due", "effective_due", "status"),
            [
                (aid, o.kind, day(o.start), day(o.due), day(effective(o.due)), "planned")
                for aid, o in rows
            ],
        )
        self.counts["occurrences added"] += len(rows)

    def _event(self, occurrence: Any, event: Event, **values: Any) -> None:
        self.history.append(
            {
                "occurrence_id": occurrence.id,
                "at": self.now,
                "actor": ACTOR,
                "event": event.value,
                "from_status": occurrence.status,
                "to_status": occurrence.status,
                "old_due": None,
                "new_due": None,
                "comment": None,
                **values,
            }
        )

    def _reconcile(self, changed: list[tuple[int, PlannedActivity]]) -> None:
        """Match stored occurrences of changed activities with the planned ones."""
        stored: dict[int, list[Any]] = defaultdict(list)
        for part in batches([aid for aid, _item in changed], CHUNK):
            for row in self.conn.execute(
                select(OC).where(OC.c.activity_id.in_(part)).order_by(OC.c.due, OC.c.id)
            ):
                stored[row.activity_id].append(row)
        updates: list[dict[str, Any]] = []
        archive: list[int] = []
        inserts: list[tuple[int, PlannedOccurrence]] = []
        for aid, item in changed:
            rows = stored.get(aid, [])
            # exact windows keep their rows (active first, then archived ones come back)
            by_window: dict[tuple[str, Any, Any], list[Any]] = defaultdict(list)
            for row in sorted(rows, key=lambda r: r.archived_at is not None):
                by_window[(row.kind, row.start, row.due)].append(row)
            leftover_new: list[PlannedOccurrence] = []
            used: set[int] = set()
            for occurrence in item.occurrences:
                matches = by_window.get((occurrence.kind, occurrence.start, occurrence.due))
                if matches:
                    row = matches.pop(0)
                    used.add(row.id)
                    if row.archived_at is not None:
                        updates.append(self._restore(row))
                    elif row.extended_due is None and row.effective_due != self.effective(row.due):
                        updates.append(self._values(row, row.start, row.due))
                else:
                    leftover_new.append(occurrence)
            leftover_old = [r for r in rows if r.id not in used and r.archived_at is None]
            # moved windows keep their rows, in order of due date within a kind
            for occurrence in list(leftover_new):
                same_kind = [r for r in leftover_old if r.kind == occurrence.kind]
                if not same_kind:
                    continue
                row = same_kind[0]
                leftover_old.remove(row)
                leftover_new.remove(occurrence)
                updates.append(self._values(row, occurrence.start, occurrence.due))
                self._event(row, Event.DATES, old_due=row.due, new_due=occurrence.due)
                self.counts["occurrences moved"] += 1
            for row in leftover_old:
                archive.append(row.id)
                self._event(row, Event.ARCHIVED, old_due=row.due)
            inserts += [(aid, occurrence) for occurrence in leftover_new]
        if updates:
            self.conn.execute(update(OC).where(OC.c.id == bindparam("b_id")), updates)
        for part in batches(archive, CHUNK):
            self.conn.execute(update(OC).where(OC.c.id.in_(part)).values(archived_at=self.now))
        if archive:
            self.counts["occurrences archived"] += len(archive)
        self._insert_occurrences(inserts)

    def _values(self, row: Any, start: Any, due: Any) -> dict[str, Any]:
        return {
            "b_id": row.id,
            "start": start,
            "due": due,
            "effective_due": self.effective(row.extended_due or due),
            "archived_at": None,
        }

    def _restore(self, row: Any) -> dict[str, Any]:
        self._event(row, Event.RESTORED, new_due=row.due)
        self.counts["occurrences restored"] += 1
        return self._values(row, row.start, row.due)


def sync_roadmap(
    engine: Engine,
    roadmap: Roadmap,
    source: str,
    directory: NameIndex,
    policy: SyncPolicy,
    now: datetime,
    *,
    calendar: WorkCalendar | None = None,
) -> FileReport:
    """Sync one roadmap in one transaction."""
    report = FileReport(path=source, slug=roadmap.slug or Path(source).stem)
    item = _prepare(roadmap, source, directory, policy, report)
    effective = EffectiveDue(calendar or russian_calendar(), policy.shift)
    _warn_unknown_years(item, calendar or russian_calendar(), report)
    with engine.begin() as conn:
        owner = conn.execute(
            select(RM.c.source).where(RM.c.slug == item.slug, RM.c.archived_at.is_(None))
        ).scalar()
        if owner is not None and owner != item.source and Path(owner).exists():
            raise InputError(f"roadmap {item.slug} is already synced from {owner}")
        writer = _Writer(conn, effective, now, report)
        upserted = writer.roadmap(item)
        if upserted is None:
            return report
        roadmap_id, created = upserted
        report.outcome = "created" if created else "updated"
        writer.activities(roadmap_id, item.activities)
    return report


def _warn_unknown_years(item: _Prepared, calendar: WorkCalendar, report: FileReport) -> None:
    years = {o.due.year for a in item.activities for o in a.occurrences}
    unknown = sorted(year for year in years if not calendar.is_known(year))
    if unknown:
        report.warnings.append(
            f"{report.path}: the production calendar has no transfers for "
            f"{', '.join(map(str, unknown))} yet; due dates there shift by weekends and "
            "fixed holidays only"
        )


def archive_missing(
    engine: Engine, folder: Path, present: Iterable[str], now: datetime
) -> list[str]:
    """Archive roadmaps synced from ``folder`` whose file is gone; returns their slugs."""
    keep = {str(Path(path).resolve()) for path in present}
    archived: list[str] = []
    with engine.begin() as conn:
        rows = conn.execute(
            select(RM.c.id, RM.c.slug, RM.c.source).where(RM.c.archived_at.is_(None))
        ).all()
        for row in rows:
            if not row.source:
                continue
            path = Path(row.source).resolve()
            if path.parent == folder.resolve() and str(path) not in keep and not path.exists():
                conn.execute(update(RM).where(RM.c.id == row.id).values(archived_at=now))
                archived.append(row.slug)
    return archived


def sync_directory(
    engine: Engine,
    folder: Path,
    *,
    load: Loader,
    executors_file: Path,
    policy: SyncPolicy,
    now: datetime,
) -> SyncReport:
    """Sync every ``*.toml`` schedule file in ``folder`` and the executors file."""
    if not folder.is_dir():
        raise InputError(f"no schedules folder {folder}", hint="give DIR or set [schedules] dir")
    report = SyncReport(executors=FileReport(path=str(executors_file)))
    try:
        if executors_file.exists():
            entries = load_executors(executors_file)
            if not entries:  # a file truncated while editing would archive every executor
                raise InputError(
                    f"{executors_file}: lists no [[executor]]; the executors in the database "
                    "are kept",
                    hint="restore the file, or remove it to match only stored executors",
                )
            report.executors.counts.update(sync_executors(engine, entries, now))
        else:
            report.executors.warnings.append(
                f"{executors_file}: no executors file; responsible names match only "
                "executors already in the database"
            )
    except TrackerError as error:
        report.executors.outcome, report.executors.error = "failed", str(error)
    except SQLAlchemyError as error:
        raise unreachable(engine, error) from None
    directory = load_name_index(engine)
    files = sorted(p for p in folder.glob("*.toml") if p.resolve() != executors_file.resolve())
    for path, roadmap in load_all(load, files):
        file_report = FileReport(path=str(path))
        if isinstance(roadmap, str):
            file_report.outcome, file_report.error = "failed", roadmap
            report.files.append(file_report)
            continue
        try:
            file_report = sync_roadmap(engine, roadmap, str(path), directory, policy, now)
        except TrackerError as error:
            file_report.outcome, file_report.error = "failed", str(error)
        except SQLAlchemyError as error:
            file_report.outcome, file_report.error = "failed", str(unreachable(engine, error))
        report.files.append(file_report)
    for slug in archive_missing(engine, folder, [str(p) for p in files], now):
        report.files.append(FileReport(path=slug, slug=slug, outcome="archived"))
    written = sum(sum(f.counts.values()) for f in report.files)
    if written >= ANALYZE_AFTER:
        analyze(engine)
    return report
