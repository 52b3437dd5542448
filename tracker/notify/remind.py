"""One planning pass: store → policy → notifications → messages → outbox.

:func:`plan_pass` reads the occurrences that may have a new reminder stage at ``now`` (see
:mod:`tracker.notify.facts`) and records the notifications the pure policy makes for them (a
key already made — by an earlier pass or by another planner at the same moment — is skipped).
Then every recorded notification whose sending time has come and that is still of use joins the
one message of its recipient's day, which is rendered and queued in one transaction (rolled
back when another planner took any of its notifications first). Running the pass twice for the
same moment makes nothing the second time; two planners at once never make a notification
twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, and_, or_, select, update

from tracker.calendar import WorkCalendar, russian_calendar
from tracker.config import Settings
from tracker.notify import facts
from tracker.notify.model import (
    Batch,
    DigestFacts,
    FailureFacts,
    ItemFacts,
    MessageKind,
    Notification,
    Person,
    RoadmapRef,
)
from tracker.notify.outbox import (
    OutboxMessage,
    failures_since,
    insert_notifications,
    insert_outbox,
    upsert_insert,
    write_transaction,
)
from tracker.notify.policy import (
    LOOKBACK_DAYS,
    calendar_warnings,
    digest_notifications,
    group,
    plan,
    years_in_use,
)
from tracker.notify.render import (
    Renderer,
    context_for_batch,
    context_for_digest,
    resolve_templates_dir,
)
from tracker.store.tables import ACTIVITY as A
from tracker.store.tables import NOTIFICATION as NT
from tracker.store.tables import OCCURRENCE as OC
from tracker.store.tables import OPEN_PREDICATE
from tracker.store.tables import PLANNER_MARK as PM

#: The name of the planner's mark in ``planner_mark``.
MARK = "reminders"

#: A per-item link for a recipient (the web issue signs them), or None for no link.
LinkMaker = Callable[[Notification, ItemFacts], str | None]


@dataclass(frozen=True, slots=True)
class Planned:
    """One message queued (or, in a dry run, that would be)."""

    outbox_id: int | None
    kind: str
    recipient: str
    to: tuple[str, ...]
    subject: str
    items: int
    send_at: datetime


@dataclass(slots=True)
class PlanReport:
    """What a planning pass made."""

    now: datetime
    dry_run: bool = False
    messages: list[Planned] = field(default_factory=list)
    notifications: int = 0
    examined: int = 0
    taken: int = 0  # notifications another planner made first
    deferred: int = 0  # due, but outside the recipient's sending hours: made in them
    warnings: list[str] = field(default_factory=list)

    @property
    def made(self) -> int:
        """Messages queued."""
        return len(self.messages)

    def lines(self) -> list[str]:
        verb = "would queue" if self.dry_run else "queued"
        out = [
            f"{verb} {message.kind} to {message.recipient} <{', '.join(message.to)}>: "
            f"«{message.subject}» ({message.items} item{'s' if message.items != 1 else ''}, "
            f"from {message.send_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC)"
            for message in self.messages
        ]
        out += [f"warning: {warning}" for warning in self.warnings]
        deferred = f", {self.deferred} wait for sending hours" if self.deferred else ""
        out.append(
            f"plan: {self.notifications} notifications in {self.made} messages "
            f"({self.examined} occurrences examined{deferred})"
        )
        return out


def plan_pass(
    engine: Engine,
    settings: Settings,
    now: datetime,
    *,
    calendar: WorkCalendar | None = None,
    dry_run: bool = False,
    renderer: Renderer | None = None,
    link_maker: LinkMaker | None = None,
) -> PlanReport:
    """Record the notifications due at ``now`` and queue the messages whose time has come.

    Two steps. *Record*: the policy decides, for the occurrences with a newly ready stage,
    which notifications to make; they are inserted into ``notification`` (a key already made
    is skipped). *Compose*: every recorded notification not yet in a message whose
    ``send_at`` has come (inside the recipient's sending hours) and that is still of use (not
    expired, its item still open) joins the one message of its recipient's day, which is
    rendered and queued in the outbox in one transaction.
    """
    if now.tzinfo is None:
        raise ValueError("now must be time-zone aware")
    now = now.astimezone(UTC)
    calendar = calendar or russian_calendar()
    renderer = renderer or Renderer(resolve_templates_dir(settings.mail.templates))
    report = PlanReport(now=now, dry_run=dry_run)
    link_maker = link_maker if link_maker is not None else item_links(engine, settings, now)
    with _session(engine, dry_run) as conn:
        directory = facts.load_directory(conn, settings)
        notifications = _decide(conn, directory, settings, now, calendar, report)
        for index in range(0, len(notifications), RECORD_CHUNK):
            part = notifications[index : index + RECORD_CHUNK]
            with _transaction(conn, engine, dry_run) as tx:
                new = insert_notifications(tx, part, now=now)
            report.notifications += len(new)
            report.taken += len(part) - len(new)
        if not dry_run:
            _set_mark(engine, now)
        with _reader(conn, engine, dry_run) as reader:
            batches, items = _waiting(reader, directory, now)
            for batch in batches:
                _compose(reader, engine, settings, batch, items, directory, renderer,
                         link_maker, report, dry_run)  # fmt: skip
    return report


#: Notifications inserted per transaction.
RECORD_CHUNK = 500


def _decide(
    conn: Connection,
    directory: facts.Directory,
    settings: Settings,
    now: datetime,
    calendar: WorkCalendar,
    report: PlanReport,
) -> list[Notification]:
    """What the policy makes at ``now`` for occurrences with a stage ready since the mark."""
    policy = settings.policy
    since = _mark(conn) or now - timedelta(days=LOOKBACK_DAYS)
    roadmap_zones, people_zones = directory.zones()
    pairs = [(r, p) for r in roadmap_zones for p in people_zones]
    dates = facts.stage_dates(
        facts.ready_days(since, now, pairs, policy, calendar), policy, calendar
    )
    notifications: list[Notification] = []
    years: set[int] = set()
    for chunk in facts.candidates(conn, directory, dates):
        report.examined += len(chunk)
        made = facts.made_keys(conn, [item.occurrence_id for item in chunk if item.occurrence_id])
        notifications += plan(chunk, made, now, policy, calendar)
        years.update(years_in_use(chunk, now))
    made_digests = facts.made_digest_keys(conn, (now - timedelta(days=LOOKBACK_DAYS)).date())
    notifications += digest_notifications(
        _digest_recipients(directory), made_digests, now, policy, calendar
    )
    report.warnings += calendar_warnings(years or years_in_use((), now), calendar)
    report.warnings += _unreachable(notifications)
    reachable = [n for n in notifications if n.recipient.emails]
    report.deferred = sum(1 for n in reachable if n.send_at > now)
    return reachable


@contextmanager
def _reader(conn: Connection, engine: Engine, dry_run: bool) -> Iterator[Connection]:
    """A connection that sees what was just recorded: a fresh one (a read transaction begun
    earlier keeps its old snapshot), or in a dry run the pass's own."""
    if dry_run:
        yield conn
        return
    with engine.connect() as fresh:
        yield fresh


