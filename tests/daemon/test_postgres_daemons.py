"""Two `tracker run` processes on one real PostgreSQL database and one SMTP server: they sync,
plan and send at the same time, and every message goes out exactly once — none twice, none lost.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from daemonkit import seed_folder
from mailserver import SmtpServer
from sqlalchemy import Engine, func, select
from test_signals import slow_down

from tracker.notify.outbox import OutboxMessage, insert_outbox
from tracker.store.db import make_engine, upgrade
from tracker.store.pgtemp import TempPostgres
from tracker.store.tables import OUTBOX, WORKER

MOMENT = datetime(2022, 9, 12, 7, 0, tzinfo=UTC)  # 10:00 in Moscow
#: Messages queued before the daemons start, besides what they plan themselves, so that both
#: have claims to make at once (a claim takes up to 100 rows).
EXTRA = 400


def queue_extra(engine: Engine) -> None:
    with engine.begin() as conn:
        for n in range(EXTRA):
            insert_outbox(
                conn,
                OutboxMessage(
                    key=f"test:{n}",
                    kind="test",
                    recipient_key=f"address:user{n}@example.org",
                    recipient_id=None,
                    to_addrs=(f"user{n}@example.org",),
                    subject=f"Проверка {n}",
                    text="Проверка",
                    html="<p>Проверка</p>",
                    timezone="Europe/Moscow",
                    not_before=MOMENT - timedelta(minutes=1),
                ),
                now=MOMENT - timedelta(minutes=1),
                sender="robot@tracker.example.org",
            )


def unsent(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                select(func.count()).where(OUTBOX.c.state.in_(("pending", "sending")))
            ).scalar_one()
        )


def test_two_daemons_send_every_message_once(
    postgres: TempPostgres, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    seed_folder(tmp_path, "chelyabinsk", "divnogorsk", "ilovlya", "pelym", "spassk")
    url = postgres.create_database()
    engine = make_engine(url)
    upgrade(engine)
    queue_extra(engine)
    slow_down(smtp_server, 0.01)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")},
        **smtp_server.env(),
        "TRACKER_DATABASE_URL": url,
        "TRACKER_SMTP_CONNECTIONS": "2",
        "TRACKER_DAEMON_SEND_EVERY": "1",
        "TRACKER_DAEMON_PLAN_EVERY": "2",
        "TRACKER_DAEMON_WATCH": "false",
    }
    logs = [tmp_path / f"daemon{n}.log" for n in (1, 2)]
    daemons = []
    for log in logs:
        with log.open("w") as stream:
            daemons.append(
                subprocess.Popen(
                    [sys.executable, "-m", "tracker", "run", "--now", MOMENT.isoformat()],
                    cwd=tmp_path,
                    env=env,
                    stdout=stream,
                    stderr=subprocess.STDOUT,
                    text=True,
                )
            )
    try:
        deadline = time.monotonic() + 240
        while not (all(" plan: " in log.read_text() for log in logs) and unsent(engine) == 0):
            assert all(d.poll() is None for d in daemons), [log.read_text() for log in logs]
            assert time.monotonic() < deadline, [log.read_text() for log in logs]
            time.sleep(0.2)
        time.sleep(2)  # a few more ticks of both: still nothing sent twice
        for daemon in daemons:
            daemon.send_signal(signal.SIGTERM)
        assert [daemon.wait(120) for daemon in daemons] == [0, 0]
    finally:
        for daemon in daemons:
            if daemon.poll() is None:
                daemon.kill()
                daemon.wait()
    texts = [log.read_text() for log in logs]
    assert not any("Traceback" in text or " ERROR " in text for text in texts), texts

    with engine.connect() as conn:
        rows = conn.execute(select(OUTBOX.c.message_id, OUTBOX.c.state, OUTBOX.c.claimed_by)).all()
        workers = conn.execute(select(WORKER.c.id, WORKER.c.stopped_at)).all()
    engine.dispose()
    received = Counter(str(r.message["Message-ID"]) for r in smtp_server.received)
    assert len(rows) > EXTRA  # the daemons planned the seed roadmaps' messages too
    assert max(received.values()) == 1  # none twice
    assert set(received) == {row.message_id for row in rows}  # none lost
    assert {row.state for row in rows} == {"sent"}
    assert len(workers) == 2 and all(w.stopped_at is not None for w in workers)
    senders = Counter(row.claimed_by for row in rows)
    assert set(senders) == {w.id for w in workers}  # both daemons sent a share
