"""The streamed planning pass makes what the pass before it made (issue 18).

On a 1/20-scale copy of the soak benchmark's database (50 roadmaps × 100 activities, the
benchmark's own generator and moment), the benchmark's three passes — cold, five minutes later,
the next morning — are run twice, on SQLite and on PostgreSQL: by :func:`reference_pass`, the
pass as it was before streaming (commit fd663c6, condensed: every candidate item in memory, the
policy per item, every waiting notification and its item read, one batch per recipient-day),
and by :func:`~tracker.notify.remind.plan_pass`. Each message (kind, recipient, addresses,
sending time; subject, text and HTML of item messages), the items each message carries
(occurrence and stage of every notification it took) and the passes' counts must be the same.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable, Collection, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, or_, select

from tracker.calendar import russian_calendar
from tracker.config import Settings, load_settings
from tracker.notify import facts
from tracker.notify.compose import Composer, compose
from tracker.notify.digest import digest_recipients
from tracker.notify.model import Batch, ItemFacts, Notification
from tracker.notify.outbox import (
    KEY_COLUMNS,
    insert_notifications,
    read_stored,
    upsert_insert,
    write_transaction,
)
from tracker.notify.policy import LOOKBACK_DAYS, digest_notifications, group, plan
from tracker.notify.remind import MARK, PlanReport, plan_pass
from tracker.notify.render import Renderer, resolve_templates_dir
from tracker.roadmap.schedule_file import load
from tracker.store.chunking import CHUNK, chunked
from tracker.store.db import make_engine, upgrade
from tracker.store.pgtemp import TempPostgres
from tracker.store.plan import SyncPolicy
from tracker.store.sync import sync_directory
from tracker.store.tables import ACTIVITY as A
from tracker.store.tables import NOTIFICATION as NT
from tracker.store.tables import OCCURRENCE as OC
from tracker.store.tables import OPEN_PREDICATE, OUTBOX
from tracker.store.tables import PLANNER_MARK as PM

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
ROADMAPS, ACTIVITIES = 50, 100  # the soak benchmark's 1000 × 100, at 1/20

Pass = Callable[[Engine, Settings, datetime], PlanReport]


def _bench() -> tuple[datetime, Callable[[Path, int, int], None]]:
    sys.path.insert(0, str(BENCHMARKS))
    try:
        from store_bench import NOW, generate
    finally:
        sys.path.remove(str(BENCHMARKS))
    return NOW, generate


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def transcript(engine: Engine, lines_by_pass: list[str]) -> str:
    """The passes' counts, then every message with the items it carries, in a fixed order."""
    out = [f"pass {number}: {line}" for number, line in enumerate(lines_by_pass, 1)]
    with engine.connect() as conn:
        carried: dict[int, list[str]] = {}
        for row in conn.execute(select(NT)):
            if row.outbox_id is not None:
                stage = read_stored(row).stage
                carried.setdefault(row.outbox_id, []).append(f"{row.occurrence_id}/{stage}")
        messages = []
        for row in conn.execute(select(OUTBOX).where(OUTBOX.c.state != "draft")):  # queued
            items = sorted(carried.get(row.id, []))
            # a digest's body is the digest's own business (not the pass's): its day is compared
            body = (
                "(digest)"
                if row.kind == "digest"
                else f"«{row.subject}» text {_sha(row.text)} html {_sha(row.html)}"
            )
            messages.append(
                f"{row.kind} {row.recipient_key} {','.join(row.to_addrs)} "
                f"at {row.not_before:%Y-%m-%d %H:%M} {body} "
                f"{len(items)} items {_sha(chr(10).join(items))}"
            )
    out += sorted(messages)
    return "\n".join(out) + "\n"


# --- the pass before streaming, kept here as the reference ---------------------------------------


def reference_pass(engine: Engine, settings: Settings, now: datetime) -> PlanReport:
    """The planning pass of commit fd663c6, condensed (no dry run, no links)."""
    now = now.astimezone(UTC)
    calendar = russian_calendar()
    policy = settings.policy
    report = PlanReport(now=now)
    with engine.connect() as conn:
        directory = facts.load_directory(conn, settings)
        mark = conn.execute(select(PM.c.until).where(PM.c.name == MARK)).scalar()
        since = mark or now - timedelta(days=LOOKBACK_DAYS)
        roadmap_zones, people_zones = directory.zones()
        pairs = [(r, p) for r in roadmap_zones for p in people_zones]
        dates = facts.stage_dates(
            facts.ready_days(since, now, pairs, policy, calendar), policy, calendar
        )
        notifications: list[Notification] = []
        for chunk in _candidates(conn, directory, dates):
            report.examined += len(chunk)
            ids = [item.occurrence_id for item in chunk if item.occurrence_id]
            notifications += plan(chunk, _made_keys(conn, ids), now, policy, calendar)
        made_digests = facts.made_digest_keys(conn, (now - timedelta(days=LOOKBACK_DAYS)).date())
        notifications += digest_notifications(
            digest_recipients(directory), made_digests, now, policy, calendar
        )
    reachable = [n for n in notifications if n.recipient.emails]
    report.deferred = sum(1 for n in reachable if n.send_at > now)
    for index in range(0, len(reachable), 500):
        with write_transaction(engine) as tx:
            new = insert_notifications(tx, reachable[index : index + 500], now=now)
        report.notifications += len(new)
    with write_transaction(engine) as tx:
        statement = upsert_insert(tx, PM).values(name=MARK, until=now)
        tx.execute(
            statement.on_conflict_do_update(
                index_elements=["name"],
                set_={"until": statement.excluded.until},
                where=PM.c.until < statement.excluded.until,
            )
        )
    renderer = Renderer(resolve_templates_dir(settings.mail.templates))
    composer = Composer(engine, settings, renderer, directory, now)
    with engine.connect() as reader:
        for batch in _waiting(reader, directory, now):
            composed = compose(composer, reader, batch, _items(reader, directory, batch))
            if composed.planned is not None:
                report.messages.append(composed.planned)
    return report


