"""The one chunk helper: ids in IN (...) lists small enough for every database."""

from __future__ import annotations

from collections.abc import Collection, Iterator

#: Ids per IN (...) list: below SQLite's default limit of bound parameters.
CHUNK = 900


def chunked(values: Collection[int], size: int = CHUNK) -> Iterator[list[int]]:
    """``values`` sorted, in lists of at most ``size``: one IN (...) list each."""
    ordered = sorted(values)
    for index in range(0, len(ordered), size):
        yield ordered[index : index + size]
