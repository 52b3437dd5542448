"""Fault tests against the real SMTP server: nothing is lost, nothing goes out twice but for a
sender killed after sending (then at most once more)."""

from __future__ import annotations

import asyncio
import copy
import os
import select
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from mailserver import DROP, Faults, SmtpServer
from outboxkit import NOW, message, queue, row, settings_from
from sqlalchemy import Engine, update

from tracker.config import Settings
from tracker.notify.outbox import Outcome, failures_since
from tracker.notify.send import SendReport, send_pass
from tracker.notify.transports import Delivery, SmtpTransport
from tracker.store.tables import OUTBOX

HERE = Path(__file__).resolve().parent
MINUTE = timedelta(minutes=1)
LEASE = timedelta(seconds=300)  # [daemon] lease_seconds, the default


@pytest.fixture
def settings(smtp_server: SmtpServer, tmp_path: Path) -> Settings:
    return settings_from(smtp_server.env(), tmp_path)


def _send(
    engine: Engine, settings: Settings, at: timedelta = timedelta(0), **kw: Any
) -> SendReport:
    return asyncio.run(send_pass(engine, settings, NOW + at, worker="sender", **kw))


def _deliveries(server: SmtpServer) -> Counter[str]:
    """How often each Message-ID arrived."""
    return Counter(str(r.message["Message-ID"]) for r in server.received)


TEMPORARY = {
    "data-421": (Faults(data=["421 4.3.2 System shutting down"]), "421 4.3.2"),
    "data-451": (Faults(data=["451 4.3.0 Local error in processing"]), "451 4.3.0"),
    "rcpt-451-greylisted": (Faults(rcpt=["451 4.7.1 Greylisted, try again"]), "451 4.7.1"),
    "rcpt-421": (Faults(rcpt=["421 4.4.5 Too many connections"]), "421 4.4.5"),
    "dropped-mid-message": (Faults(data=[DROP]), "closed the connection"),
}


@pytest.mark.parametrize(("faults", "error"), list(TEMPORARY.values()), ids=list(TEMPORARY))
def test_temporary_failure_then_delivered_once_later(
    engine: Engine, smtp_server: SmtpServer, settings: Settings, faults: Faults, error: str
) -> None:
    smtp_server.handler.faults = copy.deepcopy(faults)  # the table is shared by both databases
    (row_id,) = queue(engine, message("a"))
    first = _send(engine, settings)
    assert [line.outcome for line in first.lines] == [Outcome.RETRY]
    assert smtp_server.received == []
    waiting = row(engine, row_id)
    assert (waiting.state, waiting.attempts) == ("pending", 1)
    assert waiting.next_attempt_at == NOW + MINUTE
    assert error in (waiting.last_error or "")
    assert _send(engine, settings, at=MINUTE / 2).lines == []  # not before the backoff
    second = _send(engine, settings, at=MINUTE)
    assert [line.outcome for line in second.lines] == [Outcome.SENT]
    assert _deliveries(smtp_server) == {waiting.message_id: 1}
    sent = row(engine, row_id)
    assert (sent.state, sent.attempts, sent.sent_at) == ("sent", 2, NOW + MINUTE)
    assert _send(engine, settings, at=timedelta(days=1)).lines == []


PERMANENT = {
    "rcpt-550": (Faults(refuse={"ivanov@example.org": "550 5.1.1 No such user"}), "550 5.1.1"),
    "data-554": (Faults(data=["554 5.7.1 Message rejected"]), "554 5.7.1"),
}


@pytest.mark.parametrize(("faults", "error"), list(PERMANENT.values()), ids=list(PERMANENT))
def test_permanent_failure_is_failed_reported_and_not_retried(
    engine: Engine, smtp_server: SmtpServer, settings: Settings, faults: Faults, error: str
) -> None:
    smtp_server.handler.faults = copy.deepcopy(faults)  # the table is shared by both databases
    other = "petrova@example.org"
    failing, fine = queue(engine, message("a"), message("b", to=(other,)))
    report = _send(engine, settings)
    assert Counter(line.outcome for line in report.lines) == {Outcome.FAILED: 1, Outcome.SENT: 1}
    assert [r.rcpt_tos for r in smtp_server.received] == [(other,)]
    failed = row(engine, failing)
    assert (failed.state, failed.attempts, failed.failed_at) == ("failed", 1, NOW)
    assert error in (failed.last_error or "")
    assert [r.id for r in failures_since(engine, NOW - timedelta(days=7))] == [failing]
    commands = list(smtp_server.handler.commands)
    assert _send(engine, settings, at=timedelta(days=2)).lines == []
    assert smtp_server.handler.commands == commands  # never tried again
    assert row(engine, fine).state == "sent"


def test_partial_refusal_is_sent_and_records_who_was_refused(
    engine: Engine, smtp_server: SmtpServer, settings: Settings
) -> None:
    smtp_server.faults.refuse["office@example.org"] = "550 5.1.1 Mailbox unavailable"
    (row_id,) = queue(engine, message("a", to=("ivanov@example.org", "office@example.org")))
    assert [line.outcome for line in _send(engine, settings).lines] == [Outcome.SENT]
    (received,) = smtp_server.received
    assert received.rcpt_tos == ("ivanov@example.org",)
    stored = row(engine, row_id)
    assert stored.state == "sent"
    assert stored.last_error == "refused: office@example.org: 550 5.1.1 Mailbox unavailable"
    assert [r.id for r in failures_since(engine, NOW)] == [row_id]
    assert _send(engine, settings, at=timedelta(hours=1)).lines == []


