"""Messages put together while their notifications are made (issue 18), on SQLite and
PostgreSQL: a message that waits for its recipient's sending hours leaves out what was done
meanwhile; a pass that dies after recording leaves its messages to the pass after its lease;
nothing is told twice and nothing is lost."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, update
from test_remind import synced

from tracker.notify.drafts import LEASE, DraftBook
from tracker.notify.remind import plan_pass
from tracker.store.changes import change_status
from tracker.store.models import Status
from tracker.store.tables import ACTIVITY as A
from tracker.store.tables import NOTIFICATION as NT
from tracker.store.tables import OCCURRENCE as OC
from tracker.store.tables import OUTBOX
from tracker.store.tables import ROADMAP as RM

EVENING = datetime(2022, 5, 20, 16, 0, tzinfo=UTC)  # a Friday, after hours everywhere
MONDAY = datetime(2022, 5, 23, 8, 0, tzinfo=UTC)  # sending hours in every zone of the seeds
MORNING = datetime(2022, 5, 20, 7, 0, tzinfo=UTC)  # sending hours in Moscow


def _drafts(engine: Engine) -> list[int]:
    with engine.connect() as conn:
        return list(conn.execute(select(OUTBOX.c.id).where(OUTBOX.c.state == "draft")).scalars())


def _linked(engine: Engine, outbox_id: int) -> set[int]:
    with engine.connect() as conn:
        return set(
            conn.execute(select(NT.c.occurrence_id).where(NT.c.outbox_id == outbox_id)).scalars()
        )


def _unlinked_due(engine: Engine, now: datetime) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                select(func.count())
                .select_from(NT)
                .where(NT.c.outbox_id.is_(None), NT.c.send_at <= now)
            ).scalar_one()
        )


def test_a_waiting_message_leaves_out_what_was_done_meanwhile(
    engine: Engine, tmp_path: Path
) -> None:
    settings = synced(engine, tmp_path)
    evening = plan_pass(engine, settings, EVENING)
    assert evening.made == 0 and evening.deferred > 0  # nothing queued after hours
    waiting = _drafts(engine)
    assert waiting
    with engine.connect() as conn:
        subjects = conn.execute(select(OUTBOX.c.subject).where(OUTBOX.c.id.in_(waiting))).scalars()
        assert all(subjects)  # rendered when made
        draft = max(waiting, key=lambda ident: len(_linked(engine, ident)))
        occurrence = min(_linked(engine, draft))
        ref = conn.execute(
            select(RM.c.slug, A.c.key)
            .select_from(OC.join(A, OC.c.activity_id == A.c.id).join(RM))
            .where(OC.c.id == occurrence)
        ).one()
    before = _linked(engine, draft)
    with engine.connect() as conn:
        recipient = conn.execute(
            select(OUTBOX.c.recipient_id).where(OUTBOX.c.id == draft)
        ).scalar_one()
    change_status(
        engine, f"{ref.slug}:{ref.key}", Status.DONE, now=EVENING + timedelta(hours=1),
        actor="executor", occurrence_id=occurrence, completed_on=EVENING.date(),
    )  # fmt: skip
    monday = plan_pass(engine, settings, MONDAY)
    queued = {message.outbox_id: message for message in monday.messages}
    with engine.connect() as conn:  # where the rest went: this draft, or the day's message
        (message,) = set(
            conn.execute(
                select(NT.c.outbox_id).where(
                    NT.c.recipient_id == recipient, NT.c.occurrence_id.in_(before - {occurrence})
                )
            ).scalars()
        )
    assert message in queued
    assert before - {occurrence} <= _linked(engine, message)
    assert occurrence not in _linked(engine, message)  # the done item left the message
    assert queued[message].items == len(_linked(engine, message))
    assert not set(_drafts(engine)) & set(waiting)  # every waiting draft was queued or merged
    with engine.connect() as conn:  # left unsent: the done item's notifications, no other
        unsent = set(
            conn.execute(
                select(NT.c.occurrence_id).where(
                    NT.c.outbox_id.is_(None), NT.c.send_at <= MONDAY, NT.c.stage_code.is_not(None)
                )
            ).scalars()
        )
    assert unsent == {occurrence}


def test_a_pass_that_died_leaves_its_messages_to_the_pass_after_its_lease(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = synced(engine, tmp_path)

    def killed(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("killed after recording")

    with monkeypatch.context() as patch:
        patch.setattr(DraftBook, "finish", killed)
        with pytest.raises(RuntimeError, match="killed"):
            plan_pass(engine, settings, MORNING)
    orphans = _drafts(engine)
    made = _linked_all(engine)
    with engine.connect() as conn:
        recorded = list(  # item notifications (its digests wait: they come after drafts)
            conn.execute(
                select(NT.c.id).where(NT.c.outbox_id.is_not(None), NT.c.stage_code.is_not(None))
            ).scalars()
        )
    assert orphans and made == len(recorded)  # linked to unrendered drafts of the dead pass
    soon = plan_pass(engine, settings, MORNING + timedelta(minutes=5))
    # its lease holds: nobody else takes its messages yet; its digests, recorded, go out
    assert soon.made and {message.kind for message in soon.messages} == {"digest"}
    later = MORNING + LEASE + timedelta(minutes=5)
    after = plan_pass(engine, settings, later)
    queued = {message.outbox_id for message in after.messages}
    with engine.connect() as conn:  # adopted as they were, or merged into the day's message
        homes = set(conn.execute(select(NT.c.outbox_id).where(NT.c.id.in_(recorded))).scalars())
    with engine.connect() as conn:  # the rest wait, rendered, for their recipients' hours
        waiting = conn.execute(
            select(OUTBOX.c.id, OUTBOX.c.subject, OUTBOX.c.not_before).where(
                OUTBOX.c.state == "draft"
            )
        ).all()
    assert all(row.subject and row.not_before > later for row in waiting)
    assert homes <= queued | {row.id for row in waiting}
    assert _linked_all(engine) >= made
    assert _unlinked_due(engine, later) == 0  # every notification is in one message


def _linked_all(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                select(func.count())
                .select_from(NT)
                .where(NT.c.outbox_id.is_not(None), NT.c.stage_code.is_not(None))
            ).scalar_one()
        )


def test_a_waiting_message_leaves_out_a_roadmap_archived_meanwhile(
    engine: Engine, tmp_path: Path
) -> None:
    settings = synced(engine, tmp_path)
    plan_pass(engine, settings, EVENING)
    waiting = _drafts(engine)
    assert waiting
    with engine.begin() as conn:  # the roadmap of one waiting item is archived before Monday
        occurrence = min(_linked(engine, waiting[0]))
        roadmap = conn.execute(
            select(A.c.roadmap_id)
            .select_from(OC.join(A, OC.c.activity_id == A.c.id))
            .where(OC.c.id == occurrence)
        ).scalar_one()
        conn.execute(
            update(RM).where(RM.c.id == roadmap).values(archived_at=EVENING + timedelta(hours=1))
        )
        gone = set(
            conn.execute(
                select(OC.c.id)
                .select_from(OC.join(A, OC.c.activity_id == A.c.id))
                .where(A.c.roadmap_id == roadmap)
            ).scalars()
        )
    monday = plan_pass(engine, settings, MONDAY)
    assert monday.made > 0
    told = set().union(*(_linked(engine, message.outbox_id) for message in monday.messages))
    assert not told & gone  # nothing of the archived roadmap went out
