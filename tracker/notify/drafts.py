"""Messages put together while their notifications are made (issue 18).

A cold pass makes hundreds of thousands of item notifications for a few dozen recipients. Writing
each as "waiting", reading them all back and updating each to join its message cost more than
the rest of the pass. So a message is opened first, as an outbox row in the state ``draft``
(one per recipient and local day, owned by the pass under a lease), and every notification is
inserted already linked to it. While rows go in, a :class:`Tally` keeps what the message needs
— its count per kind, the first ``MESSAGE_ITEMS`` of each kind in the message's order, whether
their due dates differ, the roadmaps — in memory bounded by the number of messages, not items.

When the pass ends, each of its drafts is rendered from its tally. A draft whose sending time
has come becomes ``pending`` (queued); one that waits for its recipient's sending hours stays a
rendered ``draft`` with ``not_before`` set, owned by nobody. A later pass *adopts* it when its
time comes: it checks that nothing it lists has been done, cancelled or superseded meanwhile
(one count query), and queues it; when something has, or when notifications joined it, it
recounts the draft from its stored notifications and renders it again. A pass that died leaves
drafts whose lease runs out; the next pass adopts them the same way.

Notifications that wait without a draft — a paused recipient's — join a draft when their time
comes (:meth:`DraftBook.claim_waiting`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Connection, and_, delete, func, insert, or_, select, update

from tracker.notify.compose import Composer, Planned, item_link, pause_link
from tracker.notify.model import (
    Batch,
    ItemFacts,
    MessageKind,
    Notification,
    Person,
    executor_key,
    notification_key,
    stage_of_code,
)
from tracker.notify.outbox import DRAFT, PENDING, make_message_id
from tracker.notify.render import MESSAGE_ITEMS, context_for_batch
from tracker.notify.waiting import shown_items
from tracker.store.aside import aside
from tracker.store.chunking import batches, chunked
from tracker.store.tables import ACTIVITY as A
from tracker.store.tables import NOTIFICATION as NT
from tracker.store.tables import OCCURRENCE as OC
from tracker.store.tables import OPEN_PREDICATE, OUTBOX
from tracker.store.tables import ROADMAP as RM

#: Opens one write transaction: a connection to write on, committed on leaving.
Writer = Callable[[], AbstractContextManager[Connection]]

#: Drafts rendered at a time: their shown items are read in one query.
RENDER_BATCH = 50

#: How long a pass owns the drafts it opens: a pass that died leaves them to the next after it.
LEASE = timedelta(minutes=30)


class Part(NamedTuple):
    """One notification a message lists, with what its place in the list needs."""

    order: tuple[date, str, str, str]  # due, roadmap slug, number, key: render's order
    key: str
    kind: MessageKind
    stage: str
    occurrence_id: int
    send_at: datetime
    expires_at: datetime | None


@dataclass(slots=True)
class KindTally:
    """One kind's part of a message: how many, the first ``MESSAGE_ITEMS``, one due or more."""

    count: int = 0
    shown: list[Part] = field(default_factory=list)
    cutoff: date | None = None  # parts due after this cannot be among the first
    first_due: date | None = None
    many_dues: bool = False

    def counts(self, due: date) -> bool:
        """Count a part due on ``due``: whether it may be among the first (then :meth:`keep`
        it; most parts are only counted, and never made)."""
        self.count += 1
        if self.first_due is None:
            self.first_due = due
        elif due != self.first_due:
            self.many_dues = True
        cutoff = self.cutoff
        return cutoff is None or due <= cutoff

    def keep(self, part: Part) -> None:
        self.shown.append(part)
        if len(self.shown) >= 4 * MESSAGE_ITEMS:
            self._trim()

    def _trim(self) -> None:
        self.shown.sort()
        del self.shown[MESSAGE_ITEMS:]
        if len(self.shown) == MESSAGE_ITEMS:
            self.cutoff = self.shown[-1].order[0]

    def first(self) -> list[Part]:
        self._trim()
        return self.shown


def make_part(
    due: date, slug: str, number: str, kind: MessageKind, stage: str, occurrence_id: int,
    recipient_key: str, send_at: datetime, expires_at: datetime | None,
) -> Part:  # fmt: skip
    key = notification_key(kind, stage, occurrence_id, recipient_key)
    return Part((due, slug, number, key), key, kind, stage, occurrence_id, send_at, expires_at)


