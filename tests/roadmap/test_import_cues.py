"""Issue 14 follow-up: the cues that tell cells apart where separators are lost — executors
stacked on lines of one PDF cell, and flattened text's headers and executor/result borders."""

from __future__ import annotations

import pytest

from tracker.roadmap.grid import Table
from tracker.roadmap.readers.flat import read_flat
from tracker.roadmap.readers.pdf import _continues_executor
from tracker.roadmap.responsible import split_executors


@pytest.mark.parametrize(
    ("above", "line", "wrapped", "joined"),
    [
        pytest.param("Ахметова Р.Ф.", "Никитина Г.П.", True, False, id="two-names"),
        pytest.param("Сельский дом культуры", "Сомова Н.Е.", True, False, id="name-under-org"),
        pytest.param("Заведующий поликлиникой", "Быков Д.О.", False, True, id="name-under-post"),
        pytest.param("Специалист по социальной", "работе Дьякова О.С.", False, True,
                     id="lower-case-goes-on"),
        pytest.param("Управление образования", "Центр детского", True, False, id="two-orgs"),
        pytest.param("Центр детского", "творчества", False, True, id="org-wrapped"),
        pytest.param('МБОУ "Берёзовская СОШ"', "Сельский дом культуры", True, False,
                     id="after-closing-quote"),
        pytest.param("Комитет по", "Физической культуре", True, True, id="after-preposition"),
    ],
)  # fmt: skip
def test_pdf_stacked_executor_lines(above: str, line: str, wrapped: bool, joined: bool) -> None:
    assert _continues_executor(above, line, wrapped=wrapped) is joined


def _rows(text: str) -> list[list[str]]:
    blocks = read_flat(text.split("\n"))
    assert blocks is not None
    table = next(block for block in blocks if isinstance(block, Table))
    return table.rows[1:]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        pytest.param(
            "План\n№ п/п Содержание деятельности Сроки Исполнители Продукт 1.1. Семинар "
            "«Смысловое чтение» 25 октября 2024 г. Соколова Е.Д. Методические рекомендации 1.2. "
            "Взаимопосещение уроков ноябрь 2024 г. Учителя-предметники Листы наблюдения",
            [["1.1.", "Семинар «Смысловое чтение»", "25 октября 2024 г.", "Соколова Е.Д.",
              "Методические рекомендации"],
             ["1.2.", "Взаимопосещение уроков", "ноябрь 2024 г.", "Учителя-предметники",
              "Листы наблюдения"]],
            id="unnamed-last-header-cell-and-result-words",
        ),
        pytest.param(
            "План\n№ Дата / выезда Населённый пункт, вид работы Состав бригады 1 21.01.2025 "
            "Медицинский осмотр, ФАП с. Ключи Терапевт Кольцов А.В. 2 18.03.2025 Осмотр детей, "
            "ФАП с. Черемшанка Педиатр Григорьева С.А.",
            [["1", "21.01.2025", "Медицинский осмотр, ФАП с. Ключи", "Терапевт Кольцов А.В."],
             ["2", "18.03.2025", "Осмотр детей, ФАП с. Черемшанка", "Педиатр Григорьева С.А."]],
            id="one-line-header-cut-at-capitals",
        ),
        pytest.param(
            "План\n№ Мероприятие Ответственный исполнитель Срок 1.1 Актуализация положения о "
            "центре тестирования ГТО Комитет по физической культуре I квартал 2024 г. 1.2 "
            "Фестиваль ГТО для школьников Центр тестирования ГТО, Управление образования "
            "ежегодно в апреле",
            [["1.1", "Актуализация положения о центре тестирования ГТО",
              "Комитет по физической культуре", "I квартал 2024 г."],
             ["1.2", "Фестиваль ГТО для школьников",
              "Центр тестирования ГТО, Управление образования", "ежегодно в апреле"]],
            id="abbreviation-ends-title-deadline-keeps-opener",
        ),
    ],
)  # fmt: skip
def test_flattened_cells(text: str, want: list[list[str]]) -> None:
    assert _rows(text) == want


def test_pdf_split_cell_gives_people() -> None:
    assert split_executors("Ахметова Р.Ф.\nНикитина Г.П.") == ["Ахметова Р.Ф.", "Никитина Г.П."]
