"""What people record: start, done, cancel, перенос срока, and the history of an activity.

Each change is one transaction: the occurrence is updated only if its status is still the one
read (so two people cannot both move it), and a ``status_change`` row records who, when, from,
to and why. ``now`` is a parameter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, insert, or_, select, update

from tracker.calendar import Shift, WorkCalendar, russian_calendar
from tracker.errors import InputError, StoreError, UsageError
from tracker.store.models import Event, Status
from tracker.store.status import days_late
from tracker.store.tables import ACTIVITY as A
from tracker.store.tables import EXTENSION as EXT
from tracker.store.tables import OCCURRENCE as OC
from tracker.store.tables import OPEN
from tracker.store.tables import ROADMAP as RM
from tracker.store.tables import STATUS_CHANGE as SC

#: Which statuses each target may be reached from.
TRANSITIONS: dict[Status, tuple[Status, ...]] = {
    Status.IN_PROGRESS: (Status.PLANNED,),
    Status.DONE: (Status.PLANNED, Status.IN_PROGRESS),
    Status.CANCELLED: (Status.PLANNED, Status.IN_PROGRESS),
    Status.PLANNED: (Status.DONE, Status.CANCELLED),  # reopen: undo a done or cancelled mark
}


@dataclass(frozen=True, slots=True)
class Target:
    """The activity a ``ROADMAP:NUMBER`` reference names."""

    roadmap: str
    timezone: str
    activity_id: int
    key: str
    title: str


@dataclass(frozen=True, slots=True)
class Change:
    """What a change did, for the command to report."""

    target: Target
    occurrence_id: int
    start: date | None
    due: date
    effective_due: date
    from_status: str
    to_status: str
    picked: bool  # True when the earliest open occurrence was taken (no --due)
    completed_on: date | None = None
    new_due: date | None = None
    new_effective_due: date | None = None

    @property
    def days_late(self) -> int | None:
        return days_late(self.effective_due, self.completed_on)


@dataclass(frozen=True, slots=True)
class HistoryRow:
    at: datetime
    due: date
    actor: str
    event: str
    from_status: str | None
    to_status: str | None
    old_due: date | None
    new_due: date | None
    comment: str | None

    def to_json(self) -> dict[str, object]:
        def iso(day: date | None) -> str | None:
            return day.isoformat() if day else None

        return {
            "at": self.at.isoformat(),
            "occurrence_due": self.due.isoformat(),
            "actor": self.actor,
            "event": self.event,
            "from": self.from_status,
            "to": self.to_status,
            "old_due": iso(self.old_due),
            "new_due": iso(self.new_due),
            "comment": self.comment,
        }


def resolve(conn: Connection, ref: str) -> Target:
    """``ROADMAP:NUMBER`` → the activity; a bare number in a qualified roadmap is accepted
    when it is unambiguous («3» for «II.3»)."""
    slug, sep, key = ref.partition(":")
    if not sep or not slug or not key:
        raise UsageError(f"bad reference {ref!r}", hint="write ROADMAP:NUMBER, e.g. pelym-2020:1.2")
    roadmap = conn.execute(
        select(RM.c.id, RM.c.timezone).where(RM.c.slug == slug, RM.c.archived_at.is_(None))
    ).first()
    if roadmap is None:
        raise InputError(f"no roadmap {slug!r}")
    rows = conn.execute(
        select(A.c.id, A.c.key, A.c.title)
        .where(A.c.roadmap_id == roadmap.id, A.c.archived_at.is_(None))
        .where(or_(A.c.key == key, A.c.key.like(f"%.{key}"), A.c.number == key))
        .order_by(A.c.position)
    ).all()
    exact = [row for row in rows if row.key == key]
    found = exact or rows
    if not found:
        raise InputError(f"no activity {key!r} in {slug}")
    if len(found) > 1:
        keys = ", ".join(f"{slug}:{row.key}" for row in found)
        raise InputError(f"{ref} is ambiguous: {keys}")
    row = found[0]
    return Target(slug, roadmap.timezone, int(row.id), row.key, row.title)


def _pick(
    conn: Connection, target: Target, due: date | None, occurrence_id: int | None = None
) -> tuple[Any, bool]:
    base = select(OC).where(OC.c.activity_id == target.activity_id, OC.c.archived_at.is_(None))
    if occurrence_id is not None:  # the web's item links know the very row
        row = conn.execute(base.where(OC.c.id == occurrence_id)).first()
        if row is None:
            raise InputError(f"{target.roadmap}:{target.key} has no occurrence {occurrence_id}")
        return row, False
    if due is not None:
        row = conn.execute(
            base.where(or_(OC.c.due == due, OC.c.effective_due == due, OC.c.extended_due == due))
            .order_by(OC.c.effective_due, OC.c.id)
            .limit(1)
        ).first()
        if row is None:
            raise InputError(f"{target.roadmap}:{target.key} has no occurrence due {due}")
        return row, False
    row = conn.execute(
        base.where(OC.c.status.in_(OPEN)).order_by(OC.c.effective_due, OC.c.id).limit(1)
    ).first()
    if row is None:
        raise InputError(
            f"{target.roadmap}:{target.key} has no open occurrence",
            hint="give --due DATE to pick one",
        )
    return row, True


def _history(
    conn: Connection, occurrence_id: int, now: datetime, actor: str, **values: Any
) -> None:
    conn.execute(insert(SC).values(occurrence_id=occurrence_id, at=now, actor=actor, **values))


def _guarded_update(conn: Connection, row: Any, **values: Any) -> None:
    result = conn.execute(
        update(OC).where(OC.c.id == row.id, OC.c.status == row.status).values(**values)
    )
    if result.rowcount != 1:
        raise StoreError("the occurrence changed while this command ran", hint="run it again")


def change_status(
    engine: Engine,
    ref: str,
    to: Status,
    *,
    now: datetime,
    actor: str,
    due: date | None = None,
    comment: str | None = None,
    completed_on: date | None = None,
    occurrence_id: int | None = None,
) -> Change:
    """Move an occurrence to ``to`` (in_progress, done or cancelled) and record it.

    ``occurrence_id`` (instead of ``due``) names the occurrence exactly, as item links do.
    """
    with engine.begin() as conn:
        target = resolve(conn, ref)
        row, picked = _pick(conn, target, due, occurrence_id)
        if row.status not in TRANSITIONS[to]:
            raise InputError(
                f"{target.roadmap}:{target.key} due {row.effective_due} is {row.status}; "
                f"it cannot become {to.value}",
                hint=None if picked else "pick another occurrence with --due DATE",
            )
        done_on = None
        if to is Status.DONE:
            today = now.astimezone(ZoneInfo(target.timezone)).date()
            if completed_on is not None and completed_on > today:
                raise InputError(
                    f"дата выполнения позже сегодняшней: {completed_on:%d.%m.%Y} > {today:%d.%m.%Y}"
                )
            done_on = completed_on or today
        _guarded_update(conn, row, status=to.value, completed_on=done_on)
        _history(
            conn,
            row.id,
            now,
            actor,
            event=Event.STATUS.value,
            from_status=row.status,
            to_status=to.value,
            comment=comment,
        )
    return Change(
        target,
        row.id,
        row.start,
        row.due,
        row.effective_due,
        row.status,
        to.value,
        picked,
        completed_on=done_on,
    )


def reopen(
    engine: Engine,
    ref: str,
    *,
    now: datetime,
    actor: str,
    due: date | None = None,
    comment: str | None = None,
) -> Change:
    """Undo a done or cancelled mark: the occurrence is planned again, its completion date
    cleared, and the history says who did it. Without ``due`` it takes the occurrence whose
    done or cancelled mark was recorded last."""
    occurrence_id = None
    if due is None:
        closed = (Status.DONE.value, Status.CANCELLED.value)
        with engine.connect() as conn:
            target = resolve(conn, ref)
            occurrence_id = conn.execute(
                select(OC.c.id)
                .select_from(OC.outerjoin(SC, SC.c.occurrence_id == OC.c.id))
                .where(
                    OC.c.activity_id == target.activity_id,
                    OC.c.archived_at.is_(None),
                    OC.c.status.in_(closed),
                )
                .order_by(SC.c.at.desc().nulls_last(), SC.c.id.desc(), OC.c.effective_due.desc())
                .limit(1)
            ).scalar()
            if occurrence_id is None:
                raise InputError(f"{target.roadmap}:{target.key} has nothing done or cancelled")
    return change_status(
        engine,
        ref,
        Status.PLANNED,
        now=now,
        actor=actor,
        due=due,
        comment=comment,
        occurrence_id=occurrence_id,
    )


def extend(
    engine: Engine,
    ref: str,
    new_due: date,
    *,
    reason: str,
    approved_by: str,
    now: datetime,
    shift: Shift,
    due: date | None = None,
    calendar: WorkCalendar | None = None,
    occurrence_id: int | None = None,
) -> Change:
    """Перенос срока: record the extension and move the occurrence's effective due."""
    if not reason.strip():
        raise UsageError("an extension needs a reason", hint="--reason TEXT")
    with engine.begin() as conn:
        target = resolve(conn, ref)
        row, picked = _pick(conn, target, due, occurrence_id)
        if row.status not in OPEN:
            raise InputError(f"{target.roadmap}:{target.key} due {row.due} is {row.status}")
        current = row.extended_due or row.due
        if new_due == current:
            raise InputError(f"{target.roadmap}:{target.key} is already due {new_due}")
        effective = (calendar or russian_calendar()).shift(new_due, shift)
        _guarded_update(conn, row, extended_due=new_due, effective_due=effective)
        conn.execute(
            insert(EXT).values(
                occurrence_id=row.id,
                original_due=current,
                new_due=new_due,
                approved_by=approved_by,
                reason=reason,
                at=now,
            )
        )
        _history(
            conn,
            row.id,
            now,
            approved_by,
            event=Event.EXTENDED.value,
            from_status=row.status,
            to_status=row.status,
            old_due=current,
            new_due=new_due,
            comment=reason,
        )
    return Change(
        target,
        row.id,
        row.start,
        row.due,
        row.effective_due,
        row.status,
        row.status,
        picked,
        new_due=new_due,
        new_effective_due=effective,
    )


def history(engine: Engine, ref: str, due: date | None = None) -> tuple[Target, list[HistoryRow]]:
    """Every history row of an activity (or of one occurrence with ``due``), oldest first."""
    with engine.connect() as conn:
        target = resolve(conn, ref)
        statement = (
            select(SC, OC.c.due.label("occurrence_due"))
            .select_from(SC.join(OC, SC.c.occurrence_id == OC.c.id))
            .where(OC.c.activity_id == target.activity_id)
            .order_by(SC.c.at, SC.c.id)
        )
        if due is not None:
            row, _picked = _pick(conn, target, due)
            statement = statement.where(OC.c.id == row.id)
        rows = [
            HistoryRow(
                at=r.at,
                due=r.occurrence_due,
                actor=r.actor,
                event=r.event,
                from_status=r.from_status,
                to_status=r.to_status,
                old_due=r.old_due,
                new_due=r.new_due,
                comment=r.comment,
            )
            for r in conn.execute(statement)
        ]
    return target, rows
