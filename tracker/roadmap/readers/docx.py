"""Word (.docx) → paragraphs and tables, read straight from the document's XML.

* **List numbering**: a paragraph numbered by Word (``w:numPr``, on the paragraph or through
  its style) gets its number as Word shows it, from the numbering definition: decimal, roman,
  letters, «1.», «1.1.», restarts (``startOverride``). Almost every official Word table numbers
  its № column this way, with no digit in the text.
* **Merged cells**: a cell spanning columns (``gridSpan``) is kept once, in its first column; a
  cell merged down (``vMerge``) repeats in each row it covers.
* **Nested tables**: a table with no header of its own that holds tables (a page laid out with
  a table) is read as flowing text, its inner tables as tables.
* A cell of several paragraphs keeps them as lines.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from tracker.errors import InputError
from tracker.roadmap.cells import to_roman
from tracker.roadmap.columns import read_header
from tracker.roadmap.grid import Block, Grid, Table
from tracker.roadmap.limits import MAX_CELLS, MAX_PARAGRAPHS, MAX_ROWS, too_big
from tracker.roadmap.readers.office import read_part

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def _xml(path: Path, data: bytes, name: str) -> etree._Element:
    try:
        return etree.fromstring(data, parser=_PARSER)
    except etree.XMLSyntaxError as error:
        raise InputError(f"cannot read the Word document {path}: {name}: {error}") from None


def read_docx(path: Path, archive: zipfile.ZipFile) -> list[Block]:
    """The paragraphs and tables of the Word document in ``archive``, in reading order."""
    data = read_part(path, archive, "word/document.xml")
    if data is None:
        raise InputError(f"{path} is not a Word document: it has no word/document.xml")
    paragraphs = data.count(b"<w:p>") + data.count(b"<w:p ") + data.count(b"<w:p/>")
    if paragraphs > MAX_PARAGRAPHS:
        raise too_big(path, "paragraphs", paragraphs, MAX_PARAGRAPHS)
    root = _xml(path, data, "word/document.xml")
    numbering_xml = read_part(path, archive, "word/numbering.xml")
    styles_xml = read_part(path, archive, "word/styles.xml")
    numbering = Numbering(
        _xml(path, numbering_xml, "word/numbering.xml") if numbering_xml else None,
        _xml(path, styles_xml, "word/styles.xml") if styles_xml else None,
    )
    body = root.find(f"{_W}body")
    if body is None:
        return []
    reader = _Reader(path, numbering)
    reader.flow(body)
    return reader.blocks


# --- numbering --------------------------------------------------------------------------------


@dataclass(slots=True)
class _Level:
    fmt: str
    text: str
    start: int
    legal: bool = False
    """``w:isLgl``: the levels this one shows are written in Arabic numerals («I» → «1.1»)."""


_RUSSIAN = "абвгдежзиклмнопрстуфхцчшщэюя"


def _letters(number: int, alphabet: str) -> str:
    if number < 1:
        return str(number)
    letter = alphabet[(number - 1) % len(alphabet)]
    return letter * ((number - 1) // len(alphabet) + 1)


def format_number(number: int, fmt: str) -> str:
    """``number`` in a Word number format (``w:numFmt``)."""
    if fmt in ("upperRoman", "lowerRoman"):
        text = to_roman(number)
        return text if fmt == "upperRoman" else text.lower()
    if fmt == "upperLetter":
        return _letters(number, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    if fmt == "lowerLetter":
        return _letters(number, "abcdefghijklmnopqrstuvwxyz")
    if fmt == "russianLower":
        return _letters(number, _RUSSIAN)
    if fmt == "russianUpper":
        return _letters(number, _RUSSIAN.upper())
    if fmt == "decimalZero":
        return f"{number:02d}"
    if fmt in ("bullet", "none"):
        return ""
    return str(number)


def _val(node: etree._Element | None, tag: str) -> str | None:
    if node is None:
        return None
    found = node.find(f"{_W}{tag}")
    return None if found is None else found.get(f"{_W}val")


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


class Numbering:
    """Word's list numbering: which number each numbered paragraph shows, in document order."""

    def __init__(self, numbering: etree._Element | None, styles: etree._Element | None) -> None:
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.style_numbering: dict[str, tuple[str, int]] = {}
        if numbering is not None:
            self._read_numbering(numbering)
        if styles is not None:
            self._read_styles(styles)

    def _read_numbering(self, root: etree._Element) -> None:
        for abstract in root.iter(f"{_W}abstractNum"):
            levels: dict[int, _Level] = {}
            for lvl in abstract.iter(f"{_W}lvl"):
                levels[_int(lvl.get(f"{_W}ilvl"), 0)] = _Level(
                    fmt=_val(lvl, "numFmt") or "decimal",
                    text=_val(lvl, "lvlText") or "",
                    start=_int(_val(lvl, "start"), 1),
                    legal=lvl.find(f"{_W}isLgl") is not None,
                )
            self.abstract[abstract.get(f"{_W}abstractNumId") or ""] = levels
        for num in root.iter(f"{_W}num"):
            overrides: dict[int, int] = {}
            for override in num.iter(f"{_W}lvlOverride"):
                start = _val(override, "startOverride")
                if start is not None:
                    overrides[_int(override.get(f"{_W}ilvl"), 0)] = _int(start, 1)
            abstract_id = _val(num, "abstractNumId") or ""
            self.nums[num.get(f"{_W}numId") or ""] = (abstract_id, overrides)

    def _read_styles(self, root: etree._Element) -> None:
        based: dict[str, str] = {}
        own: dict[str, tuple[str, int]] = {}
        for style in root.iter(f"{_W}style"):
            name = style.get(f"{_W}styleId") or ""
            parent = _val(style, "basedOn")
            if parent:
                based[name] = parent
            num_pr = style.find(f"{_W}pPr/{_W}numPr")
            if num_pr is not None:
                own[name] = (_val(num_pr, "numId") or "0", _int(_val(num_pr, "ilvl"), 0))
        for name in {*based, *own}:
            seen: set[str] = set()
            current: str | None = name
            while current is not None and current not in seen:
                if current in own:
                    self.style_numbering[name] = own[current]
                    break
                seen.add(current)
                current = based.get(current)

    def label(self, paragraph: etree._Element) -> str:
        """The number Word shows before ``paragraph`` («1.», «2.3.», «IV.»), or ""."""
        ppr = paragraph.find(f"{_W}pPr")
        if ppr is None:
            return ""
        num_pr = ppr.find(f"{_W}numPr")
        num_id: str | None = None
        level = 0
        style = _val(ppr, "pStyle")
        if style is not None and style in self.style_numbering:
            num_id, level = self.style_numbering[style]
        if num_pr is not None:
            num_id = _val(num_pr, "numId") or num_id
            level = _int(_val(num_pr, "ilvl"), level)
        if not num_id or num_id == "0" or num_id not in self.nums:
            return ""
        abstract_id, overrides = self.nums[num_id]
        levels = self.abstract.get(abstract_id, {})
        if level not in levels:
            return ""
        key = f"num {num_id}" if overrides else f"abstract {abstract_id}"
        counters = self.counters.setdefault(key, {})

        def start(at: int) -> int:
            return overrides.get(at, levels[at].start if at in levels else 1)

        counters[level] = counters[level] + 1 if level in counters else start(level)
        for deeper in [at for at in counters if at > level]:
            del counters[deeper]
        definition = levels[level]
        if definition.fmt == "bullet":
            return ""

        def place(match: re.Match[str]) -> str:
            at = int(match[1]) - 1
            if at not in counters:
                counters[at] = start(at)
            fmt = levels[at].fmt if at in levels and not definition.legal else "decimal"
            return format_number(counters[at], fmt)

        return re.sub(r"%(\d)", place, definition.text).strip()


