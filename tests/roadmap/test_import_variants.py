"""Column and section detection on variants built here: it follows the header's words, not the
seed files' layout."""

from __future__ import annotations

from pathlib import Path

import pytest
from roadmap_helpers import (
    COLUMNS,
    PREAMBLE,
    essentials,
    imported,
    items_of,
    tab_text,
    write_csv,
    write_docx,
    write_xlsx,
)

from tracker.roadmap.importer import import_roadmap
from tracker.roadmap.model import Roadmap
from tracker.terms import Kind

SEED = "divnogorsk-2022.txt"


def _import(tmp_path: Path, text: str, name: str = "plan.txt") -> Roadmap:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return import_roadmap(path)


def _baseline(tmp_path: Path) -> Roadmap:
    return _import(tmp_path, tab_text(items_of(imported(SEED))), "baseline.txt")


@pytest.mark.parametrize(
    "columns",
    [
        ("number", "responsible", "deadline", "title", "result"),
        ("deadline", "responsible", "number", "title", "result"),
        ("title", "number", "result", "responsible", "deadline"),
    ],
    ids=["number-first", "number-in-the-middle", "title-first"],
)
def test_reordered_columns(columns: tuple[str, ...], tmp_path: Path) -> None:
    baseline = _baseline(tmp_path)
    roadmap = _import(tmp_path, tab_text(items_of(imported(SEED)), columns))
    assert essentials(roadmap) == essentials(baseline)
    assert roadmap.sections == ["1", "2", "3", "4", "5", "6"]


@pytest.mark.parametrize(
    "columns",
    [
        ("number", "extra", "title", "result", "deadline", "responsible"),
        ("number", "title", "result", "deadline", "responsible", "extra"),
        ("extra", "number", "title", "deadline", "responsible"),
    ],
    ids=["extra-inside", "extra-last", "extra-first-no-result"],
)
def test_extra_columns_are_ignored(columns: tuple[str, ...], tmp_path: Path) -> None:
    baseline = _baseline(tmp_path)
    roadmap = _import(tmp_path, tab_text(items_of(imported(SEED)), columns))
    got = essentials(roadmap)
    if "result" not in columns:
        got = [row[:3] + row[4:] for row in got]
        want = [row[:3] + row[4:] for row in essentials(baseline)]
        assert all(row[3] is None for row in essentials(roadmap))
    else:
        want = essentials(baseline)
    assert got == want


def test_extra_column_named_with_a_known_word_elsewhere(tmp_path: Path) -> None:
    text = tab_text(
        items_of(imported(SEED)),
        ("number", "title", "extra", "deadline", "responsible"),
        header={"extra": "Источник финансирования"},
    )
    roadmap = _import(tmp_path, text)
    assert [a.deadline for a in roadmap.activities] == [
        a.deadline for a in imported(SEED).activities
    ]


@pytest.mark.parametrize("fmt", ["txt", "csv", "xlsx", "docx"])
def test_no_number_column(fmt: str, tmp_path: Path) -> None:
    columns = ("title", "deadline", "responsible", "result")
    items = items_of(imported(SEED))
    if fmt == "txt":
        roadmap = _import(tmp_path, tab_text(items, columns))
    else:
        writer = {"csv": write_csv, "xlsx": write_xlsx, "docx": write_docx}[fmt]
        roadmap = import_roadmap(writer(tmp_path / f"plan.{fmt}", items, columns))
    seed = imported(SEED)
    assert [a.title for a in roadmap.activities] == [a.title for a in seed.activities]
    assert [a.deadline for a in roadmap.activities] == [a.deadline for a in seed.activities]
    assert [a.section for a in roadmap.activities] == [a.section for a in seed.activities]
    # numbered in order inside each section: 1.1 → 1, 1.2 → 2, 2.1 → 1 …
    assert [a.number for a in roadmap.activities] == [
        a.number.split(".")[-1] for a in seed.activities
    ]
    assert any("no number column" in warning for warning in roadmap.warnings)


def _two_line_header(first: list[str], second: list[str], items_text: str) -> str:
    return "\n".join([*PREAMBLE, "\t".join(first), "\t".join(second), items_text]) + "\n"


