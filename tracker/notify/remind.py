"""One planning pass: store → policy → notifications → messages → outbox.

:func:`plan_pass` reads the occurrences that may have a new reminder stage at ``now`` (see
:mod:`tracker.notify.facts`) and records the notifications the pure policy makes for them, a
chunk at a time (:mod:`tracker.notify.record`; a notification already made — by an earlier pass
or by another planner at the same moment — is skipped by its unique key). Each goes in already
linked to the draft message of its recipient's day (:mod:`tracker.notify.drafts`), which is
rendered at the end of the pass and queued when its sending time has come. Digests are made,
then composed and queued one by one. Running the pass twice for the same moment makes nothing
the second time; two planners at once never make a notification twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Engine, or_, select

from tracker.calendar import WorkCalendar, russian_calendar
from tracker.collector import collector_paused
from tracker.config import Settings
from tracker.notify import facts
from tracker.notify.compose import (
    Composed,
    Composer,
    LinkMaker,
    Planned,
    compose,
    pass_transaction,
)
from tracker.notify.digest import DIGEST_ITEMS, DigestFigures, digest_facts, digest_recipients
from tracker.notify.drafts import DraftBook, Writer
from tracker.notify.model import Batch, MessageKind, Notification, Person
from tracker.notify.outbox import upsert_insert, write_transaction
from tracker.notify.policy import (
    LOOKBACK_DAYS,
    calendar_warnings,
    digest_notifications,
    group,
    years_in_use,
)
from tracker.notify.record import Tracks, record_items, record_notifications
from tracker.notify.render import Renderer, resolve_templates_dir
from tracker.notify.waiting import people_by_key
from tracker.store.pauses import Pause, active_pauses
from tracker.store.tables import NOTIFICATION as NT
from tracker.store.tables import PLANNER_MARK as PM

__all__ = [
    "DIGEST_ITEMS",
    "MARK",
    "LinkMaker",
    "PlanReport",
    "Planned",
    "digest_facts",
    "plan_pass",
]

#: The name of the planner's mark in ``planner_mark``.
MARK = "reminders"


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
    paused: int = 0  # waiting while their recipient paused reminders (tracker.store.pauses)
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
        deferred += f", {self.paused} wait for a pause to end" if self.paused else ""
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
    renderer = renderer or Renderer.shared(resolve_templates_dir(settings.mail.templates))
    report = PlanReport(now=now, dry_run=dry_run)
    with collector_paused(), _session(engine, dry_run) as conn:  # rows by the million, no cycles
        directory = facts.load_directory(conn, settings)
        composer = Composer(engine, settings, renderer, directory, now, link_maker, dry_run)
        book = DraftBook(composer)
        people = people_by_key(directory)
        pauses = active_pauses(conn, now)
        held = {key for key, person in people.items() if paused(pauses, person, digest=False)}

        def write() -> AbstractContextManager[Connection]:
            return pass_transaction(conn, engine, dry_run)

        _record(conn, write, directory, settings, now, calendar, report, book, held)
        if not dry_run:
            _set_mark(engine, now)
        queued: list[tuple[tuple[datetime, str, str], Planned]] = []
        with _reader(conn, engine, dry_run) as reader:
            digests = _waiting_digests(reader, directory, now)
            shared = None
            if digests:  # their figures counted once, over just the roadmaps they cover,
                shared = DigestFigures.for_digests(  # by the database while drafts render
                    engine, directory, [batch.recipient for batch in digests]
                )
                shared.prefetch(batch.day for batch in digests)
                composer = replace(composer, figures=shared)
            try:
                book.adopt(write, people)
                report.paused += book.claim_waiting(write, people, held)
                for (send_at, key, day), planned in book.finish(reader, write, people, held):
                    queued.append(((send_at, key, day.isoformat()), planned))
                for batch in digests:
                    if paused(pauses, batch.recipient, digest=True):
                        report.paused += len(batch.keys)
                        continue
                    composed = compose(composer, reader, batch, {})
                    order = (batch.send_at, batch.recipient.key, batch.key)
                    _count(report, composed, order, queued)
            finally:
                if shared is not None:
                    shared.close()
        queued.sort(key=lambda pair: pair[0])
        report.messages = [planned for _order, planned in queued]
    return report


def paused(pauses: dict[str, Pause], recipient: Person, *, digest: bool) -> bool:
    """Whether a pause of one of the recipient's addresses holds its messages back: every
    item message, and a digest only when its pause says so.

    A paused recipient's notifications are still made, each stage once (the key is recorded,
    so no later pass makes that stage again), and wait unsent: when the pause ends, what is
    still of use is sent — the policy's expiries have dropped the stages superseded meanwhile
    (a reminder ends with its day, a stage when the next one is ready). So the recipient is
    told of each stage at most once, and of the current one after the pause, not a backlog.
    """
    for address in recipient.emails:
        found = pauses.get(address.strip().lower())
        if found is not None and (found.digests or not digest):
            return True
    return False


def _count(
    report: PlanReport,
    composed: Composed,
    order: tuple[datetime, str, str],
    queued: list[tuple[tuple[datetime, str, str], Planned]],
) -> None:
    report.taken += composed.taken
    if composed.planned is not None:
        queued.append((order, composed.planned))


def _record(
    conn: Connection,
    write: Writer,
    directory: facts.Directory,
    settings: Settings,
    now: datetime,
    calendar: WorkCalendar,
    report: PlanReport,
    book: DraftBook,
    held: set[str],
) -> None:
    """Make and write, chunk by chunk, what the policy makes at ``now`` for the occurrences
    with a stage ready since the mark; then the digests due."""
    policy = settings.policy
    since = _mark(conn) or now - timedelta(days=LOOKBACK_DAYS)
    roadmap_zones, people_zones = directory.zones()
    pairs = [(r, p) for r in roadmap_zones for p in people_zones]
    dates = facts.stage_dates(
        facts.ready_days(since, now, pairs, policy, calendar), policy, calendar
    )
    tracks = Tracks(now, sorted(people_zones), policy, calendar)
    done = record_items(conn, write, directory, tracks, dates, book, held)
    made_digests = facts.made_digest_keys(conn, (now - timedelta(days=LOOKBACK_DAYS)).date())
    digests = digest_notifications(
        digest_recipients(directory), made_digests, now, policy, calendar
    )
    unreachable = done.unreachable | {n.recipient.name for n in digests if not n.recipient.emails}
    reachable = [n for n in digests if n.recipient.emails]
    inserted, taken = record_notifications(write, reachable, now)
    years = done.years | {now.year, now.year + 1} if done.examined else set()
    report.examined = done.examined
    report.notifications = done.notifications + inserted
    report.taken = done.taken + taken
    report.deferred = done.deferred + sum(1 for n in reachable if n.send_at > now)
    report.warnings += calendar_warnings(sorted(years) or years_in_use((), now), calendar)
    report.warnings += [
        f"{name} has no e-mail address in the executors file: reminders for them are not sent"
        for name in sorted(unreachable)
    ]


@contextmanager
def _reader(conn: Connection, engine: Engine, dry_run: bool) -> Iterator[Connection]:
    """A connection that sees what was just recorded: a fresh one (a read transaction begun
    earlier keeps its old snapshot), or in a dry run the pass's own."""
    if dry_run:
        yield conn
        return
    with engine.connect() as fresh:
        yield fresh


def _waiting_digests(conn: Connection, directory: facts.Directory, now: datetime) -> list[Batch]:
    """Recorded digests not yet in a message whose time has come, still of use: one batch
    each (item notifications go into drafts: :mod:`tracker.notify.drafts`)."""
    statement = select(NT).where(
        NT.c.kind == MessageKind.DIGEST.value,
        NT.c.outbox_id.is_(None),
        NT.c.send_at <= now,
        or_(NT.c.expires_at.is_(None), NT.c.expires_at > now),
    )
    people = people_by_key(directory)
    notifications = []
    for row in conn.execute(statement):
        person = people.get(row.recipient_key)
        if person is None or not person.emails:
            continue  # archived since, or lost their address
        notifications.append(
            Notification(
                row.key, row.occurrence_id, person, MessageKind(row.kind), row.stage, row.day,
                row.send_at, row.expires_at,
            )
        )  # fmt: skip
    return group(notifications)


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
