"""The daemon's work as small steps, each safe to repeat: sync, plan, send.

Each step takes ``now`` from its caller (the daemon's clock, or ``tracker run --once --now``),
logs one line with its counts and records a heartbeat in the ``worker`` table. The database is
the source of truth: a plan pass works out from it what is due at ``now`` — after downtime, a
suspended machine or a clock change it makes each missed notification once, or supersedes one
whose moment has passed — and a send pass drains whatever the outbox holds.

The reminder pipeline (:mod:`tracker.notify`) is imported inside the steps, so the daemon's
modules import without the mail stack.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from tracker.calendar import WorkCalendar, russian_calendar
from tracker.config import Settings
from tracker.daemon.heartbeat import WorkerId, beat
from tracker.daemon.lock import DbMutex
from tracker.daemon.logs import action
from tracker.daemon.memory import release_memory

if TYPE_CHECKING:
    from tracker.notify.compose import LinkMaker
    from tracker.notify.remind import PlanReport
    from tracker.notify.send import SendReport
    from tracker.store.sync import SyncReport


class Steps:
    """The steps of one worker on one database."""

    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        worker: WorkerId,
        *,
        mutex: DbMutex | None = None,
        calendar: WorkCalendar | None = None,
        link_maker: LinkMaker | None = None,
    ) -> None:
        self.engine = engine
        self.link_maker = link_maker  # signed item links for the mail (built by the caller)
        self.settings = settings
        self.worker = worker
        self.mutex = mutex or DbMutex(engine)
        self.calendar = calendar or russian_calendar()
        self._warned: set[str] = set()  # plan warnings already logged: each is logged once

    # --- start-up ------------------------------------------------------------------------------

    def check(self) -> None:
        """Render every message template on sample data: a broken template stops the start,
        not a message when it falls due (a ConfigError naming the first problem)."""
        from tracker.errors import ConfigError
        from tracker.notify.render import resolve_templates_dir
        from tracker.notify.template_check import check

        folder = resolve_templates_dir(self.settings.mail.templates)
        problems = check(folder, self.settings.policy)
        if problems:
            more = len(problems) - 1
            hint = f"and {more} more; see `tracker check`" if more else "see `tracker check`"
            raise ConfigError(problems[0], hint=hint)

    # --- sync ----------------------------------------------------------------------------------

    def sync(self, now: datetime) -> SyncReport | None:
        """Sync the schedules folder (unchanged roadmaps are skipped); ``None`` without one."""
        from tracker.roadmap.schedule_file import load
        from tracker.store.plan import SyncPolicy
        from tracker.store.sync import sync_directory

        folder = self.settings.schedules.dir
        if not folder.is_dir():
            action("sync", f"no schedules folder {folder}; nothing to sync", now=now)
            return None
        policy = SyncPolicy(shift=self.settings.policy.shift, checkin=self.settings.policy.checkin)
        with self.mutex.hold("sync"):
            report = sync_directory(
                self.engine,
                folder,
                load=load,
                executors_file=self.settings.schedules.executors_path,
                policy=policy,
                now=now,
            )
        outcomes = Counter(f.outcome for f in report.files)
        counts = {outcome: outcomes.get(outcome, 0) for outcome in _OUTCOMES}
        detail = ", ".join(f"{n} {outcome}" for outcome, n in counts.items() if n) or "none"
        action(
            "sync",
            f"{len(report.files)} schedule files ({detail}), {_count(report.warnings, 'warning')}",
            now=now,
            counts={"files": len(report.files), **counts, "warnings": len(report.warnings)},
        )
        for failed in report.failed:
            action("sync", failed.summary(), now=now, level=_WARNING)
        return report

    # --- plan ----------------------------------------------------------------------------------

    def plan(self, now: datetime) -> PlanReport:
        """Put every notification due at ``now`` into the outbox; returns the PlanReport."""
        from tracker.notify.remind import plan_pass

        with self.mutex.hold("plan"):
            report = plan_pass(
                self.engine, self.settings, now, calendar=self.calendar, link_maker=self.link_maker
            )
        if report.made:
            release_memory()  # rendering messages is the daemon's one big allocation
        notifications, messages = int(report.notifications), int(report.made)
        action(
            "plan",
            f"{notifications} notifications in {messages} messages "
            f"({report.examined} occurrences examined)",
            now=now,
            counts={"notifications": notifications, "messages": messages},
        )
        fresh = [warning for warning in report.warnings if warning not in self._warned]
        for warning in fresh:
            action("plan", f"warning: {warning}", now=now, level=_WARNING)
        self._warned = set(report.warnings)
        beat(self.engine, self.worker, now, last_planned=notifications)
        return report

    # --- send ----------------------------------------------------------------------------------

    async def send(self, now: datetime, stop: asyncio.Event | None = None) -> SendReport:
        """Claim, send and mark what the outbox holds; returns the SendReport."""
        from tracker.notify.send import send_pass

        worker = str(self.worker)
        report = await send_pass(self.engine, self.settings, now, worker=worker, stop=stop)
        sent, failed = int(report.sent), int(report.failed)
        action(
            "send",
            report.summary() + (f" (stopped early: {report.halted})" if report.halted else ""),
            now=now,
            counts={
                "sent": sent,
                "retried": report.retried,
                "failed": failed,
                "deferred": report.deferred,
                "superseded": report.superseded,
                "released": report.released,
            },
            level=_WARNING if report.halted else _INFO if report.lines else _DEBUG,
        )
        beat(
            self.engine,
            self.worker,
            now,
            last_sent=sent,
            last_failed=failed,
            last_superseded=report.superseded,
        )
        return report


def _count(items: list[str], noun: str) -> str:
    return f"{len(items)} {noun}{'s' if len(items) != 1 else ''}"


_OUTCOMES = ("created", "updated", "archived", "failed", "unchanged")
_WARNING = 30
_INFO = 20
_DEBUG = 10  # an idle send pass, every minute, is not worth a line