def test_header_split_over_two_lines(tmp_path: Path) -> None:
    items = items_of(imported(SEED))
    body = tab_text(items, preamble=[]).split("\n", 1)[1]
    text = _two_line_header(
        ["№", "Наименование", "Форма", "Срок", "Ответственный"],
        ["п/п", "мероприятия", "представления результата", "исполнения", "исполнитель"],
        body,
    )
    roadmap = _import(tmp_path, text)
    assert essentials(roadmap) == essentials(_baseline(tmp_path))


def test_header_that_names_its_deadline_only_on_the_second_line(tmp_path: Path) -> None:
    items = items_of(imported(SEED))
    body = tab_text(items, preamble=[]).split("\n", 1)[1]
    text = _two_line_header(
        ["№ п/п", "Мероприятие", "Итоговый", "Контрольный", "Ответственные"],
        ["", "", "документ", "срок", ""],
        body,
    )
    roadmap = _import(tmp_path, text)
    assert essentials(roadmap) == essentials(_baseline(tmp_path))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_header_split_over_two_rows_in_a_sheet(fmt: str, tmp_path: Path) -> None:
    import csv

    import openpyxl

    rows = [
        ["План мероприятий на 2022-2023 учебный год", "", "", ""],
        ["№", "Наименование", "Срок", "Ответственный"],
        ["п/п", "мероприятия", "исполнения", "исполнитель"],
        ["1", "Семинар", "октябрь 2022 г.", "Иванов И.И."],
        ["2", "Отчёт", "май 2023 г.", "Петров П.П."],
    ]
    path = tmp_path / f"plan.{fmt}"
    if fmt == "csv":
        with path.open("w", encoding="utf-8", newline="") as stream:
            csv.writer(stream).writerows(rows)
    else:
        workbook = openpyxl.Workbook()
        for row in rows:
            workbook.active.append(row)
        workbook.save(path)
    roadmap = import_roadmap(path)
    assert [(a.number, a.title, a.deadline) for a in roadmap.activities] == [
        ("1", "Семинар", "октябрь 2022 г."),
        ("2", "Отчёт", "май 2023 г."),
    ]


def test_other_header_words(tmp_path: Path) -> None:
    text = (
        "План работы на 2023 год\n"
        "N п/п\tСодержание работы\tДата проведения\tИсполнители\tРезультат\n"
        "1\tСеминар\tмарт 2023\tИванов И.И.; Петров П.П.\tПротокол\n"
    )
    roadmap = _import(tmp_path, text)
    activity = roadmap.activities[0]
    assert (activity.title, activity.deadline, activity.result) == (
        "Семинар",
        "март 2023",
        "Протокол",
    )
    assert activity.responsible == ["Иванов И.И.", "Петров П.П."]
    assert str(roadmap.period) == "2023-01-01:2023-12-31"


# --- rows: sections, continuations, noise ------------------------------------------------------


def test_sections_roman_restarting_and_unnumbered(tmp_path: Path) -> None:
    text = (
        "Дорожная карта на период 2022-2024 гг.\n"
        "№\tМероприятие\tСрок\tОтветственный\n"
        "I.\tОрганизационные мероприятия\t\t\n"
        "1.\tСовещание\tянварь 2022 г.\tИванов И.И.\n"
        "2.\tПриказ\tфевраль 2022 г.\tПетров П.П.\n"
        "II.\tМетодические мероприятия\t\t\n"
        "1.\tСеминар\tмарт 2022 г.\tИванов И.И.\n"
        "Контрольные мероприятия\t\t\t\n"
        "1.\tМониторинг\tежегодно\tПетров П.П.\n"
    )
    roadmap = _import(tmp_path, text)
    assert [(a.section, a.number) for a in roadmap.activities] == [
        ("I", "1"),
        ("I", "2"),
        ("II", "1"),
        ("III", "1"),
    ]
    assert roadmap.section_titles["III"] == "Контрольные мероприятия"
    assert any("has no number; numbered III after II" in w for w in roadmap.warnings)


def test_section_named_by_a_marker_word_in_the_title_column(tmp_path: Path) -> None:
    text = (
        "План мероприятий на 2022-2023 учебный год\n"
        "№\tМероприятие\tСрок\tОтветственный\n"
        "\tРаздел 1. Подготовка\t\t\n"
        "1\tСовещание\tсентябрь 2022 г.\tИванов И.И.\n"
        "\tРаздел 2. Реализация\t\t\n"
        "2\tСеминар\tмарт 2023 г.\tИванов И.И.\n"
    )
    roadmap = _import(tmp_path, text)
    assert [(a.section, a.number) for a in roadmap.activities] == [("1", "1"), ("2", "2")]
    assert roadmap.section_titles == {"1": "Подготовка", "2": "Реализация"}


