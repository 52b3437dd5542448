"""A real `tracker run` process: SIGHUP re-syncs, a second daemon on the same SQLite file is
refused, and SIGTERM in the middle of a send pass stops it gracefully — the messages in flight
are delivered and marked, the rest go back to the queue, and nothing is lost or sent twice."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from daemonkit import outbox_states, seed_folder
from mailserver import SmtpServer
from sqlalchemy import select

from tracker.store.db import make_engine, upgrade
from tracker.store.tables import OUTBOX

MOMENT = "2022-09-12T10:00"
#: Seconds the server takes to accept each message, so that a send pass is still running.
SLOW = 0.4


def slow_down(server: SmtpServer, seconds: float) -> None:
    original = server.handler.handle_DATA

    async def handle_DATA(*args: Any) -> str:
        await asyncio.sleep(seconds)
        return await original(*args)

    server.handler.handle_DATA = handle_DATA  # type: ignore[method-assign]


def wait_for(
    what: str, predicate: Callable[[], bool], process: subprocess.Popen[str], log: Path
) -> None:
    deadline = time.monotonic() + 120
    while not predicate():
        if process.poll() is not None:
            raise AssertionError(
                f"the daemon exited ({process.returncode}) before {what}:\n{log.read_text()}"
            )
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}:\n{log.read_text()}")
        time.sleep(0.05)


def test_sighup_second_daemon_and_graceful_sigterm(smtp_server: SmtpServer, tmp_path: Path) -> None:
    seed_folder(tmp_path, "chelyabinsk", "divnogorsk", "ilovlya", "pelym", "spassk")
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    engine = make_engine(url)
    upgrade(engine)
    slow_down(smtp_server, SLOW)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")},
        **smtp_server.env(),
        "TRACKER_DATABASE_URL": url,
        "TRACKER_SMTP_CONNECTIONS": "1",
        "TRACKER_DAEMON_WATCH": "false",
    }
    log = tmp_path / "daemon.log"
    with log.open("w") as stream:
        daemon = subprocess.Popen(
            [sys.executable, "-m", "tracker", "run", "--now", MOMENT],
            cwd=tmp_path,
            env=env,
            stdout=stream,
            stderr=subprocess.STDOUT,
            text=True,
        )
    try:
        wait_for("the first sync", lambda: " sync: " in log.read_text(), daemon, log)
        daemon.send_signal(signal.SIGHUP)
        wait_for("the re-sync", lambda: log.read_text().count(" sync: ") == 2, daemon, log)

        second = subprocess.run(
            [sys.executable, "-m", "tracker", "run", "--once", "--now", MOMENT],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert second.returncode == 4
        assert second.stderr.startswith(
            f"tracker: error: another tracker daemon (pid {daemon.pid} "
        )

        wait_for("three messages", lambda: len(smtp_server.received) >= 3, daemon, log)
        daemon.send_signal(signal.SIGTERM)
        assert daemon.wait(120) == 0
    finally:
        if daemon.poll() is None:
            daemon.kill()
            daemon.wait()
    text = log.read_text()
    assert "stop: signal received: finishing the passes in flight" in text
    assert "stop: worker " in text and text.rstrip().endswith("stopped")
    assert "Traceback" not in text

    delivered = [str(r.message["Message-ID"]) for r in smtp_server.received]
    total = sum(outbox_states(engine).values())
    assert 3 <= len(delivered) < total  # stopped part-way
    with engine.connect() as conn:
        rows = {row.message_id: row for row in conn.execute(select(OUTBOX))}
    sent = {mid for mid, row in rows.items() if row.state == "sent"}
    assert sent == set(delivered)  # every delivered message marked, nothing marked undelivered
    assert {row.state for row in rows.values()} == {"sent", "pending"}  # the rest given back
    assert all(row.claimed_by is None for row in rows.values() if row.state == "pending")

    rest = subprocess.run(
        [sys.executable, "-m", "tracker", "run", "--once", "--now", "2022-09-12T10:05"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert rest.returncode == 0, rest.stderr
    received = Counter(str(r.message["Message-ID"]) for r in smtp_server.received)
    assert max(received.values()) == 1  # none twice
    assert set(received) == set(rows)  # none lost
    assert outbox_states(engine) == {"sent": total}
    engine.dispose()
