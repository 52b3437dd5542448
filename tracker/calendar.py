"""Russia's production calendar (the ``holidays`` package) and the due-date shift policy.

The ``holidays`` package knows the yearly transfers, including working Saturdays such as
2024-04-27. It publishes each year's transfers only once the government decrees them, so
:meth:`WorkCalendar.is_known` tells whether a year's calendar is final.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Any


class Shift(StrEnum):
    """What to do with a due date that falls on a non-working day."""

    NEXT = "next"  # the Civil Code rule (ГК РФ ст. 193): the next working day
    PREVIOUS = "previous"  # the office-work rule: the previous working day
    NONE = "none"  # keep the date


@lru_cache(maxsize=1)
def _last_known_year() -> int:
    from holidays.countries import russia

    static = getattr(russia, "RussiaStaticHolidays", None)
    special: dict[int, Any] = getattr(static, "special_public_holidays", {}) if static else {}
    return max(special) if special else 0


class WorkCalendar:
    """Working days on the Russian production calendar."""

    def __init__(self) -> None:
        self._years: dict[int, tuple[frozenset[date], frozenset[date]]] = {}

    def _year(self, year: int) -> tuple[frozenset[date], frozenset[date]]:
        cached = self._years.get(year)
        if cached is None:
            import holidays

            days_off = holidays.country_holidays("RU", years=year)
            workdays: set[date] = getattr(days_off, "weekend_workdays", set())
            cached = (
                frozenset(d for d in days_off if d.year == year),
                frozenset(d for d in workdays if d.year == year),
            )
            self._years[year] = cached
        return cached

    def is_known(self, year: int) -> bool:
        """Whether the calendar for ``year`` includes the decreed transfers."""
        return year <= _last_known_year()

    def is_working_day(self, day: date) -> bool:
        days_off, working_weekends = self._year(day.year)
        if day in working_weekends:
            return True
        return day.weekday() < 5 and day not in days_off

    def nth_working_day(self, first: date, n: int) -> date:
        """The ``n``-th working day (1-based) counting from ``first`` inclusive."""
        if n < 1:
            raise ValueError("n must be at least 1")
        day = first - timedelta(days=1)
        while n:
            day += timedelta(days=1)
            if self.is_working_day(day):
                n -= 1
        return day

    def shift(self, day: date, policy: Shift) -> date:
        """Move ``day`` off a non-working day according to ``policy``."""
        if policy is Shift.NONE:
            return day
        step = timedelta(days=1 if policy is Shift.NEXT else -1)
        while not self.is_working_day(day):
            day += step
        return day


@lru_cache(maxsize=1)
def russian_calendar() -> WorkCalendar:
    """The process-wide calendar instance (its per-year tables are cached)."""
    return WorkCalendar()
