"""The one chunk helper: work in batches, e.g. ids in IN (...) lists small enough for every
database, or lines handed to worker processes."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")

#: Ids per IN (...) list: below SQLite's default limit of bound parameters.
CHUNK = 900


def batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """``items`` in their order, in lists of at most ``size``; read lazily."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def chunked(values: Collection[int], size: int = CHUNK) -> Iterator[list[int]]:
    """``values`` sorted, in lists of at most ``size``: one IN (...) list each."""
    return batches(sorted(values), size)
