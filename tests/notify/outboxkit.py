"""Builders for delivery tests: a fixed clock, settings from TRACKER_* variables, queued rows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine

from tracker.config import Settings, load_settings
from tracker.notify.outbox import OutboxMessage, OutboxRow, insert_outbox, list_rows

#: Monday 20 May 2024, 10:00 in Moscow: inside the default sending hours.
NOW = datetime(2024, 5, 20, 7, 0, tzinfo=UTC)
SENDER = "robot@tracker.example.org"
LEASE = timedelta(minutes=5)


def settings_from(env: Mapping[str, str], folder: Path) -> Settings:
    """Settings from the environment alone (no file), as the CLI would read them."""
    return load_settings(env={"TRACKER_MAIL_FROM": SENDER, **env}, cwd=folder)


def message(
    key: str,
    *,
    to: tuple[str, ...] = ("ivanov@example.org",),
    subject: str = "Напоминание: срок 31 мая 2024 г.",
    text: str = "Здравствуйте!\n\nНапоминаем о сроке.\n",
    html: str = "<p>Здравствуйте!</p><p>Напоминаем о сроке.</p>",
    timezone: str = "Europe/Moscow",
    not_before: datetime = NOW,
    expires_at: datetime | None = None,
    kind: str = "reminder",
) -> OutboxMessage:
    return OutboxMessage(
        key=key,
        kind=kind,
        recipient_key=f"address:{to[0]}",
        recipient_id=None,
        to_addrs=to,
        subject=subject,
        text=text,
        html=html,
        timezone=timezone,
        not_before=not_before,
        expires_at=expires_at,
    )


def queue(engine: Engine, *messages: OutboxMessage, now: datetime = NOW) -> list[int]:
    """Queue messages in one transaction; returns their ids (all must be new)."""
    ids: list[int] = []
    with engine.begin() as conn:
        for item in messages:
            found = insert_outbox(conn, item, now=now, sender=SENDER)
            assert found is not None, item.key
            ids.append(found)
    return ids


def row(engine: Engine, row_id: int) -> OutboxRow:
    (found,) = [r for r in list_rows(engine, limit=10_000) if r.id == row_id]
    return found


@dataclass(frozen=True)
class Person:
    key: str
    executor_id: int | None = None


@dataclass(frozen=True)
class Made:
    """A stand-in for the policy's Notification (the outbox reads it through a Protocol)."""

    key: str
    occurrence_id: int | None
    recipient: Person
    kind: str
    stage: str
    day: date
    send_at: datetime
    expires_at: datetime | None = None


def made(kind: str, stage: str, recipient: str = "address:ivanov@example.org") -> Made:
    return Made(
        key=f"{kind}:{stage}:-:{recipient}",
        occurrence_id=None,
        recipient=Person(recipient),
        kind=kind,
        stage=stage,
        day=NOW.date(),
        send_at=NOW,
    )
