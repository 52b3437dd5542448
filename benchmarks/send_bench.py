"""Delivery throughput: the outbox drained by ``send_pass`` vs a bare aiosmtplib loop.

    python benchmarks/send_bench.py [--messages 2000] [--connections 4] [--rounds 3]
                                    [--postgres]

A plain aiosmtpd server (no TLS, no AUTH, so what is measured is our overhead, not
cryptography) runs in its own process on 127.0.0.1 and accepts everything. Each round:

1. **bare**: N prebuilt messages sent by K aiosmtplib connections, each looping over a shared
   queue (``send_message``, nothing else);
2. **tracker**: the same N messages inserted into an outbox (SQLite in a temporary folder, or a
   throwaway PostgreSQL server with ``--postgres``), then drained by ``send_pass`` with
   ``[smtp] connections = K``: claim in chunks under a lease, build each e-mail, send it,
   record each result. Inserting is not timed (the planner's cost, not the sender's).

It prints messages per second of both and their ratio, per round and the best of each, and
the client's CPU time per message (the server's own work is not in it: throughput on a busy
machine can be bound by the server, CPU per message says what our side costs). The server
counts what it receives; every round must deliver exactly N messages each way.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import sys
import tempfile
import time
from datetime import UTC, datetime
from email.message import Message
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NOW = datetime(2024, 5, 20, 7, 0, tzinfo=UTC)  # 10:00 in Moscow: inside the sending hours
SENDER = "robot@tracker.example.org"
TEXT = (
    "Здравствуйте, Иван Иванович!\n\n"
    "Напоминаем, что срок исполнения мероприятия 2.3 «Разработка муниципальной программы "
    "поддержки малого и среднего предпринимательства» — 31 мая 2024 г. (осталось 3 дня).\n\n"
    "С уважением,\nсистема контроля сроков\n"
)
HTML = "<p>" + TEXT.replace("\n\n", "</p><p>").replace("\n", "<br>") + "</p>"


# --- the server, in its own process ------------------------------------------------------------


def _serve(port: Any, received: Any, ready: Any) -> None:
    from aiosmtpd.controller import Controller

    class Counting:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            with received.get_lock():
                received.value += 1
            return "250 OK"

    class Free(Controller):  # type: ignore[misc]
        def _trigger_server(self) -> None:
            self.port = self.server.sockets[0].getsockname()[1]
            super()._trigger_server()

    controller = Free(Counting(), hostname="127.0.0.1", port=0)
    controller.start()
    port.value = controller.port
    ready.set()
    time.sleep(24 * 3600)


# --- the two senders ---------------------------------------------------------------------------


def _messages(n: int) -> list[Message]:
    from tracker.notify.outbox import make_message_id
    from tracker.notify.transports import build_message

    out = []
    for i in range(n):
        to = (f"executor{i}@example.org",)
        subject = f"Напоминание: срок мероприятия {i} — 31 мая 2024 г."
        message = build_message(
            sender=SENDER,
            to_addrs=to,
            subject=subject,
            text=TEXT,
            html=HTML,
            message_id=make_message_id(f"bench:{i}", SENDER),
            when=NOW,
        )
        out.append(message)
    return out


async def _bare(port: int, connections: int, messages: list[Message]) -> float:
    import aiosmtplib

    queue: asyncio.Queue[Message] = asyncio.Queue()
    for message in messages:
        queue.put_nowait(message)

    async def worker() -> None:
        client = aiosmtplib.SMTP(
            hostname="127.0.0.1", port=port, start_tls=False, local_hostname="bench"
        )
        await client.connect()
        while not queue.empty():
            message = queue.get_nowait()
            await client.send_message(message)
        await client.quit()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(connections)))
    return time.perf_counter() - started


def _fill(url: str, n: int) -> Any:
    from tracker.notify.outbox import OutboxMessage, insert_outbox
    from tracker.store.db import make_engine, upgrade

    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as conn:
        for i in range(n):
            to = (f"executor{i}@example.org",)
            item = OutboxMessage(
                key=f"bench:{i}",
                kind="reminder",
                recipient_key=f"address:{to[0]}",
                recipient_id=None,
                to_addrs=to,
                subject=f"Напоминание: срок мероприятия {i} — 31 мая 2024 г.",
                text=TEXT,
                html=HTML,
                timezone="Europe/Moscow",
                not_before=NOW,
            )
            insert_outbox(conn, item, now=NOW, sender=SENDER)
    return engine


def _tracker(url: str, port: int, connections: int, n: int, folder: Path) -> tuple[float, float]:
    from tracker.config import load_settings
    from tracker.notify.send import send_pass

    engine = _fill(url, n)
    settings = load_settings(
        env={
            "TRACKER_MAIL_TRANSPORT": "smtp",
            "TRACKER_MAIL_FROM": SENDER,
            "TRACKER_SMTP_HOST": "127.0.0.1",
            "TRACKER_SMTP_PORT": str(port),
            "TRACKER_SMTP_STARTTLS": "false",
            "TRACKER_SMTP_CONNECTIONS": str(connections),
        },
        cwd=folder,
    )
    started, cpu = time.perf_counter(), time.process_time()
    report = asyncio.run(send_pass(engine, settings, NOW, worker="bench"))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    engine.dispose()
    if report.sent != n:
        raise SystemExit(f"tracker sent {report.sent} of {n}: {report.summary()}")
    return elapsed, cpu


# --- driver ------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgres", action="store_true", help="the outbox in PostgreSQL")
    args = parser.parse_args()
    n, k = args.messages, args.connections

    context = multiprocessing.get_context("spawn")
    port, received, ready = context.Value("i", 0), context.Value("l", 0), context.Event()
    server = context.Process(target=_serve, args=(port, received, ready), daemon=True)
    server.start()
    if not ready.wait(30):
        raise SystemExit("the SMTP server did not start")
    postgres: Any = None
    if args.postgres:
        from tracker.store.pgtemp import TempPostgres

        postgres = TempPostgres.start()
    messages = _messages(n)
    where = "PostgreSQL" if postgres else "SQLite"
    print(f"{n} messages, {k} connections, outbox in {where}, plain aiosmtpd in its own process")
    best_bare = best_ours = 0.0
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for round_ in range(1, args.rounds + 1):
                before, cpu = received.value, time.process_time()
                bare = n / asyncio.run(_bare(port.value, k, messages))
                bare_cpu = (time.process_time() - cpu) / n * 1000
                if received.value - before != n:
                    raise SystemExit(f"bare loop delivered {received.value - before} of {n}")
                folder = Path(tmp) / f"round{round_}"
                folder.mkdir()
                url = postgres.create_database() if postgres else f"sqlite:///{folder / 't.db'}"
                before = received.value
                elapsed, cpu = _tracker(url, port.value, k, n, folder)
                ours, ours_cpu = n / elapsed, cpu / n * 1000
                if received.value - before != n:
                    raise SystemExit(f"tracker delivered {received.value - before} of {n}")
                best_bare, best_ours = max(best_bare, bare), max(best_ours, ours)
                print(
                    f"round {round_}: bare aiosmtplib {bare:,.0f} msg/s ({bare_cpu:.2f} ms CPU "
                    f"each), tracker send_pass {ours:,.0f} msg/s ({ours_cpu:.2f} ms CPU each), "
                    f"ratio {ours / bare:.0%}"
                )
    finally:
        server.kill()
        if postgres is not None:
            postgres.stop()
    print(
        f"best: bare {best_bare:,.0f} msg/s, tracker {best_ours:,.0f} msg/s, "
        f"ratio {best_ours / best_bare:.0%} (target ≥ 50%)"
    )


if __name__ == "__main__":
    main()
