"""Helpers for the daemon's end-to-end tests: schedule folders, settings, simulated cycles."""

from __future__ import annotations

import asyncio
import shutil
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from mailserver import SmtpServer
from sqlalchemy import Engine, select

from tracker.config import Settings, default_settings, load_settings
from tracker.daemon.heartbeat import WorkerId, register, stopped
from tracker.daemon.steps import Steps
from tracker.store.tables import OUTBOX

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "schedules"

#: One activity due Thursday 2025-06-19 (Moscow); its executor and coordinator in Moscow.
SMALL_ROADMAP = """\
format = 1
slug = "test-2025"
title = "Тестовая дорожная карта"
timezone = "Europe/Moscow"
coordinators = ["Иванова И.И."]

[period]
start = 2025-01-01
end = 2025-12-31

[[activity]]
number = "1"
title = "Подготовить отчёт"
deadline = "до 19 июня 2025 г."
responsible = ["Петров П.П."]
"""
SMALL_EXECUTORS = """\
[[executor]]
name = "Иванова И.И."
emails = ["ivanova@example.org"]
timezone = "Europe/Moscow"
coordinates = ["test-2025"]

[[executor]]
name = "Петров П.П."
emails = ["petrov@example.org"]
timezone = "Europe/Moscow"
"""


def settings_with(base: Settings | None = None, **sections: dict[str, Any]) -> Settings:
    """Settings with some keys replaced: ``settings_with(daemon={"plan_every": 1})``."""
    settings = base or default_settings()
    changes = {
        name: replace(getattr(settings, name), **values) for name, values in sections.items()
    }
    return replace(settings, **changes)


def small_folder(folder: Path) -> Path:
    target = folder / "schedules"
    target.mkdir(parents=True, exist_ok=True)
    (target / "test.toml").write_text(SMALL_ROADMAP, encoding="utf-8")
    (target / "executors.toml").write_text(SMALL_EXECUTORS, encoding="utf-8")
    return target


def seed_folder(folder: Path, *names: str) -> Path:
    """A schedules folder with these seed roadmaps (by file stem) and the executors file."""
    target = folder / "schedules"
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(SEEDS / "executors.toml", target)
    for name in names:
        shutil.copy(SEEDS / f"{name}.toml", target)
    return target


def settings_for(folder: Path, url: str, server: SmtpServer | None, **env: str) -> Settings:
    values = {
        "TRACKER_DATABASE_URL": url,
        "TRACKER_SCHEDULES_DIR": str(folder / "schedules"),
        "TRACKER_MAIL_DIR": str(folder / "outbox"),
        **(server.env() if server is not None else {}),
        **env,
    }
    return load_settings(env=values, cwd=folder)


@dataclass
class Arrival:
    """A message the server received, with the simulated moment of the cycle that sent it."""

    at: datetime
    message_id: str
    to: str
    subject: str
    kind: str = ""
    key: str = ""


@dataclass
class Simulation:
    """Cycles at simulated moments against one database and one SMTP server."""

    engine: Engine
    settings: Settings
    server: SmtpServer
    arrivals: list[Arrival] = field(default_factory=list)
    steps: Steps | None = None

    def start(self, now: datetime) -> Steps:
        """A new daemon instance (a new worker id), as after a restart."""
        if self.steps is not None:
            stopped(self.engine, self.steps.worker, now)
        self.steps = Steps(self.engine, self.settings, WorkerId.mine())
        register(self.engine, self.steps.worker, now)
        return self.steps

    def cycle(self, now: datetime, *, sync: bool = False, send: bool = True) -> list[Arrival]:
        """What a tick of each job does at ``now``: (sync,) plan, send; returns the arrivals."""
        steps = self.steps or self.start(now)
        seen = len(self.server.received)
        if sync:
            steps.sync(now)
        steps.plan(now)
        if send:
            asyncio.run(steps.send(now))
        return self.collect(now, seen)

    def collect(self, now: datetime, seen: int) -> list[Arrival]:
        new = [
            Arrival(
                now, str(r.message["Message-ID"]), str(r.message["To"]), str(r.message["Subject"])
            )
            for r in self.server.received[seen:]
        ]
        rows = outbox_by_message_id(self.engine)
        for arrival in new:
            row = rows[arrival.message_id]
            arrival.kind, arrival.key = row.kind, row.key
        self.arrivals += new
        return new

    def duplicates(self) -> dict[str, int]:
        counts = Counter(arrival.message_id for arrival in self.arrivals)
        return {message_id: n for message_id, n in counts.items() if n > 1}


def outbox_by_message_id(engine: Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        return {row.message_id: row for row in conn.execute(select(OUTBOX))}


def outbox_states(engine: Engine) -> Counter[str]:
    with engine.connect() as conn:
        return Counter(conn.execute(select(OUTBOX.c.state)).scalars())
