"""PDF with a text layer → paragraphs and tables, through pdfplumber (on pdfminer.six).

* **Ruled tables** (cells drawn with lines) are pdfplumber's own: a cell wrapped over lines
  keeps its lines.
* **Tables without rules** are rebuilt from the words' positions: the header's cells give the
  columns' left edges, and every line under it is cut at those edges. A cell wrapped over lines
  gives lines whose number cell is empty, which the plan reader joins to the row above.
* A table that goes on over the next page (with its header repeated, or not) is one table.
  Lone page numbers at the top or bottom of a page are dropped.
* A PDF without a text layer (a scan) is refused with a clear error: there is no OCR.
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.errors import InputError
from tracker.roadmap.cells import is_row_number
from tracker.roadmap.columns import column_of, continues_header, read_header
from tracker.roadmap.grid import Block, Table
from tracker.roadmap.limits import MAX_PAGES, too_big
from tracker.roadmap.vocabulary import vocabulary

Progress = Callable[[int, int], None]
"""Called with (pages read, pages in all) after each page."""

_LINE_TOLERANCE = 3.0
_MARGIN = 0.08


def read_pdf(path: Path, data: bytes, progress: Progress | None = None) -> list[Block]:
    """The paragraphs and tables of the PDF in ``data``, in reading order.

    Each page is scanned into plain data (words with their boxes, ruled tables' cell boxes),
    then the layout is put together page by page, in order."""
    import pdfplumber

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            count = len(pdf.pages)
    except Exception as error:  # pdfminer raises many kinds on a damaged file
        raise InputError(f"cannot read the PDF file {path}: {error or 'damaged'}") from None
    if count > MAX_PAGES:
        raise too_big(path, "pages", count, MAX_PAGES)
    scans = _scan_all(data, count, progress)
    if isinstance(scans, str):
        raise InputError(f"cannot read {path}: {scans}")
    if sum(scan.chars for scan in scans) == 0:
        raise InputError(
            f"{path} is a PDF with no text layer (a scan): there is no text to read",
            hint="text recognition (OCR) is not done here; import the plan's .docx or .xlsx, or "
            "a PDF saved from Word",
        )
    builder = _Builder()
    for scan in sorted(scans, key=lambda scan: scan.number):
        if scan.chars:
            _read_page(builder, scan)
    return builder.finish()


@dataclass(slots=True)
class _PageScan:
    """What a page holds, as plain data a worker process can send back."""

    number: int
    height: float
    chars: int
    words: list[dict[str, Any]]
    tables: list[tuple[tuple[float, float, float, float], list[list[Any]]]]
    """Ruled tables: the bounding box and, row by row, each cell's box (None: merged away)."""


_WORD_KEYS = ("text", "x0", "x1", "top", "bottom")


def _scan_all(data: bytes, count: int, progress: Progress | None) -> list[_PageScan] | str:
    """Every page scanned, telling ``progress`` after each; a message when pdfminer fails."""
    import pdfplumber

    out: list[_PageScan] = []
    number = 1
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for index, page in enumerate(pdf.pages):
                number = index + 1
                out.append(_scan(page, number))
                page.close()
                if progress is not None:
                    progress(number, count)
    except Exception as error:  # pdfminer raises many kinds on a damaged page
        return f"page {number}: {error or type(error).__name__}"
    return out


def _box(bbox: Any) -> tuple[float, float, float, float]:
    x0, top, x1, bottom = bbox
    return float(x0), float(top), float(x1), float(bottom)


def _scan(page: Any, number: int) -> _PageScan:
    chars = len(page.chars)
    if not chars:
        return _PageScan(number, float(page.height), 0, [], [])
    ruled = page.find_tables() if (page.lines or page.rects) else []
    tables = [
        (_box(table.bbox), [list(row.cells) for row in table.rows])
        for table in ruled
        if len(table.rows) >= 2
    ]
    words = [
        {key: word[key] for key in _WORD_KEYS}
        for word in page.extract_words(x_tolerance=1.5, y_tolerance=2, keep_blank_chars=False)
    ]
    return _PageScan(number, float(page.height), chars, words, tables)


# --- one page ---------------------------------------------------------------------------------


@dataclass(slots=True)
class _Line:
    top: float
    bottom: float
    words: list[dict[str, Any]]

    @property
    def text(self) -> str:
        return " ".join(str(word["text"]) for word in self.words)


@dataclass(slots=True)
class _Builder:
    """Collects blocks over the pages, joining a table that goes on over a page break."""

    blocks: list[Block] = field(default_factory=list)
    tables: int = 0
    open_table: Table | None = None
    edges: list[float] | None = None
    """The columns' left edges of an unruled table still open at the end of the last page."""

    def paragraph(self, text: str) -> None:
        if text.strip():
            self.blocks.append(text)
            self.open_table = None
            self.edges = None

    def rows(self, rows: list[list[str]], page: int, *, ruled: bool) -> None:
        rows = [row for row in rows if any(cell.strip() for cell in row)]
        if not rows:
            return
        table = self.open_table
        fresh = table is None or not table.rows or len(table.rows[0]) != len(rows[0])
        if table is None or fresh or (not ruled and self.edges is None):
            self.tables += 1
            table = Table([], [], "row", f"table {self.tables}", [])
            self.blocks.append(table)
            self.open_table = table
        assert table.pages is not None
        for row in rows:
            table.rows.append(row)
            table.origins.append(len(table.rows))
            table.pages.append(page)

    def finish(self) -> list[Block]:
        return self.blocks


def _lines(words: list[dict[str, Any]]) -> list[_Line]:
    lines: list[_Line] = []
    for word in sorted(words, key=lambda w: (round(float(w["top"])), float(w["x0"]))):
        top = float(word["top"])
        if lines and abs(lines[-1].top - top) <= _LINE_TOLERANCE:
            lines[-1].words.append(word)
            lines[-1].bottom = max(lines[-1].bottom, float(word["bottom"]))
        else:
            lines.append(_Line(top, float(word["bottom"]), [word]))
    for line in lines:
        line.words.sort(key=lambda w: float(w["x0"]))
    return lines


def _is_page_number(line: _Line, height: float) -> bool:
    in_margin = line.top < height * _MARGIN or line.bottom > height * (1 - _MARGIN)
    text = line.text.strip().strip("-–— ")
    return in_margin and (text.isdigit() or text.lower().startswith(("стр", "page")))


def _read_page(builder: _Builder, scan: _PageScan) -> None:
    boxes = [box for box, _ in scan.tables]
    words = scan.words
    outside = [word for word in words if not any(_inside(word, box) for box in boxes)]
    lines = [line for line in _lines(outside) if not _is_page_number(line, scan.height)]
    if scan.tables:
        items: list[tuple[float, Any]] = [(line.top, line) for line in lines]
        items.extend((box[1], (box, rows)) for box, rows in scan.tables)
        for _, item in sorted(items, key=lambda pair: pair[0]):
            if isinstance(item, _Line):
                builder.paragraph(item.text)
            else:
                box, rows = item
                inside = [word for word in words if _inside(word, box)]
                builder.rows(_ruled_grid(rows, inside), scan.number, ruled=True)
        return
    _unruled(builder, lines, scan.number)


def _ruled_grid(rows: list[list[Any]], words: list[dict[str, Any]]) -> list[list[str]]:
    """Cells' text row by row; a cell merged down over numbered rows gives each row its text."""
    grid: list[list[str]] = []
    above: list[tuple[float, str] | None] = []
    for row in rows:
        top = min((float(box[1]) for box in row if box is not None), default=0.0)
        cells: list[str] = []
        merged: list[tuple[float, str] | None] = []
        for position, box in enumerate(row):
            if box is None:
                over = above[position] if position < len(above) else None
                merged.append(over if over is not None and over[0] > top + 1 else None)
                cells.append("")
                continue
            mine = [word for word in words if _inside(word, box)]
            cells.append(_cell_text(_lines(mine), float(box[0]), float(box[2])))
            merged.append((float(box[3]), cells[-1]))
        if cells and cells[0].strip():
            for position, box in enumerate(row):
                over = merged[position]
                if box is None and position and over is not None:
                    cells[position] = over[1]
        above = merged
        grid.append(cells)
    return grid


def _cell_text(lines: list[_Line], left: float, right: float) -> str:
    """A cell's lines: a line wrapped by the cell's width joins the one above with a space; a
    line that would have fitted above was broken on purpose (another executor, a list item)."""
    if not lines:
        return ""
    padding = max(min(float(line.words[0]["x0"]) for line in lines) - left, 0.0)
    limit = right - padding
    out = [lines[0].text]
    named = _names_executor(lines)
    for above, line in itertools.pairwise(lines):
        first = line.words[0]
        width = float(first["x1"]) - float(first["x0"])
        end = max(float(word["x1"]) for word in above.words)
        wrapped = end + width > limit
        if named:
            wrapped = _continues_executor(out[-1], line.text, wrapped=wrapped)
        if wrapped:
            out[-1] = f"{out[-1]} {line.text}"
        else:
            out.append(line.text)
    return "\n".join(out)


_INITIALS = re.compile(r"(?:^|\s)[А-ЯЁ]\.\s?[А-ЯЁ]\.$")
_NAME = re.compile(r"^[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?\s[А-ЯЁ]\.\s?[А-ЯЁ]\.?")
_JOINERS = frozenset({"и", "по", "для", "при", "в", "на", "с", "со", "из", "от", "к", "о", "об"})


def _names_executor(lines: list[_Line]) -> bool:
    """A cell of stacked lines that names executors: a name with initials or an executor word."""
    if len(lines) < 2:
        return False
    stems = vocabulary().executor_stems
    for line in lines:
        text = line.text
        if _NAME.search(text) or _INITIALS.search(text):
            return True
        if any(word.lower().startswith(stems) for word in text.split()[:2]):
            return True
    return False


def _starts_executor(text: str) -> bool:
    words = text.split()
    if not words or not words[0][:1].isupper():
        return False
    if _NAME.match(text):
        return True
    lowered = text.lower()
    stems = vocabulary().executor_stems
    return any(word.lower().startswith(stems) for word in words[:2]) or lowered.startswith(stems)


def _continues_executor(above: str, line: str, *, wrapped: bool) -> bool:
    """In an executors' cell: a line in lower case goes on the line above; a line opening with a
    name or an executor word after a finished executor (initials, a closing quote, no joining
    word at the end) starts another one, even where it would not have fitted above."""
    first = line.lstrip('"«(')[:1]
    if first.islower():
        return True
    last = above.split()[-1].lower() if above.split() else ""
    if last in _JOINERS or above.endswith((",", "-", "–")):
        return wrapped
    if _INITIALS.search(above) or above.endswith(('"', "»", ")")):
        return False
    if _NAME.fullmatch(line.strip()) and _is_post(above):
        return True
    if _starts_executor(line):
        return False
    return wrapped


def _is_post(text: str) -> bool:
    """«Заведующий поликлиникой», «Председатель ТПМПК»: a person's post without the name."""
    words = text.split()
    stems = vocabulary().position_stems
    return bool(words) and words[0].lower().startswith(stems) and not _INITIALS.search(text)


def _inside(word: dict[str, Any], box: tuple[float, float, float, float]) -> bool:
    x0, top, x1, bottom = box
    middle_x = (float(word["x0"]) + float(word["x1"])) / 2
    middle_y = (float(word["top"]) + float(word["bottom"])) / 2
    return x0 <= middle_x <= x1 and top <= middle_y <= bottom


# --- tables without rules ---------------------------------------------------------------------


def _cells_by_gaps(line: _Line) -> list[tuple[float, str]]:
    """The line cut where the gap between words is wider than a few spaces: (left edge, text)."""
    cells: list[tuple[float, list[str]]] = []
    previous_end: float | None = None
    for word in line.words:
        size = float(word["bottom"]) - float(word["top"])
        if previous_end is None or float(word["x0"]) - previous_end > size * 1.2:
            cells.append((float(word["x0"]), [str(word["text"])]))
        else:
            cells[-1][1].append(str(word["text"]))
        previous_end = float(word["x1"])
    return [(left, " ".join(words)) for left, words in cells]


def _header_edges(lines: list[_Line], start: int) -> tuple[list[float], int] | None:
    """The columns' left edges if a header starts at ``lines[start]`` (over up to 3 lines, then
    on over the header-word lines right under it: «п/п» below «№»).

    A header found from a line that adds no column to it (a title right above it) is found
    again from the next line."""
    for span in range(1, 4):
        found = _header_at(lines[start : start + span])
        if found is None:
            continue
        if span > 1:
            tighter = _header_at(lines[start + 1 : start + span])
            if tighter is not None and tighter[1] >= found[1]:
                return None
        while start + span < len(lines) and _continues(
            lines[start + span - 1], lines[start + span]
        ):
            span += 1
        again = _header_at(lines[start : start + span])
        return (again or found)[0], span
    return None


def _continues(above: _Line, line: _Line) -> bool:
    """``line`` is more of the header: header words only, right under the line above."""
    height = line.bottom - line.top
    if line.top - above.bottom > height * 0.8:
        return False
    return all(
        continues_header([text])
        or (column_of(text) is not None and len(text.split()) <= 2)
        or (len(text.split()) <= 2 and text[:1].islower())  # «п/п», «о выполнении»
        for _, text in _cells_by_gaps(line)
    )


def _header_at(lines: list[_Line]) -> tuple[list[float], int] | None:
    """(left edges, columns named) of the header these lines make together, if they make one."""
    cells: list[tuple[float, str]] = []
    for line in lines:
        cells = _merge_cells(cells, _cells_by_gaps(line))
    if any(is_row_number(text) for _, text in cells):
        return None
    header = read_header([text for _, text in cells])
    if header is None:
        return None
    return [left for left, _ in cells], len(header.columns)


def _merge_cells(
    above: list[tuple[float, str]], below: list[tuple[float, str]]
) -> list[tuple[float, str]]:
    """Header cells of two lines joined by column: a cell below joins the nearest one above."""
    if not above:
        return below
    out = [(left, [text]) for left, text in above]
    for left, text in below:
        nearest = min(range(len(out)), key=lambda index: abs(out[index][0] - left))
        if abs(out[nearest][0] - left) < 15:
            out[nearest][1].append(text)
        else:
            out.append((left, [text]))
    out.sort(key=lambda cell: cell[0])
    return [(left, " ".join(texts)) for left, texts in out]


def _cut(line: _Line, edges: list[float]) -> list[list[dict[str, Any]]]:
    """The line's words in the columns whose left edges are ``edges``; a line whose words run
    across a column edge (a section heading spanning the table) stays whole in the first."""
    cells: list[list[dict[str, Any]]] = [[] for _ in edges]
    for word in line.words:
        x0, x1 = float(word["x0"]), float(word["x1"])
        if any(x0 < edge - 2 < edge + 2 < x1 for edge in edges[1:]):
            return [list(line.words)] + [[] for _ in edges[1:]]
        index = 0
        for position, edge in enumerate(edges):
            if x0 >= edge - 4:
                index = position
        cells[index].append(word)
    return cells


def _unruled(builder: _Builder, lines: list[_Line], page: int) -> None:
    """The page's lines under a header cut into rows and columns (the header's cells give the
    columns' left edges); lines above any header are paragraphs."""
    index = 0
    body: list[_Line] = []

    def emit() -> None:
        if body and builder.edges is not None:
            for cells in _body_rows(body, builder.edges):
                builder.rows([cells], page, ruled=False)
        body.clear()

    while index < len(lines):
        found = _header_edges(lines, index)
        if found is not None:
            emit()
            edges, span = found
            header = ["" for _ in edges]
            for line in lines[index : index + span]:
                for position, words in enumerate(_cut(line, edges)):
                    text = " ".join(str(word["text"]) for word in words)
                    header[position] = f"{header[position]} {text}".strip()
            builder.edges = edges
            builder.rows([header], page, ruled=False)
            index += span
            continue
        line = lines[index]
        index += 1
        if builder.edges is None:
            builder.paragraph(line.text)
        else:
            body.append(line)
    emit()


def _rights(lines: list[_Line], edges: list[float]) -> list[float]:
    """Each column's right limit: the next column's edge; for the last, its widest text."""
    last = edges[-1] - 4
    far = max(
        (float(w["x1"]) for line in lines for w in line.words if float(w["x0"]) >= last),
        default=last,
    )
    return [*(edge - 4 for edge in edges[1:]), far]


def _body_rows(lines: list[_Line], edges: list[float]) -> list[list[str]]:
    """Rows from the vertical gaps between them when rows stand apart more than lines do (cells
    may then be centred vertically); else a new row at each line with text in the first cell."""
    rights = _rights(lines, edges)
    bands = _bands(lines, edges)
    if bands is not None:
        return [_band_cells(band, edges, rights) for band in bands]
    rows: list[list[list[_Line]]] = []
    spanning = False
    for index, line in enumerate(lines):
        above = lines[index - 1] if index else None
        cut = _cut(line, edges)
        parts = [_Line(line.top, line.bottom, words) if words else None for words in cut]
        this_spans = all(part is None for part in parts[1:])
        close = above is not None and line.top - above.bottom < (line.bottom - line.top) * 0.8
        if rows and spanning and this_spans and close:
            parts[0] = _Line(line.top, line.bottom, list(line.words))
        elif parts[0] is not None or not rows:
            rows.append([[] for _ in edges])
            spanning = this_spans
        for position, part in enumerate(parts):
            if part is not None:
                rows[-1][position].append(part)
    return [
        [
            _cell_text(parts, edge, right)
            for parts, edge, right in zip(row, edges, rights, strict=True)
        ]
        for row in rows
    ]


def _bands(lines: list[_Line], edges: list[float]) -> list[list[_Line]] | None:
    """The lines grouped into rows, from the gaps between the cells of each column: lines of one
    cell stand closer than cells of two rows. None when the gaps are all alike (cells with no
    padding), or when a group would hold two numbered rows."""
    if len(lines) < 3:
        return None
    ordered = sorted(lines, key=lambda line: line.top)
    columns: list[list[tuple[float, float]]] = [[] for _ in edges]
    for line in ordered:
        for position, words in enumerate(_cut(line, edges)):
            if words:
                top = min(float(w["top"]) for w in words)
                bottom = max(float(w["bottom"]) for w in words)
                columns[position].append((top, bottom))
    gaps = sorted(
        below[0] - above[1] for column in columns for above, below in itertools.pairwise(column)
    )
    heights = sorted(line.bottom - line.top for line in ordered)
    least = max(3.0, heights[len(heights) // 2] * 0.35)
    threshold: float | None = None
    for small, large in itertools.pairwise(gaps):
        if large - small > least:
            threshold = (small + large) / 2
            break
    if threshold is None:
        return None
    cells: list[tuple[float, float]] = []
    for column in columns:
        mine: list[tuple[float, float]] = []
        for top, bottom in column:
            if mine and top - mine[-1][1] <= threshold:
                mine[-1] = (mine[-1][0], max(mine[-1][1], bottom))
            else:
                mine.append((top, bottom))
        cells.extend(mine)
    spans: list[list[float]] = []
    for top, bottom in sorted(cells):
        if spans and top <= spans[-1][1] + 1.0:
            spans[-1][1] = max(spans[-1][1], bottom)
        else:
            spans.append([top, bottom])
    bands: list[list[_Line]] = [[] for _ in spans]
    for line in ordered:
        index = next((i for i, (top, bottom) in enumerate(spans) if line.top <= bottom), -1)
        bands[index].append(line)
    for band in bands:
        numbered = [line for line in band if _starts_numbered(line, edges)]
        spanning = [line for line in band if any(_straddles(w, edges) for w in line.words)]
        if len(numbered) > 1 or (spanning and len(spanning) < len(band)):
            return None
    return [band for band in bands if band]


def _starts_numbered(line: _Line, edges: list[float]) -> bool:
    first = _cut(line, edges)[0]
    return bool(first) and is_row_number(" ".join(str(word["text"]) for word in first))


def _straddles(word: dict[str, Any], edges: list[float]) -> bool:
    return any(float(word["x0"]) < edge - 2 < edge + 2 < float(word["x1"]) for edge in edges[1:])


def _band_cells(band: list[_Line], edges: list[float], rights: list[float]) -> list[str]:
    """One row's cells from its lines; a row whose words run across a column edge (a section
    heading spanning the table, a signature) stays whole in the first cell."""
    words = [word for line in band for word in line.words]
    if any(_straddles(word, edges) for word in words):
        return ["\n".join(line.text for line in band), *([""] * (len(edges) - 1))]
    columns: list[list[dict[str, Any]]] = [[] for _ in edges]
    for word in words:
        index = 0
        for position, edge in enumerate(edges):
            if float(word["x0"]) >= edge - 4:
                index = position
        columns[index].append(word)
    return [
        _cell_text(_lines(mine), edge, right)
        for mine, edge, right in zip(columns, edges, rights, strict=True)
    ]
