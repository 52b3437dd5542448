"""Commands of the daemon layer, registered on :data:`tracker.cli.common.cli`: `run` and `health`.

Import heavy libraries inside the commands, never at module level: `tracker parse` must stay
light (a test checks which modules it imports).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import click

from tracker.cli.common import IsoDateTime, app, aware, cli, mail_links, reports_errors


def _steps(engine: Any) -> Any:
    from tracker.daemon.heartbeat import WorkerId
    from tracker.daemon.lock import DbMutex
    from tracker.daemon.steps import Steps

    links = mail_links(engine)
    return Steps(engine, app().settings, WorkerId.mine(), mutex=DbMutex(engine), link_maker=links)


@cli.command("run")
@click.option("--once", is_flag=True, help="Run one full cycle (sync, plan, send) and exit.")
@click.option(
    "--now",
    "now",
    type=IsoDateTime(),
    default=None,
    help="Act as if it were this moment (ISO-DATETIME; without an offset, in [policy] "
    "timezone). With --once: the cycle's moment; without: the clock starts there.",
)
@click.option(
    "--no-sync", "no_sync", is_flag=True, help="With --once: do not sync the schedules folder."
)
@reports_errors
def run_command(once: bool, now: datetime | None, no_sync: bool) -> None:
    """Run the daemon: sync the schedules, plan due notifications into the outbox and send
    them, on a timer, until SIGTERM or SIGINT (SIGHUP re-syncs the schedules). With --once,
    run one cycle, print what was sent to whom, and exit."""
    from tracker.daemon.lock import instance_lock
    from tracker.daemon.logs import setup_logging

    settings = app().settings
    engine = app().engine()
    lock = instance_lock(engine)
    try:
        if once:
            setup_logging(settings.daemon.log_format, level=30)
            _run_once(engine, aware(now) if now is not None else app().now(), sync=not no_sync)
        else:
            if no_sync:
                from tracker.errors import UsageError

                raise UsageError("--no-sync goes with --once; the daemon syncs at start")
            setup_logging(settings.daemon.log_format)
            _run_daemon(engine, aware(now) if now is not None else None)
    finally:
        if lock is not None:
            lock.release()
        engine.dispose()


def _run_once(engine: Any, now: datetime, *, sync: bool) -> None:
    from tracker.daemon.once import run_once
    from tracker.daemon.present import cycle_lines

    steps = _steps(engine)
    try:
        cycle = run_once(steps, now, sync=sync, beat_at=max(now, app().now()))
    finally:
        steps.mutex.close()
    for line in cycle_lines(cycle, steps.settings):
        click.echo(line)


def _run_daemon(engine: Any, start: Any) -> None:
    import asyncio

    from tracker.daemon.clock import Clock
    from tracker.daemon.service import Daemon

    clock = Clock(app().clock) if start is None else Clock.starting_at(app().clock, start)
    steps = _steps(engine)
    try:
        asyncio.run(Daemon(steps, clock).run())
    finally:
        steps.mutex.close()


@cli.command("health")
@click.option(
    "--now",
    "now",
    type=IsoDateTime(),
    default=None,
    help="Judge as if it were this moment (ISO-DATETIME), e.g. after `tracker run --once --now`.",
)
@reports_errors
def health_command(now: datetime | None) -> None:
    """Exit 0 with one OK line when the daemon ticks and the outbox drains; exit 1 with the
    reason when it has not ticked for [daemon] stale_after seconds, more than [daemon]
    max_pending messages wait, or a message failed in the last day."""
    import sys

    from tracker.daemon.health import check

    health = check(
        app().engine(), app().settings.daemon, aware(now) if now is not None else app().now()
    )
    click.echo(health.line())
    if not health.ok:
        sys.exit(1)
