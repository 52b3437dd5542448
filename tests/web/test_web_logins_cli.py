"""`tracker logins`: admins see the login attempts and who is throttled now (issue 17)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine
from webkit import NOW, Clock, World

from tracker.cli import cli
from tracker.store.db import make_engine, upgrade
from tracker.store.models import LoginOutcome
from tracker.web.throttle import FREE_PER_ACCOUNT, record


@pytest.fixture
def seeded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TRACKER_DATABASE_URL", raising=False)
    engine = make_engine("sqlite:///tracker.db")
    upgrade(engine)
    World.build(engine, Clock(NOW))
    return engine


def test_logins_lists_attempts_and_throttled_logins(seeded: Engine) -> None:
    now = datetime.now(UTC)  # the command reads the real clock
    for n in range(FREE_PER_ACCOUNT + 1):
        record(seeded, "Admin", "203.0.113.9", LoginOutcome.WRONG, now - timedelta(seconds=n))
    record(seeded, "admin", "203.0.113.9", LoginOutcome.THROTTLED, now)
    record(seeded, "admin", "198.51.100.7", LoginOutcome.OK, now)
    result = CliRunner().invoke(cli, ["logins", "--limit", "3"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Неудачные попытки за 15 мин:"
    assert f"  адрес 203.0.113.9: {FREE_PER_ACCOUNT + 1}" in lines[1]
    assert "логин admin" in lines[2] and "задержка ещё" in lines[2]
    assert lines[3] == "Последние попытки:"
    assert len(lines) == 7
    assert lines[4].endswith("\tвход\tadmin\t198.51.100.7")
    only = CliRunner().invoke(cli, ["logins", "--login", "nobody"], catch_exceptions=False)
    assert only.output.splitlines()[-1] == "Попыток входа нет."


def test_logins_on_a_quiet_board(seeded: Engine) -> None:
    result = CliRunner().invoke(cli, ["logins"], catch_exceptions=False)
    assert result.output.splitlines() == ["Неудачных попыток за 15 мин нет.", "Попыток входа нет."]
