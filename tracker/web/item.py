"""What the curator page shows about one occurrence, and whose link opened it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select

from tracker.store.models import Status
from tracker.store.status import LABELS, days_late, derive_state, executor_labels
from tracker.store.tables import ACTIVITY as A
from tracker.store.tables import EXECUTOR as EX
from tracker.store.tables import OCCURRENCE as OC
from tracker.store.tables import OPEN
from tracker.store.tables import ROADMAP as RM
from tracker.store.tables import STATUS_CHANGE as SC


@dataclass(frozen=True, slots=True)
class ItemView:
    occurrence_id: int
    roadmap: str
    roadmap_title: str
    timezone: str
    activity_id: int
    key: str
    number: str
    section: str | None
    title: str
    result: str | None
    deadline: str
    occurrence_kind: str
    start: date | None
    due: date
    extended_due: date | None
    effective_due: date
    status: str
    completed_on: date | None
    archived: bool
    executors: tuple[str, ...]
    today: date
    state: str

    @property
    def ref(self) -> str:
        return f"{self.roadmap}:{self.key}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN and not self.archived

    @property
    def can_start(self) -> bool:
        return self.is_open and self.status == Status.PLANNED.value

    @property
    def state_label(self) -> str:
        return LABELS.get(self.state, self.state)

    @property
    def days_late(self) -> int | None:
        return days_late(self.effective_due, self.completed_on, self.state, self.today)


@dataclass(frozen=True, slots=True)
class Note:
    """One history row of the occurrence, for the page."""

    at: datetime
    actor: str
    event: str
    from_status: str | None
    to_status: str | None
    old_due: date | None
    new_due: date | None
    comment: str | None


def load_item(
    engine: Engine, occurrence_id: int, now: datetime, due_soon_days: int
) -> ItemView | None:
    """The occurrence as the curator sees it, or ``None`` when there is no such row."""
    statement = (
        select(
            OC,
            RM.c.slug,
            RM.c.title.label("roadmap_title"),
            RM.c.timezone,
            RM.c.archived_at.label("roadmap_archived_at"),
            A.c.key,
            A.c.number,
            A.c.section,
            A.c.title,
            A.c.result,
            A.c.deadline,
            A.c.archived_at.label("activity_archived_at"),
        )
        .select_from(OC.join(A, OC.c.activity_id == A.c.id).join(RM, A.c.roadmap_id == RM.c.id))
        .where(OC.c.id == occurrence_id)
    )
    with engine.connect() as conn:
        row = conn.execute(statement).first()
    if row is None:
        return None
    today = now.astimezone(ZoneInfo(row.timezone)).date()
    return ItemView(
        occurrence_id=row.id,
        roadmap=row.slug,
        roadmap_title=row.roadmap_title,
        timezone=row.timezone,
        activity_id=row.activity_id,
        key=row.key,
        number=row.number,
        section=row.section,
        title=row.title,
        result=row.result,
        deadline=row.deadline,
        occurrence_kind=row.kind,
        start=row.start,
        due=row.due,
        extended_due=row.extended_due,
        effective_due=row.effective_due,
        status=row.status,
        completed_on=row.completed_on,
        archived=bool(row.archived_at or row.activity_archived_at or row.roadmap_archived_at),
        executors=executor_labels(engine, [row.activity_id]).get(row.activity_id, ()),
        today=today,
        state=derive_state(row.status, row.effective_due, today, due_soon_days),
    )


def occurrence_notes(engine: Engine, occurrence_id: int) -> list[Note]:
    """The occurrence's history, newest first."""
    statement = (
        select(SC)
        .where(SC.c.occurrence_id == occurrence_id)
        .order_by(SC.c.at.desc(), SC.c.id.desc())
    )
    with engine.connect() as conn:
        return [
            Note(
                r.at, r.actor, r.event, r.from_status, r.to_status, r.old_due, r.new_due, r.comment
            )
            for r in conn.execute(statement)
        ]


def recipient_name(engine: Engine, recipient_key: str) -> str:
    """Whom a link was made for: the executor's name, or the bare address."""
    kind, _sep, value = recipient_key.partition(":")
    if kind == "executor" and value.isdigit():
        with engine.connect() as conn:
            name = conn.execute(select(EX.c.name).where(EX.c.id == int(value))).scalar()
        if name:
            return str(name)
    return value or recipient_key
