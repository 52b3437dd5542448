"""«Never silently wrong» (issue 13): hypothesis properties over real and generated cells.

(f) no window starts after its due date;
(g) every window of a `once` result comes from a year written in the phrase, or from the
    period (a yearless month or date, «текущий год»), give or take the year a span crosses;
(h) a phrase with junk appended (other scripts, emoji, all-caps Latin, ordinary words) reads
    the same as the phrase alone and warns about the junk, or is an error (TERMS rule 17).
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.terms import Expansion, Kind, Period, expand

SETTINGS = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FIXTURE = Path(__file__).parents[1] / "fixtures" / "seed-terms.jsonl"
GOLD = [json.loads(line) for line in FIXTURE.read_text("utf-8").splitlines() if line.strip()]
CELLS = [case["text"] for case in GOLD] + [
    "Актовый зал, 14 мая 2022",
    "14 мая 2022 с 10-00 до 15-30",
    "Ноябрь, 2023",
    "март-май, 2024 года",
    "20.11. по 22.11.2023",
    "не позднее 25 декабря текущего года",
    "ежеквартально, до 15 числа месяца, следующего за отчетным, и ежегодно до 20 января",
    "не реже 3 раз в год",
    "в последней декаде октября 2022",
    "2022/23 уч.год",
    "Отчёт - до 1 марта 2023",
    "1 квартал -2022",
    "окт-2022",
    "с 01.марта по 15 марта 2023",
    "до 1 марта 2023 включительно",
    "по мере выявления нарушений",
]
JUNK = [
    "漢字",
    "テスト",
    "🙂",
    "🔥🔥",
    "DROP",
    "TABLE",
    "OK",
    "hello",
    "world",
    "ответственный",
    "Иванов И.И.",
    "актовый зал",
    "школа",
    "родители",
    "СОШ",
    "МБОУ",
    "№12а",
    "к 80-летию",
]
WORDS = [
    "январь", "мая", "сентября", "декабрь", "квартал", "IV", "II", "полугодие", "год", "года",
    "г.", "гг.", "до", "не позднее", "с", "по", "и", ",", "-", "–", "ежегодно", "ежеквартально",
    "ежемесячно", "конец", "начало", "середина", "декада", "текущего", "зима", "лето", "осень",
    "учебный", "в течение", "числа", "следующего за отчетным", "рабочего дня", "за", "дней",
    "истечения", "месяца", "Ноябрь,", "10-00", "14:45", "ч.", "зал", "№2", "Отчёт:",
]  # fmt: skip

periods = st.builds(
    lambda start, days: Period(start, start + timedelta(days=days)),
    st.dates(min_value=date(2005, 1, 1), max_value=date(2030, 12, 31)),
    st.integers(0, 5 * 366),
)
numbers = st.one_of(
    st.integers(1, 31).map(str),
    st.integers(2000, 2030).map(str),
    st.builds(
        lambda d, m, y: f"{d:02d}.{m:02d}.{y}",
        st.integers(1, 28),
        st.integers(1, 12),
        st.integers(2000, 2030),
    ),
)
vocab = st.builds(
    " ".join, st.lists(st.one_of(st.sampled_from(WORDS), numbers), min_size=1, max_size=8)
)
cells = st.one_of(st.sampled_from(CELLS), vocab)


def _written_years(text: str) -> set[int]:
    years = {int(y) for y in re.findall(r"(?<!\d)(\d{4})(?!\d)", text)}
    for short in re.findall(r"(?<!\d)(\d{2})(?!\d)", text):
        value = int(short)
        years.add(2000 + value if value < 70 else 1900 + value)
    return years


def _allowed(text: str, period: Period) -> set[int]:
    base = _written_years(text) | set(range(period.start.year, period.end.year + 1))
    return base | {y + 1 for y in base} | {y - 1 for y in base}


@SETTINGS
@given(text=cells, period=periods)
def test_f_no_window_starts_after_its_due_date(text: str, period: Period) -> None:
    res = expand(text, period)
    for window in res.windows:
        assert window.start is None or window.start <= window.due, res.to_json()


@SETTINGS
@given(text=cells, period=periods)
def test_g_once_windows_come_from_written_years_or_the_period(text: str, period: Period) -> None:
    res = expand(text, period)
    if res.kind is not Kind.ONCE:
        return
    allowed = _allowed(text, period)
    for window in res.windows:
        for day in (window.start, window.due):
            assert day is None or day.year in allowed, res.to_json()


def _same_reading(alone: Expansion, padded: Expansion) -> bool:
    return (alone.kind, alone.windows) == (padded.kind, padded.windows)


@SETTINGS
@given(
    text=cells,
    junk=st.sampled_from(JUNK),
    glue=st.sampled_from([" ", ", ", "; ", " - "]),
    period=periods,
)
def test_h_junk_appended_reads_the_same_and_warns_or_is_an_error(
    text: str, junk: str, glue: str, period: Period
) -> None:
    alone = expand(text, period)
    padded = expand(f"{text}{glue}{junk}", period)
    if padded.kind is Kind.ERROR:
        return
    assert _same_reading(alone, padded), (alone.to_json(), padded.to_json())
    assert len(padded.warnings) > len(alone.warnings) or any(
        junk.split()[0].strip("№") in w for w in padded.warnings
    ), padded.to_json()
