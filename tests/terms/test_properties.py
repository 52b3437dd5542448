"""Properties every expansion must have, whatever the phrase (TERMS.md, «The result of a phrase»,
rules 11 and 13).

(a) ``expand`` never raises, for any string and any period;
(b) windows are sorted by (start or due, due), listed once each, with start <= due;
(c) recurring windows all have a start and touch [period.start, period.end + ~13 months]
    (rule 11: occurrences wholly outside the period are dropped, except reports that fall due
    after the period for a unit inside it);
(d) kind is error exactly when the error message is non-empty;
(e) continuous → exactly one window, unscheduled → none, once → at least one.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.terms import Expansion, Kind, Period, expand

SETTINGS = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# A report that falls due after the period is kept (rule 11); its unit overlaps the period,
# so its window starts at most a year (plus the unit's tail) after the period's end.
REPORT_HORIZON = timedelta(days=400)

FIXTURE = Path(__file__).parents[1] / "fixtures" / "seed-terms.jsonl"
GOLD_TEXTS = [
    json.loads(line)["text"]
    for line in FIXTURE.read_text(encoding="utf-8").splitlines()
    if line.strip()
]

MONTHS = [
    "январь", "февраль", "март", "апрель", "май", "июнь",
    "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
    "январе", "феврале", "марте", "мае", "сентябре", "декабре",
    "янв.", "февр.", "сент.", "ноя", "авг", "дек.", "Апрель", "ДЕКАБРЬ",
]  # fmt: skip
WORDS = [
    "квартал", "кварталы", "кв.", "квартала", "полугодие", "полугодия", "год", "года", "годы",
    "г.", "гг.", "г.г.", "г", "учебный", "учебного", "ежегодно", "Ежегодно", "ежеквартально",
    "ежемесячно", "еженедельно", "ежедневно", "каждый", "каждую", "каждого", "месяца", "раз",
    "в", "до", "к", "с", "по", "и", "или", "не", "позднее", "реже", "конец", "конца", "концу",
    "начало", "начала", "началу", "середина", "декада", "первая", "вторая", "третья",
    "первого", "двадцать", "восьмого", "четвёртый", "третью", "среду", "понедельник",
    "понедельникам", "субботу", "последнюю", "неделя", "недели", "текущего", "текущей",
    "весна", "лето", "осень", "зима", "летний", "период", "периода", "реализации", "ЦМН",
    "в течение", "В течении", "всего", "постоянно", "по мере необходимости", "по запросу",
    "по отдельному плану", "числа", "рабочего", "рабочих", "дня", "дней", "следующего за",
    "отчетным", "отчетного", "начиная", "Срок:", "Дедлайн", "Пт,", "утром", "часов", "ч.",
    "за", "истечения", "окончания", "или", "половина", "после", "субсидии",
]  # fmt: skip
ROMAN = ["I", "II", "III", "IV", "V", "X"]
PUNCT = ["-", "–", "—", ".", ",", ";", "*", "(", ")", ":", "/", "\n"]

numbers = st.one_of(
    st.integers(0, 40).map(str),
    st.integers(1900, 2100).map(str),
    st.integers(0, 99).map(lambda n: f"{n:02d}"),
    st.integers(1, 31).map(lambda n: f"{n}-го"),
)
dotted_dates = st.builds(
    lambda d, m, y, sep: f"{d:02d}.{m:02d}.{sep}{y}",
    st.integers(0, 35),
    st.integers(0, 14),
    st.one_of(st.integers(1950, 2080).map(str), st.integers(0, 99).map(lambda n: f"{n:02d}")),
    st.sampled_from(["", " "]),
)
tokens = st.one_of(
    st.sampled_from(MONTHS),
    st.sampled_from(WORDS),
    st.sampled_from(ROMAN),
    st.sampled_from(PUNCT),
    numbers,
    dotted_dates,
)
vocab_phrases = st.builds(
    lambda parts, sep: sep.join(parts),
    st.lists(tokens, min_size=1, max_size=10),
    st.sampled_from([" ", " ", " ", "", "  ", ", "]),
)
phrases = st.one_of(
    st.text(max_size=60),
    vocab_phrases,
    vocab_phrases.map(str.upper),
    st.sampled_from(GOLD_TEXTS),
    st.builds(lambda a, b: f"{a} {b}", st.sampled_from(GOLD_TEXTS), vocab_phrases),
)
periods = st.builds(
    lambda start, days: Period(start, start + timedelta(days=days)),
    st.dates(min_value=date(1995, 1, 1), max_value=date(2050, 12, 31)),
    st.integers(0, 6 * 366),
)


def _expand(text: str, period: Period) -> Expansion:
    res = expand(text, period)
    assert isinstance(res, Expansion)
    assert res.kind in set(Kind)
    return res


@SETTINGS
@given(text=st.text(), period=periods)
def test_a_never_raises_on_any_text(text: str, period: Period) -> None:
    _expand(text, period)


@SETTINGS
@given(text=phrases, period=periods)
def test_a_never_raises_on_russian_vocabulary(text: str, period: Period) -> None:
    res = _expand(text, period)
    json.dumps(res.to_json(), ensure_ascii=False)


@SETTINGS
@given(text=phrases, period=periods)
def test_b_windows_sorted_unique_and_well_formed(text: str, period: Period) -> None:
    res = _expand(text, period)
    keys = [(w.start or w.due, w.due) for w in res.windows]
    assert keys == sorted(keys), res.to_json()
    assert len(set(res.windows)) == len(res.windows), "identical windows are listed once"
    for w in res.windows:
        assert isinstance(w.due, date)
        assert w.start is None or w.start <= w.due, res.to_json()


@SETTINGS
@given(text=phrases, period=periods)
def test_c_recurring_windows_touch_the_period(text: str, period: Period) -> None:
    res = _expand(text, period)
    if res.kind is not Kind.RECURRING:
        return
    horizon = period.end + REPORT_HORIZON
    for w in res.windows:
        assert w.start is not None, f"recurring windows always start: {res.to_json()}"
        assert w.due >= period.start, f"wholly before {period}: {res.to_json()}"
        assert w.start <= horizon, f"too far after {period}: {res.to_json()}"


@SETTINGS
@given(text=phrases, period=periods)
def test_d_error_iff_message(text: str, period: Period) -> None:
    res = _expand(text, period)
    has_message = isinstance(res.error, str) and bool(res.error.strip())
    assert (res.kind is Kind.ERROR) == has_message, res.to_json()
    assert ("error" in res.to_json()) == (res.kind is Kind.ERROR)


@SETTINGS
@given(text=phrases, period=periods)
def test_e_window_counts_by_kind(text: str, period: Period) -> None:
    res = _expand(text, period)
    if res.kind is Kind.CONTINUOUS:
        assert len(res.windows) == 1, res.to_json()
        assert res.windows[0].start is not None, res.to_json()
    elif res.kind is Kind.UNSCHEDULED:
        assert res.windows == (), res.to_json()
    elif res.kind is Kind.ONCE:
        assert len(res.windows) >= 1, res.to_json()


@SETTINGS
@given(text=phrases, period=periods)
def test_deterministic(text: str, period: Period) -> None:
    """The same phrase over the same period always expands to the same result."""
    assert _expand(text, period) == _expand(text, period)
