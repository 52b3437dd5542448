"""The fast scanner (tracker/terms/fast.py) agrees with the full reader on every cell it takes.

Speed comes from recognising the commonest whole-cell shapes with one precompiled expression;
the meaning must not change. Every phrase here is read both ways and the results compared.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.calendar import russian_calendar
from tracker.terms import Period, fast
from tracker.terms.expand import read_fully

P = Period(date(2022, 1, 1), date(2024, 12, 31))
MONTHS = ["января", "февраля", "марта", "мая", "августа", "декабря", "Апрель", "ноябрь", "сентябре"]
SUFFIXES = ["", " г.", " г", " года", " год", "г."]
DASHES = ["-", "–", "—", " - ", " – "]

years = st.integers(1990, 2040).map(str)
shapes = st.one_of(
    st.builds(
        lambda d, m, y, s: f"{d}.{m:02d}.{y}{s}",
        st.integers(0, 32),
        st.integers(0, 13),
        years,
        st.sampled_from(SUFFIXES),
    ),
    st.builds(
        lambda pre, d, m, y, s: f"{pre}{d} {m} {y}{s}",
        st.sampled_from(["", "до ", "к ", "не позднее ", "Не позднее  "]),
        st.integers(0, 32),
        st.sampled_from(MONTHS),
        years,
        st.sampled_from(SUFFIXES),
    ),
    st.builds(
        lambda m, y, s: f"{m} {y}{s}", st.sampled_from(MONTHS), years, st.sampled_from(SUFFIXES)
    ),
    st.builds(
        lambda q, y, s: f"{q} квартал {y}{s}",
        st.sampled_from(["I", "II", "III", "IV", "1", "4", "V"]),
        years,
        st.sampled_from(SUFFIXES),
    ),
    st.builds(
        lambda a, dash, b, y: f"{a}{dash}{b} {y}",
        st.sampled_from(["март", "май", "декабрь", "январь"]),
        st.sampled_from(DASHES),
        st.sampled_from(["март", "май", "декабрь", "январь"]),
        years,
    ),
    st.builds(
        lambda a, b, m, y: f"с {a} по {b} {m} {y}",
        st.integers(0, 32),
        st.integers(0, 32),
        st.sampled_from(MONTHS),
        years,
    ),
    st.builds(
        lambda a, dash, b, w: f"{a}{dash}{b} {w}",
        years,
        st.sampled_from(DASHES),
        years,
        st.sampled_from(["годы", "гг.", "год"]),
    ),
    st.builds(lambda y, w: f"{y} {w}", years, st.sampled_from(["г.", "год", "года"])),
)


@settings(max_examples=400, deadline=None)
@given(text=shapes)
def test_fast_scanner_agrees_with_the_full_reader(text: str) -> None:
    quick = fast.read(text, P)
    if quick is not None:
        assert quick == read_fully(text, P, russian_calendar()), text


@pytest.mark.parametrize(
    "text",
    [
        "28.02.2023 г.",
        "до 15.09.2022",
        "не позднее 1 июля 2023 г.",
        "Апрель 2022 г.",
        "IV квартал 2021",
        "март – май 2023",
        "с 1 по 16 декабря 2022 г.",
        "2021–2022 годы",
        "2022 год",
    ],
    ids=lambda text: text.encode("ascii", "replace").decode(),
)
def test_common_cells_take_the_fast_path(text: str) -> None:
    quick = fast.read(text, P)
    assert quick is not None
    assert quick == read_fully(text, P, russian_calendar())


@pytest.mark.parametrize(
    "text",
    ["29.02.2023", "32 мая 2022", "май – март 2023", "с 16 по 1 декабря 2022", "2024-2021 годы"],
)
def test_unusual_cells_go_to_the_full_reader(text: str) -> None:
    assert fast.read(text, P) is None
