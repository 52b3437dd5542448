"""A ``kill -9`` of ``tracker sync`` leaves none of its reader processes behind (issue 17).

A real ``tracker sync`` reads a folder large enough for its worker pool; as soon as the workers
exist the parent is killed with SIGKILL, and every worker must be gone soon after.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from tracker.roadmap import schedule_file
from tracker.roadmap.importer import read_deadline
from tracker.roadmap.model import Activity, Roadmap
from tracker.store.loading import PARALLEL_FROM, default_workers
from tracker.terms import Period

pytestmark = [
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc"),
    pytest.mark.skipif(default_workers() < 2, reason="one CPU: sync reads without workers"),
]

PERIOD = Period(date(2022, 1, 1), date(2024, 12, 31))
PHRASES = ("ежеквартально", "до 1 июня 2022 г.", "в течение 2022-2024 гг.", "IV квартал 2023 г.")


def _folder(folder: Path, files: int, activities: int) -> None:
    folder.mkdir()
    for n in range(files):
        roadmap = Roadmap(slug=f"r{n:03d}", title=f"План {n}", period=PERIOD)
        for a in range(activities):
            activity = Activity(
                number=str(a + 1), title=f"Мероприятие {a}", deadline=PHRASES[a % 4]
            )
            activity.expansion = read_deadline(activity.deadline, PERIOD)
            roadmap.activities.append(activity)
        schedule_file.write(roadmap, folder / f"r{n:03d}.toml")


def _children(parent: int) -> set[int]:
    found: set[int] = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and _stat(int(entry.name))[1] == parent:
            found.add(int(entry.name))
    return found


def _stat(pid: int) -> tuple[str, int]:
    """(state, parent pid) of a process; ("X", 0) when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return "X", 0
    fields = text[text.rindex(")") + 2 :].split()
    return fields[0], int(fields[1])


def _alive(pid: int) -> bool:
    return _stat(pid)[0] not in ("X", "Z")


def _wait(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return bool(condition())


def test_sigkill_of_sync_takes_its_workers_along(tmp_path: Path) -> None:
    _folder(tmp_path / "schedules", files=PARALLEL_FROM * 3, activities=400)
    env = {**os.environ, "TRACKER_DATABASE_URL": "sqlite:///tracker.db"}
    env = {k: v for k, v in env.items() if k != "TRACKER_SCHEDULES_DIR"}
    command = [sys.executable, "-m", "tracker"]
    upgrade = subprocess.run([*command, "db", "upgrade"], cwd=tmp_path, env=env, timeout=60)
    assert upgrade.returncode == 0
    sync = subprocess.Popen(
        [*command, "sync"], cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    workers: set[int] = set()

    def started() -> bool:
        workers.update(_children(sync.pid))
        return len(workers) >= 2

    def survivors() -> list[int]:
        return [pid for pid in workers if _alive(pid)]

    try:
        assert _wait(started, 60), "sync started no workers"
    finally:
        sync.send_signal(signal.SIGKILL)
        sync.wait(timeout=10)
    try:
        assert _wait(lambda: not survivors(), 10), f"workers alive after kill -9: {survivors()}"
    finally:
        for pid in survivors():
            os.kill(pid, signal.SIGKILL)
