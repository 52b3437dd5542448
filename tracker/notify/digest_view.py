"""The digest's own view of its facts: the discipline figures per executor, and the overdue
items as one entry per activity with all its overdue dates.

Pure: :func:`digest_extra` turns :class:`~tracker.notify.model.DigestFacts` into the extra
template context of ``digest.{txt,html}.j2`` («5.1. … — сроки 31 января и 31 мая 2022 г.,
просрочено на 224 и 104 дня»).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any
from urllib.parse import quote

from tracker.notify.model import DigestFacts, ItemFacts
from tracker.render_dates import format_day_month
from tracker.store.discipline import Discipline


def dates_phrase(days: Sequence[date]) -> str:
    """«31 января 2022 г.», «31 января и 31 мая 2022 г.», «31 декабря 2021 г., 31 мая 2022 г.»"""
    ordered = sorted(set(days))
    if not ordered:
        return ""
    years = {day.year for day in ordered}
    if len(years) == 1:
        parts = [format_day_month(day) for day in ordered]
        return f"{_join(parts)} {ordered[0].year} г."
    return _join([f"{format_day_month(day)} {day.year} г." for day in ordered])


def _join(parts: Sequence[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " и " + parts[-1]


def _days_word(n: int) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return "день"
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return "дня"
    return "дней"


def late_phrase(days_late: Sequence[int]) -> str:
    """«просрочено на 224 и 104 дня» (the word agrees with the last number)."""
    if not days_late:
        return ""
    return f"просрочено на {_join([str(n) for n in days_late])} {_days_word(days_late[-1])}"


def activity_link(board_url: str, roadmap: str, number: str) -> str | None:
    """The activity's page on the board, or None without a base address."""
    if not board_url:
        return None
    return f"{board_url.rstrip('/')}/activity/{quote(roadmap)}/{quote(number, safe='.')}"


def overdue_activities(
    items: Iterable[ItemFacts], today: date, board_url: str
) -> list[dict[str, object]]:
    """The overdue items, one entry per activity (its dates, days late, executors, link),
    the longest overdue first."""
    grouped: dict[tuple[str, str], list[ItemFacts]] = {}
    for item in items:
        grouped.setdefault((item.roadmap, item.number), []).append(item)
    out: list[tuple[int, str, str, dict[str, Any]]] = []
    for (roadmap, number), group in grouped.items():
        group.sort(key=lambda item: item.effective_due or today)
        dues = [item.effective_due for item in group if item.effective_due is not None]
        late = [(today - due).days for due in dues]
        first = group[0]
        names = [person.name for person in first.executors]
        entry: dict[str, Any] = {
            "roadmap": roadmap,
            "roadmap_title": first.roadmap_title,
            "number": number,
            "title": first.title,
            "dates": dates_phrase(dues),
            "moved": dates_phrase(
                [item.due for item in group if item.due and item.due != item.effective_due]
            ),
            "several": len(dues) > 1,
            "late": late_phrase(late),
            "most_late": max(late, default=0),
            "lead": names[0] if names else None,
            "co_executors": names[1:],
            "link": activity_link(board_url, roadmap, number),
            "checkin": first.is_checkin,
        }
        out.append((-max(late, default=0), roadmap, number, entry))
    out.sort(key=lambda part: part[:3])
    return [part[3] for part in out]


def figure_rows(discipline: Discipline | None) -> list[dict[str, object]]:
    """The figures per executor, then «Итого»; the numbers as in every other place."""
    if discipline is None or not discipline.rows:
        return []
    rows = [(row.executor.name, row.figures) for row in discipline.rows]
    rows.append(("Итого", discipline.total))
    out = []
    for name, figures in rows:
        cells = figures.cells()
        out.append(
            {
                "name": name,
                "total": name == "Итого",
                "controlled": figures.controlled,
                "on_time": figures.on_time,
                "late": figures.late,
                "average_late": cells[3],
                "overdue": figures.overdue,
                "pending": figures.pending,
                "percent": cells[7],
            }
        )
    return out


def digest_extra(facts: DigestFacts) -> dict[str, object]:
    """The digest's figures and overdue activities, for its templates."""
    activities = overdue_activities(facts.overdue, facts.day, facts.board_url)
    return {
        "figures": figure_rows(facts.discipline),
        "overdue_activities": activities,
        "overdue_dates": len(facts.overdue),
        "board_url": facts.board_url.rstrip("/") + "/board" if facts.board_url else None,
    }