def _candidates(
    conn: Connection, directory: facts.Directory, dates: facts.StageDates
) -> Iterator[list[ItemFacts]]:
    """Open occurrences of live activities with a stage on one of ``dates``, in chunks."""
    if dates.empty:
        return
    statement = facts.select_items(
        OPEN_PREDICATE, A.c.archived_at.is_(None), facts.stage_filter(conn, dates)
    ).order_by(OC.c.id)
    # options on the statement, not the connection: later writes on it must not stream
    result = conn.execute(statement.execution_options(stream_results=True, yield_per=CHUNK))
    for rows in result.partitions(CHUNK):
        yield facts.items_of(conn, directory, rows)


def _made_keys(conn: Connection, occurrence_ids: Collection[int], *, size: int = CHUNK) -> set[str]:
    """Keys of the notifications already made about these occurrences (``size`` ids per
    query), as :func:`~tracker.notify.model.notification_key` makes them."""
    keys: set[str] = set()
    for part in chunked(occurrence_ids, size):
        statement = select(*KEY_COLUMNS).where(NT.c.occurrence_id.in_(part))
        keys.update(read_stored(row).key for row in conn.execute(statement))
    return keys


def _waiting(conn: Connection, directory: facts.Directory, now: datetime) -> list[Batch]:
    rows = conn.execute(
        select(NT).where(
            NT.c.outbox_id.is_(None),
            NT.c.send_at <= now,
            or_(NT.c.expires_at.is_(None), NT.c.expires_at > now),
        )
    ).all()
    items = _facts(conn, directory, {row.occurrence_id for row in rows if row.occurrence_id})
    people = {person.key: person for person in directory.people.values()}
    people.update((person.key, person) for person in directory.admins)
    notifications = []
    for row in rows:
        stored = read_stored(row)
        person = people.get(stored.recipient_key)
        if person is None or not person.emails:
            continue
        if row.occurrence_id is not None:
            item = items.get(row.occurrence_id)
            if item is None or not item.is_open:
                continue
        notifications.append(
            Notification(
                stored.key, row.occurrence_id, person, stored.kind, stored.stage, row.day,
                row.send_at, row.expires_at,
            )
        )  # fmt: skip
    return group(notifications)


def _facts(conn: Connection, directory: facts.Directory, ids: set[int]) -> dict[int, ItemFacts]:
    out: dict[int, ItemFacts] = {}
    for part in chunked(ids):
        found = conn.execute(
            facts.select_items(
                OC.c.id.in_(part), OC.c.archived_at.is_(None), A.c.archived_at.is_(None)
            )
        ).all()
        for item in facts.items_of(conn, directory, found):
            assert item.occurrence_id is not None
            out[item.occurrence_id] = item
    return out


def _items(conn: Connection, directory: facts.Directory, batch: Batch) -> dict[int, ItemFacts]:
    wanted = {n.occurrence_id for n in batch.notifications if n.occurrence_id is not None}
    return _facts(conn, directory, wanted)


# --- the comparison ------------------------------------------------------------------------------


def _second_url(db_url: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if db_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'reference.db'}"
    server: TempPostgres = request.getfixturevalue("postgres")
    return server.create_database()


def _passes(url: str, folder: Path, settings: Settings, now: datetime, run: Pass) -> str:
    engine = make_engine(url)
    upgrade(engine)
    try:
        report = sync_directory(
            engine,
            folder,
            load=load,
            executors_file=folder / "executors.toml",
            policy=SyncPolicy(shift=settings.policy.shift, checkin=settings.policy.checkin),
            now=now,
        )
        assert not report.failed
        moments = [now, now + timedelta(minutes=5), now + timedelta(days=1)]
        lines = [run(engine, settings, moment).lines()[-1] for moment in moments]
        return transcript(engine, lines)
    finally:
        engine.dispose()


def test_the_streamed_pass_makes_the_same_messages_as_the_pass_before(
    db_url: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    now, generate = _bench()
    folder = tmp_path / "schedules"
    generate(folder, ROADMAPS, ACTIVITIES)
    settings = load_settings(env={"TRACKER_MAIL_DIR": str(tmp_path / "mail")}, cwd=tmp_path)
    streamed = _passes(db_url, folder, settings, now, plan_pass)
    reference = _passes(
        _second_url(db_url, request, tmp_path), folder, settings, now, reference_pass
    )
    assert streamed.count("\n") > 100  # messages of every kind were made
    assert streamed == reference
