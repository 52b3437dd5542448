"""`tracker send-test` and `tracker outbox` end to end, on both databases and the real server."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from mailserver import USERNAME, SmtpServer
from outboxkit import LEASE, NOW, message, queue, row
from sqlalchemy import Engine, update

from tracker.cli import cli
from tracker.notify.outbox import claim, mark_failed, mark_sent
from tracker.store.tables import OUTBOX


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty working directory and no TRACKER_* variables but the test's own."""
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith("TRACKER_"):
            monkeypatch.delenv(name)
    yield tmp_path


def tracker(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def test_send_test_through_starttls_and_auth(workdir: Path, smtp_server: SmtpServer) -> None:
    result = tracker("send-test", "admin@example.org", env=smtp_server.env())
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"sent a test message to admin@example.org via smtp 127.0.0.1:{smtp_server.port} "
        f"(STARTTLS, AUTH as {USERNAME}); server reply: OK queued\n"
    )
    (received,) = smtp_server.received
    assert received.rcpt_tos == ("admin@example.org",) and received.login == USERNAME


def test_send_test_failure_is_one_line_with_what_to_check(
    workdir: Path, smtp_server: SmtpServer
) -> None:
    env = {**smtp_server.env(), "TRACKER_SMTP_PASSWORD": "wrong"}
    result = tracker("send-test", "admin@example.org", env=env)
    assert result.exit_code == 5
    assert result.stdout == ""
    assert result.stderr.startswith("tracker: error: 127.0.0.1:")
    assert result.stderr.endswith("(check [smtp] username and password)\n")
    assert result.stderr.count("\n") == 1 and "wrong" not in result.stderr


def test_send_test_to_the_file_transport(workdir: Path) -> None:
    result = tracker("send-test", "admin@example.org")
    assert result.exit_code == 0
    (written,) = (workdir / "outbox").rglob("*.eml")
    assert result.output.startswith(
        "sent a test message to admin@example.org via file outbox/; wrote "
    )
    assert result.output.rstrip().endswith(str(written.relative_to(workdir)))


def test_send_test_refuses_a_non_address(workdir: Path) -> None:
    result = tracker("send-test", "admin")
    assert (result.exit_code, result.stderr) == (
        2,
        "tracker: error: 'admin' is not an e-mail address\n",
    )


def _env(db_url: str, **more: str) -> dict[str, str]:
    return {"TRACKER_DATABASE_URL": db_url, **more}


def test_outbox_lists_and_filters(workdir: Path, engine: Engine, db_url: str) -> None:
    sent, failed, pending = queue(
        engine,
        message("a", to=("a@example.org",), subject="Первое"),
        message("b", to=("b@example.org",), subject="Второе"),
        message("c", to=("c@example.org",), subject="Третье"),
    )
    one, two = claim(engine, "w", NOW, limit=2, lease=LEASE).rows
    mark_sent(engine, one, "w", NOW)
    mark_failed(engine, two, "w", "550 5.1.1 No such user", NOW)

    table = tracker("outbox", env=_env(db_url))
    assert table.exit_code == 0, table.output
    for text in ("Первое", "Второе", "Третье", "550 5.1.1 No such user", "failed", "sent"):
        assert text in table.output

    listed = tracker("outbox", "--state", "failed", "--format", "json", env=_env(db_url))
    (only,) = json.loads(listed.output)
    assert (only["id"], only["state"], only["to"]) == (failed, "failed", ["b@example.org"])
    assert only["last_error"] == "550 5.1.1 No such user"

    newest = json.loads(
        tracker("outbox", "--limit", "1", "--format", "json", env=_env(db_url)).output
    )
    assert [r["id"] for r in newest] == [pending]
    assert sent != pending


def test_outbox_retry_sends_a_failed_row_again(
    workdir: Path, engine: Engine, db_url: str, smtp_server: SmtpServer
) -> None:
    (row_id,) = queue(engine, message("a", to=("ivanov@example.org",), not_before=NOW))
    (claimed,) = claim(engine, "w", NOW, limit=1, lease=LEASE).rows
    mark_failed(engine, claimed, "w", "550 5.1.1 No such user", NOW)
    # the CLI's clock is the real one: sending hours around the clock
    with engine.begin() as conn:
        conn.execute(update(OUTBOX).values(timezone="UTC"))
    env = {**_env(db_url), **smtp_server.env(), "TRACKER_POLICY_SEND_FROM": "00:00",
           "TRACKER_POLICY_SEND_UNTIL": "23:59"}  # fmt: skip
    result = tracker("outbox", "retry", str(row_id), env=env)
    assert result.exit_code == 0, result.output + result.stderr
    assert result.output == f"outbox row {row_id} → ivanov@example.org: sent\n"
    assert row(engine, row_id).state == "sent" and row(engine, row_id).attempts == 2
    assert [r.rcpt_tos for r in smtp_server.received] == [("ivanov@example.org",)]

    again = tracker("outbox", "retry", str(row_id), env=env)
    assert again.exit_code == 2
    assert "was sent at" in again.stderr and "--force" in again.stderr

    queued = tracker("outbox", "retry", str(row_id), "--force", "--queue-only", env=env)
    assert queued.output == f"outbox row {row_id} is queued for the next send pass\n"
    assert row(engine, row_id).state == "pending"


def test_outbox_retry_of_an_unknown_row(workdir: Path, engine: Engine, db_url: str) -> None:
    result = tracker("outbox", "retry", "42", env=_env(db_url))
    assert result.exit_code == 2
    assert result.stderr == "tracker: error: no outbox row 42 (see `tracker outbox`)\n"
