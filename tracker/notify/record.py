"""The planning pass's first half, streamed: items → policy → rows → write, a chunk at a time.

A cold pass may find half a million items with a stage ready in the look-back. Nothing here
holds more than one chunk of them: each chunk of candidate occurrences (one keyset-paged query,
then one query for its executors and one for the keys already made) goes through the policy
and is written in one bulk insert, in its own transaction, before the next chunk is read.

The policy stays the pure :func:`~tracker.notify.policy.plan`. What it decides for an item
depends only on the item's *track* — its roadmap's zone, effective due date, window start and
whether it is a check-in — and on each recipient's zone and role (executor or coordinator).
So :class:`Tracks` asks the policy once per distinct track, with one stand-in recipient per
zone and role, and hands the answer to every occurrence on that track: a few thousand policy
calls instead of half a million, with the same notifications out (a test compares).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Connection, String, select
from sqlalchemy import cast as sa_cast

from tracker.calendar import WorkCalendar
from tracker.config import PolicySettings
from tracker.notify import facts
from tracker.notify.drafts import Draft, DraftBook, KindTally, Writer, make_part
from tracker.notify.model import ItemFacts, MessageKind, Notification, Person, stage_code
from tracker.notify.outbox import NotificationWriter, insert_notifications
from tracker.notify.policy import Planner
from tracker.store.bulk import driver_batches
from tracker.store.tables import ACTIVITY as A
from tracker.store.tables import OCCURRENCE as OC
from tracker.store.tables import OPEN_PREDICATE

#: Candidate occurrences read, planned and written at a time: memory stays flat with backlog.
CHUNK = 2000

_EXECUTOR, _COORDINATOR = "executor", "coordinator"


@dataclass(frozen=True, slots=True)
class Made:
    """What the policy makes for one stand-in recipient on one track."""

    kind: MessageKind
    stage: str
    day: date
    send_at: datetime
    expires_at: datetime | None


_TrackKey = tuple[str, date, date | None, bool]


class Tracks:
    """The policy's answer per track, asked once per distinct track of a pass (pure: the
    policy, ``now`` and the zones in; cached answers out)."""

    def __init__(
        self,
        now: datetime,
        zones: Sequence[str],
        settings: PolicySettings,
        calendar: WorkCalendar,
    ) -> None:
        self.executors = tuple(_stand_in(_EXECUTOR, zone) for zone in sorted(set(zones)))
        self.coordinators = tuple(_stand_in(_COORDINATOR, zone) for zone in sorted(set(zones)))
        self._cache: dict[_TrackKey, dict[tuple[str, str], Made]] = {}
        self._planner = Planner(now, settings, calendar)  # send times shared by the tracks

    def made(self, key: _TrackKey) -> dict[tuple[str, str], Made]:
        """(role, recipient zone) → what is made on this track at ``now``."""
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._ask(key)
        return found

    def _ask(self, key: _TrackKey) -> dict[tuple[str, str], Made]:
        zone, due, start, checkin = key
        item = ItemFacts(
            occurrence_id=0, roadmap="", roadmap_title="", timezone=zone, number="", title="",
            section=None, result=None, occurrence_kind="checkin" if checkin else "window",
            activity_kind="once", start=start, due=due, effective_due=due, status="planned",
            completed_on=None, executors=self.executors, coordinators=self.coordinators,
        )  # fmt: skip
        out: dict[tuple[str, str], Made] = {}
        for made in self._planner.plan([item], ()):
            role = made.recipient.key.split(":", 1)[0]
            out[(role, made.recipient.timezone)] = Made(
                made.kind, made.stage, made.day, made.send_at, made.expires_at
            )
        return out


def _stand_in(role: str, zone: str) -> Person:
    return Person(f"{role}:{zone}", "", (), zone)


@dataclass(slots=True)
class Recorded:
    """What the record step did."""

    examined: int = 0
    notifications: int = 0  # inserted now
    taken: int = 0  # made by another planner between our read and our write
    deferred: int = 0  # due, but outside the recipient's sending hours
    unreachable: set[str] = field(default_factory=set)  # names without an address
    years: set[int] = field(default_factory=set)  # of the candidates' dates


#: One candidate as the driver gives it: (occurrence id, activity id, roadmap id, start,
#: effective due, occurrence kind, activity number) — the row itself, no object per row.
_Candidate = tuple[int, int, int, date | None, date, str, str]


def candidate_chunks(
    conn: Connection, dates: facts.StageDates, size: int = CHUNK
) -> Iterator[list[_Candidate]]:
    """Open occurrences of live activities with a stage on one of ``dates``: one query,
    streamed (a server-side cursor on PostgreSQL) and handed on ``size`` rows at a time."""
    if dates.empty:
        return
    statement = (
        select(OC.c.id, OC.c.activity_id, A.c.roadmap_id, _text(OC.c.start),
               _text(OC.c.effective_due), OC.c.kind, A.c.key)
        .select_from(OC.join(A, OC.c.activity_id == A.c.id))
        .where(OPEN_PREDICATE, A.c.archived_at.is_(None), facts.stage_filter(conn, dates))
        .order_by(OC.c.id)
    )  # fmt: skip
    days: dict[str | None, date | None] = {None: None}  # a few thousand dates, read once each
    for rows in driver_batches(conn, statement, size):
        chunk: list[_Candidate] = []
        for ident, activity_id, roadmap_id, start, due, kind, number in rows:
            first = days.get(start)
            if first is None and start is not None:
                first = days[start] = date.fromisoformat(start[:10])
            last = days.get(due)
            if last is None:
                last = days[due] = date.fromisoformat(due[:10])
            chunk.append((ident, activity_id, roadmap_id, first, last, kind, number))
        yield chunk


def _text(column: ColumnElement[Any]) -> ColumnElement[str]:
    """A date column as the database's ISO text: no per-row conversion by SQLAlchemy."""
    return sa_cast(column, String)


