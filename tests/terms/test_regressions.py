"""Phrases that were read wrong once: one case per bug fixed, so it stays fixed."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tracker.terms import Kind, Period, expand

P = Period(date(2022, 1, 1), date(2024, 12, 31))
A = Period(date(2022, 9, 1), date(2023, 8, 31))

CASES: list[Any] = [
    # «месяца» in «до 10 числа месяца, следующего за отчетным» is not the reported unit.
    pytest.param(
        "ежеквартально, до 10 числа месяца, следующего за отчетным",
        P,
        Kind.RECURRING,
        12,
        ("2022-04-01", "2022-04-10"),
        ("2025-01-01", "2025-01-10"),
        id="report-month-of-quarter",
    ),
    # «далее» lifts the upper bound: the rule runs to the period's end.
    pytest.param(
        "2023 год и далее ежегодно",
        P,
        Kind.RECURRING,
        2,
        ("2023-01-01", "2023-12-31"),
        ("2024-01-01", "2024-12-31"),
        id="onward-yearly",
    ),
    pytest.param(
        "3 квартал 2023, далее ежеквартально",
        P,
        Kind.RECURRING,
        6,
        ("2023-07-01", "2023-09-30"),
        ("2024-10-01", "2024-12-31"),
        id="onward-from-a-quarter",
    ),
    pytest.param(
        "постоянно, 2022-2024",
        P,
        Kind.CONTINUOUS,
        1,
        ("2022-01-01", "2024-12-31"),
        ("2022-01-01", "2024-12-31"),
        id="ongoing-with-span",
    ),
    pytest.param(
        "не реже 1 раза в полугодие",
        P,
        Kind.RECURRING,
        6,
        ("2022-01-01", "2022-06-30"),
        ("2024-07-01", "2024-12-31"),
        id="at-least-with-digit",
    ),
    pytest.param(
        "2 раза в год (декабрь, май)",
        P,
        Kind.RECURRING,
        6,
        ("2022-05-01", "2022-05-31"),
        ("2024-12-01", "2024-12-31"),
        id="count-with-months",
    ),
    # A dot after an abbreviation must not cut the year off: «кв. 2021», «янв. 2023».
    pytest.param(
        "4 кв. 2021", P, Kind.ONCE, 1, ("2021-10-01", "2021-12-31"), None, id="kv-dot-year"
    ),
    pytest.param(
        "янв. 2023", P, Kind.ONCE, 1, ("2023-01-01", "2023-01-31"), None, id="month-dot-year"
    ),
    pytest.param("ноябрь 2022г", P, Kind.ONCE, 1, ("2022-11-01", "2022-11-30"), None, id="glued-g"),
    # Bare years after a dated month pattern repeat the pattern, with a warning.
    pytest.param(
        "май–июнь 2022, 2023, 2024",
        P,
        Kind.ONCE,
        3,
        ("2022-05-01", "2022-06-30"),
        ("2024-05-01", "2024-06-30"),
        id="pattern-repeated-for-years",
    ),
    pytest.param(
        "По состоянию на 1 января 2023",
        P,
        Kind.ONCE,
        1,
        ("2023-01-01", "2023-01-01"),
        None,
        id="as-of-date",
    ),
    pytest.param(
        "весь 2023 год", P, Kind.CONTINUOUS, 1, ("2023-01-01", "2023-12-31"), None, id="whole-year"
    ),
    pytest.param(
        "до 10 декабря 2022 г., далее ежегодно",
        P,
        Kind.RECURRING,
        3,
        ("2022-01-01", "2022-12-10"),
        ("2024-01-01", "2024-12-10"),
        id="dated-deadline-then-yearly",
    ),
    pytest.param(
        "до 6-го рабочего дня месяца",
        Period(date(2024, 1, 1), date(2024, 5, 31)),
        Kind.RECURRING,
        5,
        ("2024-01-01", "2024-01-16"),
        ("2024-05-01", "2024-05-13"),
        id="working-day-implies-monthly",
    ),
]


@pytest.mark.parametrize(("text", "period", "kind", "count", "first", "last"), CASES)
def test_regression(
    text: str,
    period: Period,
    kind: Kind,
    count: int,
    first: tuple[str, str],
    last: tuple[str, str] | None,
) -> None:
    result = expand(text, period)
    windows = [w.to_json() for w in result.windows]
    assert result.kind is kind, result.to_json()
    assert len(windows) == count, result.to_json()
    assert (windows[0]["start"], windows[0]["due"]) == first
    if last is not None:
        assert (windows[-1]["start"], windows[-1]["due"]) == last


def test_yearless_impossible_date_names_the_date_not_a_year() -> None:
    result = expand("32 августа", P)
    assert result.kind is Kind.ERROR
    assert result.error == "нет такой даты: 32 августа"


def test_label_words_mid_phrase_are_ordinary_words() -> None:
    assert expand("в срок до 1 июля 2023", P).windows[0].due == date(2023, 7, 1)


def test_academic_period_keeps_one_october() -> None:
    result = expand("октябрь, апрель", A)
    assert result.kind is Kind.ONCE
    assert [w.start for w in result.windows] == [date(2022, 10, 1), date(2023, 4, 1)]
