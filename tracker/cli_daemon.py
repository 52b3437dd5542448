"""Commands of the daemon layer, registered on :data:`tracker.cli.cli`: `run` and `health`.

Import heavy libraries inside the commands, never at module level: `tracker parse` must stay
light (a test checks which modules it imports).
"""

from __future__ import annotations

from typing import Any

import click

from tracker.cli import _engine, _now, _settings, reports_errors
from tracker.cli import cli as cli  # the group these commands join


class IsoDateTime(click.ParamType):  # type: ignore[type-arg]
    """An ISO date and time; without an offset it is read in ``[policy] timezone``."""

    name = "ISO-DATETIME"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from datetime import datetime

        if isinstance(value, datetime):
            return value
        text = str(value).strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            moment = None
        if moment is None or len(text) <= 10:
            self.fail(
                f"{value!r} is not a date and time: give e.g. 2022-10-03T10:00 (in [policy] "
                "timezone) or 2022-10-03T07:00Z",
                param,
                ctx,
            )
        return moment


def _aware(moment: Any) -> Any:
    """``moment`` in UTC; a naive one is read in ``[policy] timezone``."""
    from datetime import UTC
    from zoneinfo import ZoneInfo

    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(_settings().policy.timezone))
    return moment.astimezone(UTC)


def _steps(engine: Any) -> Any:
    from tracker.daemon.heartbeat import WorkerId
    from tracker.daemon.lock import DbMutex
    from tracker.daemon.steps import Steps

    return Steps(engine, _settings(), WorkerId.mine(), mutex=DbMutex(engine))


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
def run_command(once: bool, now: Any, no_sync: bool) -> None:
    """Run the daemon: sync the schedules, plan due notifications into the outbox and send
    them, on a timer, until SIGTERM or SIGINT (SIGHUP re-syncs the schedules). With --once,
    run one cycle, print what was sent to whom, and exit."""
    from tracker.daemon.lock import instance_lock
    from tracker.daemon.logs import setup_logging

    settings = _settings()
    engine = _engine()
    lock = instance_lock(engine)
    try:
        if once:
            setup_logging(settings.daemon.log_format, level=30)
            _run_once(engine, _aware(now) if now is not None else _now(), sync=not no_sync)
        else:
            if no_sync:
                from tracker.errors import UsageError

                raise UsageError("--no-sync goes with --once; the daemon syncs at start")
            setup_logging(settings.daemon.log_format)
            _run_daemon(engine, _aware(now) if now is not None else None)
    finally:
        if lock is not None:
            lock.release()
        engine.dispose()


def _run_once(engine: Any, now: Any, *, sync: bool) -> None:
    from tracker.daemon.once import run_once
    from tracker.daemon.present import cycle_lines

    steps = _steps(engine)
    try:
        cycle = run_once(steps, now, sync=sync)
    finally:
        steps.mutex.close()
    for line in cycle_lines(cycle, steps.settings):
        click.echo(line)


def _run_daemon(engine: Any, start: Any) -> None:
    import asyncio

    from tracker.daemon.clock import Clock
    from tracker.daemon.service import Daemon

    clock = Clock(_now) if start is None else Clock.starting_at(_now, start)
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
def health_command(now: Any) -> None:
    """Exit 0 with one OK line when the daemon ticks and the outbox drains; exit 1 with the
    reason when it has not ticked for [daemon] stale_after seconds, more than [daemon]
    max_pending messages wait, or a message failed in the last day."""
    import sys

    from tracker.daemon.health import check

    health = check(_engine(), _settings().daemon, _aware(now) if now is not None else _now())
    click.echo(health.line())
    if not health.ok:
        sys.exit(1)
