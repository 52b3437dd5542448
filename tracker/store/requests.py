"""Changes addressed by occurrence id (the web's item links), notes, and extension requests.

The web knows an occurrence by its id; :func:`change_status` and :func:`extend` take it as
``occurrence_id`` beside the ``ROADMAP:NUMBER`` reference (a due date alone cannot tell apart
two windows that a перенос срока made share a day), so every change still goes through those
two functions and their history rows.

A curator *asks* for a перенос срока (:func:`request_extension`); a coordinator approves it,
which calls :func:`extend` with the coordinator as the approver, or declines it. Asking,
declining and notes each add a history row too (events ``extension_requested``,
``extension_declined``, ``comment``). ``now`` is always a parameter.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update

from tracker.calendar import Shift, WorkCalendar
from tracker.errors import InputError, TrackerError
from tracker.store.changes import Change, change_status, extend
from tracker.store.models import Event, RequestState, Status
from tracker.store.tables import ACTIVITY as A
from tracker.store.tables import EXTENSION_REQUEST as ER
from tracker.store.tables import OCCURRENCE as OC
from tracker.store.tables import OPEN
from tracker.store.tables import ROADMAP as RM
from tracker.store.tables import STATUS_CHANGE as SC


@dataclass(frozen=True, slots=True)
class RequestView:
    """An extension request with the item it is about."""

    id: int
    occurrence_id: int
    roadmap: str
    roadmap_title: str
    key: str
    title: str
    requested_by: str
    recipient_key: str
    current_due: date
    new_due: date
    reason: str
    at: datetime
    state: str
    decided_by: str | None
    decided_at: datetime | None
    decision_comment: str | None
    status: str  # the occurrence's status now
    effective_due: date  # the occurrence's effective due now

    @property
    def ref(self) -> str:
        return f"{self.roadmap}:{self.key}"


def _occurrence(conn: Connection, occurrence_id: int) -> Any:
    row = conn.execute(
        select(
            OC.c.id,
            OC.c.activity_id,
            OC.c.due,
            OC.c.extended_due,
            OC.c.effective_due,
            OC.c.status,
            OC.c.archived_at,
            A.c.key,
            A.c.archived_at.label("activity_archived_at"),
            RM.c.slug,
            RM.c.archived_at.label("roadmap_archived_at"),
        )
        .select_from(OC.join(A, OC.c.activity_id == A.c.id).join(RM, A.c.roadmap_id == RM.c.id))
        .where(OC.c.id == occurrence_id)
    ).first()
    if row is None:
        raise InputError(f"no occurrence {occurrence_id}")
    if row.archived_at or row.activity_archived_at or row.roadmap_archived_at:
        raise InputError(f"{row.slug}:{row.key} due {row.due} is no longer in its roadmap")
    return row


def occurrence_ref(engine: Engine, occurrence_id: int) -> str:
    """The ``ROADMAP:NUMBER`` of a live occurrence, for the store's change functions."""
    with engine.connect() as conn:
        row = _occurrence(conn, occurrence_id)
    return f"{row.slug}:{row.key}"


def set_status(
    engine: Engine,
    occurrence_id: int,
    to: Status,
    *,
    now: datetime,
    actor: str,
    comment: str | None = None,
    completed_on: date | None = None,
) -> Change:
    """:func:`change_status` for one occurrence by id."""
    return change_status(
        engine,
        occurrence_ref(engine, occurrence_id),
        to,
        now=now,
        actor=actor,
        comment=comment,
        completed_on=completed_on,
        occurrence_id=occurrence_id,
    )


def add_note(
    engine: Engine, occurrence_id: int, *, actor: str, comment: str, now: datetime
) -> None:
    """A comment or a report link in the history; the status stays as it is."""
    if not comment.strip():
        raise InputError("an empty note")
    with engine.begin() as conn:
        row = _occurrence(conn, occurrence_id)
        conn.execute(
            insert(SC).values(
                occurrence_id=occurrence_id,
                at=now,
                actor=actor,
                event=Event.COMMENT.value,
                from_status=row.status,
                to_status=row.status,
                comment=comment.strip(),
            )
        )


def _views(conn: Connection, *where: Any) -> list[RequestView]:
    statement = (
        select(
            ER,
            RM.c.slug,
            RM.c.title.label("roadmap_title"),
            A.c.key,
            A.c.title,
            OC.c.status,
            OC.c.effective_due,
        )
        .select_from(
            ER.join(OC, ER.c.occurrence_id == OC.c.id)
            .join(A, OC.c.activity_id == A.c.id)
            .join(RM, A.c.roadmap_id == RM.c.id)
        )
        .where(*where)
        .order_by(ER.c.at, ER.c.id)
    )
    return [
        RequestView(
            id=r.id,
            occurrence_id=r.occurrence_id,
            roadmap=r.slug,
            roadmap_title=r.roadmap_title,
            key=r.key,
            title=r.title,
            requested_by=r.requested_by,
            recipient_key=r.recipient_key,
            current_due=r.current_due,
            new_due=r.new_due,
            reason=r.reason,
            at=r.at,
            state=r.state,
            decided_by=r.decided_by,
            decided_at=r.decided_at,
            decision_comment=r.decision_comment,
            status=r.status,
            effective_due=r.effective_due,
        )
        for r in conn.execute(statement)
    ]


