"""Header vocabulary → columns: which cell of a header row names which column.

Driven only by the word lists in ``vocabulary_ru.toml``: a plan table is recognised by what its
header says, never by where a particular document puts its columns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from tracker.roadmap.cells import clean, is_row_number
from tracker.roadmap.vocabulary import Column, alternation, fold, vocabulary


@dataclass(frozen=True, slots=True)
class Header:
    """Where each column is: indexes into a row, in column order; ``width`` cells in all."""

    positions: dict[Column, tuple[int, ...]]
    width: int

    def first(self, column: Column) -> int | None:
        found = self.positions.get(column, ())
        return found[0] if found else None

    @property
    def columns(self) -> frozenset[Column]:
        return frozenset(self.positions)


@cache
def _stem_patterns() -> dict[Column, re.Pattern[str]]:
    words = vocabulary().columns
    return {
        column: re.compile(rf"(?:^|(?<=[\s(/«\"'.,]))(?:{alternation(stems)})")
        for column, stems in words.items()
    }


def column_of(cell: str) -> Column | None:
    """The column a header cell names, or None. The stem found earliest in the cell wins."""
    vocab = vocabulary()
    if len(cell.split()) > vocab.header_max_words:
        return None
    text = fold(clean(cell).replace("\n", " "))
    if not text or is_row_number(text):
        return None
    words = text.split(" ")
    window = " ".join(words[: vocab.header_stem_within_words])
    best: tuple[int, int, Column] | None = None
    for order, (column, pattern) in enumerate(_stem_patterns().items()):
        match = pattern.search(window)
        if match and (best is None or (match.start(), order) < best[:2]):
            best = (match.start(), order, column)
    return best[2] if best else None


def read_header(cells: Sequence[str]) -> Header | None:
    """The header a row states, if it names enough columns, a title and a deadline among them."""
    if any(is_row_number(clean(cell)) for cell in cells):
        return None
    positions: dict[Column, list[int]] = {}
    for index, cell in enumerate(cells):
        column = column_of(cell)
        if column is not None:
            positions.setdefault(column, []).append(index)
    vocab = vocabulary()
    if len(positions) < vocab.header_min_columns:
        return None
    if Column.TITLE not in positions or Column.DEADLINE not in positions:
        return None
    width = max(i for i, cell in enumerate(cells) if clean(cell)) + 1
    return Header({column: tuple(found) for column, found in positions.items()}, width)


def continues_header(cells: Sequence[str]) -> bool:
    """A row made only of header words: the header's second line («п/п», «исполнения»)."""
    vocab = vocabulary()
    first = next((fold(clean(cell)) for cell in cells if clean(cell)), "")
    if first in vocab.number_continuation:
        return True
    words_seen = False
    for cell in cells:
        text = fold(clean(cell).replace("\n", " "))
        if not text:
            continue
        if is_row_number(text):
            return False
        for word in re.split(r"[\s,.;:]+", text):
            if not word:
                continue
            words_seen = True
            if word in vocab.header_continuation:
                continue
            if any(word.startswith(stem) for stems in vocab.columns.values() for stem in stems):
                continue
            return False
    return words_seen


def merge_header(first: Sequence[str], second: Sequence[str]) -> list[str]:
    """Two header lines joined cell by cell."""
    width = max(len(first), len(second))
    out: list[str] = []
    for index in range(width):
        top = clean(first[index]) if index < len(first) else ""
        bottom = clean(second[index]) if index < len(second) else ""
        out.append(f"{top} {bottom}".strip())
    return out


def is_column_numbering(cells: Sequence[str]) -> bool:
    """The «1 | 2 | 3 | 4» row many Russian tables print under the header."""
    values = [value for value in (cell.strip() for cell in cells) if value]
    if len(values) < 3 or values[0] != "1":
        return False
    return values == [str(n) for n in range(1, len(values) + 1)]
