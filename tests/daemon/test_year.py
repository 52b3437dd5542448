"""The issue's end-to-end test: a simulated clock moves in 6-hour steps across the whole period of
the seed roadmap spassk-2022 (1 September 2022 – 31 August 2023), against a real SMTP server
(STARTTLS and AUTH). Part-way through, the daemon is restarted: one cycle runs as a separate
`tracker run --once` process, and a new daemon instance takes over. Executors mark half of the
items done at noon on their due date.

Every expected message arrives exactly once, and none arrives at night, at a weekend or on a
holiday in the recipient's time zone.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from daemonkit import Simulation, outbox_states, seed_folder, settings_for
from mailserver import SmtpServer
from sqlalchemy import Engine, select

from tracker.calendar import russian_calendar
from tracker.notify.outbox import read_stored
from tracker.store.changes import change_status
from tracker.store.db import make_engine, upgrade
from tracker.store.models import Status
from tracker.store.tables import ACTIVITY as A
from tracker.store.tables import ACTIVITY_EXECUTOR as AE
from tracker.store.tables import EXECUTOR as EX
from tracker.store.tables import NOTIFICATION, OUTBOX, WORKER
from tracker.store.tables import OCCURRENCE as OC

START = datetime(2022, 9, 1, 0, 0, tzinfo=UTC)
END = datetime(2023, 9, 11, 0, 0, tzinfo=UTC)  # ten days past the period, for the last notices
STEP = timedelta(hours=6)
RESTART = datetime(2023, 3, 1, 0, 0, tzinfo=UTC)  # this cycle runs as its own process
ZONE = ZoneInfo("Asia/Vladivostok")  # the roadmap's, and every one of its executors'


def windows(engine: Engine) -> list[tuple[int, str, date]]:
    """(occurrence id, activity key, effective due) of every window of the roadmap."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(OC.c.id, A.c.key, OC.c.effective_due)
            .join(A, OC.c.activity_id == A.c.id)
            .where(OC.c.kind == "window", OC.c.archived_at.is_(None))
            .order_by(OC.c.effective_due, OC.c.id)
        ).all()
    return [(row.id, row.key, row.effective_due) for row in rows]


def recipients(engine: Engine) -> dict[int, set[str]]:
    """Occurrence id → the executor keys (``executor:<id>``) that get its reminders."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(OC.c.id, EX.c.id.label("executor"), EX.c.emails)
            .join(AE, AE.c.activity_id == OC.c.activity_id)
            .join(EX, EX.c.id == AE.c.executor_id)
        ).all()
    out: dict[int, set[str]] = defaultdict(set)
    for row in rows:
        if row.emails:
            out[row.id].add(f"executor:{row.executor}")
    return out


def zones_by_address(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        rows = conn.execute(select(EX.c.emails, EX.c.timezone)).all()
    return {address: row.timezone or "Europe/Moscow" for row in rows for address in row.emails}


def run_once_process(folder: Path, env: dict[str, str], now: datetime) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tracker", "run", "--once", "--now", now.isoformat()],
        cwd=folder, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


def test_a_year_of_spassk_with_a_restart(smtp_server: SmtpServer, tmp_path: Path) -> None:
    seed_folder(tmp_path, "spassk")
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    engine = make_engine(url)
    upgrade(engine)
    settings = settings_for(tmp_path, url, smtp_server)
    sim = Simulation(engine, settings, smtp_server)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")},
        **smtp_server.env(),
        "TRACKER_DATABASE_URL": url,
    }

    sim.cycle(START, sync=True)
    plan = windows(engine)
    done_ones = {oid for oid, _key, _due in plan if oid % 2 == 0}
    to_mark = sorted((due, oid, key) for oid, key, due in plan if oid in done_ones)
    now = START + STEP
    while now < END:
        if now == RESTART:
            seen = len(smtp_server.received)
            run_once_process(tmp_path, env, now)  # a new process
            sim.collect(now, seen)
            sim.start(now)  # and then a new daemon instance
        else:
            sim.cycle(now)
        local = now.astimezone(ZONE)
        while to_mark and (to_mark[0][0], 12) <= (local.date(), local.hour):  # done at noon
            due, oid, key = to_mark.pop(0)
            change_status(
                engine, f"spassk-2022:{key}", Status.DONE, now=now, actor="executor",
                occurrence_id=oid, completed_on=due,
            )  # fmt: skip
        now += STEP

    # exactly once: every outbox row that was sent arrived once; nothing is left unsent
    assert sim.duplicates() == {}
    with engine.connect() as conn:
        rows = conn.execute(select(OUTBOX.c.message_id, OUTBOX.c.state)).all()
        made = []  # (kind, occurrence, recipient key, message id) of every notification sent
        for row in conn.execute(
            select(NOTIFICATION, OUTBOX.c.message_id).join(
                OUTBOX, OUTBOX.c.id == NOTIFICATION.c.outbox_id
            )
        ):
            stored = read_stored(row)
            made.append(
                (stored.kind.value, row.occurrence_id, stored.recipient_key, row.message_id)
            )
        workers = conn.execute(select(WORKER.c.id)).scalars().all()
    sent = {row.message_id for row in rows if row.state == "sent"}
    assert {arrival.message_id for arrival in sim.arrivals} == sent
    assert set(outbox_states(engine)) <= {"sent", "superseded"}
    assert len(workers) == 3  # the first instance, the separate process, the restarted instance

    # never at night, at a weekend or on a holiday where the recipient is
    zones = zones_by_address(engine)
    calendar = russian_calendar()
    for arrival in sim.arrivals:
        local = arrival.at.astimezone(ZoneInfo(zones[arrival.to]))
        assert 9 <= local.hour < 18, (arrival.to, arrival.subject, local)
        assert calendar.is_working_day(local.date()), (arrival.to, arrival.subject, local)

    # the expected messages: each executor hears on the due date of every window, and once the
    # day after it is overdue when it is still open; nobody is told a done item is overdue
    arrived = {arrival.message_id: arrival for arrival in sim.arrivals}
    by_stage: dict[tuple[str, int | None, str], list[str]] = defaultdict(list)
    for kind, occurrence_id, recipient_key, message_id in made:
        by_stage[(kind, occurrence_id, recipient_key)].append(message_id)
    who = recipients(engine)
    checked = 0
    last_due = (END - timedelta(days=9)).astimezone(ZONE).date()
    for oid, _key, due in plan:
        if not START.date() < due <= last_due:
            continue
        for person in who[oid]:
            (message_id,) = by_stage[("due_today", oid, person)]
            assert arrived[message_id].at.astimezone(ZONE).date() == due
            overdue = by_stage[("overdue", oid, person)]
            if oid in done_ones:
                assert overdue == []
            else:
                assert overdue and all(mid in arrived for mid in overdue)
            checked += 1
    assert checked >= 20
