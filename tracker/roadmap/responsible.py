"""The responsible column → a list of executors.

A cell is split on commas, semicolons, line breaks and «/», but never inside parentheses or
quotes: «Руководители образовательных организаций (ОО, ДОУ, ДО)» is one executor. The same
executor written with a different case elsewhere in the roadmap is given the spelling it has
where it first appears.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tracker.roadmap.cells import is_placeholder

_OPENERS = {"(": ")", "[": "]", "«": "»", "„": "“"}
_CLOSERS = {closer: opener for opener, closer in _OPENERS.items()}
_SEPARATORS = frozenset(",;/\n")
_DOUBLED = re.compile(r"([(\[])\1+")
_EDGE = " \t-–—•·*:"


def split_executors(text: str) -> list[str]:
    """Executors named in one cell, in order, without empties and placeholders."""
    text = _balance(text)
    parts: list[str] = []
    depth = 0
    in_quotes = False
    current: list[str] = []
    for char in text:
        if char == '"':
            in_quotes = not in_quotes
        elif char in _OPENERS:
            depth += 1
        elif char in _CLOSERS:
            depth = max(depth - 1, 0)
        if char in _SEPARATORS and depth == 0 and not in_quotes:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    out: list[str] = []
    for part in parts:
        name = " ".join(part.split()).strip(_EDGE).rstrip(",;")
        if name and not is_placeholder(name):
            out.append(name)
    return out


def _balance(text: str) -> str:
    """«((ОО, ДОУ, ДО)» → «(ОО, ДОУ, ДО)»: a doubled opening bracket that is never closed."""
    if text.count("(") > text.count(")") or text.count("[") > text.count("]"):
        text = _DOUBLED.sub(r"\1", text)
    return text


def _identity(name: str) -> str:
    return " ".join(name.replace("ё", "е").replace("Ё", "Е").casefold().split())


class Executors:
    """Remembers the first spelling of every executor in a roadmap."""

    def __init__(self) -> None:
        self._spelling: dict[str, str] = {}

    def canonical(self, names: Iterable[str]) -> list[str]:
        """``names`` in their first-seen spelling, duplicates within the list removed."""
        out: list[str] = []
        for name in names:
            spelled = self._spelling.setdefault(_identity(name), name)
            if spelled not in out:
                out.append(spelled)
        return out
