"""Discipline figures: the pure function on hand-built facts, and the query on both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime
from itertools import combinations

import pytest
from sqlalchemy import Engine, select, update
from storekit import EXECUTORS, Syncer, act, roadmap

from tracker.calendar import Shift
from tracker.store.changes import change_status, extend
from tracker.store.discipline import (
    NO_ORGANISATION,
    Discipline,
    Doer,
    Fact,
    Figures,
    FiguresLater,
    Outcome,
    discipline,
    executor_figures,
    figures,
    outcome,
    roadmap_figures,
)
from tracker.store.executors import ExecutorEntry
from tracker.store.models import Status
from tracker.store.tables import ACTIVITY, ACTIVITY_EXECUTOR, ROADMAP

ON = date(2022, 6, 15)
LEAD = Doer(1, "Петров П.П.", lead=True)
CO = Doer(2, "МКУ ГИМЦ", "organisation")


def fact(
    number: str,
    due: str,
    status: str = "planned",
    done: str | None = None,
    *,
    start: str | None = None,
    extended: str | None = None,
    doers: tuple[Doer, ...] = (LEAD,),
) -> Fact:
    due_day = date.fromisoformat(due)
    extended_day = date.fromisoformat(extended) if extended else None
    return Fact(
        occurrence_id=int(number.replace(".", "")),
        roadmap="alpha",
        number=number,
        title=f"Мероприятие {number}",
        start=date.fromisoformat(start) if start else None,
        due=due_day,
        extended_due=extended_day,
        effective_due=extended_day or due_day,
        status=status,
        completed_on=date.fromisoformat(done) if done else None,
        doers=doers,
    )


OUTCOMES = [
    pytest.param(fact("1", "2022-06-01", "done", "2022-05-30"), Outcome.ON_TIME, id="done-early"),
    pytest.param(fact("1", "2022-06-01", "done", "2022-06-01"), Outcome.ON_TIME, id="done-on-due"),
    pytest.param(fact("1", "2022-06-01", "done", "2022-06-10"), Outcome.LATE, id="done-late"),
    pytest.param(fact("1", "2022-06-01"), Outcome.OVERDUE, id="open-past-due"),
    pytest.param(fact("1", "2022-06-15"), Outcome.PENDING, id="open-due-today"),
    pytest.param(fact("1", "2022-06-01", "in_progress"), Outcome.OVERDUE, id="started-past-due"),
    pytest.param(fact("1", "2022-07-01"), Outcome.PENDING, id="open-not-due"),
    pytest.param(fact("1", "2022-06-01", "cancelled"), None, id="cancelled-not-counted"),
    pytest.param(
        fact("1", "2022-06-01", "done", "2022-06-10", extended="2022-06-12"),
        Outcome.ON_TIME,
        id="extension-judged-by-new-date",
    ),
    pytest.param(
        fact("1", "2022-06-30", "done", "2022-04-01", start="2022-06-01"),
        Outcome.ON_TIME,
        id="done-before-start",
    ),
    pytest.param(
        fact("1", "2022-06-01", "done", "2022-06-20"), Outcome.OVERDUE, id="done-after-on-is-open"
    ),
]


@pytest.mark.parametrize(("item", "expected"), OUTCOMES)
def test_outcome(item: Fact, expected: Outcome | None) -> None:
    assert outcome(item, ON) is expected


def check_sums(result: Discipline) -> None:
    for row in [*result.rows, *result.organisations]:
        f = row.figures
        assert f.controlled == f.on_time + f.late + f.overdue + f.pending
    t = result.total
    assert t.controlled == t.on_time + t.late + t.overdue + t.pending


def numbers(f: Figures) -> tuple[int, int, int, int, int, int]:
    return (f.controlled, f.on_time, f.late, f.overdue, f.pending, f.extended)


def test_figures_per_executor_and_total() -> None:
    facts = [
        fact("1", "2022-05-01", "done", "2022-04-30"),  # on time
        fact("2", "2022-05-01", "done", "2022-05-11", doers=(LEAD, CO)),  # 10 days late, both
        fact("3", "2022-05-01", "done", "2022-05-05"),  # 4 days late
        fact("4", "2022-06-01", doers=(CO, LEAD)),  # overdue, co-executor counts too
        fact("5", "2022-07-01", doers=(CO,)),  # pending
        fact("6", "2022-05-01", "cancelled", doers=(CO,)),  # not counted
        fact("7", "2022-05-01", "done", "2022-05-20", extended="2022-05-25"),  # extended, on time
    ]
    result = figures(facts, ON)
    check_sums(result)
    by_name = {row.executor.name: row.figures for row in result.rows}
    assert numbers(by_name["Петров П.П."]) == (5, 2, 2, 1, 0, 1)
    assert by_name["Петров П.П."].average_late == 7.0
    assert by_name["Петров П.П."].on_time_percent == 40.0
    assert numbers(by_name["МКУ ГИМЦ"]) == (3, 0, 1, 1, 1, 0)
    assert by_name["МКУ ГИМЦ"].cells()[3] == "10,0"
    assert numbers(result.total) == (6, 2, 2, 1, 1, 1)  # each occurrence once
    assert sorted(result.total.ids[Outcome.LATE]) == [2, 3]


def test_figures_of_nothing() -> None:
    result = figures([], ON)
    assert result.rows == ()
    assert result.total.cells() == ("0", "0", "0", "—", "0", "0", "0", "—")


def test_same_executor_twice_counts_once() -> None:
    result = figures([fact("1", "2022-05-01", doers=(LEAD, LEAD))], ON)
    assert [numbers(row.figures) for row in result.rows] == [(1, 0, 0, 1, 0, 0)]


NOW = datetime(2022, 6, 15, 9, 0, tzinfo=UTC)


def test_query_on_the_store(engine: Engine, sync: Syncer) -> None:
    sync(
        roadmap(
            "alpha",
            act("1", ("2022-04-01", "2022-04-29")),
            act("2", ("2022-05-01", "2022-05-31"), responsible=("Петров П.П.", "МКУ ГИМЦ")),
            act("3", ("2022-05-01", "2022-05-20")),
            act("4", ("2022-09-01", "2022-09-30"), responsible=("МКУ ГИМЦ",)),
            act("5", ("2022-03-01", "2022-03-31")),
        )
    )
    sync(roadmap("beta", act("1", ("2022-05-01", "2022-05-31"))))
    done = Status.DONE
    change_status(engine, "alpha:1", done, now=NOW, actor="t", completed_on=date(2022, 4, 20))
    change_status(engine, "alpha:2", done, now=NOW, actor="t", completed_on=date(2022, 6, 3))
    extend(
        engine, "alpha:3", date(2022, 6, 30), reason="приказ", approved_by="t", now=NOW,
        shift=Shift.NONE,
    )  # fmt: skip
    change_status(engine, "alpha:5", Status.CANCELLED, now=NOW, actor="t")
    result = discipline(engine, ON, roadmaps=["alpha"], start=date(2022, 4, 1))
    check_sums(result)
    by_name = {row.executor.name: numbers(row.figures) for row in result.rows}
    assert by_name == {"Петров П.П.": (3, 1, 1, 0, 1, 1), "МКУ ГИМЦ": (2, 0, 1, 0, 1, 0)}
    assert numbers(result.total) == (4, 1, 1, 0, 2, 1)
    everything = discipline(engine, ON)
    assert everything.total.controlled == 5  # beta:1 is overdue, alpha:5 cancelled
    assert everything.total.overdue == 1


IN_GIMC = Doer(3, "Сидоров С.С.", organisation="МКУ «ГИМЦ»")  # spelt another way
IN_SCHOOL = Doer(4, "Кузнецова К.К.", organisation="МБОУ СОШ № 2")
NOBODY = Doer(None, "Завуч")  # a name not in the directory


def test_figures_per_organisation() -> None:
    facts = [
        fact("1", "2022-05-01", "done", "2022-04-30", doers=(CO, IN_GIMC)),  # once for ГИМЦ
        fact("2", "2022-05-01", doers=(IN_GIMC,)),  # overdue, the person's organisation
        fact("3", "2022-05-01", "done", "2022-05-03", doers=(IN_SCHOOL, LEAD)),  # late
        fact("4", "2022-07-01", doers=(NOBODY,)),  # pending, no organisation
        fact("5", "2022-05-01", "cancelled", doers=(IN_SCHOOL,)),  # not counted
    ]
    result = figures(facts, ON)
    check_sums(result)
    by_org = {row.executor.name: numbers(row.figures) for row in result.organisations}
    assert by_org == {
        "МКУ ГИМЦ": (2, 1, 0, 1, 0, 0),  # the directory's spelling; item 1 counted once
        "МБОУ СОШ № 2": (1, 0, 1, 0, 0, 0),
        NO_ORGANISATION: (2, 0, 1, 0, 1, 0),  # Петров (late 3) and «Завуч» (pending 4)
    }
    assert [row.executor.name for row in result.organisations][-1] == NO_ORGANISATION
    assert all(row.executor.kind == "organisation" for row in result.organisations)
    assert numbers(result.total) == (4, 1, 1, 1, 1, 0)


def test_query_per_organisation(engine: Engine, sync: Syncer) -> None:
    sync.executors([
        ExecutorEntry(name="Петров П.П.", organisation="МКУ ГИМЦ"),
        ExecutorEntry(name="Сидоров С.С.", organisation="Управление образования"),
        ExecutorEntry(name="МКУ ГИМЦ", kind="organisation"),
        ExecutorEntry(name="Кузнецова К.К."),
    ])  # fmt: skip
    sync(
        roadmap(
            "alpha",
            act("1", ("2022-04-01", "2022-04-29"), responsible=("Петров П.П.", "МКУ ГИМЦ")),
            act("2", ("2022-05-01", "2022-05-31"), responsible=("Сидоров С.С.",)),
            act("3", ("2022-09-01", "2022-09-30"), responsible=("Кузнецова К.К.",)),
        )
    )
    done = Status.DONE
    change_status(engine, "alpha:1", done, now=NOW, actor="t", completed_on=date(2022, 4, 20))
    result = discipline(engine, ON, roadmaps=["alpha"])
    check_sums(result)
    by_org = {row.executor.name: numbers(row.figures) for row in result.organisations}
    assert by_org == {
        "МКУ ГИМЦ": (1, 1, 0, 0, 0, 0),
        "Управление образования": (1, 0, 0, 1, 0, 0),
        NO_ORGANISATION: (1, 0, 0, 0, 1, 0),
    }


def _shown(result: Discipline) -> list[tuple[str, tuple[str, ...]]]:
    """What the digest shows of the figures: the rows in order and the total, as text."""
    rows = [(row.executor.name, row.figures.cells()) for row in result.rows]
    return [*rows, ("total", result.total.cells())]


@pytest.mark.parametrize("on", [date(2022, 4, 1), ON, date(2022, 7, 1), date(2023, 1, 1)], ids=str)
def test_executor_figures_match_the_figures(engine: Engine, sync: Syncer, on: date) -> None:
    sync(
        roadmap(
            "alpha",
            act("1", ("2022-04-01", "2022-04-29")),
            act("2", ("2022-05-01", "2022-05-31"), responsible=("Петров П.П.", "МКУ ГИМЦ")),
            act("3", ("2022-05-01", "2022-05-20"), responsible=("Петров П.П.", "Петров П.П.")),
            act("4", ("2022-09-01", "2022-09-30"), responsible=("МКУ ГИМЦ",)),
            act("5", ("2022-03-01", "2022-03-31")),
            act("6", ("2022-02-01", "2022-02-10"), responsible=("Иванов И.И.",)),
        )
    )
    sync(roadmap("beta", act("1", ("2022-05-01", "2022-05-31"), responsible=("Иванов И.И.",))))
    done = Status.DONE
    change_status(engine, "alpha:1", done, now=NOW, actor="t", completed_on=date(2022, 4, 20))
    change_status(engine, "alpha:2", done, now=NOW, actor="t", completed_on=date(2022, 6, 3))
    change_status(engine, "alpha:6", done, now=NOW, actor="t", completed_on=date(2022, 3, 30))
    extend(
        engine, "alpha:3", date(2022, 6, 30), reason="приказ", approved_by="t", now=NOW,
        shift=Shift.NONE,
    )  # fmt: skip
    change_status(engine, "alpha:5", Status.CANCELLED, now=NOW, actor="t")
    with engine.connect() as conn:
        ids = {row.slug: row.id for row in conn.execute(select(ROADMAP.c.slug, ROADMAP.c.id))}
    every = roadmap_figures(engine, on)
    for slugs in (["alpha"], ["beta"], ["alpha", "beta"]):
        expected = discipline(engine, on, roadmaps=slugs)
        found = executor_figures(engine, on, [ids[slug] for slug in slugs])
        assert _shown(found) == _shown(expected)
        assert [r.figures.late_days for r in found.rows] == [
            r.figures.late_days for r in expected.rows
        ]
        # once for every roadmap, summed per set: the very same figures, rows and executors
        assert every.of([ids[slug] for slug in slugs]) == found
        assert repr(every.of([ids[slug] for slug in slugs])) == repr(found)
    assert executor_figures(engine, on, []).rows == ()
    assert every.of([]) == executor_figures(engine, on, [])
    # begun on a thread of its own, finished here: the same figures
    later = FiguresLater(engine, on, ids.values()).result()
    assert later.totals == every.totals and later.shares == every.shares
    FiguresLater(engine, on, ids.values()).close()  # begun, not wanted: nothing left open
    assert engine.pool.checkedout() == 0


def test_roadmap_figures_first_appearance(engine: Engine, sync: Syncer) -> None:
    """An executor lead in one roadmap and co-executor in another: each set of roadmaps gets
    the executor as it first appears there (and the rows that tie keep that order)."""
    sync(
        roadmap(
            "alpha",
            act("1", ("2022-05-01", "2022-05-31"), responsible=("МКУ ГИМЦ", "Петров П.П.")),
            act("2", ("2022-03-01", "2022-03-31"), responsible=("Иванов И.И.",)),
        )
    )
    sync(
        roadmap(
            "beta",
            act("1", ("2022-04-01", "2022-04-30"), responsible=("Петров П.П.", "Иванов И.И.")),
            act("2", ("2022-08-01", "2022-08-31")),
        )
    )
    with engine.connect() as conn:
        ids = {row.slug: row.id for row in conn.execute(select(ROADMAP.c.slug, ROADMAP.c.id))}
    for on in (date(2022, 2, 1), ON):
        every = roadmap_figures(engine, on)
        for slugs in (["alpha"], ["beta"], ["alpha", "beta"], ["beta", "alpha", "beta"]):
            wanted = [ids[slug] for slug in slugs]
            expected = executor_figures(engine, on, wanted)
            assert repr(every.of(wanted)) == repr(expected)
            assert [r.executor for r in every.of(wanted).rows] == [
                r.executor for r in expected.rows
            ]


def test_roadmap_figures_tricky_executors(engine: Engine, sync: Syncer) -> None:
    """Executors named twice in one activity (by alias, unknown names the coordinator stands
    in for, unknown names with no coordinator), unknown names that differ, the lead flag
    differing between activities (the earliest in the activity order decides, not the first
    stored), the same name with and without a directory entry, first due dates and positions
    that tie across roadmaps (stored in another order than their slugs'), and activities or
    roadmaps that do not count: the counts read once give executor_figures' very figures for
    every set of roadmaps."""
    sync.executors([
        *EXECUTORS, ExecutorEntry(name="Завуч", roadmaps=("alpha",)),
        ExecutorEntry(name="Сидоров С.С."),
    ])  # fmt: skip
    may, april = ("2022-05-01", "2022-05-31"), ("2022-04-01", "2022-04-30")
    sync(
        roadmap(
            "delta",  # no coordinator: unknown names have no executor
            act("1", may, responsible=("Сидоров С.С.", "Завуч", "Завуч")),
            act("2", may, responsible=("Завуч", "Директор")),
            act("3", ("2022-06-01", "2022-06-30"), responsible=()),
            act("4", april, responsible=("Петров П.П.", "Петров П.П.")),
            act("5", may, responsible=("Директор", "МКУ ГИМЦ")),
        )
    )
    beta = [
        act("1", may, responsible=("МКУ ГИМЦ", "Сидоров С.С.")),  # ties with delta:1
        act("2", april, responsible=("Петров П.П.",)),
        act("3", may, responsible=("Петров П.П.", "Завуч", "МКУ ГИМЦ")),
    ]
    sync(roadmap("beta", *beta))
    sync(roadmap("beta", *reversed(beta)))  # beta:3 now placed before beta:1, ids unchanged
    sync(
        roadmap(
            "alpha",  # coordinated by Иванова И.И.: she stands in for unknown names
            act("1", ("2022-09-01", "2022-09-30"),
                responsible=("Петров П.П.", "П. Петров", "МКУ ГИМЦ")),
            act("2", may, responsible=("МКУ ГИМЦ", "Петров П.П.")),
            act("3", ("2022-03-01", "2022-03-31"), ("2022-08-01", "2022-08-31"),
                responsible=("Кто-то", "Никто")),
            act("4", may, responsible=("Завуч",)),
            act("5", ("2022-02-01", "2022-02-28"), responsible=("Петров П.П.",)),
            act("6", april, responsible=("Петров П.П.",)),  # before 2, though stored after
        )
    )  # fmt: skip
    sync(roadmap("omega", act("1", may, responsible=("Петров П.П.", "Завуч"))))
    done = Status.DONE
    change_status(engine, "alpha:1", done, now=NOW, actor="t", completed_on=date(2022, 6, 3))
    change_status(engine, "beta:2", done, now=NOW, actor="t", completed_on=date(2022, 4, 20))
    change_status(engine, "delta:2", done, now=NOW, actor="t", completed_on=date(2022, 6, 10))
    change_status(engine, "alpha:5", Status.CANCELLED, now=NOW, actor="t")  # counts nowhere
    extend(
        engine, "delta:4", date(2022, 6, 30), reason="приказ", approved_by="t", now=NOW,
        shift=Shift.NONE,
    )  # fmt: skip
    with engine.begin() as conn:
        ids = {row.slug: row.id for row in conn.execute(select(ROADMAP.c.slug, ROADMAP.c.id))}
        conn.execute(
            update(ACTIVITY)
            .where(ACTIVITY.c.roadmap_id == ids["delta"], ACTIVITY.c.key == "5")
            .values(archived_at=NOW)
        )
        conn.execute(update(ROADMAP).where(ROADMAP.c.id == ids["omega"]).values(archived_at=NOW))
        stand_ins = conn.execute(
            select(ACTIVITY_EXECUTOR.c.executor_id).where(ACTIVITY_EXECUTOR.c.name == "Кто-то")
        ).scalar_one()
        nobody = conn.execute(
            select(ACTIVITY_EXECUTOR.c.executor_id).where(ACTIVITY_EXECUTOR.c.name == "Директор")
        ).all()
        places = {
            row.key: (row.position, row.id)
            for row in conn.execute(
                select(ACTIVITY.c.key, ACTIVITY.c.position, ACTIVITY.c.id).where(
                    ACTIVITY.c.roadmap_id == ids["beta"]
                )
            )
        }
    assert stand_ins is not None and {row.executor_id for row in nobody} == {None}
    assert ids["delta"] < ids["beta"] < ids["alpha"]  # not the slugs' order
    assert places["3"][0] < places["2"][0] < places["1"][0]  # placed in reverse,
    assert places["1"][1] < places["2"][1] < places["3"][1]  # stored in order
    slugs = sorted(ids)
    for on in (date(2022, 2, 1), ON, date(2022, 7, 1)):
        every = roadmap_figures(engine, on)
        assert ids["omega"] not in every.totals  # archived
        for size in range(len(slugs) + 1):
            for chosen in combinations(slugs, size):
                wanted = [ids[slug] for slug in chosen]
                expected = executor_figures(engine, on, wanted)
                if chosen:
                    assert _shown(expected) == _shown(discipline(engine, on, roadmaps=chosen))
                for found in (every.of(wanted), roadmap_figures(engine, on, wanted).of(wanted)):
                    assert repr(found) == repr(expected), chosen
                    assert [r.executor for r in found.rows] == [
                        r.executor for r in expected.rows
                    ], chosen
        # the cases above as the figures show them
        shown = {r.executor.name: r.executor for r in every.of(ids.values()).rows}
        assert shown["Сидоров С.С."].lead is False  # beta:1 before delta:1 (slugs)
        assert shown["Петров П.П."].lead is True  # alpha:6 before alpha:2 (due dates)
        gimc = every.of([ids["beta"]]).rows
        assert [r.executor.lead for r in gimc if r.executor.name == "МКУ ГИМЦ"] == [False]
        # the shares name each executor once per roadmap and lead flag: Петров П.П. leads in
        # alpha and is a co-executor there too; the alias and the stand-in count once
        alpha = {(s.doer.name, s.doer.lead) for s in every.shares[ids["alpha"]]}
        assert ("Петров П.П.", True) in alpha and ("Петров П.П.", False) in alpha
        assert len(every.shares[ids["alpha"]]) == len(alpha)
        delta = sorted((s.doer.name, s.doer.lead) for s in every.shares[ids["delta"]])
        assert delta == [
            ("Директор", False), ("Завуч", False), ("Завуч", True), ("Петров П.П.", True),
            ("Сидоров С.С.", True), ("—", True),
        ]  # fmt: skip
