"""Rows that look like several rows glued together: never silently wrong.

A row is suspect when its number cell holds several numbers; when a row without a number under
it has a capitalised title and a deadline the phrase reader reads on its own; when its title goes
on with the next row's number after a sentence («… совещания. 1.3. Разработка …»); or when its
title and its deadline are both several lines, one per row, the same count. Each such row gets
a warning that names it; ``tracker import --strict`` turns it into a failure.
"""

from __future__ import annotations

import re
from datetime import date

from tracker.roadmap.cells import is_row_number, lines, tidy_number
from tracker.terms import Kind, Period, expand

_ANY_TIME = Period(date(2000, 1, 1), date(2099, 12, 31))

_NUMBERS = re.compile(r"[\s;,]+")


def several_numbers(text: str) -> list[str]:
    """The numbers of a number cell that holds more than one («1.\\n2.», «3. 4.»), else []."""
    parts = [part for part in _NUMBERS.split(text.strip()) if part]
    if len(parts) < 2 or not all(is_row_number(part) for part in parts):
        return []
    return [tidy_number(part) for part in parts]


def following(number: str) -> list[str]:
    """The numbers that may come after ``number``: «1.2» → «1.3», «2», «2.1»."""
    parts = number.split(".")
    if not all(part.isdigit() for part in parts):
        return []
    out = []
    for depth in range(len(parts), 0, -1):
        head = parts[: depth - 1]
        out.append(".".join([*head, str(int(parts[depth - 1]) + 1)]))
    return out


def glued_reason(
    number: str, next_number: str | None, title: str, raw_title: str, deadline_lines: int
) -> str | None:
    """Why the row numbered ``number`` looks glued, or None. ``raw_title`` keeps the cell's
    line breaks; ``deadline_lines`` counts the deadline cell's lines."""
    candidates = {*following(number), *([next_number] if next_number else [])}
    candidates.discard(number)
    for candidate in sorted(candidates, key=len, reverse=True):
        pattern = rf"(?:[.;!?»)]\s+|\n)({re.escape(candidate)})\.?\s+[А-ЯЁA-Z]"
        if re.search(pattern, title):
            return f"its title goes on with «{candidate}. …», the number of a row"
    title_lines = lines(raw_title)
    capitals = [line for line in title_lines if line[:1].isupper()]
    if deadline_lines >= 2 and len(capitals) == deadline_lines == len(title_lines):
        return f"its title and its deadline are {deadline_lines} lines each, one per row"
    return None


def starts_row(title: str, deadline: str) -> bool:
    """A continuation row (no number) that reads as a row of its own: its title starts with a
    capital and its deadline is a whole deadline phrase («май 2023 г.», not «2022 г.» alone)."""
    title = title.strip()
    if not title[:1].isupper() or not deadline.strip():
        return False
    if re.fullmatch(r"\(?\d{4}\s*(?:г\.?|года?)?\)?\.?", deadline.strip()):
        return False  # a year wrapped onto the next line
    try:
        reading = expand(deadline, _ANY_TIME)
    except Exception:  # the phrase reader must not stop an import
        return False
    return reading.kind is not Kind.ERROR
