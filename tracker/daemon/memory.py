"""Give freed memory back to the system after a big pass, so a long-running daemon stays flat.

A planning pass that renders many messages allocates tens of megabytes that Python frees again
(the Python heap stays flat over days: ``benchmarks/soak_bench.py``), but glibc's ``malloc``
keeps the freed pages in its arenas, and the process's resident memory steps up after each
large pass. ``malloc_trim(0)`` hands them back. Elsewhere than glibc this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache
from typing import Any


@cache
def _libc() -> Any:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        libc = ctypes.CDLL(name)
    except OSError:
        return None
    return libc if hasattr(libc, "malloc_trim") else None


def release_memory() -> bool:
    """Return free heap pages to the system (glibc); ``True`` if any were released."""
    libc = _libc()
    return bool(libc.malloc_trim(0)) if libc is not None else False
