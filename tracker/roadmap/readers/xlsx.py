"""Excel (.xlsx) → one table per sheet, read sparsely.

Only the cells that hold something are visited, so a sheet with one cell at XFD1048576 costs one
cell, not a grid of seventeen billion. Rows and columns that hold nothing are left out (each row
keeps its sheet row number); a cell merged down repeats in the rows it covers, a cell merged
across (a title, a section heading) stays in its first column.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime, time
from pathlib import Path

from tracker.errors import InputError
from tracker.roadmap.grid import Block, Grid, Table
from tracker.roadmap.limits import MAX_CELLS, MAX_COLUMNS, MAX_ROWS, too_big
from tracker.roadmap.readers.office import read_part


def read_xlsx(path: Path, archive: zipfile.ZipFile, data: bytes) -> list[Block]:
    """One :class:`Table` per sheet that holds anything, in the workbook's order."""
    import openpyxl

    _check_merged_ranges(path, archive)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise InputError(f"cannot read the Excel workbook {path}: {error}") from None
    blocks: list[Block] = []
    for sheet in workbook.worksheets:
        table = _sheet_table(path, sheet)
        if table is not None:
            blocks.append(table)
    return blocks


_MERGED = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]{1,3})(\d{1,7}):([A-Z]{1,3})(\d{1,7})"')


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _check_merged_ranges(path: Path, archive: zipfile.ZipFile) -> None:
    """Refuse a merged range bigger than a plan: openpyxl makes an object for each of its cells
    (one range over a whole sheet is 17 billion of them)."""
    for name in archive.namelist():
        if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
            continue
        data = read_part(path, archive, name) or b""
        for found in _MERGED.finditer(data):
            rows = abs(int(found[4]) - int(found[2])) + 1
            columns = abs(_column_number(found[3]) - _column_number(found[1])) + 1
            if rows * columns > MAX_CELLS:
                cells = rows * columns
                raise too_big(path, "cells in one merged range", cells, MAX_CELLS)


def _sheet_table(path: Path, sheet: object) -> Table | None:
    stored: dict[tuple[int, int], object] = getattr(sheet, "_cells", {})
    if len(stored) > MAX_CELLS:
        raise too_big(path, "cells", len(stored), MAX_CELLS)
    values: dict[tuple[int, int], str] = {}
    for (row, column), cell in stored.items():
        text = cell_text(getattr(cell, "value", None))
        if text.strip():
            values[(row, column)] = text
    present = {row for row, _ in values}
    merged = getattr(sheet, "merged_cells", None)
    for span in getattr(merged, "ranges", ()):
        top, left = span.min_row, span.min_col
        value = values.get((top, left))
        if value is None:
            continue
        for row in [at for at in present if top < at <= span.max_row]:
            values.setdefault((row, left), value)
    if not values:
        return None
    rows = sorted({row for row, _ in values})
    columns = sorted({column for _, column in values})
    if len(rows) > MAX_ROWS:
        raise too_big(path, "rows", len(rows), MAX_ROWS)
    if len(columns) > MAX_COLUMNS:
        raise too_big(path, "columns", len(columns), MAX_COLUMNS)
    place = {column: index for index, column in enumerate(columns)}
    at = {row: index for index, row in enumerate(rows)}
    grid: Grid = [[""] * len(columns) for _ in rows]
    for (row, column), text in values.items():
        grid[at[row]][place[column]] = text
    title = getattr(sheet, "title", "")
    return Table(grid, rows, "row", f"sheet «{title}»")


def cell_text(value: object) -> str:
    """A cell's value as the sheet shows it: dates as «31.12.2022», whole numbers without «.0»."""
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
