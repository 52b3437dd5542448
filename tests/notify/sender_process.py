"""A sender that dies: it claims the due outbox rows (and, in ``send`` mode, sends them), prints
their ids and then waits to be killed, never recording a result. Used by the fault tests.

usage: python sender_process.py DB_URL NOW_ISO claim|send

Settings come from the TRACKER_* environment, as for tracker itself.
"""

from __future__ import annotations

import asyncio
import sys
import time
from datetime import datetime, timedelta

from tracker.config import load_settings
from tracker.notify.outbox import OutboxRow, SendPolicy, claim
from tracker.notify.transports import make_transport, message_for
from tracker.store.db import make_engine


async def _send(rows: tuple[OutboxRow, ...], now: datetime) -> None:
    settings = load_settings()
    transport = make_transport(settings)
    for row in rows:
        await transport.send(
            message_for(row, settings.mail.sender, now),
            sender=settings.mail.sender,
            recipients=row.to_addrs,
            day=now.date(),
        )


def main() -> None:
    url, now_text, mode = sys.argv[1:4]
    now = datetime.fromisoformat(now_text)
    settings = load_settings()
    claimed = claim(
        make_engine(url),
        "doomed-sender",
        now,
        limit=100,
        lease=timedelta(seconds=settings.daemon.lease_seconds),
        policy=SendPolicy.from_settings(settings),
    )
    if mode == "send":
        asyncio.run(_send(claimed.rows, now))
    print(" ".join(str(row.id) for row in claimed.rows), flush=True)
    time.sleep(600)  # killed long before this ends


if __name__ == "__main__":
    main()