def _waiting(
    conn: Connection, directory: facts.Directory, now: datetime
) -> tuple[list[Batch], dict[int, ItemFacts]]:
    """Recorded notifications not yet in a message whose time has come, still of use, as one
    batch per recipient per local day; and the facts of their items."""
    statement = select(NT).where(
        NT.c.outbox_id.is_(None),
        NT.c.send_at <= now,
        or_(NT.c.expires_at.is_(None), NT.c.expires_at > now),
    )
    rows = conn.execute(statement).all()
    ids = {row.occurrence_id for row in rows if row.occurrence_id is not None}
    items: dict[int, ItemFacts] = {}
    for part in facts.chunked(ids):
        found = conn.execute(
            facts.select_items(
                OC.c.id.in_(part), OC.c.archived_at.is_(None), A.c.archived_at.is_(None)
            )
        ).all()
        for item in facts.items_of(conn, directory, found):
            if item.occurrence_id is not None:
                items[item.occurrence_id] = item
    people = {person.key: person for person in directory.people.values()}
    people.update((person.key, person) for person in directory.admins)
    notifications = []
    for row in rows:
        person = people.get(row.recipient_key)
        if person is None or not person.emails:
            continue  # archived since, or lost their address
        if row.occurrence_id is not None:
            facts_of = items.get(row.occurrence_id)
            if facts_of is None or not facts_of.is_open:
                continue  # done, cancelled or archived since: nothing to say any more
        notifications.append(
            Notification(
                row.key, row.occurrence_id, person, MessageKind(row.kind), row.stage, row.day,
                row.send_at, row.expires_at,
            )
        )  # fmt: skip
    return group(notifications), items


