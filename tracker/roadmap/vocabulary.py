"""The importer's Russian word lists, loaded once from ``vocabulary_ru.toml``.

Everything language-specific that the table reader, the detector and the document reader look
for lives in that file; this module only loads it, checks its shape and offers small typed
lookups over it.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any


class Column(StrEnum):
    """The columns of a plan table the importer reads."""

    NUMBER = "number"
    TITLE = "title"
    DEADLINE = "deadline"
    RESPONSIBLE = "responsible"
    RESULT = "result"


@dataclass(frozen=True, slots=True)
class Vocabulary:
    columns: dict[Column, tuple[str, ...]]
    header_min_columns: int
    header_max_words: int
    header_stem_within_words: int
    header_continuation: frozenset[str]
    number_continuation: frozenset[str]
    section_markers: tuple[str, ...]
    placeholders: frozenset[str]
    glue_letters: frozenset[str]
    list_markers: tuple[str, ...]
    document_kinds: tuple[str, ...]
    kinds_instrumental: tuple[str, ...]
    stamps: tuple[str, ...]
    operative: tuple[str, ...]
    subject: tuple[str, ...]
    contacts: tuple[str, ...]
    plan_words: tuple[str, ...]
    months: dict[str, int]
    period_prefixes: tuple[str, ...]
    period_joiners: tuple[str, ...]
    calendar_words: tuple[str, ...]
    academic_words: tuple[str, ...]
    academic_start: tuple[int, int]
    academic_end: tuple[int, int]
    period_max_years: int
    trailer_positions: tuple[str, ...]
    trailer_openers: tuple[str, ...]
    executor_stems: tuple[str, ...]
    position_stems: tuple[str, ...]
    result_stems: tuple[str, ...]
    deadline_stems: tuple[str, ...]
    deadline_openers: frozenset[str]
    period_parts: tuple[str, ...]


_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Text as the vocabulary compares it: lower case, «ё» → «е», single spaces."""
    return _SPACES.sub(" ", text.replace("ё", "е").replace("Ё", "Е").lower()).strip()


def _strings(data: dict[str, Any], key: str) -> tuple[str, ...]:
    value = data[key]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"vocabulary_ru.toml: {key} must be a list of strings")
    return tuple(fold(item) for item in value)


def _month_day(text: str) -> tuple[int, int]:
    month, day = text.split("-")
    return int(month), int(day)


@cache
def vocabulary() -> Vocabulary:
    """The vocabulary, read from the packaged TOML file on first use."""
    raw = resources.files("tracker.roadmap").joinpath("vocabulary_ru.toml").read_text("utf-8")
    data = tomllib.loads(raw)
    columns, header, cells, document = (
        data["columns"],
        data["header"],
        data["cells"],
        data["document"],
    )
    period = data["period"]
    return Vocabulary(
        columns={column: _strings(columns, column.value) for column in Column},
        header_min_columns=int(header["min_columns"]),
        header_max_words=int(header["max_words"]),
        header_stem_within_words=int(header["stem_within_words"]),
        header_continuation=frozenset(_strings(header, "continuation")),
        number_continuation=frozenset(_strings(header, "number_continuation")),
        section_markers=_strings(data["sections"], "markers"),
        placeholders=frozenset(_strings(cells, "placeholders")),
        glue_letters=frozenset(_strings(cells, "glue_letters")),
        list_markers=_strings(cells, "list_markers"),
        document_kinds=_strings(document, "kinds"),
        kinds_instrumental=_strings(document, "kinds_instrumental"),
        stamps=_strings(document, "stamps"),
        operative=_strings(document, "operative"),
        subject=_strings(document, "subject"),
        contacts=_strings(document, "contacts"),
        plan_words=_strings(document, "plan_words"),
        months={fold(stem): int(number) for stem, number in data["months"].items()},
        period_prefixes=_strings(period, "prefixes"),
        period_joiners=_strings(period, "joiners"),
        calendar_words=_strings(period, "calendar_words"),
        academic_words=_strings(period, "academic_words"),
        academic_start=_month_day(period["academic_start"]),
        academic_end=_month_day(period["academic_end"]),
        period_max_years=int(period["max_years"]),
        trailer_positions=_strings(data["trailer"], "positions"),
        trailer_openers=_strings(data["trailer"], "openers"),
        executor_stems=_strings(data["flat"], "executor_stems"),
        position_stems=_strings(data["flat"], "position_stems"),
        result_stems=_strings(data["flat"], "result_stems"),
        deadline_stems=_strings(data["flat"], "deadline_stems"),
        deadline_openers=frozenset(_strings(data["flat"], "deadline_openers")),
        period_parts=_strings(period, "parts"),
    )


def alternation(words: tuple[str, ...] | frozenset[str]) -> str:
    """A regex alternation of ``words``, longest first, each escaped, spaces made flexible."""
    ordered = sorted(set(words), key=len, reverse=True)
    return "|".join(re.escape(word).replace(r"\ ", r"\s*") for word in ordered)
