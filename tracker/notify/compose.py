"""Message composition: one recipient's batch of notifications → one rendered outbox message.

:func:`compose` renders a batch (a digest reads its facts through :mod:`tracker.notify.digest`)
and queues it in one transaction that also links the batch's notifications to it; the
transaction is rolled back when another planner took any of them first.

Links: mail does not know the web layer. The caller (the daemon, the CLI) passes a
:class:`LinkMaker` in — :func:`tracker.web.mail_links.item_links` makes the signed ones.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import Connection, Engine, update

from tracker.config import Settings
from tracker.notify import facts
from tracker.notify.digest import digest_facts
from tracker.notify.model import Batch, ItemFacts, MessageKind, Notification
from tracker.notify.outbox import OutboxMessage, insert_outbox, write_transaction
from tracker.notify.render import Renderer, context_for_batch, context_for_digest
from tracker.store.tables import NOTIFICATION as NT


class LinkMaker(Protocol):
    """A per-item, per-recipient link (signed by the web layer), or None for no link."""

    def __call__(self, occurrence_id: int, recipient_key: str, now: datetime) -> str | None: ...


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


@dataclass(frozen=True, slots=True)
class Composer:
    """What every message of one planning pass is composed with."""

    engine: Engine
    settings: Settings
    renderer: Renderer
    directory: facts.Directory
    now: datetime
    links: LinkMaker | None = None
    dry_run: bool = False


@dataclass(frozen=True, slots=True)
class Composed:
    """What composing one batch did: the message queued, or how many notifications another
    planner had taken first (or neither: the same message was queued already, or an admin's
    empty digest stays unsent)."""

    planned: Planned | None = None
    taken: int = 0


def message_key(batch: Batch) -> str:
    """The outbox key of a batch: its kind, recipient and day, and a hash of its parts."""
    digest = hashlib.sha256("\n".join(sorted(batch.keys)).encode()).hexdigest()[:12]
    return f"{batch.kind.value}:{batch.recipient.key}:{batch.day.isoformat()}:{digest}"


class _Taken(Exception):
    """Another planner put some of a batch's notifications into its own message first."""


def compose(
    composer: Composer, conn: Connection, batch: Batch, items_by_id: Mapping[int, ItemFacts]
) -> Composed:
    """One message: rendered from its notifications, then queued and linked in one
    transaction (rolled back when another planner took any of them)."""
    settings = composer.settings
    recipient = batch.recipient
    if batch.kind is MessageKind.DIGEST:
        digest = digest_facts(
            conn, composer.engine, settings, recipient, batch.day, composer.directory
        )
        if digest.is_empty and recipient.executor_id is None:
            return Composed()  # an admin with nothing to see: the digest stays recorded, unsent
        context = context_for_digest(digest, due_soon_days=settings.policy.due_soon_days)
        items = 0
    else:
        context = context_for_batch(
            batch, dict(items_by_id), composer.now, settings.policy, link=_item_link(composer)
        )
        items = len(batch.notifications)
    rendered = composer.renderer.render(batch.kind, context)
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
        with pass_transaction(conn, composer.engine, composer.dry_run) as tx:
            outbox_id = insert_outbox(tx, message, now=composer.now, sender=settings.mail.sender)
            if outbox_id is None:
                return Composed()  # the very same message is queued already
            claimed = tx.execute(
                update(NT)
                .where(NT.c.key.in_(list(batch.keys)), NT.c.outbox_id.is_(None))
                .values(outbox_id=outbox_id)
            ).rowcount
            if claimed != len(batch.keys):
                raise _Taken
    except _Taken:
        return Composed(taken=len(batch.keys))
    return Composed(
        Planned(
            outbox_id, batch.kind.value, recipient.name, recipient.emails, rendered.subject,
            items, batch.send_at,
        )
    )  # fmt: skip


def _item_link(composer: Composer) -> Callable[[Notification, ItemFacts], str | None] | None:
    links = composer.links
    if links is None:
        return None
    now = composer.now

    def link(notification: Notification, item: ItemFacts) -> str | None:
        if item.occurrence_id is None:
            return None
        return links(item.occurrence_id, notification.recipient.key, now)

    return link


@contextmanager
def pass_transaction(conn: Connection, engine: Engine, dry_run: bool) -> Iterator[Connection]:
    """A write transaction of its own; in a dry run, the pass's transaction (rolled back at
    the end; no savepoints: pysqlite would commit on releasing one)."""
    if dry_run:
        yield conn
        return
    with write_transaction(engine) as tx:
        yield tx