def item_links(engine: Engine, settings: Settings, now: datetime) -> LinkMaker:
    """Signed per-item, per-recipient links to the item's web page (valid ``[web] link_days``).

    The signing key is looked up (or made, see :mod:`tracker.web.signing`) here, before the
    pass opens its write transactions.
    """
    from tracker.web.signing import item_link, signing_secret

    secret = signing_secret(engine, settings.web, now)

    def make(notification: Notification, item: ItemFacts) -> str | None:
        if item.occurrence_id is None:
            return None
        return item_link(settings.web, secret, item.occurrence_id, notification.recipient.key, now)

    return make


@contextmanager
def _session(engine: Engine, dry_run: bool) -> Iterator[Connection]:
    """The pass's reading connection. In a dry run every write happens on it too, inside one
    transaction that is rolled back at the end."""
    with engine.connect() as conn:
        transaction = conn.begin()
        try:
            yield conn
        finally:
            transaction.rollback()


def _mark(conn: Connection) -> datetime | None:
    value = conn.execute(select(PM.c.until).where(PM.c.name == MARK)).scalar()
    return value if isinstance(value, datetime) else None


def _set_mark(engine: Engine, now: datetime) -> None:
    """Move the mark forward to ``now`` (never back: a clock set back replans nothing)."""
    with write_transaction(engine) as tx:
        statement = upsert_insert(tx, PM).values(name=MARK, until=now)
        tx.execute(
            statement.on_conflict_do_update(
                index_elements=["name"],
                set_={"until": statement.excluded.until},
                where=PM.c.until < statement.excluded.until,
            )
        )


def _digest_recipients(directory: facts.Directory) -> list[Person]:
    people: dict[str, Person] = {}
    for info in directory.roadmaps.values():
        for person in info.coordinators:
            people.setdefault(person.key, person)
    for person in directory.admins:
        people.setdefault(person.key, person)
    return sorted(people.values(), key=lambda person: person.key)


def _unreachable(notifications: Sequence[Notification]) -> list[str]:
    names = sorted({n.recipient.name for n in notifications if not n.recipient.emails})
    return [
        f"{name} has no e-mail address in the executors file: reminders for them are not sent"
        for name in names
    ]


def message_key(batch: Batch) -> str:
    """The outbox key of a batch: its kind, recipient and day, and a hash of its parts."""
    digest = hashlib.sha256("\n".join(sorted(batch.keys)).encode()).hexdigest()[:12]
    return f"{batch.kind.value}:{batch.recipient.key}:{batch.day.isoformat()}:{digest}"


class _Taken(Exception):
    """Another planner put some of a batch's notifications into its own message first."""


