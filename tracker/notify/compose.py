"""Message composition: one recipient's batch of notifications → one rendered outbox message.

:func:`compose` renders a batch (a digest reads its facts through :mod:`tracker.notify.digest`)
and queues it in one transaction that also links the batch's notifications to it; the
transaction is rolled back when another planner took any of them first.

Links: mail does not know the web layer. The caller (the daemon, the CLI) passes a
:class:`LinkMaker` in — :func:`tracker.web.mail_links.item_links` makes the signed ones.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol, runtime_checkable

from sqlalchemy import ColumnElement, Connection, Engine, tuple_, update

from tracker.config import Settings
from tracker.notify import facts
from tracker.notify.digest import DigestFigures, digest_facts
from tracker.notify.model import Batch, ItemFacts, MessageKind, Notification, stage_code
from tracker.notify.outbox import OutboxMessage, insert_outbox, write_transaction
from tracker.notify.render import (
    Renderer,
    context_for_batch,
    context_for_digest,
)
from tracker.store.chunking import CHUNK, batches
from tracker.store.tables import NOTIFICATION as NT


class LinkMaker(Protocol):
    """A per-item, per-recipient link (signed by the web layer), or None for no link."""

    def __call__(self, occurrence_id: int, recipient_key: str, now: datetime) -> str | None: ...


@runtime_checkable
class PauseLinks(Protocol):
    """A link maker that also makes a recipient address's pause link: every message then
    carries it as ``List-Unsubscribe`` (RFC 8058)."""

    def pause(self, address: str, now: datetime) -> str | None: ...


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
    figures: DigestFigures | None = None  # the pass's digests' figures, counted once


@dataclass(frozen=True, slots=True)
class Composed:
    """What composing one batch did: the message queued, or how many notifications another
    planner had taken first (or neither: the same message was queued already, or an admin's
    empty digest stays unsent)."""

    planned: Planned | None = None
    taken: int = 0


def message_key(batch: Batch) -> str:
    """The outbox key of a batch: its kind, recipient and day, and a hash of its parts."""
    return _key(batch.kind, batch.recipient.key, batch.day, batch.keys)


def _key(kind: MessageKind, recipient_key: str, day: date, keys: Iterable[str]) -> str:
    digest = hashlib.sha256("\n".join(sorted(keys)).encode()).hexdigest()[:12]
    return f"{kind.value}:{recipient_key}:{day.isoformat()}:{digest}"


class _Taken(Exception):
    """Another planner put some of a batch's notifications into its own message first."""


def compose(
    composer: Composer, conn: Connection, batch: Batch, items_by_id: Mapping[int, ItemFacts]
) -> Composed:
    """One message from a whole batch (a digest, or a few item notifications): rendered,
    then queued and linked in one transaction (rolled back when another planner took any)."""
    settings = composer.settings
    recipient = batch.recipient
    if batch.kind is MessageKind.DIGEST:
        digest = digest_facts(
            conn, composer.engine, settings, recipient, batch.day, composer.directory,
            figures_cache=composer.figures,
        )  # fmt: skip
        if digest.is_empty and recipient.executor_id is None:
            return Composed()  # an admin with nothing to see: the digest stays recorded, unsent
        context = context_for_digest(digest, due_soon_days=settings.policy.due_soon_days)
        items = 0
    else:
        context = context_for_batch(
            batch, dict(items_by_id), composer.now, settings.policy, link=item_link(composer)
        )
        items = len(batch.notifications)
    keys = len(batch.keys)
    claims = _claims(batch.notifications)
    return _queue(composer, conn, batch, message_key(batch), context, claims, keys, items)


def _claims(notifications: Sequence[Notification]) -> list[ColumnElement[bool]]:
    """The stored rows of these notifications: a digest by its key, an item by its three."""
    digests = [n.key for n in notifications if n.occurrence_id is None]
    items = [
        (n.occurrence_id, n.recipient.executor_id, stage_code(n.kind, n.stage))
        for n in notifications
        if n.occurrence_id is not None
    ]
    claims: list[ColumnElement[bool]] = [NT.c.key.in_(digests)] if digests else []
    for part in batches(items, CHUNK // 3):  # three parameters each
        claims.append(tuple_(NT.c.occurrence_id, NT.c.recipient_id, NT.c.stage_code).in_(part))
    return claims


def _queue(
    composer: Composer,
    conn: Connection,
    batch: Batch,
    key: str,
    context: dict[str, Any],
    claims: Sequence[ColumnElement[bool]],
    expected: int,
    items: int,
) -> Composed:
    """Render, queue the message and link its notifications to it, in one transaction."""
    settings = composer.settings
    recipient = batch.recipient
    rendered = composer.renderer.render(batch.kind, context)
    message = OutboxMessage(
        key=key,
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
        list_unsubscribe=pause_link(composer, recipient.emails),
    )
    try:
        with pass_transaction(conn, composer.engine, composer.dry_run) as tx:
            outbox_id = insert_outbox(tx, message, now=composer.now, sender=settings.mail.sender)
            if outbox_id is None:
                return Composed()  # the very same message is queued already
            claimed = 0
            for claim in claims:
                claimed += tx.execute(
                    update(NT).where(claim, NT.c.outbox_id.is_(None)).values(outbox_id=outbox_id)
                ).rowcount
            if claimed != expected:
                raise _Taken
    except _Taken:
        return Composed(taken=expected)
    return Composed(
        Planned(
            outbox_id, batch.kind.value, recipient.name, recipient.emails, rendered.subject,
            items, batch.send_at,
        )
    )  # fmt: skip


def item_link(composer: Composer) -> Callable[[Notification, ItemFacts], str | None] | None:
    links = composer.links
    if links is None:
        return None
    now = composer.now

    def link(notification: Notification, item: ItemFacts) -> str | None:
        if item.occurrence_id is None:
            return None
        return links(item.occurrence_id, notification.recipient.key, now)

    return link


def pause_link(composer: Composer, emails: Sequence[str]) -> str | None:
    """The pause link of the recipient's first address (the one a mail client shows)."""
    links = composer.links
    if not emails or not isinstance(links, PauseLinks):
        return None
    return links.pause(emails[0], composer.now)


@contextmanager
def pass_transaction(conn: Connection, engine: Engine, dry_run: bool) -> Iterator[Connection]:
    """A write transaction of its own; in a dry run, the pass's transaction (rolled back at
    the end; no savepoints: pysqlite would commit on releasing one)."""
    if dry_run:
        yield conn
        return
    with write_transaction(engine) as tx:
        yield tx
