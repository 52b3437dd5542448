"""The README quick start as a new user runs it: the mails' item links open, `tracker health`
passes right after, and the report's figures match `tracker status` after some items are done."""

from __future__ import annotations

import email
import json
import re
import shutil
import warnings
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from reportkit import figures_table, organisations_table

from tracker.cli import cli

ROOT = Path(__file__).resolve().parents[2]
SIMULATED = "2022-09-12T10:00"


def tracker(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def quick_start(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("quick-start")
    shutil.copytree(ROOT / "schedules", folder / "schedules")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        for name in ("TRACKER_DATABASE_URL", "TRACKER_SCHEDULES_DIR", "TRACKER_MAIL_DIR"):
            patch.delenv(name, raising=False)
        assert tracker("db", "upgrade").exit_code == 0
        result = tracker("run", "--once", "--now", SIMULATED)
        assert result.exit_code == 0, result.output
        assert "22 sent" in result.output
        health = tracker("health")
        assert health.exit_code == 0, health.output  # the cycle ran now, at whatever moment
    return folder


def links(folder: Path) -> list[str]:
    found: list[str] = []
    for path in sorted((folder / "outbox").rglob("*.eml")):
        message = email.message_from_bytes(path.read_bytes())
        for part in message.walk():
            if part.get_content_type() == "text/plain":
                body = part.get_payload(decode=True)
                assert isinstance(body, bytes)
                found += re.findall(r"https?://\S+/i/\S+", body.decode("utf-8"))
    return found


def test_quick_start_links_open(quick_start: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tracker.config import load_settings
    from tracker.store.db import make_engine
    from tracker.web.app import create_app

    monkeypatch.chdir(quick_start)
    found = links(quick_start)
    assert found, "the reminders carry item links"
    settings = load_settings(None)
    engine = make_engine("sqlite:///tracker.db")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    app = create_app(settings, engine, clock=lambda: datetime.now(UTC))
    with TestClient(app) as client:
        for url in (found[0], found[-1]):
            path = url.split("://", 1)[1].split("/", 1)[1]
            answer = client.get("/" + path)
            assert answer.status_code == 200, (url, answer.status_code)
    engine.dispose()


def test_quick_start_mails_carry_a_pause_link_that_opens(
    quick_start: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracker.config import load_settings
    from tracker.store.db import make_engine
    from tracker.web.app import create_app

    monkeypatch.chdir(quick_start)
    found = []
    for path in sorted((quick_start / "outbox").rglob("*.eml")):
        message = email.message_from_bytes(path.read_bytes())
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click", path.name
        found.append(" ".join(str(message["List-Unsubscribe"]).split()).strip("<>"))
    assert found and all("/pause/" in url for url in found)
    engine = make_engine("sqlite:///tracker.db")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    app = create_app(load_settings(None), engine, clock=lambda: datetime.now(UTC))
    with TestClient(app) as client:
        answer = client.get("/" + found[0].split("://", 1)[1].split("/", 1)[1])
        assert answer.status_code == 200 and "Напоминания о сроках" in answer.text
    engine.dispose()


def test_report_after_marking_items_done(
    quick_start: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(quick_start)
    for args in (
        ("done", "spassk-2022:2", "--on", "30.08.2022"),  # on time
        ("done", "spassk-2022:1", "--on", "12 сентября 2022"),  # on the due day
        ("done", "divnogorsk-2022:5.2", "--on", "2022-03-15"),  # 43 days late
    ):
        assert tracker(*args).exit_code == 0, args
    day = SIMULATED[:10]

    def count(state: str) -> int:
        result = tracker("status", "--state", state, "--today", day, "--format", "json")
        return len(json.loads(result.output))

    for fmt in ("xlsx", "docx", "csv", "html"):
        result = tracker("report", "--on", day, "-o", f"report.{fmt}")
        assert result.exit_code == 0, result.output
        _header, *body = figures_table(fmt, (quick_start / f"report.{fmt}").read_bytes())
        for row in body:
            controlled, on_time, late, _average, overdue, pending = row[1:7]
            assert int(controlled) == int(on_time) + int(late) + int(overdue) + int(pending)
        total = body[-1]
        assert total[0] == "Итого"
        assert int(total[5]) == count("overdue")
        assert int(total[5]) + int(total[6]) == count("open")
        assert int(total[2]) + int(total[3]) == count("done") == 3
        _header, *per_org = organisations_table(fmt, (quick_start / f"report.{fmt}").read_bytes())
        assert per_org[-1] == total  # the same total, each occurrence once
        for row in per_org:
            controlled, on_time, late, _average, overdue, pending = row[1:7]
            assert int(controlled) == int(on_time) + int(late) + int(overdue) + int(pending)