# --- the document's body ----------------------------------------------------------------------


@dataclass(slots=True)
class _Reader:
    path: Path
    numbering: Numbering
    blocks: list[Block] = field(default_factory=list)
    tables: int = 0
    cells: int = 0

    def flow(self, parent: etree._Element) -> None:
        """Paragraphs and tables under ``parent`` (the body, a cell, a content control)."""
        for child in parent:
            tag = child.tag
            if tag == f"{_W}p":
                self.blocks.append(self.paragraph(child))
            elif tag == f"{_W}tbl":
                self.table(child)
            elif tag in (f"{_W}sdt", f"{_W}customXml"):
                content = child.find(f"{_W}sdtContent")
                self.flow(content if content is not None else child)

    def paragraph(self, node: etree._Element) -> str:
        label = self.numbering.label(node)
        text = _paragraph_text(node)
        return f"{label} {text}".strip() if label else text

    def cell_text(self, cell: etree._Element) -> str:
        lines: list[str] = []
        for child in cell:
            if child.tag == f"{_W}p":
                lines.append(self.paragraph(child))
            elif child.tag == f"{_W}tbl":
                for row in self.grid(child):
                    lines.append(" ".join(text for text in row if text.strip()))
            elif child.tag == f"{_W}sdt":
                content = child.find(f"{_W}sdtContent")
                if content is not None:
                    lines.extend(self.paragraph(p) for p in content.iter(f"{_W}p"))
        return "\n".join(lines)

    def grid(self, table: etree._Element) -> Grid:
        """Rows of a table. Merged across: once, in the first column; merged down: repeated."""
        rows: Grid = []
        above: dict[int, str] = {}
        for tr in table.iterchildren(f"{_W}tr"):
            if len(rows) >= MAX_ROWS:
                raise too_big(self.path, "table rows", len(rows) + 1, MAX_ROWS)
            before = _int(_val(tr.find(f"{_W}trPr"), "gridBefore"), 0)
            cells = [""] * before
            for tc in tr.iterchildren(f"{_W}tc"):
                column = len(cells)
                tc_pr = tc.find(f"{_W}tcPr")
                merge = tc_pr.find(f"{_W}vMerge") if tc_pr is not None else None
                if merge is not None and merge.get(f"{_W}val", "continue") == "continue":
                    text = above.get(column, "")
                else:
                    text = self.cell_text(tc)
                above[column] = text
                cells.append(text)
                span = _int(_val(tc_pr, "gridSpan"), 1)
                cells.extend([""] * (max(span, 1) - 1))
            self.cells += len(cells)
            if self.cells > MAX_CELLS:
                raise too_big(self.path, "table cells", self.cells, MAX_CELLS)
            rows.append(cells)
        return rows

    def table(self, node: etree._Element) -> None:
        if _has_inner_table(node) and not self._has_header(node):
            for tc in node.iter(f"{_W}tc"):  # a page laid out with a table: read it as text
                if tc.getparent() is not None and _owner_table(tc) is node:
                    self.flow(tc)
            return
        self.tables += 1
        rows = self.grid(node)
        origins = list(range(1, len(rows) + 1))
        self.blocks.append(Table(rows, origins, "row", f"table {self.tables}"))

    def _has_header(self, node: etree._Element) -> bool:
        for tr in node.iterchildren(f"{_W}tr"):
            cells = [_plain_text(tc) for tc in tr.iterchildren(f"{_W}tc")]
            if read_header(cells) is not None:
                return True
        return False


def _has_inner_table(node: etree._Element) -> bool:
    return any(inner is not node for inner in node.iter(f"{_W}tbl"))


def _owner_table(node: etree._Element) -> etree._Element | None:
    parent = node.getparent()
    while parent is not None and parent.tag != f"{_W}tbl":
        parent = parent.getparent()
    return parent


def _plain_text(node: etree._Element) -> str:
    return "\n".join(_paragraph_text(p) for p in node.iterchildren(f"{_W}p"))


def _paragraph_text(paragraph: etree._Element) -> str:
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
