"""The pure data of reminders: who is told what about which item, and when.

Everything here is a frozen dataclass with no behaviour beyond small derived values, shared by
the policy (:mod:`tracker.notify.policy`), the messages (:mod:`tracker.notify.render`), the
planning glue (:mod:`tracker.notify.remind`) and the outbox.

A :class:`Notification` is one fact to tell one person («reminder 3 days before the due date of
occurrence 42, to executor 7»). Its :attr:`~Notification.key` is unique in the ``notification``
table, so it is made once whoever plans it. A :class:`Batch` is what becomes one e-mail: all the
notifications of one recipient for one of their local days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tracker.store.discipline import Discipline


class MessageKind(StrEnum):
    """What a message is about; also the template name (``templates/{kind}.txt.j2`` …)."""

    REMINDER = "reminder"  # before the window opens, before the due date
    DUE_TODAY = "due_today"
    OVERDUE = "overdue"  # to the executors, every [policy] overdue_every_days
    ESCALATION = "escalation"  # to the roadmap's coordinators, after escalate_after_days
    CHECKIN = "checkin"  # a continuous activity's periodic report
    DIGEST = "digest"  # the coordinators' and admins' weekly summary
    TEST = "test"  # `tracker send-test`

    @property
    def urgency(self) -> int:
        """Higher is more urgent: escalation > overdue > due_today > reminder > checkin."""
        return URGENCY[self]


#: Urgency of each kind; a grouped message takes the kind of its most urgent part.
URGENCY: dict[MessageKind, int] = {
    MessageKind.ESCALATION: 5,
    MessageKind.OVERDUE: 4,
    MessageKind.DUE_TODAY: 3,
    MessageKind.REMINDER: 2,
    MessageKind.CHECKIN: 1,
    MessageKind.DIGEST: 0,
    MessageKind.TEST: 0,
}

#: Kinds that are about items and may share one message; digests and tests go alone.
ITEM_KINDS: tuple[MessageKind, ...] = (
    MessageKind.ESCALATION,
    MessageKind.OVERDUE,
    MessageKind.DUE_TODAY,
    MessageKind.REMINDER,
    MessageKind.CHECKIN,
)


@dataclass(frozen=True, slots=True)
class Person:
    """Someone a message goes to.

    ``key`` is ``"executor:<id>"`` for an executor of ``schedules/executors.toml`` or
    ``"address:<email>"`` for an admin named only by address in ``[mail] admins``.
    ``timezone`` (IANA) decides the recipient's sending hours and local day. ``organisation``
    only changes the greeting («Уважаемые коллеги!» instead of «Уважаемый(ая) …»).
    """

    key: str
    name: str
    emails: tuple[str, ...]
    timezone: str
    executor_id: int | None = None
    organisation: bool = False

    @classmethod
    def executor(
        cls,
        executor_id: int,
        name: str,
        emails: tuple[str, ...],
        timezone: str,
        *,
        organisation: bool = False,
    ) -> Person:
        """An executor of the store, keyed ``executor:<id>``."""
        return cls(executor_key(executor_id), name, emails, timezone, executor_id, organisation)

    @classmethod
    def address(cls, email: str, timezone: str, name: str = "") -> Person:
        """An admin known only by address, keyed ``address:<email>``."""
        return cls(f"address:{email.lower()}", name or email, (email,), timezone)


@dataclass(frozen=True, slots=True)
class ItemFacts:
    """One occurrence (or one unscheduled activity) as the policy and the messages see it.

    Dates are civil dates of the roadmap, whose zone is ``timezone``. ``effective_due`` is the
    due date after перенос срока and the shift policy: reminders count from it. Unscheduled
    activities («нужны сроки») have ``occurrence_id``, ``occurrence_kind``, ``due``,
    ``effective_due`` and ``status`` set to ``None``; they reach people only through the digest.
    ``executors`` lists the lead executor first; ``coordinators`` are the roadmap's.
    """

    occurrence_id: int | None
    roadmap: str
    roadmap_title: str
    timezone: str
    number: str
    title: str
    section: str | None
    result: str | None
    occurrence_kind: str | None  # "window" | "checkin"; None when unscheduled
    activity_kind: str  # once | recurring | continuous | unscheduled | error
    start: date | None
    due: date | None
    effective_due: date | None
    status: str | None  # planned | in_progress | done | cancelled
    completed_on: date | None
    executors: tuple[Person, ...] = ()
    coordinators: tuple[Person, ...] = ()

    @property
    def is_open(self) -> bool:
        """Planned or in progress: the only items anyone is reminded about."""
        return self.status in ("planned", "in_progress")

    @property
    def is_checkin(self) -> bool:
        return self.occurrence_kind == "checkin"

    @property
    def days_late(self) -> int | None:
        """Days the item was done after its effective due, when it was done late."""
        if self.completed_on is None or self.effective_due is None:
            return None
        late = (self.completed_on - self.effective_due).days
        return late if late > 0 else None


def notification_key(
    kind: MessageKind, stage: str, occurrence_id: int | None, recipient_key: str
) -> str:
    """``{kind}:{stage}:{occurrence_id or '-'}:{recipient_key}``: unique in ``notification``."""
    occurrence = "-" if occurrence_id is None else str(occurrence_id)
    return f"{kind.value}:{stage}:{occurrence}:{recipient_key}"


def executor_key(executor_id: int) -> str:
    """The recipient key of an executor of the store: ``executor:<id>``."""
    return f"executor:{executor_id}"


_KIND_CODES = {
    "reminder": 0, "due_today": 1, "overdue": 2, "escalation": 3, "checkin": 4,
}  # fmt: skip


def stage_code(kind: MessageKind, stage: str) -> int:
    """An item notification's kind and stage as one integer, unique per (kind, stage): with the
    occurrence and the recipient it is the notification's stored key (a unique index of three
    integers, not a formatted string; :func:`notification_key` remains the key in memory).

    ``start-N@D``, ``due-N@D``, ``due@D`` and ``K@D`` (see :mod:`tracker.notify.policy`):
    the kind (3 bits), the form (2 bits), N or K (16 bits) and the date's ordinal (20 bits).
    """
    head, _, day = stage.partition("@")
    ordinal = date.fromisoformat(day).toordinal()
    if head.startswith("start-"):
        form, number = 0, int(head[6:])
    elif head.startswith("due-"):
        form, number = 1, int(head[4:])
    elif head == "due":
        form, number = 2, 0
    else:
        form, number = 3, int(head)
    if not 0 <= number < 1 << 16:
        raise ValueError(f"stage {stage!r}: its number is out of range")
    return (((_KIND_CODES[kind.value] << 2 | form) << 16 | number) << 20) | ordinal


def stage_of_code(code: int) -> tuple[MessageKind, str]:
    """The kind and stage of a :func:`stage_code` (its inverse)."""
    ordinal = code & (1 << 20) - 1
    number = code >> 20 & (1 << 16) - 1
    form = code >> 36 & 3
    kind = next(name for name, value in _KIND_CODES.items() if value == code >> 38)
    day = date.fromordinal(ordinal).isoformat()
    head = ("start-{n}", "due-{n}", "due", "{n}")[form].format(n=number)
    return MessageKind(kind), f"{head}@{day}"


@dataclass(frozen=True, slots=True)
class Notification:
    """One thing to tell one person, made once (its ``key`` is unique).

    ``stage`` names the step of the policy (see :mod:`tracker.notify.policy`: ``due-3@2025-03-31``,
    ``2@2025-03-31``, ``2025-W03`` …). ``day`` is the recipient-local day of ``send_at``; the
    message of that day groups every notification of the recipient. ``send_at`` (UTC, aware) is
    within the recipient's sending hours on a working day. ``expires_at`` is when the
    notification loses its use (a later stage superseded it): the sender marks a row still unsent
    then as superseded instead of sending it late. Build it with :meth:`make`.
    """

    key: str
    occurrence_id: int | None
    recipient: Person
    kind: MessageKind
    stage: str
    day: date
    send_at: datetime
    expires_at: datetime | None = None

    def __post_init__(self) -> None:
        expected = notification_key(self.kind, self.stage, self.occurrence_id, self.recipient.key)
        if self.key != expected:
            raise ValueError(f"notification key {self.key!r} should be {expected!r}")
        if self.send_at.tzinfo is None:
            raise ValueError("send_at must be time-zone aware")

    @classmethod
    def make(
        cls,
        kind: MessageKind,
        stage: str,
        occurrence_id: int | None,
        recipient: Person,
        *,
        day: date,
        send_at: datetime,
        expires_at: datetime | None = None,
    ) -> Notification:
        """A notification whose key is derived from its kind, stage, occurrence and recipient."""
        key = notification_key(kind, stage, occurrence_id, recipient.key)
        return cls(key, occurrence_id, recipient, kind, stage, day, send_at, expires_at)


@dataclass(frozen=True, slots=True)
class Batch:
    """One e-mail: every notification of one recipient for one local day.

    ``kind`` is the most urgent kind among ``notifications``, which are sorted most urgent
    first, then by key. ``send_at`` is the latest ``send_at`` of its parts; ``expires_at`` the
    latest expiry, or ``None`` when any part never expires: the message loses its use only when
    all its parts have.
    """

    recipient: Person
    day: date
    kind: MessageKind
    notifications: tuple[Notification, ...]
    send_at: datetime
    expires_at: datetime | None = None

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(n.key for n in self.notifications)

    @property
    def key(self) -> str:
        """A key for the message: the key of its first (most urgent) notification."""
        return self.notifications[0].key


@dataclass(frozen=True, slots=True)
class RoadmapRef:
    """A roadmap named in a digest."""

    slug: str
    title: str


@dataclass(frozen=True, slots=True)
class FailureFacts:
    """A message that could not be delivered (permanently), for the digest."""

    recipient: str  # the address or the person's name
    subject: str
    error: str
    at: datetime


@dataclass(frozen=True, slots=True)
class DigestFacts:
    """What one coordinator's (or admin's) weekly digest covers, gathered by the glue.

    ``day`` is the recipient-local day the digest is for; ``since`` the first day of the period
    ``done_late`` covers (the previous digest, by default 7 days before ``day``). Items are
    :class:`ItemFacts`: ``overdue`` (grouped by lead executor in the message), ``due_soon``
    (due within ``[policy] due_soon_days`` of ``day``), ``done_late`` (done after their due
    date, since ``since``), ``needs_dates`` (unscheduled activities, «нужны сроки») and
    ``failures`` (messages that could not be delivered).
    """

    recipient: Person
    day: date
    since: date
    roadmaps: tuple[RoadmapRef, ...] = ()
    overdue: tuple[ItemFacts, ...] = ()
    due_soon: tuple[ItemFacts, ...] = ()
    done_late: tuple[ItemFacts, ...] = ()
    needs_dates: tuple[ItemFacts, ...] = ()
    failures: tuple[FailureFacts, ...] = ()
    discipline: Discipline | None = None  # the figures per executor, as on the board
    board_url: str = ""  # [web] base_url: the overdue activities link to their board pages

    @property
    def is_empty(self) -> bool:
        return not (
            self.overdue or self.due_soon or self.done_late or self.needs_dates or self.failures
        )
