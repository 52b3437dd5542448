"""Hold Python's cyclic garbage collector off during a bulk step.

A cold planning pass allocates millions of short-lived tuples (candidate rows, notification
rows, executor lists) that hold no reference cycles. Reference counting frees each of them as
before; but every 700 allocations the collector also walks the young objects, and from time to
time every object of the process, and finds nothing to free. On the soak benchmark that costs
about a sixth of a cold pass and of the next morning's (measured: ``benchmarks/soak_bench.py``).

While a step runs under :func:`collector_paused`, only reference counting frees memory; the
few cycles made meanwhile wait for the collector, which runs as usual once the step ends.
The switch is the process's: a step in another thread meanwhile runs without the collector
too, and nested or concurrent steps leave it as the outermost found it.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_holders = 0  # blocks running under collector_paused, in any thread
_restore = False  # whether the collector was on when the first of them began


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block with the cyclic collector off; the last block to end turns it back on
    if it was on before the first began."""
    global _holders, _restore
    with _lock:
        if _holders == 0:
            _restore = gc.isenabled()
            gc.disable()
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _restore:
                gc.enable()