def test_a_numbered_row_without_deadline_is_an_activity_not_a_section(tmp_path: Path) -> None:
    text = (
        "План мероприятий на 2022-2023 учебный год\n"
        "№\tМероприятие\tСрок\tОтветственный\n"
        "1\tСовещание\t\t\n"
        "2\tСеминар\tмарт 2023 г.\tИванов И.И.\n"
    )
    roadmap = _import(tmp_path, text)
    assert [a.number for a in roadmap.activities] == ["1", "2"]
    assert roadmap.activities[0].kind is Kind.ERROR
    assert roadmap.activities[0].expansion is not None
    assert roadmap.activities[0].expansion.error == "the row has no deadline"


def test_rows_broken_by_page_breaks_are_joined(tmp_path: Path) -> None:
    text = (
        "План мероприятий на 2022-2023 учебный год\n"
        "№\tМероприятие\tСрок\tОтветственный\n"
        "1\tПроведение семинара для\tоктябрь\tИванов И.И., методически\n"
        "\n"
        "\tзаместителей директоров\t2022 г.\tй совет\n"
        "2\tОтчёт\tмай 2023 г.\tПетров П.П.\n"
        "продолжение ячейки\n"
    )
    roadmap = _import(tmp_path, text)
    first, second = roadmap.activities
    assert first.title == "Проведение семинара для заместителей директоров"
    assert first.deadline == "октябрь 2022 г."
    assert first.responsible == ["Иванов И.И.", "методический совет"]
    assert second.responsible == ["Петров П.П.", "продолжение ячейки"]


def test_misaligned_continuation_keeps_the_deadline_clean(tmp_path: Path) -> None:
    text = (
        "План мероприятий на 2022-2023 учебный год\n"
        "№\tМероприятие\tСрок\tОтветственный\n"
        "1\tПроведение семинара\tв течение года\tИванов И.И.\n"
        "\tдля педагогов\tв\t\tкабинет\tлишнее\n"
    )
    roadmap = _import(tmp_path, text)
    activity = roadmap.activities[0]
    assert activity.deadline == "в течение года"
    assert any("not added to the deadline" in note for note in activity.notes)


def test_noise_rows_are_skipped(tmp_path: Path) -> None:
    text = (
        "Цель\tРазвитие наставничества\n"
        "Задачи\tОбеспечить сопровождение\n"
        "Срок реализации\t2022-2023 учебный год\n"
        "План мероприятий на 2022-2023 учебный год\n"
        "№\tМероприятие\tСрок\tОтветственный\n"
        "1\t2\t3\t4\n"
        "1\tСеминар\tоктябрь 2022 г.\tИванов И.И.\n"
        "--\t---\t---\t--\n"
        "№\tМероприятие\tСрок\tОтветственный\n"
        "2\tОтчёт\tмай 2023 г.\t-\n"
        "\n"
        "Начальник отдела\t\t\tИ.И. Иванов\n"
        "\n"
        "Исполнитель: Петрова\n"
    )
    roadmap = _import(tmp_path, text)
    assert [(a.number, a.title, a.responsible) for a in roadmap.activities] == [
        ("1", "Семинар", ["Иванов И.И."]),
        ("2", "Отчёт", []),
    ]
    assert roadmap.title == "План мероприятий на 2022-2023 учебный год"


def test_trailing_text_after_the_table_is_ignored_with_a_warning(tmp_path: Path) -> None:
    text = (
        "План мероприятий на 2022-2023 учебный год\n"
        "№\tМероприятие\tСрок\tОтветственный\n"
        "1\tСеминар\tоктябрь 2022 г.\tИванов И.И.\n"
        "\n"
        "Дополнительные материалы размещены на сайте отдела\n"
    )
    roadmap = _import(tmp_path, text)
    assert len(roadmap.activities) == 1
    assert roadmap.sections == []
    assert any("text after the plan ignored" in w for w in roadmap.warnings)