@dataclass(slots=True)
class Tally:
    """What one message needs to know of all its notifications."""

    kinds: dict[MessageKind, KindTally] = field(default_factory=dict)
    titles: set[str] = field(default_factory=set)
    send_at: datetime | None = None
    expires_at: datetime | None = None
    never_expires: bool = False

    def timing(self, send_at: datetime, expires_at: datetime | None) -> None:
        """Take a part's sending time and expiry into the message's."""
        if self.send_at is None or send_at > self.send_at:
            self.send_at = send_at
        if expires_at is None:
            self.never_expires = True
        elif self.expires_at is None or expires_at > self.expires_at:
            self.expires_at = expires_at

    def kind(self, kind: MessageKind) -> KindTally:
        found = self.kinds.get(kind)
        if found is None:
            found = self.kinds[kind] = KindTally()
        return found

    @property
    def count(self) -> int:
        return sum(one.count for one in self.kinds.values())

    def shown(self) -> list[Part]:
        """The parts the message lists: the first of each kind."""
        return [part for kind in self.kinds.values() for part in kind.first()]

    @property
    def main(self) -> MessageKind:
        return max(self.kinds, key=lambda kind: kind.urgency)


@dataclass(slots=True)
class Draft:
    """A draft outbox row this pass holds: whose, which day, and what it knows of it."""

    id: int
    recipient: Person
    day: date
    tally: Tally = field(default_factory=Tally)
    dirty: bool = False  # the tally is not the whole draft: recount it from the store
    adopted: bool = False  # rendered by an earlier pass: check it before queueing


