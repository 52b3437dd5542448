"""Documents → paragraphs and grids of cells: plain text, .docx, .xlsx and .csv.

The format is sniffed from the bytes, not trusted from the file name. Empty, binary, PDF and old
Office files are refused with an :class:`~tracker.errors.InputError` that names the file. What
comes out is the document in reading order: paragraphs (str) and tables (:class:`Table`), each
table a list of rows of cell text. Which table is the plan is decided later (``detect``).
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from tracker.errors import InputError

Grid = list[list[str]]

SUPPORTED = ".txt (text copied from Word or PDF), .docx, .xlsx or .csv"


@dataclass(slots=True)
class Table:
    """One table: ``rows`` of cell text, and where each row came from (``origins``)."""

    rows: Grid
    origins: list[int]
    where: str = "line"
    name: str = "table"

    def origin(self, index: int) -> str:
        """«line 37» / «row 5 of table 2»: where row ``index`` is in the source."""
        if self.where == "line":
            return f"line {self.origins[index]}"
        return f"row {self.origins[index]} of {self.name}"


Block = str | Table


@dataclass(slots=True)
class SourceDocument:
    """A document read into paragraphs and tables, in reading order."""

    path: Path
    blocks: list[Block]
    format: str
    warnings: list[str] = field(default_factory=list)

    @property
    def tables(self) -> list[Table]:
        return [block for block in self.blocks if isinstance(block, Table)]


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"


def read_document(path: Path) -> SourceDocument:
    """Read ``path`` into paragraphs and tables; refuse anything that is not a roadmap document."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a directory, not a roadmap document") from None
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror}") from None
    if not data.strip():
        raise InputError(f"{path} is empty: there is no roadmap in it", hint=f"give {SUPPORTED}")
    if data.startswith(_ZIP):
        return _read_zip(path, data)
    if data.startswith(_OLE):
        raise InputError(
            f"{path} is an old binary Word or Excel file (.doc/.xls)",
            hint="open it and save it as .docx or .xlsx",
        )
    if data.startswith(b"%PDF-"):
        raise InputError(
            f"{path} is a PDF file",
            hint="copy its text into a .txt file, or save it as .docx, and import that",
        )
    text, warnings = _decode(path, data)
    if not text.strip():
        raise InputError(f"{path} is empty: there is no roadmap in it", hint=f"give {SUPPORTED}")
    if path.suffix.lower() in {".csv", ".tsv"}:
        blocks = _read_csv(path, text, "\t" if path.suffix.lower() == ".tsv" else None)
        return SourceDocument(path, blocks, "csv", warnings)
    from tracker.roadmap.text_layout import read_text

    return SourceDocument(path, read_text(text), "text", warnings)


def _decode(path: Path, data: bytes) -> tuple[str, list[str]]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError:
            raise InputError(f"{path} is not readable UTF-16 text") from None
    if b"\x00" in data or _control_ratio(data) > 0.05:
        raise InputError(
            f"{path} is a binary file, not a roadmap document", hint=f"give {SUPPORTED}"
        )
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1251")
    except UnicodeDecodeError:
        raise InputError(
            f"{path} is neither UTF-8 nor Windows-1251 text", hint="save it as UTF-8"
        ) from None
    return text, [f"{path.name} is not UTF-8; it was read as Windows-1251"]


def _control_ratio(data: bytes) -> float:
    sample = data[:65536]
    controls = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 12, 13))
    return controls / max(len(sample), 1)


def _read_zip(path: Path, data: bytes) -> SourceDocument:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        raise InputError(f"{path} is a damaged ZIP/Office file", hint=f"give {SUPPORTED}") from None
    if "word/document.xml" in names:
        return SourceDocument(path, _read_docx(path, data), "docx")
    if "xl/workbook.xml" in names:
        return SourceDocument(path, _read_xlsx(path, data), "xlsx")
    raise InputError(
        f"{path} is a ZIP archive, not a .docx or .xlsx file", hint=f"give {SUPPORTED}"
    )


# --- Word -------------------------------------------------------------------------------------


def _read_docx(path: Path, data: bytes) -> list[Block]:
    import docx
    from docx.table import Table as DocxTable

    try:
        document = docx.Document(io.BytesIO(data))
        blocks: list[Block] = []
        count = 0
        for item in document.iter_inner_content():
            if isinstance(item, DocxTable):
                count += 1
                blocks.append(_docx_table(item, f"table {count}"))
            else:
                blocks.append(item.text)
    except InputError:
        raise
    except Exception as error:  # python-docx raises many kinds on a damaged file
        raise InputError(f"cannot read the Word document {path}: {error}") from None
    return blocks


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_table(table: Any, name: str) -> Table:
    """Rows of a Word table, read from its XML. A cell merged across columns is kept once, in
    its first column; a cell merged down several rows is repeated in each (it applies to each
    activity); a cell of several paragraphs keeps them as lines."""
    rows: Grid = []
    above: dict[int, str] = {}
    for tr in table._tbl.tr_lst:
        cells = [""] * tr.grid_before
        for tc in tr.tc_lst:
            column = len(cells)
            if tc.vMerge == "continue":
                text = above.get(column, "")
            else:
                text = "\n".join(_paragraph_text(p) for p in tc.p_lst)
            above[column] = text
            cells.append(text)
            cells.extend([""] * (tc.grid_span - 1))
        rows.append(cells)
    return Table(rows, list(range(1, len(rows) + 1)), "row", name)


def _paragraph_text(paragraph: Any) -> str:
    parts: list[str] = []
    for node in paragraph.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr"):
        tag = node.tag
        if tag == f"{_W}t":
            parts.append(node.text or "")
        elif tag == f"{_W}tab":
            parts.append(" ")
        else:
            parts.append("\n")
    return "".join(parts)


# --- Excel ------------------------------------------------------------------------------------


def _read_xlsx(path: Path, data: bytes) -> list[Block]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise InputError(f"cannot read the Excel workbook {path}: {error}") from None
    blocks: list[Block] = []
    for sheet in workbook.worksheets:
        grid: Grid = [
            [_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)
        ]
        for merged in sheet.merged_cells.ranges:
            top, left = merged.min_row - 1, merged.min_col - 1
            if top >= len(grid) or left >= len(grid[top]):
                continue
            value = grid[top][left]
            for row_index in range(top + 1, min(merged.max_row, len(grid))):
                if left < len(grid[row_index]):
                    grid[row_index][left] = value
        blocks.append(Table(grid, list(range(1, len(grid) + 1)), "row", f"sheet «{sheet.title}»"))
    return blocks


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.strftime("%d.%m.%Y")
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(value, "g")
    return str(value)


# --- CSV --------------------------------------------------------------------------------------


def _read_csv(path: Path, text: str, delimiter: str | None) -> list[Block]:
    if delimiter is None:
        try:
            delimiter = csv.Sniffer().sniff(text[:8192], delimiters=",;\t").delimiter
        except csv.Error:
            delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: Grid = []
    origins: list[int] = []
    start = 1
    try:
        for row in reader:
            rows.append(row)
            origins.append(start)
            start = reader.line_num + 1
    except csv.Error as error:
        raise InputError(f"{path}: broken CSV near line {reader.line_num}: {error}") from None
    return [Table(rows, origins, "line", "the CSV file")]
