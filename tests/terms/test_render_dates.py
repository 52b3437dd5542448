"""render_dates writes dates exactly as Babel's Russian «d MMMM y 'г.'» and «d MMMM» do, without
Babel."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.render_dates import format_day, format_day_month, format_window
from tracker.terms import Window


@settings(max_examples=300, deadline=None)
@given(day=st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)))
def test_format_day_matches_babel(day: date) -> None:
    assert format_day(day) == format_date(day, "d MMMM y 'г.'", locale="ru")
    assert format_day_month(day) == format_date(day, "d MMMM", locale="ru")


def test_format_window_forms() -> None:
    assert format_window(Window(due=date(2022, 9, 15))) == "до 15 сентября 2022 г."
    assert format_window(Window(due=date(2023, 6, 1), start=date(2023, 6, 1))) == "1 июня 2023 г."
    assert (
        format_window(Window(due=date(2023, 6, 30), start=date(2023, 6, 1)))
        == "с 1 июня 2023 г. по 30 июня 2023 г."
    )
