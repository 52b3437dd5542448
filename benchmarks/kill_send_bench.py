"""A send pass killed with SIGKILL mid-delivery, again and again: duplicates and rows on lease.

    python benchmarks/kill_send_bench.py [--messages 200] [--connections 2] [--kills 10]

Each kill: N messages queued in a fresh SQLite outbox; a real send pass
(``tests/notify/pass_process.py``) delivers them over K connections to the test SMTP server
(aiosmtpd, STARTTLS and AUTH, in this process) and is killed with SIGKILL once a number of
messages have arrived (spread over the run); then a pass right after the kill (which must say
how many wait on the lease) and a pass after the lease send the rest. It prints, per kill, the
messages handed over before the kill, the rows left claimed (waiting on their lease), and the
duplicates: messages the server received twice (handed over, the result not yet recorded).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "notify")]

import mailserver  # noqa: E402
from outboxkit import NOW, message, queue, settings_from  # noqa: E402

from tracker.notify.outbox import counts  # noqa: E402
from tracker.notify.send import send_pass  # noqa: E402
from tracker.store.db import make_engine, upgrade  # noqa: E402

LEASE = timedelta(seconds=300)


def one_kill(messages: int, connections: int, after: int) -> tuple[int, int, int, str]:
    """(handed over before the kill, rows left on lease, duplicates, the rerun's summary)."""
    with (
        tempfile.TemporaryDirectory() as folder,
        mailserver.running("starttls", Path(folder)) as server,
    ):
        url = f"sqlite:///{folder}/outbox.db"
        engine = make_engine(url)
        upgrade(engine)
        queue(engine, *(message(f"m{i}", to=(f"u{i}@example.org",)) for i in range(messages)))
        env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
        env.update(server.env(), TRACKER_SMTP_CONNECTIONS=str(connections))
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "tests/notify/pass_process.py"), url, NOW.isoformat()],
            env=env,
            cwd=folder,
            stdout=subprocess.DEVNULL,
        )
        while len(server.received) < after and process.poll() is None:
            time.sleep(0.0005)
        process.kill()
        process.wait()
        before = len(server.received)
        leased = counts(engine)["sending"]
        settings = settings_from(env, Path(folder))
        rerun = asyncio.run(send_pass(engine, settings, NOW, worker="rerun"))
        asyncio.run(send_pass(engine, settings, NOW + LEASE, worker="rerun"))
        copies = Counter(str(r.message["Message-ID"]) for r in server.received)
        assert len(copies) == messages, "a message was lost"
        engine.dispose()
        return before, leased, sum(n - 1 for n in copies.values()), rerun.summary()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--connections", type=int, default=2)
    parser.add_argument("--kills", type=int, default=10)
    args = parser.parse_args()
    total = 0
    worst = 0
    for n in range(args.kills):
        after = 1 + n * (args.messages - 20) // max(1, args.kills - 1)
        before, leased, duplicates, summary = one_kill(args.messages, args.connections, after)
        total += duplicates
        worst = max(worst, leased)
        print(
            f"kill {n + 1}: {before} handed over before the kill, {leased} left on lease, "
            f"{duplicates} duplicates; rerun: {summary}",
            flush=True,
        )
    print(f"{args.kills} kills: {total} duplicates in all, at most {worst} rows left on lease")


if __name__ == "__main__":
    main()
