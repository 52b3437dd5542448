"""Readers of the four report formats back into tables of text, for the tests."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser

from docx import Document
from openpyxl import load_workbook

Table = list[list[str]]


def xlsx_tables(data: bytes) -> dict[str, Table]:
    """Sheet title → its rows (empty cells as "")."""
    book = load_workbook(io.BytesIO(data))
    return {
        sheet.title: [
            ["" if value is None else str(value) for value in row]
            for row in sheet.iter_rows(values_only=True)
        ]
        for sheet in book.worksheets
    }


def docx_tables(data: bytes) -> tuple[list[str], list[Table]]:
    """The paragraphs' text and every table's rows."""
    document = Document(io.BytesIO(data))
    paragraphs = [paragraph.text for paragraph in document.paragraphs]
    tables = [
        [[cell.text for cell in row.cells] for row in table.rows] for table in document.tables
    ]
    return paragraphs, tables


def csv_rows(data: bytes) -> Table:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


class _Cells(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: list[Table] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None:
            self.tables[-1][-1].append(re.sub(r"\s+", " ", "".join(self.cell)).strip())
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def html_tables(data: bytes) -> list[Table]:
    parser = _Cells()
    parser.feed(data.decode("utf-8"))
    return parser.tables


def figures_table(fmt: str, data: bytes) -> Table:
    """The discipline figures (header row first, «Итого» last) of a report in any format."""
    if fmt == "xlsx":
        rows = xlsx_tables(data)["Показатели"]
    elif fmt == "docx":
        rows = docx_tables(data)[1][1]
    elif fmt == "html":
        rows = html_tables(data)[1]
    else:
        all_rows = csv_rows(data)
        rows = all_rows[
            all_rows.index(["Показатели исполнительской дисциплины"]) + 1 :
            all_rows.index(["Показатели по организациям"])
        ]  # fmt: skip
    start = next(i for i, row in enumerate(rows) if row and row[0] == "Исполнитель")
    return [row for row in rows[start:] if any(row)]


def organisations_table(fmt: str, data: bytes) -> Table:
    """The figures per organisation (header row first, «Итого» last) in any format."""
    if fmt == "xlsx":
        rows = xlsx_tables(data)["По организациям"]
    elif fmt == "docx":
        rows = docx_tables(data)[1][2]
    elif fmt == "html":
        rows = html_tables(data)[2]
    else:
        all_rows = csv_rows(data)
        rows = all_rows[all_rows.index(["Показатели по организациям"]) + 1 :]
    start = next(i for i, row in enumerate(rows) if row and row[0] == "Организация")
    return [row for row in rows[start:] if any(row)]


def rows_table(fmt: str, data: bytes) -> Table:
    """The execution rows (header first) of a report in any format."""
    if fmt == "xlsx":
        rows = xlsx_tables(data)["Исполнение"]
    elif fmt == "docx":
        rows = docx_tables(data)[1][0]
    elif fmt == "html":
        rows = html_tables(data)[0]
    else:
        all_rows = csv_rows(data)
        rows = all_rows[: all_rows.index(["Показатели исполнительской дисциплины"])]
    start = next(i for i, row in enumerate(rows) if row and row[0] == "№ п/п")
    return [row for row in rows[start:] if any(row) and not is_heading(row)]


def is_heading(row: list[str]) -> bool:
    """A roadmap's heading row: one text across the table (merged or in the first cell)."""
    return bool(row) and " — " in row[0] and len({cell for cell in row if cell}) == 1


def headings(fmt: str, data: bytes) -> list[str]:
    """The roadmap headings of the execution table, in order."""
    if fmt == "xlsx":
        rows = xlsx_tables(data)["Исполнение"]
    elif fmt == "docx":
        rows = docx_tables(data)[1][0]
    else:
        rows = html_tables(data)[0]
    return [row[0] for row in rows if is_heading(row)]
