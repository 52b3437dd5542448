"""`tracker run`: APScheduler 3 (AsyncIOScheduler) as a clock that drives the steps.

Jobs, with fixed ids, each with ``coalesce=True`` (a backlog of missed runs is one run),
``max_instances=1`` and an explicit ``misfire_grace_time``:

* ``plan`` every ``[daemon] plan_every`` seconds, and once at start;
* ``send`` every ``[daemon] send_every`` seconds, once at start, and right after a plan pass
  that made something;
* ``digest:<executor id>``, a cron job per coordinator at ``[policy] digest_weekday`` and
  ``digest_time`` in the coordinator's time zone. It only triggers a plan pass: the database
  decides what is due, so a missed or late cron run loses nothing;
* ``reload`` syncs the schedules folder when asked: by the watcher (``[daemon] watch``) when a
  ``*.toml`` file changes, or by SIGHUP. Its hourly run does nothing unless asked.

Timers run on the wall clock; the work reads the daemon's :class:`~tracker.daemon.clock.Clock`.
Sync and plan run one at a time in a worker thread (they are blocking database work); send runs
on the event loop. A failing pass is one log line and the next tick tries again.

SIGTERM and SIGINT stop gracefully: no new runs start, the send pass in flight stops claiming and
finishes the messages it holds (up to ``[daemon] stop_timeout``; rows still claimed after that
go back to the queue when their lease ends), then the worker row is marked stopped.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.events import EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import select

from tracker.daemon.clock import Clock
from tracker.daemon.health import span
from tracker.daemon.heartbeat import register, stopped
from tracker.daemon.logs import action
from tracker.daemon.steps import Steps
from tracker.daemon.watch import watch_schedules
from tracker.errors import TrackerError
from tracker.store.tables import EXECUTOR
from tracker.timezones import is_zone

#: A cron run of a digest later than this is dropped; the plan tick covers it anyway.
DIGEST_GRACE = 6 * 3600
#: How often the reload job wakes by itself (it does nothing unless a reload was asked for).
RELOAD_EVERY = 3600
_ERROR = 40
_WARNING = 30


def _zone(name: str | None, default: str) -> str:
    """``name`` if it is a known time zone, else ``default``."""
    return name if name and is_zone(name) else default


class Daemon:
    """One daemon process: its scheduler, its signals, its graceful stop."""

    def __init__(self, steps: Steps, clock: Clock, *, watch: bool | None = None) -> None:
        self.steps = steps
        self.settings = steps.settings
        self.clock = clock
        self.watch = self.settings.daemon.watch if watch is None else watch
        self.scheduler = AsyncIOScheduler(timezone="UTC")
        self._stopping = asyncio.Event()  # set by a signal: begin the graceful stop
        self._stop_sends = asyncio.Event()  # handed to send passes: stop claiming
        self._reload_wanted = False
        self._work = asyncio.Lock()  # sync and plan, one at a time
        self._inflight: set[asyncio.Task[Any]] = set()
        self.scheduler.add_listener(self._missed, EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES)

    # --- the jobs ------------------------------------------------------------------------------

    def add_jobs(self) -> None:
        """Add the fixed jobs and one digest job per coordinator (scheduler not yet started)."""
        daemon = self.settings.daemon
        first = self.clock.wall()
        self.scheduler.add_job(
            self._plan_job,
            IntervalTrigger(seconds=daemon.plan_every, timezone="UTC"),
            id="plan",
            name="plan: due notifications into the outbox",
            coalesce=True,
            max_instances=1,
            misfire_grace_time=daemon.plan_every,
            next_run_time=first,
        )
        self.scheduler.add_job(
            self._send_job,
            IntervalTrigger(seconds=daemon.send_every, timezone="UTC"),
            id="send",
            name="send: drain the outbox",
            coalesce=True,
            max_instances=1,
            misfire_grace_time=daemon.send_every,
            next_run_time=first + timedelta(seconds=1),
        )
        self.scheduler.add_job(
            self._reload_job,
            IntervalTrigger(seconds=RELOAD_EVERY, timezone="UTC"),
            id="reload",
            name="reload: sync the schedules folder when asked",
            coalesce=True,
            max_instances=1,
            misfire_grace_time=RELOAD_EVERY,
        )
        self.refresh_digests()

    def coordinators(self) -> list[tuple[int, str, str]]:
        """(executor id, name, time zone) of every coordinator not archived."""
        with self.steps.engine.connect() as conn:
            rows = conn.execute(
                select(EXECUTOR.c.id, EXECUTOR.c.name, EXECUTOR.c.timezone, EXECUTOR.c.coordinates)
                .where(EXECUTOR.c.archived_at.is_(None))
                .order_by(EXECUTOR.c.id)
            ).all()
        zone = self.settings.policy.timezone
        return [(row.id, row.name, _zone(row.timezone, zone)) for row in rows if row.coordinates]

    def refresh_digests(self) -> None:
        """One ``digest:<id>`` cron job per coordinator; jobs of former coordinators go."""
        policy = self.settings.policy
        wanted = {f"digest:{cid}": (name, zone) for cid, name, zone in self.coordinators()}
        for job in self.scheduler.get_jobs():
            if job.id.startswith("digest:") and job.id not in wanted:
                job.remove()
        for job_id, (name, zone) in wanted.items():
            self.scheduler.add_job(
                self._digest_job,
                CronTrigger(
                    day_of_week=policy.digest_weekday[:3],
                    hour=policy.digest_time.hour,
                    minute=policy.digest_time.minute,
                    timezone=ZoneInfo(zone),
                ),
                args=(name,),
                id=job_id,
                name=f"digest of {name}",
                coalesce=True,
                max_instances=1,
                misfire_grace_time=DIGEST_GRACE,
                replace_existing=True,
            )

    def _missed(self, event: JobExecutionEvent) -> None:
        """A run the scheduler skipped: late beyond its grace (suspend, clock change) or busy."""
        if event.code == EVENT_JOB_MISSED:
            late = self.clock.wall() - event.scheduled_run_time
            what, level = f"run due {span(late)} ago was missed (suspended or clock changed?)", 20
        else:  # a long send pass outlasting its interval: normal, and the next run catches up
            what, level = "run skipped: the previous run is still going", 10
        action(
            "clock",
            f"{event.job_id}: {what}; the next run catches up",
            now=self.clock.now(),
            level=level,
        )

    async def _guarded(self, event: str, work: Callable[[], Awaitable[None]]) -> None:
        """Run one job's work: counted as in flight; a failure is one log line, not a crash."""
        task = asyncio.current_task()
        if task is not None:
            self._inflight.add(task)
        try:
            await work()
        except TrackerError as error:
            action(event, f"failed: {error}", now=self.clock.now(), level=_ERROR)
        except Exception as error:  # the daemon outlives one bad pass; the traceback is logged
            action(
                event,
                f"failed: {type(error).__name__}: {error}".splitlines()[0],
                now=self.clock.now(),
                level=_ERROR,
                exc_info=True,
            )
        finally:
            if task is not None:
                self._inflight.discard(task)

    async def _plan_job(self) -> None:
        await self._guarded("plan", self._plan)

    async def _plan(self) -> None:
        if self._stopping.is_set():
            return
        async with self._work:
            report = await asyncio.to_thread(self.steps.plan, self.clock.now())
        if getattr(report, "made", 0):
            self.wake("send")

    async def _send_job(self) -> None:
        await self._guarded("send", self._send)

    async def _send(self) -> None:
        if not self._stopping.is_set():
            await self.steps.send(self.clock.now(), self._stop_sends)

    async def _digest_job(self, name: str) -> None:
        action("digest", f"time for the digest of {name}: planning", now=self.clock.now())
        await self._guarded("plan", self._plan)

    async def _reload_job(self) -> None:
        if self._reload_wanted:
            self._reload_wanted = False
            await self._guarded("sync", self._reload)

    async def _reload(self) -> None:
        async with self._work:
            await asyncio.to_thread(self.steps.sync, self.clock.now())
        self.refresh_digests()
        self.wake("plan")

    def wake(self, job_id: str) -> None:
        """Run a job now (if the scheduler runs and the job is not running already)."""
        if self.scheduler.running and not self._stopping.is_set():
            self.scheduler.modify_job(job_id, next_run_time=self.clock.wall())

    # --- signals -------------------------------------------------------------------------------

    def request_reload(self) -> None:
        self._reload_wanted = True
        self.wake("reload")

    def request_stop(self) -> None:
        if self._stopping.is_set():
            action("stop", "second signal: stopping now", now=self.clock.now(), level=_WARNING)
            for task in list(self._inflight):
                task.cancel()
            return
        action("stop", "signal received: finishing the passes in flight", now=self.clock.now())
        self._stopping.set()

    def _install_signals(self, loop: asyncio.AbstractEventLoop) -> None:
        loop.add_signal_handler(signal.SIGTERM, self.request_stop)
        loop.add_signal_handler(signal.SIGINT, self.request_stop)
        loop.add_signal_handler(signal.SIGHUP, self.request_reload)

    def _remove_signals(self, loop: asyncio.AbstractEventLoop) -> None:
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            loop.remove_signal_handler(signum)

    # --- the life of the daemon ----------------------------------------------------------------

    async def run(self) -> None:
        """Start, sync, tick until a signal, stop gracefully."""
        loop = asyncio.get_running_loop()
        engine, worker = self.steps.engine, self.steps.worker
        start = self.clock.now()
        self.steps.check()
        register(engine, worker, start)
        self._install_signals(loop)
        watcher: asyncio.Task[None] | None = None
        try:
            daemon = self.settings.daemon
            action(
                "start",
                f"worker {worker}, plan every {daemon.plan_every} s, "
                f"send every {daemon.send_every} s",
                now=start,
            )
            await asyncio.to_thread(self.steps.sync, start)
            if not self._stopping.is_set():
                watcher = self._start()
                await self._stopping.wait()
        finally:
            await self._shutdown(watcher)
            self._remove_signals(loop)
        stopped(engine, worker, self.clock.now())
        action("stop", f"worker {worker} stopped", now=self.clock.now())

    def _start(self) -> asyncio.Task[None] | None:
        """Add the jobs, start the scheduler and the watcher; returns the watcher's task."""
        self.add_jobs()
        digests = sum(1 for job in self.scheduler.get_jobs() if job.id.startswith("digest:"))
        self.scheduler.start()
        folder = self.settings.schedules.dir
        watcher = None
        if self.watch and folder.is_dir():
            watcher = asyncio.create_task(
                watch_schedules(folder, self.request_reload, self._stopping)
            )
        action(
            "start",
            f"{digests} coordinator digest jobs; "
            + (f"watching {folder}" if watcher else "reload on SIGHUP"),
            now=self.clock.now(),
        )
        return watcher

    async def _shutdown(self, watcher: asyncio.Task[None] | None) -> None:
        self._stopping.set()
        self._stop_sends.set()
        if self.scheduler.running:
            self.scheduler.pause()
        pending = set(self._inflight)
        if pending:
            timeout = self.settings.daemon.stop_timeout
            _done, late = await asyncio.wait(pending, timeout=timeout)
            if late:
                action(
                    "stop",
                    f"{len(late)} passes still running after {timeout} s: "
                    "cancelled; their claimed rows return to the queue when the lease ends",
                    now=self.clock.now(),
                    level=_WARNING,
                )
                for task in late:
                    task.cancel()
                await asyncio.gather(*late, return_exceptions=True)
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
            await asyncio.sleep(0)  # AsyncIOScheduler shuts down on the loop's next turn
        if watcher is not None:
            await asyncio.gather(watcher, return_exceptions=True)
