"""Plans made in the tests for the admins' import page: .docx (python-docx), .pdf (fpdf2), .txt.

:data:`ROWS` is a small plan with one deadline the phrase language cannot read (row 3), two
names the directory knows only by a close spelling («Бычкова О.И.», «МКУ ГИМЦ» against
«Бычкова Ольга Ивановна», «МКУ «ГИМЦ»») and one it does not know at all («Сидоров А.А.»);
row 5 reads with a warning (text that is not a deadline was skipped).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from tracker.config import SchedulesSettings, Settings

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
TITLE = "План мероприятий по внедрению целевой модели наставничества на период 2022-2024 гг."
HEADER = ("№ п/п", "Мероприятие", "Сроки", "Ответственные")
Row = tuple[str, str, str, str]
ROWS: tuple[Row, ...] = (
    ("1", "Создать рабочую группу по внедрению наставничества", "до 15.09.2022", "Бычкова О.И."),
    ("2", "Провести методический семинар", "ежегодно в январе и мае", "МКУ ГИМЦ"),
    ("3", "Подготовить аналитическую справку", "по итогам абракадабры 2022 года", "Сидоров А.А."),
    ("4", "Организовать конкурс наставников", "IV квартал 2022 г.", "Бычкова О.И., МКУ ГИМЦ"),
    ("5", "Обновить страницу наставничества на сайте", "в абракадабре 2022 г.", "МКУ ГИМЦ"),
)
#: Every row reads: the plan of the «all reads» screenshot.
CLEAN: tuple[Row, ...] = (
    ROWS[0],
    ROWS[1],
    ("3", "Подготовить аналитическую справку", "до 20.12.2022", "Бычкова О.И."),
    ROWS[3],
    ("5", "Обновить страницу наставничества на сайте", "в течение 2022 г.", "МКУ ГИМЦ"),
)
DIRECTORY = """\
# The people of the test plans (kept by hand).

[[executor]]
name = "Бычкова Ольга Ивановна"
emails = ["bychkova@example.org"]
organisation = "МКУ «ГИМЦ»"

[[executor]]
name = "МКУ «ГИМЦ»"  # the methodical centre
kind = "organisation"
emails = ["gimc@example.org"]
"""


def docx(rows: Sequence[Row] = ROWS, title: str = TITLE) -> bytes:
    from docx import Document

    document = Document()
    document.add_paragraph(title)
    table = document.add_table(rows=1, cols=len(HEADER))
    for cell, text in zip(table.rows[0].cells, HEADER, strict=True):
        cell.text = text
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


def pdf(rows: Sequence[Row] = ROWS, title: str = TITLE) -> bytes:
    from fpdf import FPDF, FontFace

    document = FPDF()
    document.add_page()
    document.add_font("dejavu", fname=FONT)
    document.set_font("dejavu", size=10)
    document.multi_cell(0, 6, title)
    with document.table(col_widths=(10, 80, 40, 50), headings_style=FontFace()) as table:
        for row in (HEADER, *rows):
            line = table.row()
            for text in row:
                line.cell(text)
    return bytes(document.output())


def text(rows: Sequence[Row] = ROWS, title: str = TITLE) -> bytes:
    lines = [title, "\t".join(HEADER), *("\t".join(row) for row in rows)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def settings_in(settings: Settings, folder: Path, **web: int) -> Settings:
    """``settings`` with the schedules folder ``folder`` (made, with the test directory)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "executors.toml").write_text(DIRECTORY, encoding="utf-8")
    changed = replace(settings, schedules=SchedulesSettings(dir=folder, executors="executors.toml"))
    return replace(changed, web=replace(changed.web, **web)) if web else changed
