"""The reminder policy with a fixed clock: every stage, sending hours, supersede, digests, groups.

Dates are chosen on the 2025 Russian calendar (2025-06-12 and 06-13 are days off, 2025-05-01…04
and 05-08…11 too; 2024-04-27 was a working Saturday; 2024-12-30 … 2025-01-08 were days off).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.calendar import russian_calendar
from tracker.config import PolicySettings, default_settings
from tracker.notify.model import Batch, ItemFacts, MessageKind, Notification, Person
from tracker.notify.policy import (
    calendar_warnings,
    days_before,
    digest_notifications,
    digest_stage,
    group,
    plan,
    send_time,
    years_in_use,
)

CAL = russian_calendar()
MSK = "Europe/Moscow"
VLAT = "Asia/Vladivostok"
KALT = "Europe/Kaliningrad"
YEKT = "Asia/Yekaterinburg"

EXECUTOR = Person.executor(1, "Исполнитель", ("ex@example.org",), MSK)
CO_EXECUTOR = Person.executor(2, "Соисполнитель", ("co@example.org",), MSK)
COORDINATOR = Person.executor(3, "Координатор", ("coord@example.org",), MSK)


def policy(**changes: Any) -> PolicySettings:
    return dataclasses.replace(default_settings().policy, **changes)


def at(day: str, clock: str = "10:00", zone: str = MSK) -> datetime:
    """An aware instant: ``day`` at ``clock`` in ``zone``."""
    hours, minutes = (int(part) for part in clock.split(":"))
    return datetime.combine(date.fromisoformat(day), time(hours, minutes), ZoneInfo(zone))


def item(
    due: str = "2025-06-19",
    *,
    start: str | None = "2025-06-03",
    occurrence_id: int = 7,
    status: str = "planned",
    kind: str = "window",
    extended: str | None = None,
    zone: str = MSK,
    executors: tuple[Person, ...] = (EXECUTOR,),
    coordinators: tuple[Person, ...] = (COORDINATOR,),
) -> ItemFacts:
    return ItemFacts(
        occurrence_id=occurrence_id,
        roadmap="r",
        roadmap_title="Дорожная карта",
        timezone=zone,
        number="1.1",
        title="Мероприятие",
        section=None,
        result=None,
        occurrence_kind=kind,
        activity_kind="continuous" if kind == "checkin" else "once",
        start=date.fromisoformat(start) if start else None,
        due=date.fromisoformat(due),
        effective_due=date.fromisoformat(extended or due),
        status=status,
        completed_on=None,
        executors=executors,
        coordinators=coordinators,
    )


def keys(
    items: Sequence[ItemFacts],
    now: datetime,
    made: Collection[str] = (),
    settings: PolicySettings | None = None,
) -> list[str]:
    return [n.key for n in plan(items, made, now, settings or policy(), CAL)]


# --- every stage of a window (due Thursday 2025-06-19, opens Tuesday 2025-06-03) ----------------

STAGES = [
    ("before-start", "2025-06-02", ["reminder:start-1@2025-06-03:7:executor:1"]),
    ("14-days-before", "2025-06-05", ["reminder:due-14@2025-06-19:7:executor:1"]),
    ("between-stages-nothing", "2025-06-10", []),
    ("3-days-before", "2025-06-16", ["reminder:due-3@2025-06-19:7:executor:1"]),
    ("1-day-before", "2025-06-18", ["reminder:due-1@2025-06-19:7:executor:1"]),
    ("due-today", "2025-06-19", ["due_today:due@2025-06-19:7:executor:1"]),
    ("overdue-first-day", "2025-06-20", ["overdue:1@2025-06-19:7:executor:1"]),
    ("overdue-repeats-weekly", "2025-06-27", ["overdue:2@2025-06-19:7:executor:1"]),
    (
        "escalation-after-14-days",
        "2025-07-03",
        ["escalation:1@2025-06-19:7:executor:3", "overdue:2@2025-06-19:7:executor:1"],
    ),
    (
        "overdue-third-escalation-still-current",
        "2025-07-04",
        ["escalation:1@2025-06-19:7:executor:3", "overdue:3@2025-06-19:7:executor:1"],
    ),
    (
        "escalation-repeats",
        "2025-07-10",
        ["escalation:2@2025-06-19:7:executor:3", "overdue:3@2025-06-19:7:executor:1"],
    ),
]


@pytest.mark.parametrize(("day", "expected"), [s[1:] for s in STAGES], ids=[s[0] for s in STAGES])
def test_each_stage_of_a_window(day: str, expected: list[str]) -> None:
    assert sorted(keys([item()], at(day))) == sorted(expected)


def test_stage_sends_now_and_expires_when_superseded() -> None:
    (made,) = plan([item()], (), at("2025-06-16", "10:00"), policy(), CAL)
    assert made.send_at == at("2025-06-16", "10:00").astimezone(UTC)
    assert made.day == date(2025, 6, 16)
    assert made.expires_at == at("2025-06-16", "18:00").astimezone(UTC)  # end of its day
    (due,) = plan([item()], (), at("2025-06-19", "09:00"), policy(), CAL)
    assert due.expires_at == at("2025-06-20", "09:00").astimezone(UTC)  # overdue 1 is ready


@pytest.mark.parametrize(
    ("settings", "day", "expected"),
    [
        (policy(remind_days=(3,)), "2025-06-20", ["reminder:due-3@2025-06-23:7:executor:1"]),
        (policy(remind_days=(3,)), "2025-06-18", []),
        (policy(remind_days=(3,), working_days=True), "2025-06-18",
         ["reminder:due-3@2025-06-23:7:executor:1"]),
        (policy(remind_days=(3,), working_days=True), "2025-06-20", []),
    ],
    ids=["calendar-days", "calendar-days-not-yet", "working-days", "working-days-not-calendar"],
)  # fmt: skip
def test_calendar_or_working_days(settings: PolicySettings, day: str, expected: list[str]) -> None:
    assert keys([item("2025-06-23", start=None)], at(day), settings=settings) == expected


@pytest.mark.parametrize(
    ("due", "n", "working", "expected"),
    [
        ("2025-06-19", 3, False, "2025-06-16"),
        ("2025-06-19", 0, True, "2025-06-19"),
        ("2025-06-23", 3, True, "2025-06-18"),
        ("2025-06-16", 3, True, "2025-06-09"),  # 06-12 and 06-13 are days off
        ("2024-04-29", 1, True, "2024-04-27"),  # the working Saturday
    ],
    ids=["calendar", "zero", "working-week", "working-over-holidays", "working-saturday"],
)
def test_days_before(due: str, n: int, working: bool, expected: str) -> None:
    got = days_before(date.fromisoformat(due), n, working, CAL)
    assert got == date.fromisoformat(expected)


def test_done_and_cancelled_items_are_silent() -> None:
    for status in ("done", "cancelled"):
        for day in ("2025-06-05", "2025-06-19", "2025-06-20", "2025-07-03"):
            assert keys([item(status=status)], at(day)) == []


def test_in_progress_items_are_reminded() -> None:
    assert keys([item(status="in_progress")], at("2025-06-20")) == [
        "overdue:1@2025-06-19:7:executor:1"
    ]


def test_unscheduled_items_give_nothing() -> None:
    unscheduled = dataclasses.replace(
        item(), occurrence_id=None, occurrence_kind=None, due=None, effective_due=None, status=None
    )
    assert keys([unscheduled], at("2025-06-19")) == []


def test_made_keys_are_never_returned() -> None:
    made = {"overdue:2@2025-06-19:7:executor:1"}
    assert keys([item()], at("2025-07-03"), made) == ["escalation:1@2025-06-19:7:executor:3"]
    assert keys([item()], at("2025-07-03"), made | {"escalation:1@2025-06-19:7:executor:3"}) == []


def test_every_executor_and_coordinator_once() -> None:
    people = (EXECUTOR, CO_EXECUTOR, EXECUTOR)
    got = keys([item(executors=people, coordinators=(COORDINATOR, COORDINATOR))], at("2025-07-03"))
    assert sorted(got) == [
        "escalation:1@2025-06-19:7:executor:3",
        "overdue:2@2025-06-19:7:executor:1",
        "overdue:2@2025-06-19:7:executor:2",
    ]


def test_extension_starts_a_fresh_track() -> None:
    made = {"reminder:due-3@2025-06-19:7:executor:1", "overdue:1@2025-06-19:7:executor:1"}
    moved = item(extended="2025-07-31")
    assert keys([moved], at("2025-07-28"), made) == ["reminder:due-3@2025-07-31:7:executor:1"]
    assert keys([moved], at("2025-06-27"), made) == []  # no longer overdue


# --- check-ins of continuous activities --------------------------------------------------------

CHECKINS = [
    ("no-before-start", "2025-03-31", []),
    ("14-days-before", "2025-06-16", ["checkin:due-14@2025-06-30:7:executor:1"]),
    ("due-date", "2025-06-30", ["checkin:due@2025-06-30:7:executor:1"]),
    ("overdue-after", "2025-07-01", ["overdue:1@2025-06-30:7:executor:1"]),
]


@pytest.mark.parametrize(
    ("day", "expected"), [c[1:] for c in CHECKINS], ids=[c[0] for c in CHECKINS]
)
def test_checkin_is_a_window_with_kind_checkin(day: str, expected: list[str]) -> None:
    checkin = item("2025-06-30", start="2025-04-01", kind="checkin")
    assert keys([checkin], at(day)) == expected


# --- supersede: downtime never sends stale stages ----------------------------------------------

SUPERSEDE = [
    # (id, now, made, expected)
    ("missed-14-at-minus-6-skipped", at("2025-06-13"), [], []),
    ("reminder-late-same-day-sent", at("2025-06-16", "17:00"), [],
     ["reminder:due-3@2025-06-19:7:executor:1"]),
    ("reminder-after-its-day-dropped", at("2025-06-16", "18:30"), [], []),
    ("due-today-missed-gives-way-to-overdue", at("2025-06-19", "19:00"), [], []),
    ("five-days-after-minus-3-only-current", at("2025-06-21"), [],
     ["overdue:1@2025-06-19:7:executor:1"]),
    ("overdue-missed-for-days-still-sent-once", at("2025-06-25"), [],
     ["overdue:1@2025-06-19:7:executor:1"]),
    ("overdue-superseded-by-next-step", at("2025-06-30"), [],
     ["overdue:2@2025-06-19:7:executor:1"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("now", "made", "expected"), [s[1:] for s in SUPERSEDE], ids=[s[0] for s in SUPERSEDE]
)
def test_supersede_after_downtime(now: datetime, made: list[str], expected: list[str]) -> None:
    assert keys([item()], now, made) == expected


def test_superseded_on_saturday_is_sent_on_monday_morning() -> None:
    (overdue,) = plan([item()], (), at("2025-06-21"), policy(), CAL)  # Saturday
    assert overdue.send_at == at("2025-06-23", "09:00").astimezone(UTC)
    assert overdue.day == date(2025, 6, 23)


# --- sending hours in the recipient's zone -----------------------------------------------------

ZONES = [
    # (id, recipient zone, now, expected local send_at or None)
    ("moscow-morning", MSK, at("2025-06-19", "09:30"), "2025-06-19 09:30"),
    ("moscow-before-hours", MSK, at("2025-06-19", "08:59"), None),
    ("vladivostok-ahead", VLAT, at("2025-06-19", "09:00", VLAT), "2025-06-19 09:00"),
    ("vladivostok-evening-waits", VLAT, at("2025-06-19", "18:00", VLAT), None),
    ("kaliningrad-before-hours", KALT, at("2025-06-19", "09:30"), None),  # 08:30 there
    ("kaliningrad-morning", KALT, at("2025-06-19", "09:00", KALT), "2025-06-19 09:00"),
]


@pytest.mark.parametrize(
    ("zone", "now", "expected"), [z[1:] for z in ZONES], ids=[z[0] for z in ZONES]
)
def test_sending_hours_in_recipient_zone(zone: str, now: datetime, expected: str | None) -> None:
    person = dataclasses.replace(EXECUTOR, timezone=zone)
    made = plan([item(executors=(person,))], (), now, policy(), CAL)
    if expected is None:
        assert made == []
        return
    (due,) = made
    assert due.kind is MessageKind.DUE_TODAY
    local = due.send_at.astimezone(ZoneInfo(zone))
    assert local.strftime("%Y-%m-%d %H:%M") == expected
    assert due.day == local.date()


SEND_TIMES = [
    ("inside-hours", "2025-06-18 14:00", MSK, "2025-06-18 14:00"),
    ("night-to-morning", "2025-06-18 02:00", MSK, "2025-06-18 09:00"),
    ("evening-to-next-morning", "2025-06-18 18:00", MSK, "2025-06-19 09:00"),
    ("friday-evening-to-monday", "2025-06-20 19:00", MSK, "2025-06-23 09:00"),
    ("holidays-12-13-june", "2025-06-12 10:00", VLAT, "2025-06-16 09:00"),
    ("working-saturday-2024-04-27", "2024-04-27 07:00", KALT, "2024-04-27 09:00"),
    ("may-holidays-2024", "2024-04-28 10:00", MSK, "2024-05-02 09:00"),
    ("new-year-2025", "2024-12-30 10:00", MSK, "2025-01-09 09:00"),
]


@pytest.mark.parametrize(
    ("moment", "zone", "expected"), [s[1:] for s in SEND_TIMES], ids=[s[0] for s in SEND_TIMES]
)
def test_send_time(moment: str, zone: str, expected: str) -> None:
    day, clock = moment.split()
    got = send_time(at(day, clock, zone), zone, policy(), CAL)
    assert got.tzinfo is UTC
    assert got.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M") == expected


def test_weekend_stage_goes_on_next_working_day() -> None:
    due = item("2025-05-15", start=None)  # 14 days before is 2025-05-01, a holiday
    assert keys([due], at("2025-05-02")) == []
    (made,) = plan([due], (), at("2025-05-05"), policy(), CAL)
    assert made.key == "reminder:due-14@2025-05-15:7:executor:1"


def test_working_saturday_is_a_sending_day() -> None:
    assert keys([item("2024-04-27", start=None)], at("2024-04-27")) == [
        "due_today:due@2024-04-27:7:executor:1"
    ]
    # an ordinary Saturday due date: on Monday the overdue message supersedes «due today»
    assert keys([item("2024-04-20", start=None)], at("2024-04-20")) == []
    assert keys([item("2024-04-20", start=None)], at("2024-04-22")) == [
        "overdue:1@2024-04-20:7:executor:1"
    ]


def test_roadmap_zone_decides_when_a_day_begins() -> None:
    """A Vladivostok roadmap's due day begins at 17:00 Moscow time the day before; a Moscow
    executor still gets the message in their own sending hours."""
    far = item(zone=VLAT)
    assert keys([far], at("2025-06-18", "17:30")) == ["due_today:due@2025-06-19:7:executor:1"]


# --- a scripted run: passes every 30 minutes over two months -----------------------------------


def run(
    items: Sequence[ItemFacts], start: datetime, end: datetime, step: timedelta
) -> list[Notification]:
    made: dict[str, Notification] = {}
    now = start
    while now < end:
        for notification in plan(items, made.keys(), now, policy(), CAL):
            made[notification.key] = notification
        now += step
    return list(made.values())


def test_scripted_run_makes_each_stage_once_in_order() -> None:
    made = run(
        [item()], at("2025-06-01", "00:00"), at("2025-07-12", "00:00"), timedelta(minutes=30)
    )
    assert [n.key for n in sorted(made, key=lambda n: (n.send_at, n.key))] == [
        "reminder:start-1@2025-06-03:7:executor:1",
        "reminder:due-14@2025-06-19:7:executor:1",
        "reminder:due-3@2025-06-19:7:executor:1",
        "reminder:due-1@2025-06-19:7:executor:1",
        "due_today:due@2025-06-19:7:executor:1",
        "overdue:1@2025-06-19:7:executor:1",
        "overdue:2@2025-06-19:7:executor:1",
        "escalation:1@2025-06-19:7:executor:3",
        "overdue:3@2025-06-19:7:executor:1",
        "escalation:2@2025-06-19:7:executor:3",
        "overdue:4@2025-06-19:7:executor:1",
    ]
    assert all(n.send_at.astimezone(ZoneInfo(MSK)).time() == time(9, 0) for n in made)


# --- digests -----------------------------------------------------------------------------------

FAR_COORDINATOR = Person.executor(9, "Координатор", ("c@example.org",), VLAT)

DIGESTS = [
    ("before-monday-9", at("2025-01-13", "08:59", VLAT), [], []),
    ("monday-9-local", at("2025-01-13", "09:00", VLAT), [], ["digest:2025-W03:-:executor:9"]),
    ("late-in-the-week", at("2025-01-15", "12:00", VLAT), [], ["digest:2025-W03:-:executor:9"]),
    ("made-once", at("2025-01-15", "12:00", VLAT), ["digest:2025-W03:-:executor:9"], []),
    ("next-week", at("2025-01-20", "10:00", VLAT), ["digest:2025-W03:-:executor:9"],
     ["digest:2025-W04:-:executor:9"]),
    ("holiday-monday-moves-to-first-working-day", at("2025-01-06", "10:00", VLAT), [], []),
    ("holiday-week-superseded-by-next", at("2025-01-09", "09:00", VLAT), [],
     ["digest:2025-W02:-:executor:9"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("now", "made", "expected"), [d[1:] for d in DIGESTS], ids=[d[0] for d in DIGESTS]
)
def test_weekly_digest(now: datetime, made: list[str], expected: list[str]) -> None:
    got = digest_notifications([FAR_COORDINATOR, FAR_COORDINATOR], made, now, policy(), CAL)
    assert [n.key for n in got] == expected
    for n in got:
        assert n.kind is MessageKind.DIGEST
        assert n.occurrence_id is None
        assert n.expires_at is not None and n.send_at < n.expires_at


def test_digest_weekday_and_time_are_settings() -> None:
    friday = policy(digest_weekday="friday", digest_time=time(15, 0))
    (last_week,) = digest_notifications(
        [FAR_COORDINATOR], (), at("2025-01-17", "14:59", VLAT), friday, CAL
    )
    assert last_week.stage == "2025-W02"  # a missed digest is sent until the next one is ready
    assert last_week.expires_at == at("2025-01-17", "15:00", VLAT)
    (made,) = digest_notifications(
        [FAR_COORDINATOR], (), at("2025-01-17", "15:00", VLAT), friday, CAL
    )
    assert made.stage == "2025-W03"


def test_digest_stage_is_the_iso_week() -> None:
    assert digest_stage(date(2025, 1, 13)) == "2025-W03"
    assert digest_stage(date(2024, 12, 30)) == "2025-W01"


# --- grouping ----------------------------------------------------------------------------------


def notification(kind: MessageKind, occurrence: int, person: Person, day: str) -> Notification:
    moment = at(day, "09:00", person.timezone)
    expires = None if kind is MessageKind.OVERDUE else moment + timedelta(hours=9)
    return Notification.make(
        kind, f"s{occurrence}", occurrence, person, day=moment.date(), send_at=moment,
        expires_at=expires,
    )  # fmt: skip


def test_group_one_batch_per_recipient_per_day() -> None:
    parts = [
        notification(MessageKind.REMINDER, 1, EXECUTOR, "2025-06-16"),
        notification(MessageKind.OVERDUE, 2, EXECUTOR, "2025-06-16"),
        notification(MessageKind.CHECKIN, 3, EXECUTOR, "2025-06-16"),
        notification(MessageKind.DUE_TODAY, 4, EXECUTOR, "2025-06-17"),
        notification(MessageKind.REMINDER, 1, CO_EXECUTOR, "2025-06-16"),
    ]
    batches = group(reversed(parts))
    assert [
        (b.recipient.key, b.day.isoformat(), b.kind.value, len(b.notifications)) for b in batches
    ] == [
        ("executor:1", "2025-06-16", "overdue", 3),
        ("executor:2", "2025-06-16", "reminder", 1),
        ("executor:1", "2025-06-17", "due_today", 1),
    ]
    first = batches[0]
    assert [n.kind for n in first.notifications] == [
        MessageKind.OVERDUE,
        MessageKind.REMINDER,
        MessageKind.CHECKIN,
    ]
    assert first.expires_at is None  # the overdue part never expires
    assert batches[1].expires_at is not None


def test_group_keeps_digests_apart_and_drops_duplicates() -> None:
    overdue = notification(MessageKind.OVERDUE, 2, COORDINATOR, "2025-06-16")
    digest = Notification.make(
        MessageKind.DIGEST, "2025-W25", None, COORDINATOR, day=overdue.day, send_at=overdue.send_at
    )
    batches: list[Batch] = group([overdue, digest, overdue])
    assert sorted(b.kind.value for b in batches) == ["digest", "overdue"]
    assert all(len(b.notifications) == 1 for b in batches)


@pytest.mark.parametrize(
    ("kinds", "expected"),
    [
        (["checkin", "reminder"], "reminder"),
        (["reminder", "due_today"], "due_today"),
        (["due_today", "overdue"], "overdue"),
        (["overdue", "escalation", "checkin"], "escalation"),
    ],
    ids=["reminder-over-checkin", "due-today-over-reminder", "overdue-over-due-today",
         "escalation-first"],
)  # fmt: skip
def test_batch_kind_is_most_urgent(kinds: list[str], expected: str) -> None:
    parts = [
        notification(MessageKind(kind), i, EXECUTOR, "2025-06-16") for i, kind in enumerate(kinds)
    ]
    (batch,) = group(parts)
    assert batch.kind.value == expected


# --- calendar warnings -------------------------------------------------------------------------


def test_calendar_warnings_name_unknown_years() -> None:
    assert calendar_warnings([2024, 2025], CAL) == []
    (warning,) = calendar_warnings([2025, 2099, 2099], CAL)
    assert "2099" in warning


def test_years_in_use() -> None:
    items = [item("2027-03-01", start="2026-12-01"), item("2030-01-01", status="done")]
    assert years_in_use(items, at("2025-06-01")) == [2025, 2026, 2027]


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        plan([item()], (), datetime(2025, 6, 19, 10), policy(), CAL)


# --- properties --------------------------------------------------------------------------------

PEOPLE = [
    Person.executor(i, f"Исполнитель {i}", (f"e{i}@example.org",), zone)
    for i, zone in enumerate((MSK, VLAT, KALT, YEKT), start=1)
]


@st.composite
def items_and_now(draw: st.DrawFn) -> tuple[list[ItemFacts], datetime]:
    count = draw(st.integers(1, 6))
    out = []
    for index in range(count):
        due = date(2024, 4, 1) + timedelta(days=draw(st.integers(0, 120)))
        start = due - timedelta(days=draw(st.integers(0, 60))) if draw(st.booleans()) else None
        out.append(
            item(
                due.isoformat(),
                start=start.isoformat() if start else None,
                occurrence_id=index + 1,
                status=draw(st.sampled_from(["planned", "in_progress", "done"])),
                kind=draw(st.sampled_from(["window", "checkin"])),
                zone=draw(st.sampled_from([MSK, VLAT, KALT])),
                executors=tuple(draw(st.lists(st.sampled_from(PEOPLE), min_size=1, max_size=3))),
                coordinators=(draw(st.sampled_from(PEOPLE)),),
            )
        )
    minutes = draw(st.integers(0, 150 * 24 * 60))
    now = datetime(2024, 4, 1, tzinfo=UTC) + timedelta(minutes=minutes)
    return out, now


def _policy_variant(working: bool) -> PolicySettings:
    return policy(working_days=working, overdue_every_days=3, escalate_after_days=5)


@settings(max_examples=150, deadline=None)
@given(items_and_now(), st.booleans())
def test_property_never_at_night_and_only_within_use(
    case: tuple[list[ItemFacts], datetime], working: bool
) -> None:
    items, now = case
    rules = _policy_variant(working)
    for n in plan(items, (), now, rules, CAL):
        local = n.send_at.astimezone(ZoneInfo(n.recipient.timezone))
        assert rules.send_from <= local.time() < rules.send_until
        assert CAL.is_working_day(local.date())
        assert n.day == local.date()
        assert n.send_at >= now
        assert n.expires_at is None or n.send_at < n.expires_at


@settings(max_examples=100, deadline=None)
@given(items_and_now(), st.randoms(use_true_random=False))
def test_property_deterministic_and_made_keys_excluded(
    case: tuple[list[ItemFacts], datetime], rng: Any
) -> None:
    items, now = case
    rules = _policy_variant(False)
    first = plan(items, (), now, rules, CAL)
    shuffled = list(items)
    rng.shuffle(shuffled)
    assert plan(shuffled, (), now, rules, CAL) == first
    made = {n.key for n in first if rng.random() < 0.5}
    again = plan(items, made, now, rules, CAL)
    assert [n.key for n in again] == [n.key for n in first if n.key not in made]
    assert len({n.key for n in first}) == len(first)
    per_track = [
        (n.occurrence_id, n.recipient.key, n.kind is MessageKind.ESCALATION) for n in first
    ]
    assert len(set(per_track)) == len(per_track)  # one current stage per track