class DraftBook:
    """The drafts of one planning pass, by recipient and day."""

    def __init__(self, composer: Composer) -> None:
        self.composer = composer
        self.now = composer.now
        self.token = uuid.uuid4().hex[:16]
        self.drafts: dict[tuple[str, date], Draft] = {}

    def draft(self, tx: Connection, recipient: Person, day: date) -> Draft:
        """This pass's draft for the recipient's day, opened (inside ``tx``) when new."""
        found = self.drafts.get((recipient.key, day))
        if found is None:
            key = f"draft:{self.token}:{recipient.key}:{day.isoformat()}"
            now = self.now
            statement = (
                insert(OUTBOX)
                .values(
                    key=key, message_id=make_message_id(key, self.composer.settings.mail.sender),
                    kind=MessageKind.REMINDER.value, recipient_key=recipient.key,
                    recipient_id=recipient.executor_id, to_addrs=list(recipient.emails),
                    subject="", text="", html="", timezone=recipient.timezone, state=DRAFT,
                    attempts=0, not_before=now, next_attempt_at=now, claimed_by=self.token,
                    lease_until=now + LEASE, created_at=now,
                )
                .returning(OUTBOX.c.id)
            )  # fmt: skip
            ident = int(tx.execute(statement).scalar_one())
            found = self.drafts[(recipient.key, day)] = Draft(ident, recipient, day)
        return found

    # --- what earlier passes left -------------------------------------------------------------

    def adopt(self, write: Writer, people: dict[str, Person]) -> None:
        """Take the drafts of earlier passes whose time has come (or whose pass died): merged
        into this pass's draft of the same recipient-day, or checked and queued as they are."""
        now = self.now
        with write() as tx:
            rows = tx.execute(
                select(OUTBOX.c.id, OUTBOX.c.recipient_key, OUTBOX.c.timezone,
                       OUTBOX.c.not_before, OUTBOX.c.subject)
                .where(
                    OUTBOX.c.state == DRAFT,
                    OUTBOX.c.not_before <= now,
                    or_(OUTBOX.c.claimed_by.is_(None), OUTBOX.c.lease_until < now),
                )
                .order_by(OUTBOX.c.id)
            ).all()  # fmt: skip
        if not rows:
            return
        with write() as tx:  # each taken only if still free: another planner may be first
            for row in rows:
                taken = tx.execute(
                    update(OUTBOX)
                    .where(
                        OUTBOX.c.id == row.id,
                        OUTBOX.c.state == DRAFT,
                        or_(OUTBOX.c.claimed_by.is_(None), OUTBOX.c.lease_until < now),
                    )
                    .values(claimed_by=self.token, lease_until=now + LEASE)
                ).rowcount
                if not taken:
                    continue  # another planner adopted it first
                day = row.not_before.astimezone(ZoneInfo(row.timezone)).date()
                person = people.get(row.recipient_key) or Person(
                    row.recipient_key, "", (), row.timezone
                )
                mine = self.drafts.get((row.recipient_key, day))
                if mine is not None and mine.id != row.id:
                    tx.execute(update(NT).where(NT.c.outbox_id == row.id).values(outbox_id=mine.id))
                    tx.execute(delete(OUTBOX).where(OUTBOX.c.id == row.id))
                    mine.dirty = True
                    continue
                self.drafts[(row.recipient_key, day)] = Draft(
                    row.id, person, day, dirty=not row.subject, adopted=True
                )

    def claim_waiting(self, write: Writer, people: dict[str, Person], paused: set[str]) -> int:
        """Put the waiting item notifications whose time has come into this pass's drafts;
        returns how many wait for a paused recipient instead."""
        now = self.now
        with write() as tx:
            groups = tx.execute(
                select(NT.c.recipient_id, NT.c.day, func.count())
                .where(_waiting(now), _item_is_open())
                .group_by(NT.c.recipient_id, NT.c.day)
            ).all()
        held = 0
        for recipient_id, day, count in groups:
            recipient_key = executor_key(recipient_id)
            person = people.get(recipient_key)
            if person is None or not person.emails:
                continue  # archived since, or lost their address
            if recipient_key in paused:
                held += int(count)
                continue
            local = day if isinstance(day, date) else date.fromisoformat(str(day)[:10])
            with write() as tx:
                draft = self.draft(tx, person, local)
                tx.execute(
                    update(NT)
                    .where(_waiting(now), _item_is_open(), NT.c.recipient_id == recipient_id,
                           NT.c.day == day)
                    .values(outbox_id=draft.id)
                )  # fmt: skip
                draft.dirty = True
        return held

    # --- the end of the pass ------------------------------------------------------------------

    def finish(
        self, conn: Connection, write: Writer, people: dict[str, Person], paused: set[str]
    ) -> list[tuple[tuple[datetime, str, date], Planned]]:
        """Render every draft of the pass; queue those whose time has come (returned, with
        their order: sending time, recipient, day). The writes go in a few transactions.

        The drafts rendered by earlier passes are checked meanwhile, on a connection of their
        own: the database does that work while this pass renders its own drafts."""
        unsent: list[int] = []  # the recipient cannot be told now: back to waiting
        fresh: list[Draft] = []  # made or recounted by this pass
        checked: list[Draft] = []  # rendered by an earlier pass: checked before queueing
        for draft in sorted(self.drafts.values(), key=lambda one: one.id):
            person = people.get(draft.recipient.key)
            if person is None or not person.emails or draft.recipient.key in paused:
                unsent.append(draft.id)
                continue
            draft.recipient = person
            (checked if draft.adopted and not draft.dirty else fresh).append(draft)
        stale = self._stale_later(conn, [draft.id for draft in checked])
        queued = self._settle(conn, write, fresh, unsent)
        found = stale()
        for draft in checked:
            draft.dirty = draft.id in found
        return queued + self._settle(conn, write, checked, [])

    def _stale_later(self, conn: Connection, draft_ids: list[int]) -> Callable[[], set[int]]:
        """:func:`_stale` of these drafts, worked out aside (:mod:`tracker.store.aside`; in a
        dry run, at once on the pass's connection, which alone sees the pass's writes)."""
        if not draft_ids or self.composer.dry_run:
            found = _stale(conn, draft_ids, self.now)
            return lambda: found
        engine, now = self.composer.engine, self.now

        def check() -> set[int]:
            with engine.connect() as own:
                return _stale(own, draft_ids, now)

        return aside(check).result  # the check's error, if any, is raised here

    def _settle(
        self, conn: Connection, write: Writer, drafts: list[Draft], unsent: list[int]
    ) -> list[tuple[tuple[datetime, str, date], Planned]]:
        """Recount the dirty drafts, drop the empty and the ``unsent`` ones, queue the adopted
        ones still true as they are, and render the rest."""
        still: list[Draft] = []  # rendered by an earlier pass, and still true: queue them
        empty: list[int] = []
        ready: list[Draft] = []  # to render: their shown items read together, a batch at once
        for draft in drafts:
            if draft.dirty:
                draft.tally = self._recount(conn, write, draft)
            elif draft.adopted:
                still.append(draft)
                continue
            if draft.tally.kinds:
                ready.append(draft)
            else:
                empty.append(draft.id)
        queued: list[tuple[tuple[datetime, str, date], Planned]] = []
        if unsent or empty or still:
            with write() as tx:
                for part in chunked(unsent):
                    tx.execute(update(NT).where(NT.c.outbox_id.in_(part)).values(outbox_id=None))
                for part in chunked(unsent + empty):
                    tx.execute(delete(OUTBOX).where(OUTBOX.c.id.in_(part)))
                queued += [_queue_rendered(tx, draft) for draft in still]
        for batch in batches(ready, RENDER_BATCH):
            shown = {part.occurrence_id for draft in batch for part in draft.tally.shown()}
            items = shown_items(conn, self.composer.directory, shown)
            made = [(draft, *self._render(draft, items)) for draft in batch]
            with write() as tx:
                for draft, values, _planned in made:
                    tx.execute(update(OUTBOX).where(OUTBOX.c.id == draft.id).values(values))
            queued += [
                ((planned.send_at, draft.recipient.key, draft.day), planned)
                for draft, _values, planned in made
                if planned is not None
            ]
        return queued

    def _recount(self, conn: Connection, write: Writer, draft: Draft) -> Tally:
        """The tally of a draft from its stored notifications; the ones no longer of use
        (superseded, or their item done, cancelled or archived) leave it."""
        tally = Tally()
        directory = self.composer.directory
        stale: list[int] = []
        statement = (
            select(NT.c.id, NT.c.stage_code, NT.c.occurrence_id, NT.c.send_at,
                   NT.c.expires_at, OC.c.effective_due, A.c.roadmap_id, A.c.key,
                   _of_use(self.now).label("of_use"))
            .select_from(NT.join(_ITEM, NT.c.occurrence_id == OC.c.id))
            .where(NT.c.outbox_id == draft.id)
        )  # fmt: skip
        for row in conn.execute(statement):
            roadmap = directory.roadmaps.get(row.roadmap_id)
            if roadmap is None or not row.of_use:
                stale.append(row.id)
                continue
            kind, stage = stage_of_code(row.stage_code)
            tally.timing(row.send_at, row.expires_at)
            tally.titles.add(roadmap.title)
            one = tally.kind(kind)
            if one.counts(row.effective_due):
                one.keep(
                    make_part(row.effective_due, roadmap.slug, row.key, kind, stage,
                              row.occurrence_id, draft.recipient.key, row.send_at,
                              row.expires_at)
                )  # fmt: skip
        if stale:
            with write() as tx:
                for part in chunked(stale):
                    tx.execute(update(NT).where(NT.c.id.in_(part)).values(outbox_id=None))
        return tally

    def _render(
        self, draft: Draft, items: dict[int, ItemFacts]
    ) -> tuple[dict[str, object], Planned | None]:
        """A draft rendered (``items``: the facts of the items it shows, and maybe others'):
        the outbox row's new values, and the message planned if its time has come."""
        composer = self.composer
        tally = draft.tally
        recipient = draft.recipient
        main = tally.main
        shown = tally.shown()
        notifications = tuple(
            sorted(
                (
                    Notification(part.key, part.occurrence_id, recipient, part.kind, part.stage,
                                 draft.day, part.send_at, part.expires_at)
                    for part in shown
                ),
                key=lambda n: (-n.kind.urgency, n.key),
            )
        )  # fmt: skip
        assert tally.send_at is not None
        expires_at = None if tally.never_expires else tally.expires_at
        batch = Batch(recipient, draft.day, main, notifications, tally.send_at, expires_at)
        context = context_for_batch(
            batch, items, composer.now, composer.settings.policy, link=item_link(composer)
        )
        _count_all(context, tally)
        rendered = composer.renderer.render(main, context)
        key = f"{main.value}:{recipient.key}:{draft.day.isoformat()}:{draft.id}"
        due = tally.send_at <= self.now
        values: dict[str, object] = dict(
            key=key, message_id=make_message_id(key, composer.settings.mail.sender),
            kind=main.value, to_addrs=list(recipient.emails), subject=rendered.subject,
            text=rendered.text, html=rendered.html, timezone=recipient.timezone,
            list_unsubscribe=pause_link(composer, recipient.emails), not_before=tally.send_at,
            next_attempt_at=tally.send_at, expires_at=expires_at,
            state=PENDING if due else DRAFT, claimed_by=None, lease_until=None,
        )  # fmt: skip
        if not due:
            return values, None
        return values, Planned(
            draft.id, main.value, recipient.name, recipient.emails, rendered.subject,
            tally.count, tally.send_at,
        )  # fmt: skip


