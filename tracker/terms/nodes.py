"""Time expressions as written («апрель», «IV квартал 2021 г.», «конец весны») and their dates.

A node may lack its year («сентябрь»); :func:`bounds` resolves it for a given year. Invalid
dates raise :class:`~tracker.errors.PhraseError` with a Russian message.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from datetime import date, timedelta

from tracker.errors import PhraseError

MONTHS_GEN = (
    "",
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)
MONTHS_NOM = (
    "",
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
)
ROMAN = ("", "I", "II", "III", "IV")
SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "winter": (12, 14)}
SEASON_NAMES = {"spring": "весна", "summer": "лето", "autumn": "осень", "winter": "зима"}


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months(year: int, month: int, k: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + k
    return index // 12, index % 12 + 1


def make_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        month_name = MONTHS_GEN[month] if 1 <= month <= 12 else f"{month}-го месяца"
        raise PhraseError(
            f"нет такой даты: {day} {month_name} {year} г.", part=f"{day}.{month:02}.{year}"
        ) from None


def check_day(day: int, month: int) -> None:
    """Refuse a day that no year has («32 августа», «30 февраля»)."""
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(2000, month)[1]:
        month_name = MONTHS_GEN[month] if 1 <= month <= 12 else f"{month}-го месяца"
        raise PhraseError(f"нет такой даты: {day} {month_name}", part=f"{day} {month_name}")


@dataclass(frozen=True, slots=True)
class Day:
    day: int
    month: int | None = None
    year: int | None = None
    weekday: int | None = None  # a weekday written beside the date, to check


@dataclass(frozen=True, slots=True)
class Month:
    month: int
    year: int | None = None


@dataclass(frozen=True, slots=True)
class Quarter:
    quarter: int
    year: int | None = None


@dataclass(frozen=True, slots=True)
class Half:
    half: int
    year: int | None = None


@dataclass(frozen=True, slots=True)
class Year:
    year: int | None = None
    current: bool = False  # «текущий год»: the period's first year in a once-phrase


@dataclass(frozen=True, slots=True)
class Academic:
    first: int
    last: int

    @property
    def year(self) -> int:
        return self.first


@dataclass(frozen=True, slots=True)
class Season:
    season: str
    year: int | None = None


@dataclass(frozen=True, slots=True)
class Part:
    """«начало», «середина», «конец», a decade (dec1..dec3) or a half (half1, half2) of ``of``."""

    part: str
    of: Node


@dataclass(frozen=True, slots=True)
class Span:
    first: Node
    last: Node


Node = Day | Month | Quarter | Half | Year | Academic | Season | Part | Span


def written_year(node: Node) -> int | None:
    """The first year written in the node, if any."""
    if isinstance(node, Part):
        return written_year(node.of)
    if isinstance(node, Span):
        return written_year(node.first) or written_year(node.last)
    return node.year


def last_written_year(node: Node) -> int | None:
    if isinstance(node, Span):
        return written_year(node.last) or written_year(node.first)
    return written_year(node)


def has_year(node: Node) -> bool:
    if isinstance(node, Span):
        return has_year(node.first) and has_year(node.last)
    return written_year(node) is not None


def with_year(node: Node, year: int) -> Node:
    """Give a yearless node (or the yearless parts of a span) ``year``."""
    if isinstance(node, Part):
        return replace(node, of=with_year(node.of, year))
    if isinstance(node, Span):
        return replace(node, first=with_year(node.first, year), last=with_year(node.last, year))
    if isinstance(node, Academic) or node.year is not None:
        return node
    if isinstance(node, Day):
        return Day(node.day, node.month, year, node.weekday)
    if isinstance(node, Month):
        return Month(node.month, year)
    return replace(node, year=year)


def with_month(node: Node, month: int) -> Node:
    if isinstance(node, Day) and node.month is None:
        return replace(node, month=month)
    return node


def bounds(node: Node, year: int | None = None) -> tuple[date, date]:
    """First and last day of ``node``; ``year`` stands in where none is written."""
    if isinstance(node, Span):
        return _span_bounds(node, year)
    if isinstance(node, Part):
        return _part_bounds(node, year)
    if isinstance(node, Academic):
        return date(node.first, 9, 1), date(node.last, 8, 31)
    y = node.year if node.year is not None else year
    if y is None:
        raise PhraseError("не указан год", part=describe(node))
    if isinstance(node, Day):
        if node.month is None:
            raise PhraseError(f"не указан месяц для числа {node.day}", part=str(node.day))
        day = make_date(y, node.month, node.day)
        return day, day
    if isinstance(node, Month):
        return date(y, node.month, 1), month_end(y, node.month)
    if isinstance(node, Quarter):
        first = 3 * (node.quarter - 1) + 1
        return date(y, first, 1), month_end(y, first + 2)
    if isinstance(node, Half):
        first = 6 * (node.half - 1) + 1
        return date(y, first, 1), month_end(y, first + 5)
    if isinstance(node, Year):
        return date(y, 1, 1), date(y, 12, 31)
    first_month, last_month = SEASONS[node.season]
    end_year, end_month = add_months(y, 1, last_month - 1)
    return date(y, first_month, 1), month_end(end_year, end_month)


def _span_bounds(node: Span, year: int | None) -> tuple[date, date]:
    start = bounds(node.first, year)[0]
    end = bounds(node.last, year)[1]
    if end < start and not has_year(node.first) and year is not None:
        # «декабрь – январь»: a yearless span crosses the new year.
        end = bounds(node.last, year + 1)[1]
    if end < start:
        raise PhraseError(
            f"срок кончается раньше, чем начинается: {describe(node)}", part=describe(node)
        )
    return start, end


def _part_bounds(node: Part, year: int | None) -> tuple[date, date]:
    start, end = bounds(node.of, year)
    part = node.part
    if part == "start":
        return start, min(start + timedelta(days=9), end)
    if part == "end":
        return max(start, end.replace(day=21)), end
    if part in ("middle", "dec1", "dec2", "dec3", "half1", "half2") and isinstance(node.of, Month):
        last = end.day
        first_day, last_day = {
            "middle": (11, 20),
            "dec1": (1, 10),
            "dec2": (11, 20),
            "dec3": (21, last),
            "half1": (1, 15),
            "half2": (16, last),
        }[part]
        return start.replace(day=first_day), start.replace(day=last_day)
    if part.startswith("week") and isinstance(node.of, Month):
        if part == "weeklast":
            return end - timedelta(days=6), end
        first_day = 7 * (int(part[4:]) - 1) + 1
        return start.replace(day=first_day), start.replace(day=first_day + 6)
    if part in ("half1", "half2") and isinstance(node.of, Year):
        half = Half(1 if part == "half1" else 2, node.of.year if node.of.year else year)
        return bounds(half, year)
    raise PhraseError(f"неясно, что значит «{describe(node)}»", part=describe(node))


def _year_suffix(year: int | None) -> str:
    return f" {year} г." if year is not None else ""


def describe(node: Node) -> str:
    """The node in a normal Russian form: «IV квартал 2021 г.», «28 февраля 2023 г.»."""
    if isinstance(node, Day):
        month = f" {MONTHS_GEN[node.month]}" if node.month else ""
        return f"{node.day}{month}{_year_suffix(node.year)}"
    if isinstance(node, Month):
        return f"{MONTHS_NOM[node.month]}{_year_suffix(node.year)}"
    if isinstance(node, Quarter):
        return f"{ROMAN[node.quarter]} квартал{_year_suffix(node.year)}"
    if isinstance(node, Half):
        return f"{ROMAN[node.half]} полугодие{_year_suffix(node.year)}"
    if isinstance(node, Year):
        return f"{node.year} г." if node.year is not None else "год"
    if isinstance(node, Academic):
        return f"{node.first}–{node.last} учебный год"
    if isinstance(node, Season):
        if node.season == "winter" and node.year is not None:
            return f"зима {node.year}–{node.year + 1} гг."
        return f"{SEASON_NAMES[node.season]}{_year_suffix(node.year)}"
    if isinstance(node, Part):
        label = {
            "start": "начало",
            "middle": "середина",
            "end": "конец",
            "dec1": "I декада",
            "dec2": "II декада",
            "dec3": "III декада",
            "half1": "первая половина",
            "half2": "вторая половина",
            "week1": "1-я неделя",
            "week2": "2-я неделя",
            "week3": "3-я неделя",
            "week4": "4-я неделя",
            "weeklast": "последняя неделя",
        }[node.part]
        return f"{label}: {describe(node.of)}"
    return f"{describe(node.first)} – {describe(node.last)}"
