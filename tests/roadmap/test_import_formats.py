"""The same rows as .txt, .csv, .xlsx and .docx import to the same activities."""

from __future__ import annotations

from pathlib import Path

import pytest
from roadmap_helpers import (
    essentials,
    imported,
    items_of,
    tab_text,
    write_csv,
    write_docx,
    write_xlsx,
)

from tracker.roadmap.importer import import_roadmap
from tracker.terms import Period

WRITERS = {"csv": write_csv, "xlsx": write_xlsx, "docx": write_docx}
SOURCES = ["divnogorsk-2022.txt", "spassk-2022.txt", "chelyabinsk-2021.txt"]


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_same_rows_same_activities(source: str, fmt: str, tmp_path: Path) -> None:
    seed = imported(source)
    items = items_of(seed)
    text = tmp_path / "plan.txt"
    text.write_text(tab_text(items), encoding="utf-8")
    other = WRITERS[fmt](tmp_path / f"plan.{fmt}", items)
    from_text = import_roadmap(text)
    from_other = import_roadmap(other)
    assert essentials(from_other) == essentials(from_text)
    assert [a.deadline for a in from_other.activities] == [a.deadline for a in seed.activities]
    assert [a.responsible for a in from_other.activities] == [
        a.responsible for a in seed.activities
    ]
    assert from_other.sections == seed.sections
    assert from_other.period == Period.parse("2022-01-01:2024-12-31")


def test_docx_skips_the_passport_table_and_reads_the_title(tmp_path: Path) -> None:
    items = items_of(imported("spassk-2022.txt"))
    roadmap = import_roadmap(write_docx(tmp_path / "plan.docx", items))
    assert len(roadmap.activities) == 16
    assert roadmap.title == "План мероприятий на период 2022-2024 гг."
    assert roadmap.issuer == "Отдел образования администрации города Энска"
    assert roadmap.document_number == "17"
    assert str(roadmap.document_date) == "2022-02-01"


def test_docx_cell_merged_down_applies_to_each_row(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("План мероприятий на 2022-2023 учебный год")
    table = document.add_table(rows=4, cols=4)
    for index, name in enumerate(["№", "Мероприятие", "Срок", "Ответственный"]):
        table.cell(0, index).text = name
    for row, (title, deadline) in enumerate(
        [("Семинар", "октябрь 2022 г."), ("Отчёт", "май 2023")]
    ):
        table.cell(row + 1, 0).text = str(row + 1)
        table.cell(row + 1, 1).text = title
        table.cell(row + 1, 2).text = deadline
    executor = table.cell(1, 3).merge(table.cell(3, 3))
    executor.text = "Иванов И.И."
    executor.add_paragraph("Петрова П.П.")
    table.cell(3, 0).text = "3"
    table.cell(3, 1).text = "Итоги"
    table.cell(3, 2).text = "июнь 2023 г."
    path = tmp_path / "merged.docx"
    document.save(path)
    roadmap = import_roadmap(path)
    assert [a.responsible for a in roadmap.activities] == [["Иванов И.И.", "Петрова П.П."]] * 3
    assert roadmap.period == Period.parse("2022-09-01:2023-08-31")


def test_xlsx_dates_typed_as_dates_read_as_russian_dates(tmp_path: Path) -> None:
    import datetime

    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Мероприятие", "Срок исполнения", "Исполнитель"])
    sheet.append(["Совещание", datetime.date(2023, 2, 28), "Иванов И.И."])
    sheet.append(["Отчёт", "до 15.09.2023", "Петров П.П."])
    path = tmp_path / "dates.xlsx"
    workbook.save(path)
    roadmap = import_roadmap(path, period=Period.parse("2023-01-01:2023-12-31"))
    assert [a.deadline for a in roadmap.activities] == ["28.02.2023", "до 15.09.2023"]
    assert [a.number for a in roadmap.activities] == ["1", "2"]


def test_csv_in_windows_1251_with_semicolons(tmp_path: Path) -> None:
    text = (
        "№;Мероприятие;Срок;Ответственный\n"
        "1;Семинар;октябрь 2022 г.;Иванов И.И., Петров П.П.\n"
        "2;Отчёт;май 2023 г.;Сидоров С.С.\n"
    )
    path = tmp_path / "plan.csv"
    path.write_bytes(text.encode("cp1251"))
    roadmap = import_roadmap(path, period=Period.parse("2022-09-01:2023-08-31"))
    assert [a.responsible for a in roadmap.activities] == [
        ["Иванов И.И.", "Петров П.П."],
        ["Сидоров С.С."],
    ]
    assert any("Windows-1251" in warning for warning in roadmap.warnings)


def test_utf16_text_from_word(tmp_path: Path) -> None:
    items = items_of(imported("spassk-2022.txt"))
    path = tmp_path / "plan.txt"
    path.write_bytes(tab_text(items).encode("utf-16"))
    assert len(import_roadmap(path).activities) == 16