def _unique(people: Sequence[Person]) -> list[Person]:
    seen: dict[str, Person] = {}
    for person in people:
        seen.setdefault(person.key, person)
    return list(seen.values())


def record_items(
    reader: Connection,
    write: Writer,
    directory: facts.Directory,
    tracks: Tracks,
    dates: facts.StageDates,
    book: DraftBook,
    paused: Collection[str],
) -> Recorded:
    """Plan and write every candidate chunk; ``write`` opens one write transaction (a context
    manager giving a connection) per chunk. A notification goes in linked to its recipient's
    draft for its day (:mod:`tracker.notify.drafts`), which counts it; a paused recipient's
    waits unlinked."""
    now = book.now
    done = Recorded()
    writer = NotificationWriter(reader.dialect.name == "postgresql")
    fan_out = _FanOut(writer, now, paused)
    kinds: dict[int, KindTally] = {}  # by the shared part's identity: one draft, one kind
    unique_coordinators: dict[int, list[Person]] = {}
    for chunk in candidate_chunks(reader, dates):
        executors = facts.executors_by_activity(reader, directory, {c[1] for c in chunk})
        made = facts.made_codes(reader, [c[0] for c in chunk])  # one query per chunk
        rows: list[tuple[object, ...]] = []
        linked: dict[tuple[str, date], _Linked] = {}
        for occurrence_id, activity_id, roadmap_id, start, due, kind, number in chunk:
            roadmap = directory.roadmaps.get(roadmap_id)
            if roadmap is None:
                continue  # an archived roadmap
            done.examined += 1
            done.years.add(due.year)
            if start is not None:
                done.years.add(start.year)
            answers = tracks.made((roadmap.timezone, due, start, kind == "checkin"))
            if not answers:
                continue
            coordinators = unique_coordinators.get(roadmap_id)
            if coordinators is None:  # the same few per roadmap: made unique once a pass
                coordinators = unique_coordinators[roadmap_id] = _unique(roadmap.coordinators)
            for role, people in (
                (_EXECUTOR, executors.get(activity_id, ())),  # each once already
                (_COORDINATOR, coordinators),
            ):
                for person in people:
                    answer = answers.get((role, person.timezone))
                    if answer is None:
                        continue
                    out = fan_out.parts(answer, person)
                    if made and (occurrence_id, out.recipient_id, out.code) in made:
                        continue
                    if out.unreachable:
                        done.unreachable.add(out.person.name)
                        continue
                    if out.deferred:
                        done.deferred += 1
                    if out.paused:
                        rows.append((occurrence_id, out.recipient_id, out.code, None, *out.tail))
                        continue
                    group = linked.get(out.link)
                    if group is None:
                        group = linked[out.link] = _Linked(out.person, out.answer.day)
                    group.parts.append((occurrence_id, due, roadmap, number, out))
        if not rows and not linked:
            continue
        with write() as tx:
            drafts = []
            for group in linked.values():
                draft = book.draft(tx, group.person, group.day)
                drafts.append(draft)
                _link(rows, draft, group, kinds)
            inserted = writer.insert(tx, rows)
        done.notifications += inserted
        done.taken += len(rows) - inserted
        if inserted < len(rows):  # another planner made some first: count from the store
            for draft in drafts:
                draft.dirty = True
    return done