def _count_all(context: dict[str, object], tally: Tally) -> None:
    """Put the whole message's counts into a context built from the items shown."""
    groups = context["groups"]
    assert isinstance(groups, list)
    for entry in groups:
        entry["more"] = max(0, tally.kinds[MessageKind(entry["kind"])].count - MESSAGE_ITEMS)
    count = tally.count
    context["count"] = count
    main = tally.kinds[tally.main]
    dues = {one.first_due for one in tally.kinds.values()}
    summary = context["main"]
    if isinstance(summary, dict):
        summary["count"] = main.count
        summary["same_due"] = not main.many_dues
    every = context["all"]
    assert isinstance(every, dict)
    every["count"] = count
    every["same_due"] = len(dues) <= 1 and not any(one.many_dues for one in tally.kinds.values())
    context["roadmaps"] = sorted(tally.titles)


def _waiting(now: datetime) -> ColumnElement[bool]:
    return (
        NT.c.outbox_id.is_(None)
        & (NT.c.send_at <= now)
        & or_(NT.c.expires_at.is_(None), NT.c.expires_at > now)
        & NT.c.occurrence_id.is_not(None)
    )


#: An item with its activity and roadmap, for :func:`_live`.
_ITEM = OC.join(A, OC.c.activity_id == A.c.id).join(RM, A.c.roadmap_id == RM.c.id)