def _compose(
    conn: Connection,
    engine: Engine,
    settings: Settings,
    batch: Batch,
    items_by_id: dict[int, ItemFacts],
    directory: facts.Directory,
    renderer: Renderer,
    link_maker: LinkMaker | None,
    report: PlanReport,
    dry_run: bool,
) -> None:
    """One message: rendered from its notifications, then queued and linked in one
    transaction (rolled back when another planner took any of them)."""
    recipient = batch.recipient
    if batch.kind is MessageKind.DIGEST:
        digest = digest_facts(conn, engine, settings, recipient, batch.day, directory)
        if digest.is_empty and recipient.executor_id is None:
            return  # an admin with nothing to see: the digest stays recorded, unsent
        context = context_for_digest(digest, due_soon_days=settings.policy.due_soon_days)
        items = 0
    else:
        context = context_for_batch(
            batch, items_by_id, report.now, settings.policy, link=link_maker
        )
        items = len(batch.notifications)
    rendered = renderer.render(batch.kind, context)
    message = OutboxMessage(
        key=message_key(batch),
        kind=batch.kind.value,
        recipient_key=recipient.key,
        recipient_id=recipient.executor_id,
        to_addrs=recipient.emails,
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        timezone=recipient.timezone,
        not_before=batch.send_at,
        expires_at=batch.expires_at,
    )
    try:
        with _transaction(conn, engine, dry_run) as tx:
            outbox_id = insert_outbox(tx, message, now=report.now, sender=settings.mail.sender)
            if outbox_id is None:
                return  # the very same message is queued already
            claimed = tx.execute(
                update(NT)
                .where(NT.c.key.in_(list(batch.keys)), NT.c.outbox_id.is_(None))
                .values(outbox_id=outbox_id)
            ).rowcount
            if claimed != len(batch.keys):
                raise _Taken
    except _Taken:
        report.taken += len(batch.keys)
        return
    report.messages.append(
        Planned(
            outbox_id, batch.kind.value, recipient.name, recipient.emails, rendered.subject,
            items, batch.send_at,
        )
    )  # fmt: skip


@contextmanager
def _transaction(conn: Connection, engine: Engine, dry_run: bool) -> Iterator[Connection]:
    """A message's own write transaction; in a dry run, the pass's transaction (rolled back
    at the end; no savepoints: pysqlite would commit on releasing one)."""
    if dry_run:
        yield conn
        return
    with write_transaction(engine) as tx:
        yield tx


# --- the digest's facts ------------------------------------------------------------------------


#: At most this many items per section of a digest, the most urgent first.
DIGEST_ITEMS = 300


def digest_facts(
    conn: Connection,
    engine: Engine,
    settings: Settings,
    recipient: Person,
    day: date,
    directory: facts.Directory,
) -> DigestFacts:
    """What a coordinator's (or an admin's) weekly digest covers on ``day``."""
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
                OC.c.status == "done",
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
        failures=_failures(engine, start, recipient, directory, ids),
    )


def _items(
    conn: Connection, directory: facts.Directory, where: Sequence[Any]
) -> tuple[ItemFacts, ...]:
    statement = facts.select_items(*where).order_by(OC.c.effective_due, OC.c.id).limit(DIGEST_ITEMS)
    return tuple(facts.items_of(conn, directory, conn.execute(statement).all()))


def _needs_dates(
    conn: Connection, directory: facts.Directory, ids: Sequence[int]
) -> tuple[ItemFacts, ...]:
    if not ids:
        return ()
    has_window = (
        select(OC.c.id).where(OC.c.activity_id == A.c.id, OC.c.archived_at.is_(None)).exists()
    )
    statement = (
        select(A.c.id, A.c.roadmap_id, A.c.key, A.c.title, A.c.section, A.c.result, A.c.kind)
        .where(
            A.c.roadmap_id.in_(ids),
            A.c.archived_at.is_(None),
            or_(A.c.kind.in_(("unscheduled", "error")), ~has_window),
        )
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
    engine: Engine,
    since: datetime,
    recipient: Person,
    directory: facts.Directory,
    ids: Sequence[int],
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
