"""`tracker report` in every format, `tracker reopen`, and the CLI paper cuts, on SQLite."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from reportkit import figures_table, rows_table
from storekit import Syncer, act, roadmap

from tracker.cli import cli
from tracker.store.db import make_engine, upgrade

ON = "2022-06-15"


def tracker(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("TRACKER_DATABASE_URL", "TRACKER_SCHEDULES_DIR"):
        monkeypatch.delenv(name, raising=False)
    engine = make_engine("sqlite:///tracker.db")
    upgrade(engine)
    sync = Syncer(engine)
    sync(
        roadmap(
            "alpha",
            act("1", ("2022-04-01", "2022-04-29")),
            act("2", ("2022-05-01", "2022-05-31"), responsible=("Петров П.П.", "МКУ ГИМЦ")),
            act("3", ("2022-05-01", "2022-05-20"), responsible=("МКУ ГИМЦ",)),
            act("4", ("2022-09-01", "2022-09-30")),
            act("5", ("2022-03-01", "2022-03-31")),
            act("6", ("2022-02-01", "2022-02-28"), responsible=("Петров П.П.", "МКУ ГИМЦ")),
        )
    )
    sync(roadmap("beta", act("1", ("2022-05-01", "2022-05-31"))))
    engine.dispose()
    for args in (
        ("done", "alpha:1", "--on", "20.04.2022"),  # on time
        ("done", "alpha:2", "--on", "3 июня 2022"),  # late, 3 days
        ("done", "alpha:5", "--on", "2022-04-10"),  # late, 10 days
        ("cancel", "alpha:6"),
    ):
        assert tracker(*args).exit_code == 0, args
    return tmp_path


def status_count(state: str, *extra: str) -> int:
    result = tracker("status", "--state", state, "--today", ON, "--format", "json", *extra)
    return len(json.loads(result.output))


@pytest.mark.parametrize("fmt", ["xlsx", "docx", "csv", "html"])
def test_report_figures_add_up_and_match_status(workdir: Path, fmt: str) -> None:
    result = tracker("report", "--on", ON, "--format", fmt, "-o", f"report.{fmt}")
    assert result.exit_code == 0, result.output
    assert "на контроле 6: в срок 1, с нарушением 2, просрочено 2, в работе 1" in result.output
    data = (workdir / f"report.{fmt}").read_bytes()
    _header, *body = figures_table(fmt, data)
    by_name = {row[0]: row[1:] for row in body}
    for name, cells in by_name.items():
        controlled, on_time, late, _average, overdue, pending = cells[:6]
        assert int(controlled) == int(on_time) + int(late) + int(overdue) + int(pending), name
    total = by_name["Итого"]
    assert total[:7] == ["6", "1", "2", "6,5", "2", "1", "0"]
    assert by_name["МКУ ГИМЦ"][:6] == ["2", "0", "1", "3,0", "1", "0"]
    assert int(total[4]) == status_count("overdue")
    assert int(total[4]) + int(total[5]) == status_count("open")
    assert int(total[1]) + int(total[2]) == status_count("done")
    for name in ("Петров П.П.", "МКУ ГИМЦ"):
        assert int(by_name[name][4]) == status_count("overdue", "--executor", name)
    assert len(rows_table(fmt, data)) == 1 + 6  # the header and one row per counted occurrence


def test_report_of_one_roadmap_and_span(workdir: Path) -> None:
    result = tracker(
        "report", "--roadmap", "alpha", "--from", "01.05.2022", "--to", "31 мая 2022",
        "--on", ON, "-o", "alpha.csv",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "alpha.csv: 2 строк" in result.output
    text = (workdir / "alpha.csv").read_bytes().decode("utf-8-sig")
    assert "за период с 01.05.2022 по 31.05.2022, по состоянию на 15.06.2022" in text
    assert "выполнено с нарушением срока (срок 31.05.2022, выполнено 03.06.2022)" in text
    assert "не выполнено, просрочено на 26 дн." in text


BAD = {
    "unknown format": (["-o", "x.pdf"], "unknown report format 'pdf'"),
    "no roadmap": (["--roadmap", "nope", "-o", "x.csv"], "no roadmap 'nope'"),
    "span backwards": (["--from", "2022-05-01", "--to", "2022-04-01", "-o", "x.csv"], "after"),
    "bad date": (["--on", "вчера", "-o", "x.csv"], "is not a date"),
}


@pytest.mark.parametrize(("args", "message"), BAD.values(), ids=BAD)
def test_report_mistakes_are_one_line(workdir: Path, args: list[str], message: str) -> None:
    result = tracker("report", *args)
    assert result.exit_code == 2 and message in result.output
    assert "Traceback" not in result.output


def test_done_in_the_future_is_refused(workdir: Path) -> None:
    result = tracker("done", "alpha:4", "--on", "01.01.2999")
    assert result.exit_code == 2
    assert "дата выполнения позже сегодняшней" in result.output
    assert status_count("done") == 3


def test_reopen_undoes_the_last_mark_with_history(workdir: Path) -> None:
    result = tracker("reopen", "alpha:6", "--by", "Иванова И.И.", "--comment", "по ошибке")
    assert result.exit_code == 0, result.output
    assert "отменено → запланировано" in result.output
    result = tracker("reopen", "alpha:2", "--due", "31.05.2022")
    assert "выполнено → запланировано" in result.output
    history = json.loads(tracker("history", "alpha:6", "--format", "json").output)
    rows = history["history"]
    assert [(row["from"], row["to"]) for row in rows][-1] == ("cancelled", "planned")
    assert rows[-1]["comment"] == "по ошибке" and rows[-1]["actor"] == "Иванова И.И."
    assert status_count("done") == 2
    again = tracker("reopen", "alpha:6")
    assert again.exit_code == 2 and "nothing done or cancelled" in again.output


DATES = {
    "iso": "2022-04-29",
    "numeric": "29.04.2022",
    "worded": "29 апреля 2022",
    "worded with г.": "29 апреля 2022 г.",
}


@pytest.mark.parametrize("written", DATES.values(), ids=DATES)
def test_every_date_option_reads_russian_dates(workdir: Path, written: str) -> None:
    result = tracker("history", "alpha:1", "--due", written)
    assert result.exit_code == 0, result.output
    assert "29.04.2022" in result.output or "2022-04-29" in result.output


@pytest.mark.parametrize("fmt", ["xlsx", "docx", "html"])
def test_a_report_of_several_roadmaps_heads_each(workdir: Path, fmt: str) -> None:
    from reportkit import headings

    assert tracker("report", "--on", ON, "-o", f"all.{fmt}").exit_code == 0
    data = (workdir / f"all.{fmt}").read_bytes()
    assert headings(fmt, data) == ["alpha — Дорожная карта alpha", "beta — Дорожная карта beta"]
    assert tracker("report", "--roadmap", "alpha", "--on", ON, "-o", f"one.{fmt}").exit_code == 0
    assert headings(fmt, (workdir / f"one.{fmt}").read_bytes()) == []