def _live() -> ColumnElement[bool]:
    """The item is still open, its activity and roadmap still live."""
    return and_(OPEN_PREDICATE, A.c.archived_at.is_(None), RM.c.archived_at.is_(None))


def _of_use(now: datetime) -> ColumnElement[bool]:
    """A notification is still of use: its item live, itself not superseded."""
    return and_(_live(), or_(NT.c.expires_at.is_(None), NT.c.expires_at > now))


def _item_is_open() -> ColumnElement[bool]:
    return select(OC.c.id).select_from(_ITEM).where(OC.c.id == NT.c.occurrence_id, _live()).exists()


def _stale(conn: Connection, draft_ids: list[int], now: datetime) -> set[int]:
    """Which of these rendered drafts list something no longer of use: one query."""
    found: set[int] = set()
    for part in chunked(draft_ids):
        statement = (
            select(NT.c.outbox_id)
            .select_from(NT.join(_ITEM, NT.c.occurrence_id == OC.c.id))
            .where(NT.c.outbox_id.in_(part), ~_of_use(now))
            .distinct()
        )
        found.update(conn.execute(statement).scalars())
    return found


def _queue_rendered(tx: Connection, draft: Draft) -> tuple[tuple[datetime, str, date], Planned]:
    row = tx.execute(select(OUTBOX).where(OUTBOX.c.id == draft.id)).one()
    tx.execute(
        update(OUTBOX)
        .where(OUTBOX.c.id == draft.id)
        .values(state=PENDING, claimed_by=None, lease_until=None)
    )
    count = tx.execute(select(func.count()).where(NT.c.outbox_id == draft.id)).scalar_one()
    send_at = row.not_before.astimezone(UTC)
    recipient = draft.recipient
    planned = Planned(
        draft.id, row.kind, recipient.name, recipient.emails, row.subject, int(count), send_at
    )
    return (send_at, recipient.key, draft.day), planned