@dataclass(slots=True)
class _Linked:
    """One chunk's notifications for one recipient-day."""

    person: Person
    day: date
    parts: list[tuple[int, date, facts.RoadmapInfo, str, _Out]] = field(default_factory=list)


def _link(
    rows: list[tuple[object, ...]], draft: Draft, group: _Linked, kinds: dict[int, KindTally]
) -> None:
    """Rows linked to ``draft``, counted in its tally (``kinds``: the tally's part for each
    shared part of a row, kept for the pass)."""
    tally = draft.tally
    ident = draft.id
    recipient_key = group.person.key
    titles = tally.titles
    for occurrence_id, due, roadmap, number, out in group.parts:
        rows.append((occurrence_id, out.recipient_id, out.code, ident, *out.tail))
        one = kinds.get(id(out))
        if one is None:  # an answer to a recipient goes to one draft all the pass
            answer = out.answer
            tally.timing(answer.send_at, answer.expires_at)
            one = kinds[id(out)] = tally.kind(answer.kind)
        titles.add(roadmap.title)
        if one.counts(due):
            answer = out.answer
            one.keep(
                make_part(due, roadmap.slug, number, answer.kind, answer.stage, occurrence_id,
                          recipient_key, answer.send_at, answer.expires_at)
            )  # fmt: skip


class _Out(NamedTuple):
    """What every notification of one answer to one recipient shares."""

    answer: Made
    person: Person
    recipient_id: int
    code: int
    tail: tuple[object, ...]
    link: tuple[str, date]  # the recipient-day: which draft
    deferred: bool  # outside the recipient's sending hours now
    paused: bool  # waits unlinked while the recipient's pause lasts
    unreachable: bool  # no address: not made


class _FanOut:
    """The parts of a notification row shared by every occurrence of one answer to one
    recipient: its stored key's recipient and stage code, the row's tail, and what becomes of
    it (deferred, paused, unreachable)."""

    def __init__(self, writer: NotificationWriter, now: datetime, paused: Collection[str]):
        self.writer = writer
        self.now = now
        self.paused = paused
        # keyed by the answer's identity: Tracks keeps every answer for the whole pass
        self._cache: dict[tuple[int, str], _Out] = {}
        self._answers: dict[int, tuple[int, tuple[object, ...], bool]] = {}

    def parts(self, answer: Made, person: Person) -> _Out:
        cached = self._cache.get((id(answer), person.key))
        if cached is None:
            if person.executor_id is None:
                raise ValueError(f"{person.key}: an item notification goes to an executor")
            shared = self._answers.get(id(answer))  # the same for every recipient of it
            if shared is None:
                shared = self._answers[id(answer)] = (
                    stage_code(answer.kind, answer.stage),
                    self.writer.tail(answer.day, answer.send_at, answer.expires_at),
                    answer.send_at > self.now,
                )
            code, tail, deferred = shared
            cached = self._cache[(id(answer), person.key)] = _Out(
                answer, person, person.executor_id, code, tail, (person.key, answer.day),
                deferred, person.key in self.paused, not person.emails,
            )  # fmt: skip
        return cached


def record_notifications(
    write: Writer, notifications: Sequence[Notification], now: datetime
) -> tuple[int, int]:
    """Write a few ready-made notifications (the digests): (inserted, taken)."""
    if not notifications:
        return 0, 0
    with write() as tx:
        inserted = len(insert_notifications(tx, notifications, now=now))
    return inserted, len(notifications) - inserted
