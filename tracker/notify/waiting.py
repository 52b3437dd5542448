"""The planning pass's second half, streamed: the recorded notifications whose time has come.

Every notification not yet in a message whose ``send_at`` has come, that has not expired and
whose item is still open (its occurrence, activity and roadmap live) joins the one message of
its recipient's day. One sorted query streams them, recipient by recipient, day by day; only
one recipient-day (:class:`ItemGroup`) is held at a time, as light tuples. A message lists at
most ``MESSAGE_ITEMS`` items of each kind (the earliest due first) and counts the rest, so only
those items' facts are read (one query per message).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import Connection, or_, select

from tracker.notify import facts
from tracker.notify.model import ItemFacts, MessageKind, Notification, Person
from tracker.notify.render import MESSAGE_ITEMS
from tracker.store.tables import ACTIVITY as A
from tracker.store.tables import NOTIFICATION as NT
from tracker.store.tables import OCCURRENCE as OC
from tracker.store.tables import OPEN_PREDICATE

#: Rows fetched from the sorted stream at a time.
STREAM_CHUNK = 5000


class Waiting(NamedTuple):
    """One waiting notification, with what ordering it in its message needs."""

    id: int
    key: str
    kind: MessageKind
    stage: str
    occurrence_id: int
    send_at: datetime
    expires_at: datetime | None
    due: date
    roadmap: str  # slug
    roadmap_title: str
    number: str

    def order(self) -> tuple[date, str, str, str]:
        """The order of a message's list (render's): due, roadmap, number; then the key."""
        return (self.due, self.roadmap, self.number, self.key)


@dataclass(slots=True)
class ItemGroup:
    """The waiting item notifications of one recipient for one local day: one message."""

    recipient: Person
    day: date
    parts: list[Waiting] = field(default_factory=list)

    @property
    def kind(self) -> MessageKind:
        """The most urgent kind among the parts."""
        return max((part.kind for part in self.parts), key=lambda kind: kind.urgency)

    @property
    def send_at(self) -> datetime:
        return max(part.send_at for part in self.parts)

    @property
    def expires_at(self) -> datetime | None:
        """The latest expiry, or None when any part never expires."""
        if any(part.expires_at is None for part in self.parts):
            return None
        return max(part.expires_at for part in self.parts if part.expires_at is not None)

    def by_kind(self) -> dict[MessageKind, list[Waiting]]:
        """The parts of each kind, in the message's order."""
        out: dict[MessageKind, list[Waiting]] = {}
        for part in self.parts:
            out.setdefault(part.kind, []).append(part)
        for parts in out.values():
            parts.sort(key=Waiting.order)
        return out

    def shown(self) -> list[Waiting]:
        """The parts a message lists: the first ``MESSAGE_ITEMS`` of each kind."""
        return [part for parts in self.by_kind().values() for part in parts[:MESSAGE_ITEMS]]

    def notifications(self, parts: list[Waiting]) -> tuple[Notification, ...]:
        made = [
            Notification(
                part.key, part.occurrence_id, self.recipient, part.kind, part.stage, self.day,
                part.send_at, part.expires_at,
            )
            for part in parts
        ]  # fmt: skip
        made.sort(key=lambda n: (-n.kind.urgency, n.key))
        return tuple(made)


def people_by_key(directory: facts.Directory) -> dict[str, Person]:
    people = {person.key: person for person in directory.people.values()}
    people.update((person.key, person) for person in directory.admins)
    return people


def waiting_groups(
    conn: Connection, directory: facts.Directory, now: datetime
) -> Iterator[ItemGroup]:
    """The waiting item notifications, one recipient-day at a time (sorted by recipient key
    and day). Recipients archived since, or without an address now, are left out."""
    people = people_by_key(directory)
    statement = (
        select(NT.c.id, NT.c.key, NT.c.kind, NT.c.stage, NT.c.occurrence_id, NT.c.send_at,
               NT.c.expires_at, NT.c.recipient_key, NT.c.day, OC.c.effective_due, A.c.roadmap_id,
               A.c.key.label("number"))
        .select_from(NT.join(OC, NT.c.occurrence_id == OC.c.id).join(A, OC.c.activity_id == A.c.id))
        .where(
            NT.c.outbox_id.is_(None),
            NT.c.send_at <= now,
            or_(NT.c.expires_at.is_(None), NT.c.expires_at > now),
            OPEN_PREDICATE,
            A.c.archived_at.is_(None),
        )
        .order_by(NT.c.recipient_key, NT.c.day)
    )  # fmt: skip
    result = conn.execute(
        statement.execution_options(stream_results=True, yield_per=STREAM_CHUNK)
    )
    group: ItemGroup | None = None
    for rows in result.partitions(STREAM_CHUNK):
        for row in rows:
            roadmap = directory.roadmaps.get(row.roadmap_id)
            person = people.get(row.recipient_key)
            if roadmap is None or person is None or not person.emails:
                continue  # archived since, or lost their address
            if group is None or group.recipient.key != person.key or group.day != row.day:
                if group is not None:
                    yield group
                group = ItemGroup(person, row.day)
            group.parts.append(
                Waiting(
                    row.id, row.key, MessageKind(row.kind), row.stage, row.occurrence_id,
                    row.send_at, row.expires_at, row.effective_due, roadmap.slug, roadmap.title,
                    row.number,
                )
            )  # fmt: skip
    if group is not None:
        yield group


def shown_items(
    conn: Connection, directory: facts.Directory, parts: list[Waiting]
) -> dict[int, ItemFacts]:
    """The facts of the items a message lists: one query."""
    ids = sorted({part.occurrence_id for part in parts})
    if not ids:
        return {}
    rows = conn.execute(facts.select_items(OC.c.id.in_(ids))).all()
    return {
        item.occurrence_id: item
        for item in facts.items_of(conn, directory, rows)
        if item.occurrence_id is not None
    }
