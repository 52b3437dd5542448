"""CSV → one table. The delimiter is sniffed from the header row, not from the first line.

A title line above the header («План мероприятий …») has no delimiters, or commas of prose;
the delimiter is the one that splits some line into a plan's header, else the one that splits
the most lines into the same number of cells.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

from tracker.errors import InputError
from tracker.roadmap.columns import read_header
from tracker.roadmap.grid import Block, Grid, Table
from tracker.roadmap.limits import MAX_ROWS, too_big

_DELIMITERS = (";", "\t", ",", "|")
_SNIFF_LINES = 60


def sniff_delimiter(text: str) -> str:
    """The delimiter of the CSV ``text``."""
    lines = [line for line in text.splitlines()[:_SNIFF_LINES] if line.strip()]
    for line in lines:
        for delimiter in _DELIMITERS:
            if delimiter in line and read_header(_split(line, delimiter)) is not None:
                return delimiter
    best, best_score = ",", (0, 0)
    for delimiter in _DELIMITERS:
        counts = Counter(len(_split(line, delimiter)) for line in lines)
        counts.pop(1, None)
        if not counts:
            continue
        width, lines_with_it = counts.most_common(1)[0]
        score = (lines_with_it, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _split(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter))
    except (csv.Error, StopIteration):
        return [line]


def read_csv(path: Path, text: str, delimiter: str | None) -> list[Block]:
    """The one table of a CSV file; ``delimiter`` None sniffs it."""
    if delimiter is None:
        delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: Grid = []
    origins: list[int] = []
    start = 1
    try:
        for row in reader:
            rows.append(row)
            origins.append(start)
            start = reader.line_num + 1
            if len(rows) > MAX_ROWS:
                raise too_big(path, "rows", len(rows), MAX_ROWS)
    except csv.Error as error:
        raise InputError(f"{path}: broken CSV near line {reader.line_num}: {error}") from None
    return [Table(rows, origins, "line", "the CSV file")]
