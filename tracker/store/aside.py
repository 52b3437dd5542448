"""One database statement run beside the caller: on a thread of its own, on a connection of
its own, while the caller goes on with Python work (a planning pass renders its messages).

Only for a statement the database works through without holding Python's lock — an aggregate
into a temporary table, a check that returns a handful of rows. Reading many rows on such a
thread does not pay: each row fetched needs the lock back, and the caller's Python work then
slows both (measured on the planning pass: 2.02 → 2.25 s).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def aside(work: Callable[..., T], *args: Any) -> Future[T]:
    """Start ``work(*args)`` on a thread of its own; its result (or error) comes from the
    future. The thread ends with the work."""
    worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tracker-aside")
    try:
        return worker.submit(work, *args)
    finally:
        worker.shutdown(wait=False)
