"""Downtime, a suspended machine and a clock set back: every tick works out from the database
what is due, so each missed notification is sent once or superseded, never twice, never late
when it has lost its use. On SQLite and PostgreSQL, through a real SMTP server."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from daemonkit import Simulation, outbox_states, settings_for, small_folder
from mailserver import SmtpServer
from sqlalchemy import Engine, select

from tracker.notify.outbox import read_stored
from tracker.store.tables import NOTIFICATION, OUTBOX

MSK = ZoneInfo("Europe/Moscow")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=MSK)


def kinds(arrivals: list) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return sorted((arrival.to, arrival.kind) for arrival in arrivals)


def test_missed_notifications_are_sent_once_and_stale_ones_superseded(
    engine: Engine, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    small_folder(tmp_path)
    url = engine.url.render_as_string(hide_password=False)
    sim = Simulation(engine, settings_for(tmp_path, url, smtp_server), smtp_server)

    # Thursday 5 June, 14 days before the due date: the first reminder, and the week's digest.
    first = sim.cycle(at("2025-06-05T10:00"), sync=True)
    assert kinds(first) == [("ivanova@example.org", "digest"), ("petrov@example.org", "reminder")]

    # Monday 16 June, 17:30: the «3 days before» reminder and the week's digest are queued, then
    # the machine is suspended before the send tick, for a week.
    assert sim.cycle(at("2025-06-16T17:30"), send=False) == []
    with engine.connect() as conn:
        queued = conn.execute(select(OUTBOX.c.key).where(OUTBOX.c.state == "pending")).all()
    assert len(queued) == 2

    # Monday 23 June after the downtime (the due date was Thursday 19th): the stale reminder and
    # last week's digest are superseded, not sent late; the overdue notice and this week's digest
    # go out once. The «due today» message, whose day passed during the downtime, is never made.
    sim.start(at("2025-06-23T10:00"))  # a restarted daemon
    after = sim.cycle(at("2025-06-23T10:00"))
    assert kinds(after) == [("ivanova@example.org", "digest"), ("petrov@example.org", "overdue")]
    assert outbox_states(engine)["superseded"] == 2

    # Later that day, and with the clock set back three days: nothing new.
    assert sim.cycle(at("2025-06-23T15:00")) == []
    assert sim.cycle(at("2025-06-20T12:00")) == []

    # Friday 27 June: the weekly overdue notice, once.
    assert kinds(sim.cycle(at("2025-06-27T10:00"))) == [("petrov@example.org", "overdue")]
    assert sim.cycle(at("2025-06-27T10:00")) == []

    assert sim.duplicates() == {}
    with engine.connect() as conn:
        stored = [read_stored(row) for row in conn.execute(select(NOTIFICATION))]
        stages = sorted(
            (one.kind.value, one.stage.split("@")[0]) for one in stored if one.kind != "digest"
        )
    assert stages == [
        ("overdue", "1"),
        ("overdue", "2"),
        ("reminder", "due-14"),
        ("reminder", "due-3"),
    ]
    assert outbox_states(engine) == {"sent": 5, "superseded": 2}
