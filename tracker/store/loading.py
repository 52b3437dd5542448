"""Reading many schedule files: in worker processes when there are many, in order either way.

Reading a schedule file (TOML, then every deadline phrase) costs more than storing it, and it is
independent per file, so a large folder is read by a process pool while the caller writes the
files already read. At most a few files per worker are read ahead, which bounds the memory.

The workers die with the process that started them: on Linux each asks the kernel for SIGKILL
when its parent dies (``prctl(PR_SET_PDEATHSIG)``), so a ``kill -9`` of ``tracker sync`` leaves
no reader behind.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import os
import signal
import sys
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
_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """In a worker: be killed when ``parent`` dies (Linux); exit now if it is gone already."""
    if sys.platform.startswith("linux"):
        name = ctypes.util.find_library("c")
        if name is not None:
            libc = ctypes.CDLL(name, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


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
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=die_with_parent,
        initargs=(os.getpid(),),
    ) as pool:
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
