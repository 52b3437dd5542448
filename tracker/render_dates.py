"""Russian date formatting for people: «1 июня 2023 г.».

The same text as Babel's ``format_date(day, "d MMMM y 'г.'", locale="ru")`` (a test compares
them), from the phrase language's own month names, so ``tracker parse`` need not load Babel.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from tracker.terms.model import Window
from tracker.terms.nodes import MONTHS_GEN


@lru_cache(maxsize=4096)
def format_day(day: date) -> str:
    """«1 июня 2023 г.» (cached: a message or a page names the same few dates many times)"""
    return f"{format_day_month(day)} {day.year} г."


def format_day_month(day: date) -> str:
    """«1 июня»: Babel's ``format_date(day, "d MMMM", locale="ru")``."""
    return f"{day.day} {MONTHS_GEN[day.month]}"


def format_window(window: Window) -> str:
    """«до 15 сентября 2022 г.», «1 июня 2023 г.», «с 1 июня 2023 г. по 30 июня 2023 г.»"""
    if window.start is None:
        return f"до {format_day(window.due)}"
    if window.start == window.due:
        return format_day(window.due)
    return f"с {format_day(window.start)} по {format_day(window.due)}"
