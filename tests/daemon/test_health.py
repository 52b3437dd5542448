"""`tracker health`: a ticking daemon and a draining outbox pass; staleness, backlog and failures
do not, each with its reason."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from daemonkit import settings_with
from sqlalchemy import Engine, insert

from tracker.cli import cli
from tracker.daemon.health import check, span
from tracker.daemon.heartbeat import WorkerId, beat, register, stopped
from tracker.store.tables import OUTBOX

NOW = datetime(2022, 10, 3, 7, 0, tzinfo=UTC)
WORKER = WorkerId("host", 42, "beef")
DAEMON = settings_with(daemon={"stale_after": 1800, "max_pending": 3}).daemon


def outbox_row(n: int, state: str, **values: Any) -> dict[str, Any]:
    return {
        "key": f"reminder:14:{n}:executor:1",
        "message_id": f"<{n}@example.org>",
        "kind": "reminder",
        "recipient_key": "executor:1",
        "to_addrs": ["a@example.org"],
        "subject": "s",
        "text": "t",
        "html": "h",
        "timezone": "Europe/Moscow",
        "state": state,
        "attempts": 0,
        "not_before": NOW - timedelta(hours=1),
        "next_attempt_at": NOW - timedelta(hours=1),
        "created_at": NOW - timedelta(hours=2),
        **values,
    }


def add_rows(engine: Engine, rows: list[dict[str, Any]]) -> None:
    with engine.begin() as conn:
        conn.execute(insert(OUTBOX), rows)


def due(n: int) -> list[dict[str, Any]]:
    return [outbox_row(i, "pending") for i in range(n)]


CASES: list[tuple[str, Any, list[dict[str, Any]], str | None]] = [
    ("fresh-tick", timedelta(minutes=5), [], None),
    ("tick-just-inside", timedelta(seconds=1800), [], None),
    ("stale", timedelta(hours=2, minutes=3), [], "the daemon has not ticked for 2 h 03 min"),
    ("never-ticked", None, [], "no daemon has ticked yet"),
    ("backlog-at-limit", timedelta(minutes=1), due(3), None),
    ("backlog", timedelta(minutes=1), due(4), "4 messages are due and unsent (more than 3)"),
    (
        "later-rows-are-not-backlog",
        timedelta(minutes=1),
        [outbox_row(i, "pending", next_attempt_at=NOW + timedelta(hours=9)) for i in range(9)],
        None,
    ),
    (
        "expired-leases-are-backlog",
        timedelta(minutes=1),
        [outbox_row(i, "sending", lease_until=NOW - timedelta(minutes=1)) for i in range(4)],
        "4 messages are due and unsent",
    ),
    (
        "failed-today",
        timedelta(minutes=1),
        [outbox_row(1, "failed", failed_at=NOW - timedelta(hours=3))],
        "1 message(s) failed in the last day",
    ),
    (
        "failed-last-week",
        timedelta(minutes=1),
        [outbox_row(1, "failed", failed_at=NOW - timedelta(days=3))],
        None,
    ),
]


@pytest.mark.parametrize(("_id", "age", "rows", "problem"), CASES, ids=[c[0] for c in CASES])
def test_health(
    engine: Engine, _id: str, age: timedelta | None, rows: list[dict[str, Any]], problem: str | None
) -> None:
    if age is not None:
        register(engine, WORKER, NOW - age - timedelta(hours=1))
        beat(engine, WORKER, NOW - age, last_sent=2)
    if rows:
        add_rows(engine, rows)
    health = check(engine, DAEMON, NOW)
    if problem is None:
        assert health.ok, health.line()
        assert health.line().startswith("OK: last tick")
    else:
        assert not health.ok
        assert health.line().startswith("FAIL: ")
        assert problem in health.line()


def test_the_freshest_of_several_workers_counts(engine: Engine) -> None:
    old, new = WorkerId("a", 1, "x"), WorkerId("b", 2, "y")
    register(engine, old, NOW - timedelta(hours=5))
    register(engine, new, NOW - timedelta(hours=5))
    beat(engine, new, NOW - timedelta(minutes=2))
    stopped(engine, new, NOW - timedelta(minutes=2))
    line = check(engine, DAEMON, NOW).line()
    assert line.startswith("OK: last tick 2 min ago by b:2:y (stopped)")


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(5, "5 s"), (600, "10 min"), (7380, "2 h 03 min"), (3 * 86400 + 7200, "3 d 2 h"), (-5, "0 s")],
    ids=["seconds", "minutes", "hours", "days", "negative"],
)
def test_span(seconds: int, text: str) -> None:
    assert span(timedelta(seconds=seconds)) == text


def test_cli_exit_codes(engine: Engine, workdir: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    runner = CliRunner()
    result = runner.invoke(cli, ["health", "--now", "2022-10-03T07:00Z"])
    assert result.exit_code == 1
    assert result.stdout.startswith("FAIL: no daemon has ticked yet")
    register(engine, WORKER, NOW)
    result = runner.invoke(cli, ["health", "--now", "2022-10-03T10:10+03:00"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("OK: last tick 10 min ago by host:42:beef (running)")
    result = runner.invoke(cli, ["health", "--now", "2022-10-03T10:20"])  # [policy] timezone
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["health", "--now", "2022-10-03T09:00Z"])
    assert result.exit_code == 1
    assert "has not ticked for 2 h 00 min" in result.stdout
