"""Sync on both databases: idempotent, minimal edits, nothing lost, unknown names reported."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, select, text
from storekit import EXECUTORS, NOW, Syncer, act, roadmap

from tracker.store.changes import change_status, history
from tracker.store.executors import ExecutorEntry
from tracker.store.models import Status
from tracker.store.tables import ACTIVITY as A
from tracker.store.tables import OCCURRENCE as OC
from tracker.terms.model import Kind

LATER = NOW + timedelta(hours=1)
TABLES = ("roadmap", "activity", "activity_executor", "occurrence", "status_change", "extension")


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    with engine.connect() as conn:
        return {
            table: [
                tuple(row) for row in conn.execute(text(f"SELECT * FROM {table} ORDER BY 1, 2"))
            ]
            for table in TABLES
        }


def occurrences(engine: Engine, key: str) -> list[Any]:
    with engine.connect() as conn:
        return list(
            conn.execute(
                select(OC)
                .join(A, A.c.id == OC.c.activity_id)
                .where(A.c.key == key)
                .order_by(OC.c.due, OC.c.id)
            )
        )


def activity_archived(engine: Engine, key: str) -> Any:
    with engine.connect() as conn:
        return conn.execute(select(A.c.archived_at).where(A.c.key == key)).scalar()


def alpha() -> Any:
    return roadmap(
        "alpha",
        act("1.1", ("2022-04-01", "2022-04-30")),
        act("1.2", ("2022-01-01", "2022-03-31"), ("2022-04-01", "2022-06-30"), kind=Kind.RECURRING),
        act("1.3", ("2022-01-01", "2023-12-31"), kind=Kind.CONTINUOUS, responsible=("МКУ ГИМЦ",)),
        act("1.4", kind=Kind.UNSCHEDULED),
    )


def test_first_sync_creates_rows(engine: Engine, sync: Syncer) -> None:
    report = sync(alpha())
    assert report.outcome == "created"
    assert report.counts["activities added"] == 4
    # 1 + 2 windows, and 8 quarterly check-ins of the continuous activity
    assert report.counts["occurrences added"] == 11
    checkins = occurrences(engine, "1.3")
    assert {row.kind for row in checkins} == {"checkin"}
    assert (checkins[0].start, checkins[0].due) == (date(2022, 1, 1), date(2022, 3, 31))


def test_sync_is_idempotent(engine: Engine, sync: Syncer) -> None:
    sync(alpha())
    before = snapshot(engine)
    report = sync(alpha(), now=LATER)
    assert report.outcome == "unchanged"
    assert snapshot(engine) == before


def test_edit_changes_only_what_changed(engine: Engine, sync: Syncer) -> None:
    sync(alpha())
    before = snapshot(engine)
    edited = alpha()
    edited.activities[0].title = "Новое наименование"
    report = sync(edited, now=LATER)
    assert report.outcome == "updated"
    assert report.counts == {"activities updated": 1}
    after = snapshot(engine)
    assert after["occurrence"] == before["occurrence"]
    changed = [row for row in after["activity"] if row not in before["activity"]]
    assert [row[2] for row in changed] == ["1.1"]
    assert any("Новое наименование" in str(value) for value in changed[0])


def test_status_and_history_survive_edits(engine: Engine, sync: Syncer) -> None:
    sync(alpha())
    change_status(engine, "alpha:1.1", Status.DONE, now=NOW, actor="ivanova")
    edited = alpha()
    edited.activities[0].title = "Другое"
    edited.activities[0].result = "Протокол"
    sync(edited, now=LATER)
    (row,) = occurrences(engine, "1.1")
    assert row.status == "done"
    _target, rows = history(engine, "alpha:1.1")
    assert [(r.event, r.to_status, r.actor) for r in rows] == [("status", "done", "ivanova")]


def test_moved_window_keeps_its_row_and_history(engine: Engine, sync: Syncer) -> None:
    sync(alpha())
    (before,) = occurrences(engine, "1.1")
    change_status(engine, "alpha:1.1", Status.IN_PROGRESS, now=NOW, actor="petrov")
    moved = alpha()
    moved.activities[0] = act("1.1", ("2022-05-01", "2022-05-31"))
    report = sync(moved, now=LATER)
    assert report.counts["occurrences moved"] == 1
    (after,) = occurrences(engine, "1.1")
    assert after.id == before.id
    assert (after.start, after.due, after.status) == (
        date(2022, 5, 1),
        date(2022, 5, 31),
        "in_progress",
    )
    _target, rows = history(engine, "alpha:1.1")
    assert [(r.event, r.old_due, r.new_due) for r in rows] == [
        ("status", None, None),
        ("dates", date(2022, 4, 30), date(2022, 5, 31)),
    ]


def test_removed_window_of_recurring_activity_is_archived(engine: Engine, sync: Syncer) -> None:
    sync(alpha())
    change_status(engine, "alpha:1.2", Status.DONE, now=NOW, actor="petrov")  # Q1
    shorter = alpha()
    shorter.activities[1] = act("1.2", ("2022-01-01", "2022-03-31"), kind=Kind.RECURRING)
    report = sync(shorter, now=LATER)
    assert report.counts["occurrences archived"] == 1
    rows = occurrences(engine, "1.2")
    assert [(r.due, r.status, r.archived_at is not None) for r in rows] == [
        (date(2022, 3, 31), "done", False),
        (date(2022, 6, 30), "planned", True),
    ]
    # it comes back: the same row, restored
    sync(alpha(), now=LATER + timedelta(hours=1))
    again = occurrences(engine, "1.2")
    assert [r.id for r in again] == [r.id for r in rows]
    assert all(r.archived_at is None for r in again)


def test_removed_activity_is_archived_not_deleted(engine: Engine, sync: Syncer) -> None:
    sync(alpha())
    change_status(engine, "alpha:1.1", Status.DONE, now=NOW, actor="petrov")
    without = alpha()
    del without.activities[0]
    report = sync(without, now=LATER)
    assert report.counts["activities archived"] == 1
    assert activity_archived(engine, "1.1") is not None
    (row,) = occurrences(engine, "1.1")
    assert row.status == "done"
    report = sync(alpha(), now=LATER + timedelta(hours=1))
    # 1.1 comes back; 1.2-1.4 move back to their old positions
    assert report.counts == {"activities updated": 4}
    assert activity_archived(engine, "1.1") is None
    (again,) = occurrences(engine, "1.1")
    assert (again.id, again.status) == (row.id, "done")


def test_unknown_responsible_is_reported_and_coordinator_stands_in(
    engine: Engine, sync: Syncer
) -> None:
    item = roadmap(
        "beta", act("2.1", ("2022-04-01", "2022-04-30"), responsible=("Сидоров С.С.",), row=14)
    )
    report = sync(item)
    assert report.warnings == [
        "schedules/beta.toml: row 14 2.1: unknown responsible «Сидоров С.С.»; "
        "coordinator «Иванова И.И.» stands in"
    ]
    with engine.connect() as conn:
        link = conn.execute(
            text(
                "SELECT l.name, e.name AS executor, l.stand_in FROM activity_executor l "
                "JOIN executor e ON e.id = l.executor_id"
            )
        ).one()
    assert (link.name, link.executor, bool(link.stand_in)) == ("Сидоров С.С.", "Иванова И.И.", True)
    # fixed in the executors file: the next sync links the real executor
    sync.executors([*EXECUTORS, ExecutorEntry(name="Сидоров С. С.")])
    report = sync(item, now=LATER)
    assert report.warnings == []
    assert report.counts["activities updated"] == 1
    with engine.connect() as conn:
        link = conn.execute(
            text(
                "SELECT e.name AS executor, l.stand_in FROM activity_executor l "
                "JOIN executor e ON e.id = l.executor_id"
            )
        ).one()
    assert (link.executor, bool(link.stand_in)) == ("Сидоров С. С.", False)


def test_aliases_and_spelling_variants_match(engine: Engine, sync: Syncer) -> None:
    item = roadmap(
        "gamma",
        act("1", ("2022-04-01", "2022-04-30"), responsible=("П. Петров", "«МКУ ГИМЦ»")),
        act("2", ("2022-04-01", "2022-04-30"), responsible=("петров п. п.",)),
    )
    report = sync(item)
    assert report.warnings == []
    with engine.connect() as conn:
        links = conn.execute(
            text(
                "SELECT a.key, l.position, l.lead, e.name FROM activity_executor l "
                "JOIN activity a ON a.id = l.activity_id JOIN executor e ON e.id = l.executor_id "
                "ORDER BY a.key, l.position"
            )
        ).all()
    assert [(k, p, bool(lead), n) for k, p, lead, n in links] == [
        ("1", 0, True, "Петров П.П."),
        ("1", 1, False, "МКУ ГИМЦ"),
        ("2", 0, True, "Петров П.П."),
    ]


def test_roadmap_without_coordinator_is_reported(engine: Engine, sync: Syncer) -> None:
    report = sync(roadmap("delta", act("1", ("2022-04-01", "2022-04-30"), responsible=("Никто",))))
    assert any("has no coordinator" in warning for warning in report.warnings)
    assert any("unknown responsible «Никто»; nobody" in warning for warning in report.warnings)


def test_repeated_numbers_are_qualified_by_section(engine: Engine, sync: Syncer) -> None:
    item = roadmap(
        "alpha",
        act("1", ("2022-04-01", "2022-04-30"), section="I"),
        act("1", ("2022-05-01", "2022-05-31"), section="II"),
        act("2", ("2022-05-01", "2022-05-31"), section="II"),
    )
    sync(item)
    with engine.connect() as conn:
        keys = conn.execute(text("SELECT key FROM activity ORDER BY position")).scalars().all()
    assert keys == ["I.1", "II.1", "2"]


def test_shift_policy_sets_effective_due(engine: Engine, sync: Syncer) -> None:
    # 2022-04-30 is a Saturday; 2022-05-01..03 are holidays → next working day is 2022-05-04
    sync(roadmap("alpha", act("1", ("2022-04-01", "2022-04-30"))))
    (row,) = occurrences(engine, "1")
    assert (row.due, row.effective_due) == (date(2022, 4, 30), date(2022, 5, 4))


def test_history_is_append_only(engine: Engine, sync: Syncer) -> None:
    sync(alpha())
    change_status(engine, "alpha:1.1", Status.DONE, now=NOW, actor="x")
    for statement in ("UPDATE status_change SET actor = 'y'", "DELETE FROM status_change"):
        with engine.connect() as conn:
            try:
                conn.execute(text(statement))
            except Exception as error:
                assert "append-only" in str(error)
            else:
                raise AssertionError(f"{statement} was allowed")
    with engine.connect() as conn:
        assert (
            conn.execute(select(text("count(*)")).select_from(text("status_change"))).scalar() == 1
        )


def test_now_must_be_aware(engine: Engine, sync: Syncer) -> None:
    naive = datetime(2023, 1, 1)
    try:
        sync(alpha(), now=naive)
    except Exception as error:
        assert "aware" in str(error)
    else:
        raise AssertionError("a naive now was stored")
    assert datetime(2023, 1, 1, tzinfo=UTC)
