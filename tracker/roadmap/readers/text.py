"""Plain text copied out of Word or PDF → paragraphs and one table.

Two layouts occur, and the plan's header says which one a file uses:

* **rows**: one table row per line, cells separated by tabs. A row broken by a page continues
  on a line whose first cell is empty (``detect`` joins it); a line with no tab right under a
  row is that row's last cell wrapped.
* **cells**: one cell per line, each line starting with a tab; lines without a tab continue
  the cell above, and blank lines may fall anywhere. Rows are rebuilt from the header's width:
  a row is complete after that many cells, or ends early (a section heading) where a blank line
  is followed by a row number.

Lines before the header are paragraphs; so is prose after the table.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.roadmap.cells import clean, is_row_number
from tracker.roadmap.columns import column_of, merge_header, read_header
from tracker.roadmap.grid import Block, Table
from tracker.roadmap.readers.flat import read_flat
from tracker.roadmap.trailer import is_trailer
from tracker.roadmap.vocabulary import vocabulary


def read_text(text: str) -> list[Block]:
    """The paragraphs and the plan table of a text file, in reading order."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    rows_at = _row_layout_header(lines)
    tokens = _tokens(lines)
    cells_at = _cell_layout_header(tokens)
    if rows_at is not None and (cells_at is None or rows_at + 1 <= tokens[cells_at[0]].line):
        return _rows_layout(lines, rows_at)
    if cells_at is not None:
        return _cells_layout(tokens, *cells_at)
    flat = read_flat(lines)
    if flat is not None:
        return flat
    return [paragraph for line in lines if (paragraph := _prose(line))]


def _prose(line: str) -> str:
    return clean(line.replace("\t", " ")).strip()


# --- one row per line -------------------------------------------------------------------------


def _row_layout_header(lines: list[str]) -> int | None:
    """The first line that is (or, with the next line, makes) a tab-separated header."""
    for index, line in enumerate(lines):
        if "\t" not in line:
            continue
        cells = line.split("\t")
        if read_header(cells):
            return index
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if "\t" in following and read_header(merge_header(cells, following.split("\t"))):
            return index
    return None


def _rows_layout(lines: list[str], start: int) -> list[Block]:
    blocks: list[Block] = [paragraph for line in lines[:start] if (paragraph := _prose(line))]
    rows: list[list[str]] = []
    origins: list[int] = []
    after_blank = False
    for number, line in enumerate(lines[start:], start=start + 1):
        if not line.strip():
            after_blank = True
            continue
        if "\t" in line:
            rows.append(line.split("\t"))
            origins.append(number)
        elif rows and not after_blank and not is_trailer(line):
            _wrap_into_last_cell(rows[-1], line.strip())
        else:
            rows.append([line.strip()])
            origins.append(number)
        after_blank = False
    blocks.append(Table(rows, origins, "line"))
    return blocks


def _wrap_into_last_cell(row: list[str], text: str) -> None:
    for index in range(len(row) - 1, -1, -1):
        if row[index].strip():
            row[index] = f"{row[index].rstrip()}\n{text}"
            return
    row.append(text)


# --- one cell per line ------------------------------------------------------------------------


@dataclass(slots=True)
class _Token:
    text: str
    line: int
    is_cell: bool
    blanks_before: int


def _tokens(lines: list[str]) -> list[_Token]:
    """Cells (a line starting with a tab, plus the tab-less lines under it) and paragraphs."""
    tokens: list[_Token] = []
    blanks = 0
    in_cell = False
    for number, line in enumerate(lines, start=1):
        if line.startswith("\t"):  # a tab alone is an empty cell, not a blank line
            tokens.append(_Token(line.lstrip("\t").replace("\t", " "), number, True, blanks))
            in_cell = True
        elif not line.strip():
            blanks += 1
            continue
        elif in_cell and blanks < 2:
            tokens[-1].text += "\n" + line
        else:
            tokens.append(_Token(line, number, False, blanks))
            in_cell = False
        blanks = 0
    return tokens


def _is_header_cell(token: _Token) -> bool:
    return token.is_cell and column_of(token.text) is not None


def _cell_layout_header(tokens: list[_Token]) -> tuple[int, int] | None:
    """(first token, token count) of the first run of adjacent cells that reads as a header."""
    limit = vocabulary().header_max_words
    index = 0
    while index < len(tokens):
        if not _is_header_cell(tokens[index]):
            index += 1
            continue
        end = index + 1
        while end < len(tokens):
            token = tokens[end]
            text = clean(token.text)
            if not token.is_cell or token.blanks_before or is_row_number(text):
                break
            if len(text.split()) > limit:
                break
            end += 1
        while end > index + 1 and column_of(tokens[end - 1].text) is None:
            end -= 1  # a column this layout cannot name is only kept between named ones
        if read_header([t.text for t in tokens[index:end]]):
            return index, end - index
        index = end
    return None


def _flat(token: _Token) -> str:
    return " ".join(clean(token.text).split())


def _cells_layout(tokens: list[_Token], start: int, width: int) -> list[Block]:
    blocks: list[Block] = [_flat(t) for t in tokens[:start] if t.text.strip()]
    header = tokens[start : start + width]
    rows: list[list[str]] = [[t.text for t in header]]
    origins = [header[0].line]
    row: list[_Token] = []
    rest = start + width
    for position in range(start + width, len(tokens)):
        token = tokens[position]
        if not token.is_cell:
            rest = position
            break
        if row and (
            len(row) == width
            or (token.blanks_before and is_row_number(clean(token.text)) and len(row) < width)
        ):
            rows.append([t.text for t in row])
            origins.append(row[0].line)
            row = []
        row.append(token)
        rest = position + 1
    if row:
        rows.append([t.text for t in row])
        origins.append(row[0].line)
    blocks.append(Table(rows, origins, "line"))
    blocks.extend(_flat(t) for t in tokens[rest:] if t.text.strip())
    return blocks
