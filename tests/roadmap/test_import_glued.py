"""Never silently wrong: a row that looks like several rows glued together is named in a
warning (and in the activity's notes); ordinary wrapped rows are not."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tracker.roadmap.importer import import_roadmap

TITLE = "План мероприятий на 2022-2023 учебный год"
HEADER = ["№", "Мероприятие", "Срок", "Ответственный"]


def _csv(tmp_path: Path, rows: list[list[str]]) -> Path:
    path = tmp_path / "plan.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows([[TITLE], HEADER, *rows])
    return path


CASES = [
    pytest.param(
        [["1", "Семинар", "октябрь 2022 г.", "Иванов И.И."],
         ["", "Отчёт о работе", "май 2023 г.", "Петров П.П."]],
        "line 3: row 1 looks like several rows glued together: the row under it (line 4)",
        id="numbers-lost-rows-joined",
    ),
    pytest.param(
        [["1.\n2.", "Семинар\nОтчёт о работе", "октябрь 2022 г.\nмай 2023 г.", "Иванов И.И."]],
        "line 3: row 1 looks like several rows glued together: its number cell holds 1, 2",
        id="several-numbers-in-one-cell",
    ),
    pytest.param(
        [["1.1", "Семинар для кураторов. 1.2. Отчёт о работе", "октябрь 2022 г.", "Иванов И.И."],
         ["1.3", "Итоги", "июнь 2023 г.", "Иванов И.И."]],
        "line 3: row 1.1 looks like several rows glued together: its title goes on with «1.2. …»",
        id="next-number-inside-the-title",
    ),
    pytest.param(
        [["1", "Семинар\nОтчёт о работе", "октябрь 2022 г.\nмай 2023 г.", "Иванов И.И."]],
        "line 3: row 1 looks like several rows glued together: its title and its deadline are 2",
        id="one-line-per-row-in-each-cell",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("rows", "warning"), CASES)
def test_glued_rows_are_named(rows: list[list[str]], warning: str, tmp_path: Path) -> None:
    roadmap = import_roadmap(_csv(tmp_path, rows))
    assert any(w.startswith(warning) for w in roadmap.warnings), roadmap.warnings
    assert any("glued" in note for note in roadmap.activities[0].notes)


@pytest.mark.parametrize(
    "rows",
    [
        pytest.param(
            [["1", "Семинар для", "август – 10 сентября", "Иванов И.И."],
             ["", "кураторов", "2022 г.", ""]],
            id="row-broken-by-a-page",
        ),
        pytest.param(
            [["1", "Семинар. Практикум для кураторов", "IV квартал 2022 г. IV квартал 2023 г.",
              "Иванов И.И.\nПетров П.П."]],
            id="two-sentences-two-dates",
        ),
        pytest.param(
            [["1", "Разработка положений:\n- о наставничестве\n- о кураторах", "май 2023 г.",
              "Иванов И.И."]],
            id="list-in-the-title",
        ),
    ],
)  # fmt: skip
def test_ordinary_rows_are_not_called_glued(rows: list[list[str]], tmp_path: Path) -> None:
    roadmap = import_roadmap(_csv(tmp_path, rows))
    assert not [w for w in roadmap.warnings if "glued" in w]
