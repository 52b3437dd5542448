"""The outbox on SQLite and PostgreSQL: made once, claimed once, leases, backoff, sending hours."""

from __future__ import annotations

import threading
import time as clock
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from outboxkit import LEASE, NOW, SENDER, made, message, queue, row
from sqlalchemy import Engine, select, text

from tracker.errors import InputError
from tracker.notify.outbox import (
    Outcome,
    SendPolicy,
    backoff,
    claim,
    counts,
    failures_since,
    in_sending_hours,
    insert_notifications,
    insert_outbox,
    link,
    list_rows,
    make_message_id,
    mark_failed,
    mark_retry,
    mark_sent,
    next_sending_time,
    release,
    retry,
)
from tracker.store.tables import NOTIFICATION

MOSCOW = ZoneInfo("Europe/Moscow")
NINE, SIX_PM = time(9, 0), time(18, 0)


# --- pure helpers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attempts", "minutes"),
    [(1, 1), (2, 2), (3, 4), (4, 8), (5, 16), (6, 32), (7, 60), (10, 60), (500, 60)],
    ids=lambda v: str(v),
)
def test_backoff_doubles_up_to_an_hour(attempts: int, minutes: int) -> None:
    wait = backoff(attempts, timedelta(minutes=1), timedelta(hours=1))
    assert wait == timedelta(minutes=minutes)


def _msk(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2024, 5, day, hour, minute, tzinfo=MOSCOW)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (_msk(20, 10), _msk(20, 10)),
        (_msk(20, 9), _msk(20, 9)),
        (_msk(20, 17, 59), _msk(20, 17, 59)),
        (_msk(20, 18), _msk(21, 9)),
        (_msk(20, 23, 30), _msk(21, 9)),
        (_msk(21, 0, 15), _msk(21, 9)),
        (_msk(21, 8, 59), _msk(21, 9)),
    ],
    ids=["inside", "at-send-from", "last-minute", "at-send-until", "late-evening", "after-midnight",
         "early-morning"],
)  # fmt: skip
def test_next_sending_time_moves_night_to_the_next_morning(
    moment: datetime, expected: datetime
) -> None:
    got = next_sending_time(moment, MOSCOW, NINE, SIX_PM)
    assert got == expected and got.tzinfo == UTC
    assert in_sending_hours(got, MOSCOW, NINE, SIX_PM)


def test_sending_hours_are_the_recipients() -> None:
    noon_utc = datetime(2024, 5, 20, 12, 0, tzinfo=UTC)  # 15:00 Moscow, 22:00 Vladivostok
    assert in_sending_hours(noon_utc, MOSCOW, NINE, SIX_PM)
    vladivostok = ZoneInfo("Asia/Vladivostok")
    assert not in_sending_hours(noon_utc, vladivostok, NINE, SIX_PM)
    assert next_sending_time(noon_utc, vladivostok, NINE, SIX_PM) == datetime(
        2024, 5, 21, 9, 0, tzinfo=vladivostok
    )


def test_message_id_is_deterministic_per_key() -> None:
    one = make_message_id("daily:executor:1:2024-05-20:ab12cd34", SENDER)
    assert one == make_message_id("daily:executor:1:2024-05-20:ab12cd34", SENDER)
    assert one != make_message_id("daily:executor:2:2024-05-20:ab12cd34", SENDER)
    assert one.startswith("<") and one.endswith("@tracker.example.org>")


# --- planner side -------------------------------------------------------------------------------


def test_notifications_are_made_once(engine: Engine) -> None:
    first = [made("reminder", "d14"), made("reminder", "d3"), made("reminder", "d3")]
    with engine.begin() as conn:
        assert insert_notifications(conn, first, now=NOW) == [
            "reminder:d14:-:address:ivanov@example.org",
            "reminder:d3:-:address:ivanov@example.org",
        ]
    again = [made("reminder", "d3"), made("reminder", "d1")]
    with engine.begin() as conn:
        assert insert_notifications(conn, again, now=NOW) == [
            "reminder:d1:-:address:ivanov@example.org"
        ]
        assert insert_notifications(conn, [], now=NOW) == []