def pending_request(engine: Engine, occurrence_id: int) -> RequestView | None:
    """The request of this occurrence that waits for a decision, if any."""
    with engine.connect() as conn:
        found = _views(
            conn, ER.c.occurrence_id == occurrence_id, ER.c.state == RequestState.PENDING.value
        )
    return found[-1] if found else None


def list_requests(
    engine: Engine,
    *,
    roadmaps: Collection[str] | None = None,
    state: RequestState | None = RequestState.PENDING,
    activity_id: int | None = None,
) -> list[RequestView]:
    """Requests, oldest first: of these roadmaps (``None``: all), in this state (``None``: any)."""
    where: list[Any] = []
    if roadmaps is not None:
        where.append(RM.c.slug.in_(list(roadmaps)))
    if state is not None:
        where.append(ER.c.state == state.value)
    if activity_id is not None:
        where.append(A.c.id == activity_id)
    with engine.connect() as conn:
        return _views(conn, *where)


def get_request(engine: Engine, request_id: int) -> RequestView:
    with engine.connect() as conn:
        found = _views(conn, ER.c.id == request_id)
    if not found:
        raise InputError(f"no extension request {request_id}")
    return found[0]


def request_extension(
    engine: Engine,
    occurrence_id: int,
    *,
    new_due: date,
    reason: str,
    requested_by: str,
    recipient_key: str,
    now: datetime,
) -> int:
    """Ask to move an open occurrence's due to ``new_due``; one pending request at a time."""
    if not reason.strip():
        raise InputError("an extension request needs a reason")
    with engine.begin() as conn:
        row = _occurrence(conn, occurrence_id)
        if row.status not in OPEN:
            raise InputError(f"{row.slug}:{row.key} due {row.due} is {row.status}")
        current = row.extended_due or row.due
        if new_due <= current:
            raise InputError(f"{row.slug}:{row.key} is already due {current}; ask for a later day")
        waiting = conn.execute(
            select(ER.c.id).where(
                ER.c.occurrence_id == occurrence_id, ER.c.state == RequestState.PENDING.value
            )
        ).first()
        if waiting is not None:
            raise InputError(f"{row.slug}:{row.key} already has a request waiting for a decision")
        inserted = conn.execute(
            insert(ER).values(
                occurrence_id=occurrence_id,
                requested_by=requested_by,
                recipient_key=recipient_key,
                current_due=current,
                new_due=new_due,
                reason=reason.strip(),
                at=now,
                state=RequestState.PENDING.value,
            )
        )
        assert inserted.inserted_primary_key is not None
        request_id = inserted.inserted_primary_key[0]
        conn.execute(
            insert(SC).values(
                occurrence_id=occurrence_id,
                at=now,
                actor=requested_by,
                event=Event.EXTENSION_REQUESTED.value,
                from_status=row.status,
                to_status=row.status,
                old_due=current,
                new_due=new_due,
                comment=reason.strip(),
            )
        )
    return int(request_id)


def _decide(
    conn: Connection, request: RequestView, state: RequestState, by: str, now: datetime, note: str
) -> None:
    done = conn.execute(
        update(ER)
        .where(ER.c.id == request.id, ER.c.state == RequestState.PENDING.value)
        .values(state=state.value, decided_by=by, decided_at=now, decision_comment=note or None)
    )
    if done.rowcount != 1:
        raise InputError(f"extension request {request.id} was decided already")


def approve_request(
    engine: Engine,
    request_id: int,
    *,
    by: str,
    now: datetime,
    shift: Shift,
    calendar: WorkCalendar | None = None,
) -> Change:
    """Approve: the store's :func:`extend` moves the due date and records it with ``by``."""
    request = get_request(engine, request_id)
    ref = occurrence_ref(engine, request.occurrence_id)
    with engine.begin() as conn:  # claim it first: of two deciders, one wins
        _decide(conn, request, RequestState.APPROVED, by, now, "")
    try:
        return extend(
            engine,
            ref,
            request.new_due,
            reason=f"{request.reason} (запрос: {request.requested_by})",
            approved_by=by,
            now=now,
            shift=shift,
            calendar=calendar,
            occurrence_id=request.occurrence_id,
        )
    except TrackerError:
        with engine.begin() as conn:
            conn.execute(
                update(ER)
                .where(ER.c.id == request.id, ER.c.state == RequestState.APPROVED.value)
                .values(state=RequestState.PENDING.value, decided_by=None, decided_at=None)
            )
        raise


def decline_request(
    engine: Engine, request_id: int, *, by: str, now: datetime, comment: str = ""
) -> None:
    """Decline: the due date stays; the history says who declined and why."""
    request = get_request(engine, request_id)
    with engine.begin() as conn:
        _decide(conn, request, RequestState.DECLINED, by, now, comment.strip())
        conn.execute(
            insert(SC).values(
                occurrence_id=request.occurrence_id,
                at=now,
                actor=by,
                event=Event.EXTENSION_DECLINED.value,
                from_status=request.status,
                to_status=request.status,
                old_due=request.current_due,
                new_due=request.new_due,
                comment=comment.strip() or None,
            )
        )
