"""`tracker run --once --now T`, the README's main job, as a new user runs it: a fresh SQLite
database, the five seed roadmaps, mail written to a folder."""

from __future__ import annotations

import email
import email.policy
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from tracker.store.db import make_engine
from tracker.store.tables import OUTBOX, WORKER

ROOT = Path(__file__).resolve().parents[2]
#: The main job's moment: a Monday inside all five seed periods (see the README).
MOMENT = "2022-09-12T10:00"


def tracker(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    return subprocess.run(
        [sys.executable, "-m", "tracker", *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def fresh(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "schedules", tmp_path / "schedules")
    done = tracker(tmp_path, "db", "upgrade")
    assert done.returncode == 0, done.stderr
    return tmp_path


def test_one_cycle_syncs_plans_sends_and_says_where_the_mail_is(fresh: Path) -> None:
    done = tracker(fresh, "run", "--once", "--now", MOMENT)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    lines = done.stdout.splitlines()
    assert lines[0] == "cycle at 2022-09-12 07:00 UTC"
    assert lines[1].startswith("sync: 5 schedule files (5 created)")
    planned = re.fullmatch(r"plan: (\d+) notifications in (\d+) messages", lines[2])
    assert planned, lines[2]
    messages = int(planned[2])
    assert messages > 0
    assert lines[3] == f"send: {messages} sent"
    sent = [line for line in lines if line.startswith("  → ")]
    assert len(sent) == messages
    outbox = fresh / "outbox"
    assert lines[-1] == f"mail: {messages} written now; {messages} .eml files in {outbox}/"

    files = sorted(outbox.rglob("*.eml"))
    assert len(files) == messages
    assert {f.parent.name for f in files} == {"2022-09-12"}
    shown = {(line[4:].split(": ", 1)[0], line.split(": ", 1)[1]) for line in sent}
    written = set()
    for path in files:
        parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        written.add((str(parsed["To"]), str(parsed["Subject"])))
    assert written == shown

    engine = make_engine(f"sqlite:///{fresh / 'tracker.db'}")
    with engine.connect() as conn:
        kinds = set(conn.execute(select(OUTBOX.c.kind)).scalars())
        worker = conn.execute(select(WORKER)).one()
    engine.dispose()
    # the whole product at once: reminders, the due date, overdue, escalation, digests
    assert kinds == {"reminder", "due_today", "overdue", "escalation", "digest"}
    assert worker.stopped_at is not None and worker.last_sent == messages

    # the cycle acted at a moment in 2022 but ran now: `tracker health` right after it passes
    health = tracker(fresh, "health")
    assert health.returncode == 0, health.stdout
    assert re.match(r"OK: last tick \d+ s ago by ", health.stdout), health.stdout


def test_the_same_moment_again_sends_nothing(fresh: Path) -> None:
    first = tracker(fresh, "run", "--once", "--now", MOMENT)
    assert first.returncode == 0, first.stderr
    again = tracker(fresh, "run", "--once", "--now", MOMENT)
    assert again.returncode == 0, again.stderr
    lines = again.stdout.splitlines()
    assert lines[1].startswith("sync: 5 schedule files (5 unchanged)")
    assert lines[2:4] == ["plan: 0 notifications in 0 messages", "send: nothing to send"]
    files = len(list((fresh / "outbox").rglob("*.eml")))
    assert lines[-1] == f"mail: 0 written now; {files} .eml files in {fresh / 'outbox'}/"


def test_no_sync_skips_the_schedules(fresh: Path) -> None:
    done = tracker(fresh, "run", "--once", "--no-sync", "--now", MOMENT)
    assert done.returncode == 0, done.stderr
    assert not any(line.startswith("sync:") for line in done.stdout.splitlines())
    assert "plan: 0 notifications in 0 messages" in done.stdout  # nothing synced, nothing due


def test_the_readme_main_command_as_written(tmp_path: Path) -> None:
    """The README's main-job command, verbatim after its `pip install -e .`, in a fresh folder."""
    if shutil.which("tracker") is None:
        pytest.skip("the tracker command is not installed")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- main-command -->", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    command = block.strip()
    assert command.startswith("pip install -e . && ")
    assert f"tracker run --once --now {MOMENT}" in command
    shutil.copytree(ROOT / "schedules", tmp_path / "schedules")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", command.removeprefix("pip install -e . && ")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    shown = readme.split("```text\ncycle at", 1)[1].split("```", 1)[0]
    for line in ("plan: ", "send: ", "mail: "):
        expected = next(row for row in shown.splitlines() if row.startswith(line))
        got = next(row for row in done.stdout.splitlines() if row.startswith(line))
        if line == "mail: ":
            expected = expected.split(" in ", 1)[0]
            got = got.split(" in ", 1)[0]
        assert got == expected  # the README shows what the command prints
