"""A saved web page (.html, .htm) → paragraphs and tables, through lxml.

The plan's ``<table>`` is found among navigation and layout tables: a table that holds other
tables and has no plan header of its own is page layout, read as flowing text with its inner
tables as tables. Inside a cell, ``<br>``, ``<p>``, ``<div>`` and list items start new lines.
``colspan`` keeps a cell once, in its first column; ``rowspan`` repeats it in the rows below.
Scripts, styles and forms are skipped.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree, html

from tracker.errors import InputError
from tracker.roadmap.columns import read_header
from tracker.roadmap.grid import Block, Grid, Table
from tracker.roadmap.limits import MAX_CELLS, MAX_ROWS, too_big

_SKIP = {"script", "style", "noscript", "template", "head", "select", "button", "svg", "iframe"}
_BLOCK = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article",
    "header", "footer", "main", "aside", "nav", "blockquote", "pre", "center", "dl", "dt", "dd",
    "form", "address", "figure", "figcaption", "caption", "body", "html", "tr", "td", "th",
}  # fmt: skip


def read_html(path: Path, text: str) -> list[Block]:
    """The paragraphs and tables of the page, in reading order."""
    try:
        root = html.document_fromstring(text)
    except (etree.ParserError, ValueError) as error:
        raise InputError(f"cannot read the web page {path}: {error}") from None
    reader = _Reader(path)
    reader.flow(root)
    reader.flush()
    return reader.blocks


def _tag(node: etree._Element) -> str:
    tag = node.tag
    return tag.lower() if isinstance(tag, str) else ""


def cell_text(node: etree._Element) -> str:
    """The text of a cell, with a line break for each ``<br>`` and block element."""
    parts: list[str] = []

    def walk(element: etree._Element) -> None:
        tag = _tag(element)
        if tag in _SKIP or not tag:
            return
        if tag == "br" or tag in _BLOCK:
            parts.append("\n")
        if element.text:
            parts.append(element.text)
        for child in element:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if tag in _BLOCK:
            parts.append("\n")

    walk(node)
    lines = [" ".join(line.split()) for line in "".join(parts).split("\n")]
    return "\n".join(line for line in lines if line)


def _rows(table: etree._Element) -> list[etree._Element]:
    """The table's own rows, not those of tables inside it."""
    out: list[etree._Element] = []
    for child in table:
        tag = _tag(child)
        if tag == "tr":
            out.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            out.extend(row for row in child if _tag(row) == "tr")
    return out


def _cells(row: etree._Element) -> list[etree._Element]:
    return [cell for cell in row if _tag(cell) in ("td", "th")]


def _span(cell: etree._Element, name: str) -> int:
    try:
        return max(1, min(int(cell.get(name, "1")), 1000))
    except ValueError:
        return 1


class _Reader:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.blocks: list[Block] = []
        self.tables = 0
        self.cells = 0
        self.pending: list[str] = []

    def flush(self) -> None:
        text = " ".join("".join(self.pending).split())
        if text:
            self.blocks.append(text)
        self.pending = []

    def flow(self, element: etree._Element) -> None:
        tag = _tag(element)
        if tag in _SKIP or not tag:
            return
        if tag == "table":
            self.flush()
            self.table(element)
            return
        block = tag in _BLOCK or tag == "br"
        if block:
            self.flush()
        if element.text:
            self.pending.append(element.text)
        for child in element:
            self.flow(child)
            if child.tail:
                self.pending.append(child.tail)
        if block:
            self.flush()

    def table(self, node: etree._Element) -> None:
        rows = _rows(node)
        layout = any(True for inner in node.iter("table") if inner is not node)
        if layout and all(read_header([cell_text(c) for c in _cells(r)]) is None for r in rows):
            for row in rows:
                for cell in _cells(row):
                    self.flow_children(cell)
            return
        grid = self.grid(rows)
        if grid:
            self.tables += 1
            self.blocks.append(
                Table(grid, list(range(1, len(grid) + 1)), "row", f"table {self.tables}")
            )

    def flow_children(self, cell: etree._Element) -> None:
        self.flush()
        if cell.text:
            self.pending.append(cell.text)
        for child in cell:
            self.flow(child)
            if child.tail:
                self.pending.append(child.tail)
        self.flush()

    def grid(self, rows: list[etree._Element]) -> Grid:
        grid: Grid = []
        spans: dict[int, tuple[int, str]] = {}  # column → (rows left, text) of a rowspan
        if len(rows) > MAX_ROWS:
            raise too_big(self.path, "table rows", len(rows), MAX_ROWS)
        for row in rows:
            out: list[str] = []
            cells = iter(_cells(row))
            while True:
                column = len(out)
                if column in spans:
                    left, text = spans[column]
                    out.append(text)
                    if left <= 1:
                        del spans[column]
                    else:
                        spans[column] = (left - 1, text)
                    continue
                cell = next(cells, None)
                if cell is None:
                    break
                text = cell_text(cell)
                down = _span(cell, "rowspan")
                if down > 1:
                    spans[column] = (down - 1, text)
                out.append(text)
                out.extend([""] * (_span(cell, "colspan") - 1))
            while len(out) in spans:  # rowspans right of the last cell
                column = len(out)
                left, text = spans[column]
                out.append(text)
                spans[column] = (left - 1, text)
                if left <= 1:
                    del spans[column]
            self.cells += len(out)
            if self.cells > MAX_CELLS:
                raise too_big(self.path, "table cells", self.cells, MAX_CELLS)
            grid.append(out)
        return grid
