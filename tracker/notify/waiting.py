"""What composing a message reads besides its notifications: the recipients by key, and the
facts of the items a message lists (one query per message)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection

from tracker.notify import facts
from tracker.notify.model import ItemFacts, Person
from tracker.store.tables import OCCURRENCE as OC


def people_by_key(directory: facts.Directory) -> dict[str, Person]:
    people = {person.key: person for person in directory.people.values()}
    people.update((person.key, person) for person in directory.admins)
    return people


def shown_items(
    conn: Connection, directory: facts.Directory, occurrence_ids: Iterable[int]
) -> dict[int, ItemFacts]:
    """The facts of the items a message lists: one query."""
    ids = sorted(set(occurrence_ids))
    if not ids:
        return {}
    rows = conn.execute(facts.select_items(OC.c.id.in_(ids))).all()
    return {
        item.occurrence_id: item
        for item in facts.items_of(conn, directory, rows)
        if item.occurrence_id is not None
    }