def test_every_recipient_refused_with_any_4xx_is_retried(
    engine: Engine, smtp_server: SmtpServer, settings: Settings
) -> None:
    smtp_server.faults.refuse.update(
        {"ivanov@example.org": "550 5.1.1 No such user", "office@example.org": "450 4.2.1 Busy"}
    )
    (row_id,) = queue(engine, message("a", to=("ivanov@example.org", "office@example.org")))
    assert [line.outcome for line in _send(engine, settings).lines] == [Outcome.RETRY]
    assert "every recipient refused" in (row(engine, row_id).last_error or "")
    smtp_server.faults.clear()
    assert [line.outcome for line in _send(engine, settings, at=MINUTE).lines] == [Outcome.SENT]
    assert [r.rcpt_tos for r in smtp_server.received] == [
        ("ivanov@example.org", "office@example.org")
    ]


def test_a_poisoned_row_is_pushed_back_and_the_others_go(
    engine: Engine, smtp_server: SmtpServer, settings: Settings
) -> None:
    poisoned, *fine = queue(
        engine, *(message(f"m{i}", to=(f"u{i}@example.org",)) for i in range(4))
    )
    with engine.begin() as conn:  # a header value no message can carry
        conn.execute(update(OUTBOX).where(OUTBOX.c.id == poisoned).values(message_id="<a\nb>"))
    report = _send(engine, settings)
    assert report.sent == 3 and report.retried == 1
    stored = row(engine, poisoned)
    assert stored.state == "pending" and "unexpected ValueError" in (stored.last_error or "")
    assert {row(engine, i).state for i in fine} == {"sent"}


def test_stop_ends_the_pass_and_gives_back_what_was_not_tried(
    engine: Engine, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    settings = settings_from({**smtp_server.env(), "TRACKER_SMTP_CONNECTIONS": "1"}, tmp_path)
    stop = asyncio.Event()

    class StopAfterOne(SmtpTransport):
        async def send(self, message: Message, **kw: Any) -> Delivery:
            delivery = await super().send(message, **kw)
            stop.set()
            return delivery

    ids = queue(engine, *(message(f"m{i}", to=(f"u{i}@example.org",)) for i in range(5)))

    async def run() -> SendReport:
        transport = StopAfterOne(settings.smtp)
        try:
            return await send_pass(
                engine, settings, NOW, worker="sender", stop=stop, transport=transport
            )
        finally:
            await transport.close()

    report = asyncio.run(run())
    assert report.sent == 1 and report.released == 4
    rows = [row(engine, i) for i in ids]
    assert sorted(r.state for r in rows) == ["pending"] * 4 + ["sent"]
    assert all(r.attempts == 0 for r in rows if r.state == "pending")
    assert _send(engine, settings).sent == 4  # the next pass sends them at once


def test_a_cancelled_pass_finishes_what_is_in_flight_and_gives_back_the_rest(
    engine: Engine, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    settings = settings_from({**smtp_server.env(), "TRACKER_SMTP_CONNECTIONS": "1"}, tmp_path)
    ids = queue(engine, *(message(f"m{i}", to=(f"u{i}@example.org",)) for i in range(5)))

    async def run() -> None:
        passes: list[asyncio.Task[SendReport]] = []

        class CancelAfterOne(SmtpTransport):
            async def send(self, message: Message, **kw: Any) -> Delivery:
                delivery = await super().send(message, **kw)
                passes[0].cancel()  # as a daemon shutting down would
                return delivery

        transport = CancelAfterOne(settings.smtp)
        passes.append(asyncio.create_task(
            send_pass(engine, settings, NOW, worker="sender", transport=transport)
        ))  # fmt: skip
        with pytest.raises(asyncio.CancelledError):
            await passes[0]
        await transport.close()

    asyncio.run(run())
    rows = [row(engine, i) for i in ids]
    assert "sending" not in {r.state for r in rows}  # nothing left waiting for a lease
    sent = [r for r in rows if r.state == "sent"]
    assert len(sent) == len(smtp_server.received) >= 1
    assert all(r.attempts == 0 for r in rows if r.state == "pending")
    assert _send(engine, settings).sent == len(ids) - len(sent)


def _env(server: SmtpServer) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    return {**clean, **server.env()}


@pytest.mark.parametrize(
    ("mode", "copies"),
    [("claim", 1), ("send", 2)],
    ids=["killed-between-claim-and-send", "killed-between-send-and-mark"],
)
def test_sender_killed_mid_pass_loses_nothing(
    engine: Engine,
    db_url: str,
    smtp_server: SmtpServer,
    settings: Settings,
    tmp_path: Path,
    mode: str,
    copies: int,
) -> None:
    ids = queue(engine, message("a", to=("a@example.org",)), message("b", to=("b@example.org",)))
    process = subprocess.Popen(
        [sys.executable, str(HERE / "sender_process.py"), db_url, NOW.isoformat(), mode],
        stdout=subprocess.PIPE,
        text=True,
        env=_env(smtp_server),
        cwd=tmp_path,
    )
    try:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], 120)
        claimed = process.stdout.readline() if ready else ""
    finally:
        process.kill()  # SIGKILL: no cleanup, no result recorded
        process.wait()
    assert sorted(int(i) for i in claimed.split()) == sorted(ids)
    assert {row(engine, i).state for i in ids} == {"sending"}
    assert len(smtp_server.received) == (len(ids) if mode == "send" else 0)

    assert _send(engine, settings, at=LEASE - MINUTE).lines == []  # the lease still holds
    report = _send(engine, settings, at=LEASE)
    assert report.sent == len(ids)
    assert {row(engine, i).state for i in ids} == {"sent"}
    assert {row(engine, i).attempts for i in ids} == {2}
    assert _deliveries(smtp_server) == {row(engine, i).message_id: copies for i in ids}
