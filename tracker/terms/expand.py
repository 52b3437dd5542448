"""Read one deadline phrase over a period (TERMS.md): the cache, the period check, the fast
scanner for the commonest cells, and the full reader (:mod:`tracker.terms.reader`) for the
rest, loaded on first use so that ``tracker parse`` starts fast.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from tracker.terms import fast
from tracker.terms.model import Expansion, Kind, Period, period_problem

if TYPE_CHECKING:
    from tracker.calendar import WorkCalendar


def expand(text: str, period: Period, calendar: WorkCalendar | None = None) -> Expansion:
    """Read one deadline phrase over ``period``. Never raises for a bad phrase.

    An unreadable phrase gives ``Kind.ERROR`` with a message naming the part not understood.
    Results are immutable and cached per (phrase, period): roadmaps repeat their phrases.
    """
    if calendar is None:
        return _cached(text, period)
    return _expand(text, period, calendar)


@lru_cache(maxsize=8192)
def _cached(text: str, period: Period) -> Expansion:
    return _expand(text, period, None)


def _expand(text: str, period: Period, calendar: WorkCalendar | None) -> Expansion:
    problem = period_problem(period)
    if problem is not None:
        return Expansion(text=text, kind=Kind.ERROR, error=problem)
    quick = fast.read(text, period)
    if quick is not None:
        return quick
    if calendar is None:
        from tracker.calendar import russian_calendar

        calendar = russian_calendar()
    return read_fully(text, period, calendar)


def read_fully(text: str, period: Period, calendar: WorkCalendar) -> Expansion:
    """The full reader, without the fast scanner (the tests compare the two)."""
    from tracker.terms import reader

    return reader.read_fully(text, period, calendar)
