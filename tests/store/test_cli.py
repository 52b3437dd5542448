"""The store commands end to end on SQLite: schema check, status formats, changes, history."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine
from storekit import Syncer, act, roadmap

from tracker.cli import cli
from tracker.store.db import SCHEMA_REVISION, make_engine, upgrade
from tracker.terms.model import Kind

RECURRING = Kind.RECURRING


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("TRACKER_DATABASE_URL", "TRACKER_SCHEDULES_DIR"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def tracker(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def synced(workdir: Path) -> Engine:
    engine = make_engine("sqlite:///tracker.db")
    upgrade(engine)
    sync = Syncer(engine)
    sync(
        roadmap(
            "alpha",
            act("1", ("2022-04-01", "2022-04-29")),
            act(
                "2", ("2022-01-01", "2022-03-31"), ("2022-04-01", "2022-06-30"), kind=Kind.RECURRING
            ),
            act("3", kind=Kind.UNSCHEDULED),
            timezone="Asia/Krasnoyarsk",
        )
    )
    return engine


def test_commands_refuse_a_database_without_schema(workdir: Path) -> None:
    for args in (["status"], ["done", "alpha:1"], ["sync"], ["history", "alpha:1"]):
        result = tracker(*args)
        assert result.exit_code == 4, args
        assert "run `tracker db upgrade`" in result.output


def test_db_upgrade_then_current(workdir: Path) -> None:
    result = tracker("db", "upgrade")
    assert result.exit_code == 0
    assert f"schema none → {SCHEMA_REVISION}" in result.output
    assert f"up to date ({SCHEMA_REVISION})" in tracker("db", "upgrade").output
    expected = f"{SCHEMA_REVISION} (this tracker needs {SCHEMA_REVISION}: current)"
    assert tracker("db", "current").output.startswith(expected)


def test_database_url_from_environment(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_DATABASE_URL", f"sqlite:///{workdir / 'other.db'}")
    assert tracker("db", "upgrade").exit_code == 0
    assert (workdir / "other.db").exists()
    assert not (workdir / "tracker.db").exists()


def test_status_formats(synced: Engine) -> None:
    table = tracker("status", "--state", "all", "--today", "2022-05-15")
    assert table.exit_code == 0, table.output
    assert "alpha:1" in table.output and "просрочено на 16 дн." in table.output
    assert "нужны сроки" in table.output
    document = json.loads(tracker("status", "--format", "json", "--today", "2022-05-15").output)
    assert [(row["ref"], row["state"]) for row in document] == [
        ("alpha:2", "overdue"),
        ("alpha:1", "overdue"),
        ("alpha:2", "planned"),
    ]
    csv_lines = tracker("status", "--format", "csv", "--state", "needs-dates").output.splitlines()
    assert csv_lines[0].startswith("ref,roadmap,number")
    assert csv_lines[1].startswith("alpha:3,alpha,3")


def test_status_limit_says_how_many_are_left_out(synced: Engine) -> None:
    table = tracker("status", "--state", "all", "--today", "2022-05-15", "--limit", "2")
    assert "Показаны первые 2 из 4 (по сроку); все строки: --limit 0" in table.output
    whole = tracker("status", "--state", "all", "--today", "2022-05-15", "--limit", "0")
    assert "Всего 4" in whole.output
    document = json.loads(tracker("status", "--format", "json", "--limit", "1").output)
    assert len(document) == 1
    assert json.loads(tracker("status", "--format", "json", "--state", "done").output) == []


def test_done_says_which_occurrence_it_took(synced: Engine) -> None:
    result = tracker("done", "alpha:2", "--by", "Петров", "--on", "2022-04-04", "--comment", "ok")
    assert result.exit_code == 0, result.output
    assert "alpha:2" in result.output and "срок 31 марта 2022 г." in result.output
    assert "запланировано → выполнено, 4 апреля 2022 г., с опозданием на 4 дн." in result.output
    assert "взят самый ранний открытый срок" in result.output
    by_due = tracker("start", "alpha:2", "--due", "2022-06-30")
    assert "взят" not in by_due.output and "запланировано → в работе" in by_due.output
    again = tracker("start", "alpha:2", "--due", "2022-06-30")
    assert again.exit_code == 2
    assert "is in_progress; it cannot become in_progress" in again.output


def test_extend_and_history(synced: Engine) -> None:
    result = tracker(
        "extend", "alpha:1", "--to", "2022-05-31", "--reason", "приказ № 5", "--by", "Иванова"
    )
    assert result.exit_code == 0, result.output
    assert "срок перенесён на 31 мая 2022 г." in result.output
    tracker("cancel", "alpha:1", "--comment", "не нужно")
    history = json.loads(tracker("history", "alpha:1", "--format", "json").output)
    assert [(h["event"], h["actor"], h["comment"]) for h in history["history"]] == [
        ("extended", "Иванова", "приказ № 5"),
        ("status", history["history"][1]["actor"], "не нужно"),
    ]
    assert "срок перенесён" in tracker("history", "alpha:1").output


def test_missing_extend_reason_is_a_usage_error(synced: Engine) -> None:
    result = tracker("extend", "alpha:1", "--to", "2022-05-31")
    assert result.exit_code == 2
    assert "--reason" in result.output


def test_bad_reference_and_date(synced: Engine) -> None:
    assert tracker("done", "alpha").exit_code == 2
    assert "no roadmap 'beta'" in tracker("done", "beta:1").output
    bad_date = tracker("done", "alpha:1", "--due", "31.02.2022")
    assert bad_date.exit_code == 2 and "is not a date YYYY-MM-DD" in bad_date.output


def test_parse_never_imports_the_database_stack() -> None:
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from tracker.cli import cli\n"
        "r = CliRunner().invoke(cli, ['parse', '--period', '2022-01-01:2022-12-31', 'май 2022'])\n"
        "assert r.exit_code == 0, r.output\n"
        "heavy = ('sqlalchemy', 'sqlmodel', 'alembic', 'rich')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def _seed_schedules(folder: Path, *slugs: str) -> None:
    """Schedule files of seed roadmaps, as `tracker import` writes them."""
    from tracker.roadmap import schedule_file
    from tracker.roadmap.importer import import_roadmap

    folder.mkdir(exist_ok=True)
    root = Path(__file__).resolve().parents[2]
    gold = json.loads((root / "tests/fixtures/seed-roadmaps.json").read_text(encoding="utf-8"))
    for slug in slugs:
        source = root / "tests/fixtures/roadmaps" / f"{slug}.txt"
        item = import_roadmap(source, timezone=gold[source.name]["timezone"])
        schedule_file.write(item, folder / f"{slug}.toml")
    executors = (root / "schedules/executors.toml").read_text(encoding="utf-8")
    (folder / "executors.toml").write_text(executors, encoding="utf-8")


def test_sync_real_schedule_files(
    workdir: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKER_DATABASE_URL", db_url)
    _seed_schedules(workdir / "schedules", "spassk-2022", "pelym-2020")
    assert tracker("db", "upgrade").exit_code == 0
    first = tracker("sync")
    assert first.exit_code == 0, first.output
    assert "schedules/spassk-2022.toml: created (activities added 16" in first.output
    assert "2 schedule files: 2 created" in first.output
    assert "unknown responsible" not in first.output
    assert "2 schedule files: 2 unchanged" in tracker("sync").output
    # an edit: one title; a broken file: the other; the broken one is reported, exit 2
    spassk = workdir / "schedules/spassk-2022.toml"
    text = spassk.read_text(encoding="utf-8")
    spassk.write_text(
        text.replace("Разработка и утверждение плана", "Утверждение плана", 1), "utf-8"
    )
    pelym = workdir / "schedules/pelym-2020.toml"
    pelym.write_text(pelym.read_text(encoding="utf-8") + "\n[[activity]\n", encoding="utf-8")
    edited = tracker("sync")
    assert edited.exit_code == 2
    assert "schedules/spassk-2022.toml: updated (activities updated 1)" in edited.output
    assert "schedules/pelym-2020.toml: not synced:" in edited.output
    assert "1 file(s) could not be synced" in edited.output
    rows = json.loads(tracker("status", "--roadmap", "spassk-2022", "--format", "json").output)
    assert any(row["title"].startswith("Утверждение плана") for row in rows)
    assert {row["executors"][0] for row in rows} >= {"Буглак С.Г.", "Методический кабинет"}
