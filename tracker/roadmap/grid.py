"""The shape every reader produces: a document as paragraphs and grids of cells, in reading order.

Each table row remembers where it came from (the page, the table, the row or the line), so
every activity can name its source. Which table is the plan is decided later (``detect``);
header detection, sections, continuation rows and row splitting work on this grid alone, for
every format alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

Grid = list[list[str]]

SUPPORTED = (
    ".docx, .xlsx, .pdf (with a text layer), .html/.htm, .csv or .txt (text copied from Word,"
    " PDF or a web page)"
)


@dataclass(slots=True)
class Table:
    """One table: ``rows`` of cell text, and where each row came from.

    ``origins`` are line numbers (``where == "line"``) or row numbers within the table named
    ``name``; ``pages`` (PDF) is the page of each row.
    """

    rows: Grid
    origins: list[int]
    where: str = "line"
    name: str = "table"
    pages: list[int] | None = None

    def origin(self, index: int) -> str:
        """«line 37», «row 5 of table 2», «page 3, row 5 of table 1»: where row ``index`` is."""
        if self.where == "line":
            return f"line {self.origins[index]}"
        row = f"row {self.origins[index]} of {self.name}"
        if self.pages is not None:
            return f"page {self.pages[index]}, {row}"
        return row


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
