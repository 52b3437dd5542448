"""Watch the schedules folder: call back when a schedule file or the executors file changes."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from tracker.daemon.logs import action

#: Changes closer together than this are one reload (an editor saving, a `git pull`).
DEBOUNCE_MS = 1000


def _schedule_files(_change: object, path: str) -> bool:
    return path.endswith(".toml")


async def watch_schedules(folder: Path, on_change: Callable[[], None], stop: asyncio.Event) -> None:
    """Until ``stop`` is set, call ``on_change`` after each burst of changes to ``*.toml``."""
    from watchfiles import awatch

    try:
        async for changes in awatch(
            folder, watch_filter=_schedule_files, debounce=DEBOUNCE_MS, stop_event=stop
        ):
            names = sorted({Path(path).name for _change, path in changes})
            action("watch", f"{len(names)} schedule files changed: {', '.join(names[:5])}")
            on_change()
    except (OSError, RuntimeError) as error:  # the folder vanished, no inotify watches left…
        action("watch", f"stopped watching {folder}: {error}; SIGHUP still reloads", level=30)
