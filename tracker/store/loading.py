"""Reading many schedule files: in worker processes when there are many, in order either way.

Reading a schedule file (TOML, then every deadline phrase) costs more than storing it, and it is
independent per file, so a large folder is read by a process pool while the caller writes the
files already read. At most a few files per worker are read ahead, which bounds the memory.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from tracker.errors import TrackerError
from tracker.roadmap.model import Roadmap

Loader = Callable[[Path], Roadmap]

#: Below this many files the pool costs more than it saves.
PARALLEL_FROM = 16
AHEAD_PER_WORKER = 4


def load_one(load: Loader, path: Path) -> Roadmap | str:
    """The roadmap, or the message of why the file cannot be read."""
    try:
        return load(path)
    except (TrackerError, OSError, ValueError) as error:
        return str(error)


def default_workers() -> int:
    return min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)


def load_all(
    load: Loader, files: Sequence[Path], *, workers: int | None = None
) -> Iterator[tuple[Path, Roadmap | str]]:
    """``(path, roadmap or error message)`` for every file, in the order given."""
    workers = default_workers() if workers is None else workers
    if (
        workers < 2
        or len(files) < PARALLEL_FROM
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        for path in files:
            yield path, load_one(load, path)
        return
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        queue = iter(files)
        pending: deque[tuple[Path, Future[Roadmap | str]]] = deque()
        for path in queue:
            pending.append((path, pool.submit(load_one, load, path)))
            if len(pending) >= workers * AHEAD_PER_WORKER:
                break
        while pending:
            path, future = pending.popleft()
            following = next(queue, None)
            if following is not None:
                pending.append((following, pool.submit(load_one, load, following)))
            yield path, future.result()
