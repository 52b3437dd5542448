"""Status queries and recorded changes on both databases: filters, time zones, extensions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, select
from storekit import NOW, Syncer, act, roadmap

from tracker.errors import InputError, UsageError
from tracker.store.changes import change_status, extend, history
from tracker.store.models import Status
from tracker.store.status import State, StatusQuery, count_rows, iter_status_rows, status_rows
from tracker.store.tables import EXTENSION
from tracker.terms.model import Kind

TODAY = date(2022, 6, 15)


def plan(sync: Syncer) -> None:
    sync(
        roadmap(
            "alpha",
            act("1", ("2022-04-01", "2022-04-29")),  # long overdue on TODAY
            act("2", ("2022-06-01", "2022-06-20"), responsible=("МКУ ГИМЦ",)),  # due soon
            act("3", ("2022-09-01", "2022-09-30")),  # later
            act("4", kind=Kind.UNSCHEDULED),  # нужны сроки
        )
    )
    sync(roadmap("beta", act("1", ("2022-05-01", "2022-05-31"), responsible=("МКУ ГИМЦ",))))


def refs(engine: Engine, **query: object) -> list[str]:
    pinned = {"today": TODAY, **query}
    return [row.ref for row in status_rows(engine, StatusQuery(now=NOW, **pinned))]  # type: ignore[arg-type]


def test_state_filters(engine: Engine, sync: Syncer) -> None:
    plan(sync)
    assert refs(engine, state=State.OVERDUE) == ["alpha:1", "beta:1"]
    assert refs(engine, state=State.DUE_SOON) == ["alpha:2"]
    assert refs(engine, state=State.OPEN) == ["alpha:1", "beta:1", "alpha:2", "alpha:3"]
    assert refs(engine, state=State.NEEDS_DATES) == ["alpha:4"]
    assert refs(engine, state=State.DONE) == []
    change_status(engine, "beta:1", Status.DONE, now=NOW, actor="x", completed_on=TODAY)
    assert refs(engine, state=State.DONE) == ["beta:1"]
    assert refs(engine, state=State.OVERDUE) == ["alpha:1"]
    assert "beta:1" not in refs(engine, state=State.OPEN)
    assert len(refs(engine, state=State.ALL)) == 5


def test_roadmap_executor_and_date_filters(engine: Engine, sync: Syncer) -> None:
    plan(sync)
    assert refs(engine, roadmap="beta") == ["beta:1"]
    assert refs(engine, executor="мку гимц") == ["beta:1", "alpha:2"]
    assert refs(engine, executor="Петров") == ["alpha:1", "alpha:3"]
    assert refs(engine, before=date(2022, 5, 31)) == ["alpha:1", "beta:1"]
    assert refs(engine, after=date(2022, 6, 1)) == ["alpha:2", "alpha:3"]
    with pytest.raises(InputError, match="no roadmap"):
        refs(engine, roadmap="nope")
    with pytest.raises(InputError, match="no executor"):
        refs(engine, executor="Никто")


def test_rows_carry_state_lateness_and_executors(engine: Engine, sync: Syncer) -> None:
    plan(sync)
    rows = status_rows(engine, StatusQuery(now=NOW, today=TODAY, state=State.OVERDUE))
    first = rows[0]
    assert (first.state, first.effective_due, first.days_late) == ("overdue", date(2022, 4, 29), 47)
    assert first.executors == ("Петров П.П.",)
    assert first.to_json()["state"] == "overdue"


def test_overdue_is_derived_in_the_roadmaps_time_zone(engine: Engine, sync: Syncer) -> None:
    # both due on Friday 2023-03-31; at 15:00 UTC it is already Saturday in Vladivostok
    due = ("2023-03-01", "2023-03-31")
    sync(roadmap("east", act("1", due), timezone="Asia/Vladivostok"))
    sync(roadmap("west", act("1", due), timezone="Europe/Moscow"))
    now = datetime(2023, 3, 31, 15, 0, tzinfo=UTC)
    overdue = status_rows(engine, StatusQuery(now=now, state=State.OVERDUE))
    assert [row.ref for row in overdue] == ["east:1"]
    assert overdue[0].today == date(2023, 4, 1)
    due_soon = status_rows(engine, StatusQuery(now=now, state=State.DUE_SOON))
    assert [row.ref for row in due_soon] == ["west:1"]
    later = status_rows(engine, StatusQuery(now=now + timedelta(hours=6), state=State.OVERDUE))
    assert [row.ref for row in later] == ["east:1", "west:1"]


def test_done_records_completion_and_lateness(engine: Engine, sync: Syncer) -> None:
    plan(sync)
    change = change_status(
        engine,
        "alpha:1",
        Status.DONE,
        now=NOW,
        actor="petrov",
        comment="акт подписан",
        completed_on=date(2022, 5, 6),
    )
    assert change.picked
    assert (change.from_status, change.to_status) == ("planned", "done")
    assert change.days_late == 7
    rows = status_rows(engine, StatusQuery(now=NOW, today=TODAY, state=State.DONE))
    assert (rows[0].completed_on, rows[0].days_late) == (date(2022, 5, 6), 7)
    with pytest.raises(InputError, match="no open occurrence"):
        change_status(engine, "alpha:1", Status.DONE, now=NOW, actor="petrov")
    with pytest.raises(InputError, match="cannot become done"):
        change_status(engine, "alpha:1", Status.DONE, now=NOW, actor="p", due=date(2022, 4, 29))


def test_done_without_date_uses_today_in_the_roadmaps_zone(engine: Engine, sync: Syncer) -> None:
    sync(roadmap("east", act("1", ("2023-03-01", "2023-03-31")), timezone="Asia/Vladivostok"))
    late_evening_utc = datetime(2023, 3, 31, 20, 0, tzinfo=UTC)
    change = change_status(engine, "east:1", Status.DONE, now=late_evening_utc, actor="x")
    assert change.completed_on == date(2023, 4, 1)
    assert change.days_late == 1


def test_recurring_earliest_open_or_by_due(engine: Engine, sync: Syncer) -> None:
    quarters = (("2022-01-01", "2022-03-31"), ("2022-04-01", "2022-06-30"))
    sync(roadmap("alpha", act("7", *quarters, kind=Kind.RECURRING)))
    first = change_status(engine, "alpha:7", Status.IN_PROGRESS, now=NOW, actor="x")
    assert (first.due, first.picked) == (date(2022, 3, 31), True)
    second = change_status(
        engine, "alpha:7", Status.CANCELLED, now=NOW, actor="x", due=date(2022, 6, 30)
    )
    assert (second.due, second.picked, second.to_status) == (date(2022, 6, 30), False, "cancelled")
    done = change_status(engine, "alpha:7", Status.DONE, now=NOW, actor="x")
    assert (done.due, done.from_status) == (date(2022, 3, 31), "in_progress")
    with pytest.raises(InputError, match="no occurrence due 2022-05-01"):
        change_status(engine, "alpha:7", Status.DONE, now=NOW, actor="x", due=date(2022, 5, 1))


def test_references(engine: Engine, sync: Syncer) -> None:
    sync(
        roadmap(
            "alpha",
            act("1", ("2022-04-01", "2022-04-30"), section="I"),
            act("1", ("2022-05-01", "2022-05-31"), section="II"),
            act("3", ("2022-05-01", "2022-05-31"), section="II"),
        )
    )
    assert change_status(engine, "alpha:II.1", Status.DONE, now=NOW, actor="x").due == date(
        2022, 5, 31
    )
    assert change_status(engine, "alpha:3", Status.DONE, now=NOW, actor="x").target.key == "3"
    with pytest.raises(InputError, match=r"ambiguous: alpha:I\.1, alpha:II\.1"):
        change_status(engine, "alpha:1", Status.DONE, now=NOW, actor="x")
    with pytest.raises(UsageError, match="ROADMAP:NUMBER"):
        change_status(engine, "alpha", Status.DONE, now=NOW, actor="x")
    with pytest.raises(InputError, match="no activity '9'"):
        change_status(engine, "alpha:9", Status.DONE, now=NOW, actor="x")


def test_extension_moves_effective_due_and_survives_sync(engine: Engine, sync: Syncer) -> None:
    plan(sync)
    change = extend(
        engine,
        "alpha:1",
        date(2022, 7, 31),
        reason="задержка финансирования",
        approved_by="Иванова И.И.",
        now=NOW,
        shift=sync.policy.shift,
    )
    # 2022-07-31 is a Sunday → the next working day
    assert (change.new_due, change.new_effective_due) == (date(2022, 7, 31), date(2022, 8, 1))
    assert change.effective_due == date(2022, 4, 29)
    assert refs(engine, state=State.OVERDUE) == ["beta:1"]
    with engine.connect() as conn:
        (row,) = conn.execute(select(EXTENSION)).all()
    assert (row.original_due, row.new_due, row.approved_by) == (
        date(2022, 4, 29),
        date(2022, 7, 31),
        "Иванова И.И.",
    )
    # an edit of the file elsewhere does not undo the extension
    sync(roadmap("alpha", act("1", ("2022-04-01", "2022-04-29"), title="Другое")))
    rows = status_rows(engine, StatusQuery(now=NOW, today=TODAY, roadmap="alpha"))
    assert [(r.key, r.due, r.extended_due, r.effective_due) for r in rows] == [
        ("1", date(2022, 4, 29), date(2022, 7, 31), date(2022, 8, 1))
    ]
    _target, events = history(engine, "alpha:1")
    assert [(e.event, e.old_due, e.new_due, e.comment) for e in events] == [
        ("extended", date(2022, 4, 29), date(2022, 7, 31), "задержка финансирования")
    ]
    with pytest.raises(UsageError, match="needs a reason"):
        extend(
            engine,
            "alpha:1",
            date(2022, 8, 31),
            reason=" ",
            approved_by="x",
            now=NOW,
            shift=sync.policy.shift,
        )


def test_history_lists_every_change_in_order(engine: Engine, sync: Syncer) -> None:
    plan(sync)
    change_status(engine, "alpha:3", Status.IN_PROGRESS, now=NOW, actor="petrov")
    change_status(
        engine,
        "alpha:3",
        Status.DONE,
        now=NOW + timedelta(days=1),
        actor="petrov",
        comment="готово",
    )
    target, rows = history(engine, "alpha:3")
    assert target.title == "Мероприятие 3"
    assert [(r.from_status, r.to_status, r.comment) for r in rows] == [
        ("planned", "in_progress", None),
        ("in_progress", "done", "готово"),
    ]
    assert rows[0].at == NOW
    assert rows[1].to_json()["at"] == (NOW + timedelta(days=1)).isoformat()


# --- limits and counts (the overdue query on a large store: issue 4) --------------------------

COUNT_CASES = [
    pytest.param(state, pinned, id=f"{state.value}-{'pinned' if pinned else 'zones'}")
    for state in State
    for pinned in (True, False)
]


@pytest.mark.parametrize(("state", "pinned"), COUNT_CASES)
def test_limit_takes_the_first_rows_and_count_counts_them_all(
    engine: Engine, sync: Syncer, state: State, pinned: bool
) -> None:
    plan(sync)
    # two zones that disagree about the date at this moment: the counted band is exercised
    due = ("2023-03-01", "2023-03-31")
    sync(roadmap("east", act("1", due), act("2", ("2023-04-01", "2023-04-14")),
                 timezone="Asia/Vladivostok"))  # fmt: skip
    sync(roadmap("west", act("1", due), act("2", ("2023-04-01", "2023-04-14"))))
    sync(roadmap("gone", act("1", due)))
    sync(roadmap("gone", act("9", ("2024-01-01", "2024-01-31"))))  # "1" archived: never counted
    now = datetime(2023, 3, 31, 15, 0, tzinfo=UTC)
    base = {"now": now, "state": state, "today": date(2023, 3, 31) if pinned else None}
    everything = status_rows(engine, StatusQuery(**base))  # type: ignore[arg-type]
    assert count_rows(engine, StatusQuery(**base)) == len(everything)  # type: ignore[arg-type]
    for limit in (1, 2, len(everything) + 1):
        limited = status_rows(engine, StatusQuery(**base, limit=limit))  # type: ignore[arg-type]
        assert [r.ref for r in limited] == [r.ref for r in everything[:limit]]
    for after, before in ((date(2022, 5, 1), None), (None, date(2023, 3, 31))):
        ranged = StatusQuery(**base, after=after, before=before)  # type: ignore[arg-type]
        assert count_rows(engine, ranged) == len(status_rows(engine, ranged))


def test_rows_stream_in_chunks_with_executors(engine: Engine, sync: Syncer) -> None:
    plan(sync)
    query = StatusQuery(now=NOW, today=TODAY, state=State.ALL)
    whole = status_rows(engine, query)
    assert [(r.ref, r.executors) for r in iter_status_rows(engine, query, chunk=1)] == [
        (r.ref, r.executors) for r in whole
    ]
