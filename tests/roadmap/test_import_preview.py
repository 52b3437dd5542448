"""`tracker import --preview` and `--strict` as a user runs them."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner
from documents import write_pdf
from roadmap_helpers import ROADMAPS, imported, items_of

from tracker.cli import cli
from tracker.roadmap.importer import import_roadmap
from tracker.roadmap.preview import PageProgress, preview_table, reading


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env={"COLUMNS": "200"})
    return result.exit_code, result.stdout, result.stderr


def _glued_csv(tmp_path: Path) -> Path:
    path = tmp_path / "glued.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows(
            [
                ["План мероприятий на 2022-2023 учебный год"],
                ["№", "Мероприятие", "Срок", "Ответственный"],
                ["1", "Семинар", "октябрь 2022 г.", "Иванов И.И."],
                ["", "Отчёт о работе", "май 2023 г.", "Петров П.П."],
                ["2", "Итоги", "когда-нибудь потом", "Иванов И.И."],
            ]
        )
    return path


def test_preview_shows_each_row_its_reading_and_errors(tmp_path: Path) -> None:
    out = tmp_path / "plan.toml"
    code, stdout, stderr = _run("import", str(_glued_csv(tmp_path)), "--preview", "-o", str(out))
    assert code == 0, stderr
    assert "Срок, как написан" in stdout and "Прочитан как" in stdout
    assert "октябрь 2022 г." in stdout and "1 октября 2022 г." in stdout
    assert "когда-нибудь потом" in stdout
    assert "предупреждение: line 3: row 1 looks like several rows glued" in " ".join(stdout.split())
    assert not out.exists()  # a preview writes nothing


def test_preview_marks_an_unreadable_deadline_red(tmp_path: Path) -> None:
    roadmap = import_roadmap(_glued_csv(tmp_path))
    unread = reading(roadmap.activities[1])
    assert unread.style == "bold red" and unread.plain
    assert preview_table(roadmap).row_count == 2


@pytest.mark.parametrize(
    ("source", "code"),
    [
        pytest.param("glued", 1, id="glued-row-fails"),
        pytest.param("spassk-2022.txt", 0, id="clean-seed-passes"),
    ],
)
def test_strict_turns_warnings_into_exit_1(source: str, code: int, tmp_path: Path) -> None:
    path = _glued_csv(tmp_path) if source == "glued" else ROADMAPS / source
    out = tmp_path / "plan.toml"
    got, _, stderr = _run("import", str(path), "--strict", "-o", str(out))
    assert got == code, stderr
    assert out.exists() == (code == 0)
    if code:
        assert "warning(s) and --strict: nothing written" in stderr
        assert "row 1 looks like several rows glued together" in stderr


def test_import_reads_a_pdf_from_the_command_line(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "plan.pdf", items_of(imported("spassk-2022.txt")))
    code, stdout, stderr = _run("import", str(path), "--json")
    assert code == 0, stderr
    assert '"Создание творческой группы' in stdout


def test_progress_draws_nothing_for_a_quick_read() -> None:
    calls = []
    with PageProgress(delay=3600) as progress:
        for page in range(1, 4):
            progress(page, 3)
            calls.append(progress.bar)
    assert calls == [None, None, None]


def test_progress_draws_a_bar_once_the_read_is_slow() -> None:
    with PageProgress(delay=0) as progress:
        progress(1, 50)
        assert progress.bar is not None
        progress(50, 50)
        assert progress.bar.tasks[0].completed == 50