@pytest.mark.parametrize(
    "trailer",
    [
        pytest.param("Исполнитель: Петрова Анна Сергеевна, тел. 2-33-44", id="contact"),
        pytest.param("\tНачальник отдела образования ______ П.П. Петров", id="signature-rule"),
        pytest.param("\tНачальник отдела образования\t\tП.П. Петров", id="signature-cells"),
        pytest.param("* Сроки могут уточняться", id="footnote"),
    ],
)
def test_signature_contact_and_footnote_end_the_plan_quietly(trailer: str, tmp_path: Path) -> None:
    """Issue 14: under the table, in the title column, they were glued to the last activity."""
    text = (
        "План мероприятий на 2022-2023 учебный год\n"
        "№\tМероприятие\tСрок\tОтветственный\n"
        "1\tСеминар\tоктябрь 2022 г.\tИванов И.И.\n"
        f"{trailer}\n"
        "\tПримечание к плану\n"
    )
    roadmap = _import(tmp_path, text)
    assert [(a.number, a.title) for a in roadmap.activities] == [("1", "Семинар")]
    assert roadmap.warnings == []


def test_a_numbered_row_under_the_signature_is_named(tmp_path: Path) -> None:
    text = (
        "План мероприятий на 2022-2023 учебный год\n"
        "№\tМероприятие\tСрок\tОтветственный\n"
        "1\tСеминар\tоктябрь 2022 г.\tИванов И.И.\n"
        "\tНачальник отдела образования ____ П.П. Петров\n"
        "2\tОтчёт\tмай 2023 г.\tИванов И.И.\n"
    )
    roadmap = _import(tmp_path, text)
    assert len(roadmap.activities) == 1
    assert any("line 5: a numbered row under the signature" in w for w in roadmap.warnings)


def test_one_cell_per_line_layout(tmp_path: Path) -> None:
    text = (
        "План мероприятий на 2022-2023 учебный год\n"
        "\t№\n\tМероприятие\n\tСрок\n\tОтветственный\n\tРезультат.\nВид документа\n"
        "\n\t1. Подготовка\n"
        "\n\t1.1\n\tСовещание\n\n\tсентябрь\n2022 г.\n\tИванов И.И.\n\nПетров П.П.\n\tПротокол\n"
        "\n\t1.2\n\tСеминар\n\tоктябрь 2022 г.\n\t\n\tМатериалы\n"
        "\n\t2. Итоги\n"
        "\n\t2.1\n\tОтчёт\n\tмай 2023 г.\n\tИванов И.И.\n\tОтчёт\n"
    )
    roadmap = _import(tmp_path, text)
    assert [
        (a.section, a.number, a.title, a.deadline, a.responsible, a.result)
        for a in roadmap.activities
    ] == [
        ("1", "1.1", "Совещание", "сентябрь 2022 г.", ["Иванов И.И.", "Петров П.П."], "Протокол"),
        ("1", "1.2", "Семинар", "октябрь 2022 г.", [], "Материалы"),
        ("2", "2.1", "Отчёт", "май 2023 г.", ["Иванов И.И."], "Отчёт"),
    ]


def test_columns_cover_every_named_column() -> None:
    assert set(COLUMNS) == {"number", "title", "result", "deadline", "responsible"}


def test_word_plan_split_into_tables_with_a_two_row_header(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("План мероприятий на 2022-2023 учебный год")
    for part, rows in enumerate(
        [
            [("1", "Семинар", "октябрь 2022 г.", "Иванов И.И.")],
            [("2", "Отчёт", "май 2023 г.", "Петров П.П.")],
        ]
    ):
        if part:
            document.add_paragraph("")  # a page break turned the table into two
        table = document.add_table(rows=2, cols=4)
        for index, (top, bottom) in enumerate(
            [("№", "п/п"), ("Наименование", "мероприятия"), ("Срок", "исполнения"),
             ("Ответственный", "исполнитель")]
        ):  # fmt: skip
            table.cell(0, index).text = top
            table.cell(1, index).text = bottom
        for row in rows:
            cells = table.add_row().cells
            for index, text in enumerate(row):
                cells[index].text = text
    path = tmp_path / "split.docx"
    document.save(path)
    roadmap = import_roadmap(path)
    assert [(a.number, a.title, a.deadline) for a in roadmap.activities] == [
        ("1", "Семинар", "октябрь 2022 г."),
        ("2", "Отчёт", "май 2023 г."),
    ]