def test_outbox_row_is_queued_once_and_linked(engine: Engine) -> None:
    notes = [made("reminder", "d3"), made("due_today", "d0")]
    with engine.begin() as conn:
        insert_notifications(conn, notes, now=NOW)
        outbox_id = insert_outbox(conn, message("daily:a:2024-05-20:1"), now=NOW, sender=SENDER)
        assert outbox_id is not None
        assert link(conn, [n.key for n in notes], outbox_id) == 2
        assert insert_outbox(conn, message("daily:a:2024-05-20:1"), now=NOW, sender=SENDER) is None
    with engine.connect() as conn:
        linked = conn.execute(select(NOTIFICATION.c.outbox_id)).scalars().all()
    assert linked == [outbox_id, outbox_id]
    queued = row(engine, outbox_id)
    assert (queued.state, queued.attempts, queued.next_attempt_at) == ("pending", 0, NOW)
    assert queued.message_id == make_message_id("daily:a:2024-05-20:1", SENDER)


def _wait_until_blocked(engine: Engine) -> None:
    """Until another session waits for a lock (PostgreSQL); a moment on SQLite."""
    if engine.dialect.name != "postgresql":
        clock.sleep(0.3)
        return
    probe = text(
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
        "AND datname = current_database()"
    )
    for _ in range(200):
        with engine.connect() as conn:
            if conn.execute(probe).scalar():
                return
        clock.sleep(0.05)
    raise AssertionError("the second planner never waited for the first")


def test_two_planners_at_once_make_each_notification_once(engine: Engine) -> None:
    notes = [made("reminder", f"d{i}") for i in range(30)]
    first_inserted = threading.Event()
    got: dict[str, tuple[list[str], int | None]] = {}

    def first() -> None:
        with engine.begin() as conn:
            keys = insert_notifications(conn, notes, now=NOW)
            outbox_id = insert_outbox(conn, message("daily:x"), now=NOW, sender=SENDER)
            first_inserted.set()
            _wait_until_blocked(engine)
        got["first"] = (keys, outbox_id)

    def second() -> None:
        first_inserted.wait(10)
        with engine.begin() as conn:
            keys = insert_notifications(conn, notes, now=NOW)
            outbox_id = insert_outbox(conn, message("daily:x"), now=NOW, sender=SENDER)
        got["second"] = (keys, outbox_id)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(got["first"][0]) == 30 and got["first"][1] is not None
    assert got["second"] == ([], None)
    assert counts(engine)["pending"] == 1


