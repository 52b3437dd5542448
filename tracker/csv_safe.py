"""Spreadsheet-safe cells: text that Excel or LibreOffice would run as a formula is defused.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a
formula by spreadsheet programs (CSV injection). As OWASP advises, such a cell gets a leading
``'``, which the programs show as plain text. Plain numbers (``-5``, ``+7``, ``-0,25``,
``1e-3``) are left alone, and so are ISO dates, which start with a digit.
"""

from __future__ import annotations

import re

#: The first characters that make a spreadsheet program read a cell as a formula.
TRIGGERS = frozenset("=+-@\t\r")

_NUMBER = re.compile(r"[-+]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][-+]?\d+)?")


def neutralise(value: str) -> str:
    """``value`` with a leading ``'`` when a spreadsheet would run it as a formula."""
    if not value or value[0] not in TRIGGERS or _NUMBER.fullmatch(value):
        return value
    return "'" + value
