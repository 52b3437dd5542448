"""`tracker run --once`: one full cycle at one moment — sync, plan, send, heartbeat — then exit."""

from __future__ import annotations

import asyncio
import signal
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from tracker.daemon.heartbeat import register, stopped, ticked_at
from tracker.daemon.steps import Steps

if TYPE_CHECKING:
    from tracker.store.sync import SyncReport


@dataclass(slots=True)
class Cycle:
    """What one cycle did: the sync (``None`` if skipped), plan and send reports."""

    now: datetime
    sync: SyncReport | None
    plan: Any
    send: Any


async def _send(steps: Steps, now: datetime) -> Any:
    """A send pass that SIGTERM/SIGINT stop gracefully (the messages in hand are finished)."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        return await steps.send(now, stop)
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)


def run_once(
    steps: Steps, now: datetime, *, sync: bool = True, beat_at: datetime | None = None
) -> Cycle:
    """Check the templates, then sync (unless ``sync=False``), plan and send at ``now``, as one
    registered worker. ``beat_at`` is when the heartbeat says the worker ran (default ``now``;
    the CLI gives the real time, so `tracker health` after a cycle at a simulated moment in the
    past sees a fresh tick)."""
    steps.check()
    beat = beat_at or now
    register(steps.engine, steps.worker, now)  # (and purge workers long gone by ``now``)
    try:
        synced = steps.sync(now) if sync else None
        planned = steps.plan(now)
        sent = asyncio.run(_send(steps, now))
    finally:
        if beat != now:
            ticked_at(steps.engine, steps.worker, beat)
        stopped(steps.engine, steps.worker, beat)
    return Cycle(now, synced, planned, sent)