def _race(engine: Engine, key: str) -> tuple[list[int | None], list[BaseException]]:
    """Two planners queue the same message, starting together."""
    start = threading.Barrier(2)
    got: list[int | None] = []
    errors: list[BaseException] = []

    def planner() -> None:
        try:
            start.wait(10)
            with engine.begin() as conn:
                got.append(insert_outbox(conn, message(key), now=NOW, sender=SENDER))
        except BaseException as error:  # reported by the caller
            errors.append(error)

    threads = [threading.Thread(target=planner) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return got, errors


def test_planners_racing_for_the_same_message_queue_it_once(engine: Engine) -> None:
    """Round after round, whichever unique index (key, message_id) the database checks first,
    the loser inserts nothing and fails nothing."""
    for round_ in range(15):
        got, errors = _race(engine, f"race-{round_}")
        assert errors == []
        assert len(got) == 2 and got.count(None) == 1
    assert counts(engine)["pending"] == 15


# --- sender side --------------------------------------------------------------------------------


def test_claim_takes_due_rows_under_a_lease(engine: Engine) -> None:
    due, later = queue(engine, message("a"), message("b", not_before=NOW + timedelta(hours=1)))
    claimed = claim(engine, "w1", NOW, limit=10, lease=LEASE)
    assert [r.id for r in claimed.rows] == [due]
    stored = row(engine, due)
    assert (stored.state, stored.attempts, stored.claimed_by) == ("sending", 1, "w1")
    assert stored.lease_until == NOW + LEASE
    assert claimed.rows[0] == stored
    assert row(engine, later).state == "pending"
    assert claim(engine, "w2", NOW, limit=10, lease=LEASE).rows == ()


def test_claimers_at_once_never_share_a_row(engine: Engine) -> None:
    ids = set(queue(engine, *(message(f"m{i}") for i in range(120))))
    taken: dict[str, list[int]] = {}

    def claimer(worker: str) -> None:
        mine: list[int] = []
        while rows := claim(engine, worker, NOW, limit=7, lease=LEASE).rows:
            mine += [r.id for r in rows]
        taken[worker] = mine

    threads = [threading.Thread(target=claimer, args=(f"w{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    every = [i for mine in taken.values() for i in mine]
    assert sorted(every) == sorted(ids)  # each row exactly once
    assert {r.claimed_by for r in list_rows(engine, limit=500)} == {
        w for w, mine in taken.items() if mine
    }


@pytest.fixture
def pg_engine(postgres: Any) -> Iterator[Engine]:
    """PostgreSQL alone: SKIP LOCKED is its; SQLite serialises claimers instead."""
    from tracker.store.db import make_engine, upgrade

    engine = make_engine(postgres.create_database())
    upgrade(engine)
    yield engine
    engine.dispose()


def test_postgres_claim_skips_rows_locked_by_another_claimer(pg_engine: Engine) -> None:
    engine = pg_engine
    first, *rest = queue(engine, *(message(f"m{i}") for i in range(5)))
    result: list[int] = []
    with engine.connect() as holder:
        holder.execute(text("SELECT id FROM outbox WHERE id = :id FOR UPDATE"), {"id": first})
        thread = threading.Thread(
            target=lambda: result.extend(
                r.id for r in claim(engine, "w2", NOW, limit=10, lease=LEASE).rows
            )
        )
        thread.start()
        thread.join(20)
        assert not thread.is_alive(), "claim waited for a locked row"
        holder.rollback()
    assert result == rest


def test_expired_lease_is_claimed_again_and_fences_the_old_sender(engine: Engine) -> None:
    (row_id,) = queue(engine, message("a"))
    (old,) = claim(engine, "w1", NOW, limit=5, lease=LEASE).rows
    assert claim(engine, "w2", NOW + LEASE - timedelta(seconds=1), limit=5, lease=LEASE).rows == ()
    (new,) = claim(engine, "w2", NOW + LEASE, limit=5, lease=LEASE).rows
    assert (new.id, new.attempts, new.claimed_by) == (row_id, 2, "w2")
    assert mark_sent(engine, old, "w1", NOW + LEASE) is False  # lost: w2 owns it now
    assert mark_retry(engine, old, "w1", "late", NOW + LEASE) is Outcome.LOST
    assert mark_sent(engine, new, "w2", NOW + LEASE) is True
    stored = row(engine, row_id)
    assert (stored.state, stored.sent_at, stored.lease_until) == ("sent", NOW + LEASE, None)


def test_same_worker_reclaiming_is_fenced_by_the_attempt(engine: Engine) -> None:
    queue(engine, message("a"))
    (old,) = claim(engine, "w1", NOW, limit=5, lease=LEASE).rows
    (new,) = claim(engine, "w1", NOW + LEASE, limit=5, lease=LEASE).rows
    assert mark_failed(engine, old, "w1", "550 no", NOW) is False
    assert mark_sent(engine, new, "w1", NOW) is True


def test_lease_expiring_on_the_last_attempt_fails_the_row(engine: Engine) -> None:
    policy = SendPolicy(max_attempts=2)
    (row_id,) = queue(engine, message("a"))
    claim(engine, "w1", NOW, limit=5, lease=LEASE, policy=policy)
    claim(engine, "w1", NOW + LEASE, limit=5, lease=LEASE, policy=policy)
    third = claim(engine, "w1", NOW + 2 * LEASE, limit=5, lease=LEASE, policy=policy)
    assert third.rows == () and [r.id for r in third.exhausted] == [row_id]
    stored = row(engine, row_id)
    assert stored.state == "failed" and "no result after 2 attempts" in (stored.last_error or "")


def test_expired_rows_are_superseded_not_sent(engine: Engine) -> None:
    stale, fresh = queue(
        engine,
        message("stale", expires_at=NOW),
        message("fresh", expires_at=NOW + timedelta(days=1)),
    )
    claimed = claim(engine, "w1", NOW, limit=5, lease=LEASE)
    assert [r.id for r in claimed.rows] == [fresh]
    assert [r.id for r in claimed.superseded] == [stale]
    assert row(engine, stale).state == "superseded"


def test_rows_due_outside_sending_hours_wait_for_the_morning(engine: Engine) -> None:
    evening = datetime(2024, 5, 20, 16, 0, tzinfo=UTC)  # 19:00 in Moscow
    moscow, kaliningrad = queue(
        engine,
        message("msk", timezone="Europe/Moscow"),
        message("kgd", timezone="Europe/Kaliningrad"),  # 18:00 there: just closed
    )
    far_west = queue(engine, message("azores", timezone="Atlantic/Azores"))[0]  # 16:00 there
    claimed = claim(engine, "w1", evening, limit=10, lease=LEASE)
    assert [r.id for r in claimed.rows] == [far_west]
    assert sorted(r.id for r in claimed.deferred) == [moscow, kaliningrad]
    assert row(engine, moscow).next_attempt_at == datetime(2024, 5, 21, 9, 0, tzinfo=MOSCOW)
    assert row(engine, kaliningrad).next_attempt_at == datetime(
        2024, 5, 21, 9, 0, tzinfo=ZoneInfo("Europe/Kaliningrad")
    )
    assert row(engine, moscow).attempts == 0
    assert claim(engine, "w1", evening + timedelta(minutes=1), limit=10, lease=LEASE).touched == 0


def test_retry_backs_off_and_skips_the_night(engine: Engine) -> None:
    policy = SendPolicy(max_attempts=3)
    (row_id,) = queue(engine, message("a"))
    (first,) = claim(engine, "w", NOW, limit=1, lease=LEASE, policy=policy).rows
    assert mark_retry(engine, first, "w", "451 try later", NOW, policy=policy) is Outcome.RETRY
    assert row(engine, row_id).next_attempt_at == NOW + timedelta(minutes=1)
    late = datetime(2024, 5, 20, 14, 59, tzinfo=UTC)  # 17:59 Moscow; +2 min is past 18:00
    (second,) = claim(engine, "w", late, limit=1, lease=LEASE, policy=policy).rows
    assert mark_retry(engine, second, "w", "451 again", late, policy=policy) is Outcome.RETRY
    stored = row(engine, row_id)
    assert stored.next_attempt_at == datetime(2024, 5, 21, 9, 0, tzinfo=MOSCOW)
    assert (stored.state, stored.attempts, stored.last_error) == ("pending", 2, "451 again")
    morning = stored.next_attempt_at
    (third,) = claim(engine, "w", morning, limit=1, lease=LEASE, policy=policy).rows
    assert mark_retry(engine, third, "w", "451 still", morning, policy=policy) is Outcome.FAILED
    stored = row(engine, row_id)
    assert stored.state == "failed" and stored.last_error == "gave up after 3 attempts: 451 still"


def test_permanent_failure_is_reported_and_not_retried(engine: Engine) -> None:
    (row_id,) = queue(engine, message("a"))
    (claimed,) = claim(engine, "w", NOW, limit=1, lease=LEASE).rows
    assert mark_failed(engine, claimed, "w", "550 5.1.1 no such user", NOW) is True
    assert [r.id for r in failures_since(engine, NOW)] == [row_id]
    assert failures_since(engine, NOW + timedelta(seconds=1)) == []
    assert claim(engine, "w", NOW + timedelta(days=3), limit=5, lease=LEASE).touched == 0


def test_release_gives_rows_back_without_counting_the_attempt(engine: Engine) -> None:
    (row_id,) = queue(engine, message("a"))
    rows = claim(engine, "w", NOW, limit=1, lease=LEASE).rows
    assert release(engine, rows, "w") == 1
    stored = row(engine, row_id)
    assert (stored.state, stored.attempts, stored.claimed_by) == ("pending", 0, None)


def test_admin_retry(engine: Engine) -> None:
    failed, sent = queue(engine, message("failed"), message("sent"))
    one, two = claim(engine, "w", NOW, limit=2, lease=LEASE).rows
    mark_failed(engine, one, "w", "550 no", NOW)
    mark_sent(engine, two, "w", NOW)
    later = NOW + timedelta(days=1)
    again = retry(engine, failed, later)
    assert (again.state, again.attempts, again.next_attempt_at) == ("pending", 1, later)
    with pytest.raises(InputError, match=r"was sent at 2024-05-20 07:00 UTC.*--force"):
        retry(engine, sent, later)
    assert retry(engine, sent, later, force=True).state == "pending"
    with pytest.raises(InputError, match="no outbox row 999"):
        retry(engine, 999, later)
    claim(engine, "w", later, limit=1, lease=LEASE)
    with pytest.raises(InputError, match="is being sent by w"):
        retry(engine, failed, later)


def test_list_rows_newest_first_by_state(engine: Engine) -> None:
    a, b, c = queue(engine, message("a"), message("b"), message("c"))
    (claimed,) = claim(engine, "w", NOW, limit=1, lease=LEASE).rows
    mark_failed(engine, claimed, "w", "550", NOW)
    assert [r.id for r in list_rows(engine)] == [c, b, a]
    assert [r.id for r in list_rows(engine, "failed")] == [a]
    assert [r.id for r in list_rows(engine, "pending", limit=1)] == [c]
    assert counts(engine) == {
        "pending": 2, "sending": 0, "sent": 0, "failed": 1, "superseded": 0
    }  # fmt: skip
