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
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Connection, String, cast, or_, select

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
    """One waiting notification, with what ordering it in its message needs. Dates and times
    are kept as the database's text (ISO: their order is the dates' order) and read as dates
    only for the items a message lists."""

    id: int
    key: str
    kind: MessageKind
    stage: str
    occurrence_id: int
    send_at: str
    expires_at: str | None
    due: str
    roadmap: str  # slug
    roadmap_title: str
    number: str

    def order(self) -> tuple[str, str, str, str]:
        """The order of a message's list (render's): due, roadmap, number; then the key."""
        return (self.due, self.roadmap, self.number, self.key)


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


_KINDS = {kind.value: kind for kind in MessageKind}


@dataclass(slots=True)
class ItemGroup:
    """The waiting item notifications of one recipient for one local day: one message."""

    recipient: Person
    day: date
    parts: list[Waiting] = field(default_factory=list)
    _by_kind: dict[MessageKind, list[Waiting]] | None = None

    @property
    def kind(self) -> MessageKind:
        """The most urgent kind among the parts."""
        return max((part.kind for part in self.parts), key=lambda kind: kind.urgency)

    @property
    def send_at(self) -> datetime:
        return _moment(max(part.send_at for part in self.parts))

    @property
    def expires_at(self) -> datetime | None:
        """The latest expiry, or None when any part never expires."""
        if any(part.expires_at is None for part in self.parts):
            return None
        return _moment(max(part.expires_at for part in self.parts if part.expires_at is not None))

    def by_kind(self) -> dict[MessageKind, list[Waiting]]:
        """The parts of each kind, in the message's order (worked out once)."""
        if self._by_kind is None:
            out: dict[MessageKind, list[Waiting]] = {}
            for part in self.parts:
                out.setdefault(part.kind, []).append(part)
            for parts in out.values():
                parts.sort(key=Waiting.order)
            self._by_kind = out
        return self._by_kind

    def shown(self) -> list[Waiting]:
        """The parts a message lists: the first ``MESSAGE_ITEMS`` of each kind."""
        return [part for parts in self.by_kind().values() for part in parts[:MESSAGE_ITEMS]]

    def notifications(self, parts: list[Waiting]) -> tuple[Notification, ...]:
        made = [
            Notification(
                part.key, part.occurrence_id, self.recipient, part.kind, part.stage, self.day,
                _moment(part.send_at),
                None if part.expires_at is None else _moment(part.expires_at),
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
        select(NT.c.id, NT.c.key, NT.c.kind, NT.c.stage, NT.c.occurrence_id,
               _text(NT.c.send_at), _text(NT.c.expires_at), NT.c.recipient_key, _text(NT.c.day),
               _text(OC.c.effective_due), A.c.roadmap_id, A.c.key)
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
    result = conn.execute(statement.execution_options(stream_results=True, yield_per=STREAM_CHUNK))
    group: ItemGroup | None = None
    day_text = ""
    for rows in result.partitions(STREAM_CHUNK):
        for (ident, key, kind, stage, occurrence_id, send_at, expires_at, recipient_key, day,
             due, roadmap_id, number) in rows:  # fmt: skip
            roadmap = directory.roadmaps.get(roadmap_id)
            person = people.get(recipient_key)
            if roadmap is None or person is None or not person.emails:
                continue  # archived since, or lost their address
            if group is None or group.recipient.key != person.key or day_text != day:
                if group is not None:
                    yield group
                group, day_text = ItemGroup(person, date.fromisoformat(day[:10])), day
            group.parts.append(
                Waiting(
                    ident, key, _KINDS[kind], stage, occurrence_id, send_at, expires_at, due,
                    roadmap.slug, roadmap.title, number,
                )
            )  # fmt: skip
    if group is not None:
        yield group


def _text(column: ColumnElement[Any]) -> ColumnElement[str]:
    """A date or time column as the database's ISO text: no per-row conversion."""
    return cast(column, String)


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
