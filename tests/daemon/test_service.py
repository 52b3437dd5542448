"""The scheduler's jobs, signals and graceful stop, with stand-in steps (no mail stack)."""

from __future__ import annotations

import asyncio
import os
import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from daemonkit import settings_with
from sqlalchemy import Engine, select

from tracker.config import Settings
from tracker.daemon.clock import Clock
from tracker.daemon.heartbeat import WorkerId
from tracker.daemon.service import DIGEST_GRACE, RELOAD_EVERY, Daemon
from tracker.daemon.steps import Steps
from tracker.store.db import make_engine, upgrade
from tracker.store.executors import ExecutorEntry
from tracker.store.sync import sync_executors
from tracker.store.tables import EXECUTOR, WORKER

WALL = datetime(2022, 10, 3, 6, 0, tzinfo=UTC)


class Recorded:
    """What the stand-in steps were asked to do, and knobs to make them slow."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.send_started = asyncio.Event()
        self.release_send = asyncio.Event()
        self.hold_send = False
        self.stop_seen: list[bool] = []


class FakeSteps(Steps):
    """Steps that record calls instead of planning and sending."""

    def __init__(self, engine: Engine, settings: Settings, record: Recorded) -> None:
        super().__init__(engine, settings, WorkerId("test", 1, "abc"))
        self.record = record

    def sync(self, now: datetime) -> Any:
        self.record.calls.append("sync")
        return None

    def plan(self, now: datetime) -> Any:
        self.record.calls.append("plan")
        return None

    async def send(self, now: datetime, stop: asyncio.Event | None = None) -> Any:
        self.record.calls.append("send")
        if self.record.hold_send:
            self.record.send_started.set()
            await self.record.release_send.wait()
            self.record.stop_seen.append(bool(stop and stop.is_set()))
        return None


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Any:
    engine = make_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


def coordinators(engine: Engine) -> dict[str, int]:
    sync_executors(
        engine,
        [
            ExecutorEntry(name="Иванова И.И.", emails=("i@example.org",), coordinates=("a",),
                          timezone="Asia/Vladivostok"),
            ExecutorEntry(name="МКУ ГИМЦ", kind="organisation", emails=("g@example.org",),
                          coordinates=("b",)),
            ExecutorEntry(name="Петров П.П.", emails=("p@example.org",)),
        ],
        WALL,
    )  # fmt: skip
    with engine.connect() as conn:
        return {row.name: row.id for row in conn.execute(select(EXECUTOR.c.name, EXECUTOR.c.id))}


def make_daemon(
    engine: Engine, tmp_path: Path, record: Recorded | None = None, **daemon: Any
) -> Daemon:
    settings = settings_with(
        daemon={"plan_every": 300, "send_every": 60, **daemon},
        schedules={"dir": tmp_path / "schedules"},
    )
    steps = FakeSteps(engine, settings, record or Recorded())
    return Daemon(steps, Clock(lambda: datetime.now(UTC)))


# --- the jobs ------------------------------------------------------------------------------------


def test_fixed_jobs_and_one_digest_job_per_coordinator(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    ids = coordinators(sqlite_engine)
    daemon = make_daemon(sqlite_engine, tmp_path)
    daemon.add_jobs()
    jobs = {job.id: job for job in daemon.scheduler.get_jobs()}
    ivanova, gimc = ids["Иванова И.И."], ids["МКУ ГИМЦ"]
    assert set(jobs) == {"plan", "send", "reload", f"digest:{ivanova}", f"digest:{gimc}"}
    assert {job.coalesce for job in jobs.values()} == {True}
    assert {job.max_instances for job in jobs.values()} == {1}
    grace = {job_id: job.misfire_grace_time for job_id, job in jobs.items()}
    assert grace == {
        "plan": 300,
        "send": 60,
        "reload": RELOAD_EVERY,
        f"digest:{ivanova}": DIGEST_GRACE,
        f"digest:{gimc}": DIGEST_GRACE,
    }
    assert jobs["plan"].trigger.interval == timedelta(seconds=300)
    assert jobs["send"].trigger.interval == timedelta(seconds=60)


@pytest.mark.parametrize(
    ("name", "zone"),
    [("Иванова И.И.", "Asia/Vladivostok"), ("МКУ ГИМЦ", "Europe/Moscow")],
    ids=["own-zone", "policy-zone"],
)
def test_digest_fires_monday_0900_in_the_coordinators_zone(
    sqlite_engine: Engine, tmp_path: Path, name: str, zone: str
) -> None:
    ids = coordinators(sqlite_engine)
    daemon = make_daemon(sqlite_engine, tmp_path)
    daemon.add_jobs()
    trigger = daemon.scheduler.get_job(f"digest:{ids[name]}").trigger
    tz = ZoneInfo(zone)
    after = datetime(2022, 10, 4, 12, 0, tzinfo=tz)  # a Tuesday
    assert trigger.get_next_fire_time(None, after) == datetime(2022, 10, 10, 9, 0, tzinfo=tz)


def test_former_coordinators_lose_their_digest_job(sqlite_engine: Engine, tmp_path: Path) -> None:
    ids = coordinators(sqlite_engine)
    daemon = make_daemon(sqlite_engine, tmp_path)
    daemon.add_jobs()
    sync_executors(sqlite_engine, [ExecutorEntry(name="МКУ ГИМЦ", coordinates=("b",))], WALL)
    daemon.refresh_digests()
    digests = {job.id for job in daemon.scheduler.get_jobs() if job.id.startswith("digest:")}
    assert digests == {f"digest:{ids['МКУ ГИМЦ']}"}


# --- running -------------------------------------------------------------------------------------


async def _until(predicate: Any) -> None:
    while not predicate():
        await asyncio.sleep(0.02)


def _worker_row(engine: Engine) -> Any:
    with engine.connect() as conn:
        return conn.execute(select(WORKER)).one()


def test_runs_sync_plan_send_then_stops_on_sigterm(sqlite_engine: Engine, tmp_path: Path) -> None:
    record = Recorded()
    daemon = make_daemon(sqlite_engine, tmp_path, record)

    async def scenario() -> None:
        running = asyncio.create_task(daemon.run())
        await _until(lambda: "plan" in record.calls and "send" in record.calls)
        os.kill(os.getpid(), signal.SIGTERM)
        await asyncio.wait_for(running, 30)

    asyncio.run(scenario())
    assert record.calls[0] == "sync"
    assert not daemon.scheduler.running
    row = _worker_row(sqlite_engine)
    assert row.id == "test:1:abc" and row.stopped_at is not None


def test_sighup_and_file_changes_sync_again(sqlite_engine: Engine, tmp_path: Path) -> None:
    record = Recorded()
    (tmp_path / "schedules").mkdir()
    daemon = make_daemon(sqlite_engine, tmp_path, record, watch=True)

    async def scenario() -> None:
        running = asyncio.create_task(daemon.run())
        await _until(lambda: "plan" in record.calls)
        os.kill(os.getpid(), signal.SIGHUP)
        await _until(lambda: record.calls.count("sync") == 2)
        await asyncio.sleep(0.3)  # let the watcher settle before the change
        (tmp_path / "schedules" / "new.toml").write_text("format = 1\n", encoding="utf-8")
        await _until(lambda: record.calls.count("sync") == 3)
        daemon.request_stop()
        await asyncio.wait_for(running, 30)

    asyncio.run(scenario())
    # each reload is followed by a plan pass
    after_reload = record.calls[record.calls.index("sync", 1) + 1 :]
    assert "plan" in after_reload


def test_stop_waits_for_the_send_in_flight(sqlite_engine: Engine, tmp_path: Path) -> None:
    record = Recorded()
    record.hold_send = True
    daemon = make_daemon(sqlite_engine, tmp_path, record)

    async def scenario() -> None:
        running = asyncio.create_task(daemon.run())
        await record.send_started.wait()
        daemon.request_stop()
        await asyncio.sleep(0.2)
        assert not running.done()  # still finishing the send
        record.release_send.set()
        await asyncio.wait_for(running, 30)

    asyncio.run(scenario())
    assert record.stop_seen == [True]  # the pass was told to stop claiming
    assert _worker_row(sqlite_engine).stopped_at is not None


def test_stop_gives_up_on_a_stuck_send_after_stop_timeout(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    record = Recorded()
    record.hold_send = True
    daemon = make_daemon(sqlite_engine, tmp_path, record, stop_timeout=1)

    async def scenario() -> None:
        running = asyncio.create_task(daemon.run())
        await record.send_started.wait()
        daemon.request_stop()
        await asyncio.wait_for(running, 30)

    asyncio.run(scenario())
    assert record.stop_seen == []  # cancelled, never finished
    assert _worker_row(sqlite_engine).stopped_at is not None


def test_a_failing_pass_is_logged_and_the_daemon_goes_on(
    sqlite_engine: Engine, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    record = Recorded()
    daemon = make_daemon(sqlite_engine, tmp_path, record, plan_every=1)
    plans = 0

    def failing_plan(now: datetime) -> Any:
        nonlocal plans
        plans += 1
        raise RuntimeError("database went away\nsecond line")

    daemon.steps.plan = failing_plan  # type: ignore[method-assign]

    async def scenario() -> None:
        running = asyncio.create_task(daemon.run())
        await _until(lambda: plans >= 2)
        daemon.request_stop()
        await asyncio.wait_for(running, 30)

    with caplog.at_level("ERROR", logger="tracker.daemon"):
        asyncio.run(scenario())
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert errors[0].getMessage() == "plan: failed: RuntimeError: database went away"
    # An unexpected failure carries its traceback (issue 12): the bug is findable in the log.
    assert errors[0].exc_info is not None and errors[0].exc_info[0] is RuntimeError
    assert "failing_plan" in caplog.text


def test_simulated_clock_starts_at_the_given_moment() -> None:
    wall = iter([WALL, WALL + timedelta(seconds=90)])
    clock = Clock.starting_at(lambda: next(wall), datetime(2023, 1, 9, 0, 0, tzinfo=UTC))
    assert clock.now() == datetime(2023, 1, 9, 0, 1, 30, tzinfo=UTC)
