"""One send pass: claim due outbox rows, deliver them with bounded concurrency, mark each.

::

    claim (chunks, under a lease) ──► queue ──► N senders ──► results ──► record (batched)

Claiming runs one small chunk ahead of the senders, so the connections stay busy while few
rows are claimed and not yet recorded: a sender killed mid-pass leaves only those waiting on
their lease, and hands over again at most the one message per connection it had in flight.
Results are recorded as they come, several in one transaction when they come fast. A row whose
processing raises anything unexpected is pushed back for a retry instead of ending the pass.
When the server itself is unavailable (connection refused, AUTH refused, 421 …) the pass stops
claiming and gives back the rows it has not tried, their attempt not counted. A claimed row that
waited so long that its lease is nearly over is given back rather than sent, so that a row
another sender may take over is never sent by both. After the pass, the rows other senders
hold under a lease are counted, so that «nothing to send» says what waits and until when.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from tracker.errors import SendError
from tracker.notify.outbox import (
    Claimed,
    OutboxRow,
    Outcome,
    Result,
    SendPolicy,
    claim,
    leased_elsewhere,
    make_message_id,
    record,
    release,
)
from tracker.notify.transports import (
    ServerUnavailable,
    Transport,
    build_message,
    make_transport,
    message_for,
)
from tracker.timezones import zone_or

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from tracker.config import Settings

__all__ = [
    "SendLine",
    "SendReport",
    "default_worker",
    "send_now",
    "send_pass",
    "send_test",
    "send_test_now",
]

#: Rows claimed per transaction, per connection of the transport: a small in-flight window.
PER_CONNECTION = 8
#: A claimed row is given back unsent once this share of its lease has gone by.
LEASE_MARGIN = 0.8
#: Seconds a result waits for others to join its transaction. 0: results are recorded at once,
#: together with those that arrived while the previous transaction ran. Every message handed
#: over but not yet recorded goes out again if the sender is killed, so waiting here would
#: trade duplicates for fewer transactions (20 ms gave 1-8 duplicates per kill, 0 gives 1-2).
RECORD_WAIT = 0.0


@dataclass(frozen=True, slots=True)
class SendLine:
    """What happened to one row in a pass."""

    id: int
    to: tuple[str, ...]
    subject: str
    outcome: Outcome
    error: str | None = None


@dataclass(slots=True)
class SendReport:
    """The rows a pass touched, in the order their fate was known, with counts by outcome.
    ``released`` rows were claimed but not tried (the pass stopped); they are pending again."""

    lines: list[SendLine] = field(default_factory=list)
    released: int = 0
    halted: str | None = None  # why the pass stopped early: the server was unavailable
    leased: int = 0  # rows other senders hold under a lease that has not run out
    leased_until: str | None = None  # when the last of those leases ends, for people

    def count(self, outcome: Outcome) -> int:
        return sum(1 for line in self.lines if line.outcome is outcome)

    @property
    def sent(self) -> int:
        return self.count(Outcome.SENT)

    @property
    def retried(self) -> int:
        return self.count(Outcome.RETRY)

    @property
    def failed(self) -> int:
        return self.count(Outcome.FAILED)

    @property
    def superseded(self) -> int:
        return self.count(Outcome.SUPERSEDED)

    @property
    def deferred(self) -> int:
        return self.count(Outcome.DEFERRED)

    @property
    def lost(self) -> int:
        return self.count(Outcome.LOST)

    def summary(self) -> str:
        """``3 sent, 1 retry`` (outcomes that happened, in a fixed order)."""
        counts = Counter(line.outcome for line in self.lines)
        parts = [f"{counts[o]} {o.value}" for o in Outcome if counts[o]]
        if self.released:
            parts.append(f"{self.released} given back")
        done = ", ".join(parts) or "nothing to send"
        if self.leased:
            held = "message waits" if self.leased == 1 else "messages wait"
            done += (
                f"; {self.leased} {held} on another sender's lease until {self.leased_until} "
                "(a stopped sender's are sent again then)"
            )
        return done


def default_worker() -> str:
    """A worker id unique on this machine for this process: ``host:pid``."""
    return f"{socket.gethostname() or 'localhost'}:{os.getpid()}"


def _line(row: OutboxRow, outcome: Outcome, error: str | None = None) -> SendLine:
    return SendLine(row.id, row.to_addrs, row.subject, outcome, error)


class _Pass:
    """The state of one pass; :meth:`run` drives it."""

    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        now: datetime,
        transport: Transport,
        *,
        worker: str,
        limit: int | None,
        stop: asyncio.Event | None,
        lease: timedelta,
        chunk: int,
        only: Collection[int] | None,
    ) -> None:
        self.engine, self.settings, self.now = engine, settings, now
        self.transport, self.worker, self.limit = transport, worker, limit
        self.stop = stop or asyncio.Event()
        self.lease, self.chunk, self.only = lease, chunk, only
        self.policy = SendPolicy.from_settings(settings)
        self.report = SendReport()
        self.halt = asyncio.Event()  # the server is unavailable: stop claiming
        self.unsent: list[OutboxRow] = []
        concurrency = max(1, transport.concurrency)
        self.queue: asyncio.Queue[tuple[OutboxRow, float] | None] = asyncio.Queue(
            maxsize=concurrency
        )
        self.results: asyncio.Queue[Result | None] = asyncio.Queue()
        self.senders = concurrency

    def stopping(self) -> bool:
        return self.stop.is_set() or self.halt.is_set()

    async def run(self) -> SendReport:
        marker = asyncio.create_task(self._record())
        senders = [asyncio.create_task(self._send()) for _ in range(self.senders)]
        try:
            await self._claim()
        except BaseException:  # cancelled, or the store failed: send nothing more
            self.halt.set()
            raise
        finally:
            await self._finish_even_if_cancelled(senders, marker)
        return self.report

    async def _finish_even_if_cancelled(
        self, senders: list[asyncio.Task[None]], marker: asyncio.Task[None]
    ) -> None:
        """Finish the messages in flight, record them and give back the rest, even when the
        pass is cancelled (meanwhile, a cancellation stops new sends and is re-raised after)."""
        finish = asyncio.ensure_future(self._finish(senders, marker))
        cancelled = False
        while not finish.done():
            try:
                await asyncio.shield(finish)
            except asyncio.CancelledError:
                if finish.done():
                    raise
                self.halt.set()
                cancelled = True
        finish.result()
        if cancelled:
            raise asyncio.CancelledError

    async def _finish(self, senders: list[asyncio.Task[None]], marker: asyncio.Task[None]) -> None:
        for _ in senders:
            await self.queue.put(None)
        await asyncio.gather(*senders, return_exceptions=True)
        await self.results.put(None)
        await marker
        if self.unsent:
            self.report.released += await asyncio.to_thread(
                release, self.engine, self.unsent, self.worker
            )

    async def _claim(self) -> None:
        loop = asyncio.get_running_loop()
        remaining = self.limit
        while not self.stopping() and (remaining is None or remaining > 0):
            size = self.chunk if remaining is None else min(self.chunk, remaining)
            claimed: Claimed = await asyncio.to_thread(
                claim,
                self.engine,
                self.worker,
                self.now,
                limit=size,
                lease=self.lease,
                policy=self.policy,
                only=self.only,
            )
            at = loop.time()
            self._note(claimed)
            if claimed.touched == 0:
                return
            for index, row in enumerate(claimed.rows):
                try:
                    await self.queue.put((row, at))
                except BaseException:  # cancelled while the queue was full: give the rest back
                    self.unsent.extend(claimed.rows[index:])
                    raise
            if remaining is not None:
                remaining -= len(claimed.rows)

    def _note(self, claimed: Claimed) -> None:
        lines = self.report.lines
        lines += [_line(row, Outcome.SUPERSEDED, row.last_error) for row in claimed.superseded]
        lines += [_line(row, Outcome.FAILED, row.last_error) for row in claimed.exhausted]
        for row in claimed.deferred:
            lines.append(_line(row, Outcome.DEFERRED, f"outside sending hours: {_local(row)}"))

    async def _send(self) -> None:
        loop = asyncio.get_running_loop()
        margin = self.lease.total_seconds() * LEASE_MARGIN
        while (item := await self.queue.get()) is not None:
            row, claimed_at = item
            if self.stopping() or loop.time() - claimed_at > margin:
                self.unsent.append(row)
                continue
            await self.results.put(await self._deliver(row))

    async def _deliver(self, row: OutboxRow) -> Result:
        try:
            message = message_for(row, self.settings.mail.sender, self.now)
            zone = self.policy.zone(row.timezone)
            day = row.not_before.astimezone(zone).date()
            delivery = await self.transport.send(
                message, sender=self.settings.mail.sender, recipients=row.to_addrs, day=day
            )
        except SendError as error:
            if isinstance(error, ServerUnavailable):
                self.report.halted = str(error)
                self.halt.set()
            return Result(row, Outcome.FAILED if error.permanent else Outcome.RETRY, str(error))
        except Exception as error:  # a poisoned row must not end the pass; its traceback is logged
            logging.getLogger(__name__).error(
                "send: message %s failed unexpectedly; it goes back to the outbox",
                row.id,
                exc_info=True,
            )
            return Result(row, Outcome.RETRY, f"unexpected {type(error).__name__}: {error}")
        refused = "; ".join(f"{a}: {reply}" for a, reply in sorted(delivery.refused.items()))
        return Result(row, Outcome.SENT, f"refused: {refused}" if refused else None)

    async def _record(self) -> None:
        done = False
        while not done:
            first = await self.results.get()
            if first is None:
                return
            batch = [first]
            await asyncio.sleep(RECORD_WAIT)  # let a few more results join this transaction
            while not self.results.empty():
                item = self.results.get_nowait()
                if item is None:
                    done = True
                    break
                batch.append(item)
            outcomes = await asyncio.to_thread(
                record, self.engine, batch, self.worker, self.now, policy=self.policy
            )
            for result, outcome in zip(batch, outcomes, strict=True):
                self.report.lines.append(_line(result.row, outcome, result.error))


def _local(row: OutboxRow) -> str:
    try:
        zone = ZoneInfo(row.timezone)
    except (ValueError, KeyError):
        return f"{row.next_attempt_at:%Y-%m-%d %H:%M} UTC"
    return f"next {row.next_attempt_at.astimezone(zone):%Y-%m-%d %H:%M} {row.timezone}"


async def send_pass(
    engine: Engine,
    settings: Settings,
    now: datetime,
    *,
    worker: str,
    limit: int | None = None,
    stop: asyncio.Event | None = None,
    transport: Transport | None = None,
    lease: timedelta | None = None,
    chunk: int | None = None,
    only: Collection[int] | None = None,
) -> SendReport:
    """Send what the outbox holds for ``now``, as ``worker``; returns what happened to each row.

    At most ``limit`` rows are claimed (all due rows without it), ``chunk`` per transaction
    (default :data:`PER_CONNECTION` per connection of the transport), each under a lease of
    ``lease`` (default ``[daemon] lease_seconds``). Setting ``stop`` ends the pass after the
    messages in flight; the rows not tried yet are given back. ``transport`` defaults to the
    configured one (``[mail] transport``), opened and closed by the pass. ``only`` restricts the
    pass to these outbox ids.
    """
    own = transport is None
    used = transport if transport is not None else make_transport(settings)
    run = _Pass(
        engine,
        settings,
        now,
        used,
        worker=worker,
        limit=limit,
        stop=stop,
        lease=lease if lease is not None else timedelta(seconds=settings.daemon.lease_seconds),
        chunk=max(1, chunk or PER_CONNECTION * max(1, used.concurrency)),
        only=only,
    )
    try:
        report = await run.run()
    finally:
        if own:
            await used.close()
    report.leased, until = await asyncio.to_thread(leased_elsewhere, engine, worker, now, only)
    if until is not None:
        zone = zone_or(settings.policy.timezone, "UTC")
        report.leased_until = f"{until.astimezone(zone):%Y-%m-%d %H:%M} {settings.policy.timezone}"
    return report


def send_now(
    engine: Engine,
    settings: Settings,
    now: datetime,
    *,
    worker: str | None = None,
    limit: int | None = None,
    only: Collection[int] | None = None,
) -> SendReport:
    """:func:`send_pass` for synchronous callers (the CLI)."""
    return asyncio.run(
        send_pass(
            engine,
            settings,
            now,
            worker=worker or default_worker(),
            limit=limit,
            only=only,
        )
    )


# --- a test message ---------------------------------------------------------------------------

TEST_SUBJECT = "Проверка отправки почты"
TEST_TEXT = (
    "Здравствуйте!\n\n"
    "Это проверочное письмо системы контроля сроков (tracker). Если оно дошло, настройки "
    "отправки почты верны. Отвечать на него не нужно.\n"
)
TEST_HTML = (
    "<p>Здравствуйте!</p>"
    "<p>Это проверочное письмо системы контроля сроков (tracker). Если оно дошло, настройки "
    "отправки почты верны. Отвечать на него не нужно.</p>"
)


async def send_test(settings: Settings, address: str, now: datetime) -> str:
    """Send one test message to ``address`` through the configured transport, now (no outbox,
    no sending hours). Returns where it went; raises :class:`SendError` with what to check."""
    sender = settings.mail.sender
    message = build_message(
        sender=sender,
        to_addrs=[address],
        subject=TEST_SUBJECT,
        text=TEST_TEXT,
        html=TEST_HTML,
        message_id=make_message_id(f"test:{address}:{now.isoformat()}", sender),
        when=now,
    )
    transport = make_transport(settings)
    try:
        delivery = await transport.send(
            message, sender=sender, recipients=[address], day=now.date()
        )
    finally:
        await transport.close()
    where = transport.describe()
    return f"{where}; {delivery.detail}" if delivery.detail else where


def send_test_now(settings: Settings, address: str, now: datetime) -> str:
    """:func:`send_test` for synchronous callers (the CLI)."""
    return asyncio.run(send_test(settings, address, now))
