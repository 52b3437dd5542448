"""The execution report as an Excel workbook (openpyxl): «Исполнение» and «Показатели».

Laid out to be printed and signed: a title, the period and «по состоянию на …» above the
table, fixed column widths, wrapped text, thin borders, the header row repeated on every
printed page, landscape A4 fitted to the page width. Text cells are neutralised against
formula injection.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tracker.csv_safe import neutralise
from tracker.report.model import COLUMNS, FIGURE_COLUMNS, ORGANISATION_COLUMNS, Report

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_HEAD_FILL = PatternFill("solid", fgColor="E7E6E6")
_SECTION_FILL = PatternFill("solid", fgColor="F2F2F2")


def _letter(index: int) -> str:
    return str(get_column_letter(index))


def _sheet(
    sheet: Worksheet,
    report: Report,
    heading: str,
    columns: Sequence[tuple[str, int]],
    rows: Sequence[Sequence[str] | str],
    *,
    numeric_from: int | None = None,
    bold_last: bool = False,
) -> None:
    width = len(columns)
    last = _letter(width)
    lines = (report.title, report.subtitle, f"{report.period}, {report.as_of}", heading)
    for number, text in enumerate(lines, start=1):
        sheet.merge_cells(f"A{number}:{last}{number}")
        cell = sheet.cell(row=number, column=1, value=neutralise(text))
        cell.font = Font(bold=number == 1, size=14 if number == 1 else 11)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    sheet.row_dimensions[2].height = 30
    header_row = len(lines) + 2
    for index, (name, chars) in enumerate(columns, start=1):
        sheet.column_dimensions[_letter(index)].width = chars
        cell = sheet.cell(row=header_row, column=index, value=name)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = _BORDER
        cell.fill = _HEAD_FILL
    for offset, values in enumerate(rows, start=1):
        at = header_row + offset
        if isinstance(values, str):  # a roadmap's heading across the table
            sheet.merge_cells(f"A{at}:{last}{at}")
            cell = sheet.cell(row=at, column=1, value=neutralise(values))
            cell.font = Font(bold=True)
            cell.fill = _SECTION_FILL
            cell.alignment = Alignment(wrap_text=True)
            cell.border = _BORDER
            continue
        for index, value in enumerate(values, start=1):
            numeric = numeric_from is not None and index >= numeric_from and value.isdigit()
            content: int | str = int(value) if numeric else neutralise(value)
            cell = sheet.cell(row=at, column=index, value=content)
            cell.alignment = _WRAP
            cell.border = _BORDER
            if bold_last and offset == len(rows):
                cell.font = Font(bold=True)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.oddFooter.center.text = "Страница &P из &N"


def render_xlsx(report: Report) -> bytes:
    """The report as .xlsx bytes."""
    book = Workbook()
    rows = book.active
    assert rows is not None
    rows.title = "Исполнение"
    body: list[Sequence[str] | str] = []
    for heading, part in report.sections():
        if heading:
            body.append(heading)
        body += [row.cells() for row in part]
    _sheet(rows, report, "Ход исполнения мероприятий", COLUMNS, body)
    figures = book.create_sheet("Показатели")
    _sheet(
        figures,
        report,
        "Показатели исполнительской дисциплины",
        FIGURE_COLUMNS,
        report.figure_rows(),
        numeric_from=2,
        bold_last=True,
    )
    _sheet(
        book.create_sheet("По организациям"),
        report,
        "Показатели исполнительской дисциплины по организациям",
        ORGANISATION_COLUMNS,
        report.organisation_rows(),
        numeric_from=2,
        bold_last=True,
    )
    book.properties.title = report.title
    book.properties.creator = "tracker"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
