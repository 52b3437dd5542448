"""The execution report as a Word document (python-docx), landscape A4, ready to sign.

A centred title, the roadmap, the period and «по состоянию на …»; the execution table with
fixed column widths and its header row repeated on every page; then the discipline figures,
and a line for the signature.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table

from tracker.report.model import COLUMNS, FIGURE_COLUMNS, ORGANISATION_COLUMNS, Report

#: Printable width of landscape A4 with 2 cm margins, in centimetres.
_WIDTH_CM = 29.7 - 4.0


def _repeat_header(table: Table) -> None:
    """Mark the first row as a header row: Word repeats it at the top of every page."""
    properties = table.rows[0]._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    properties.append(flag)


def _table(
    document: DocumentType,
    columns: Sequence[tuple[str, int]],
    rows: Sequence[Sequence[str] | str],
) -> Table:
    table: Table = document.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    total = sum(chars for _, chars in columns)
    widths = [Cm(_WIDTH_CM * chars / total) for _, chars in columns]
    for cell, (name, _), width in zip(table.rows[0].cells, columns, widths, strict=True):
        cell.width = width
        cell.text = ""
        run = cell.paragraphs[0].add_run(name)
        run.bold = True
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _repeat_header(table)
    for values in rows:
        cells = table.add_row().cells  # type: ignore[no-untyped-call]
        if isinstance(values, str):  # a roadmap's heading across the table
            merged = cells[0].merge(cells[-1])
            merged.text = ""
            merged.paragraphs[0].add_run(values).bold = True
            continue
        for cell, value, width in zip(cells, values, widths, strict=True):
            cell.width = width
            cell.text = value
    return table


def render_docx(report: Report) -> bytes:
    """The report as .docx bytes."""
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(11)
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.0))
    for text, size, bold in (
        (report.title, 14, True),
        (report.subtitle, 12, False),
        (f"{report.period}, {report.as_of}", 12, False),
    ):
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold = bold
        run.font.size = Pt(size)
    body: list[Sequence[str] | str] = []
    for roadmap_heading, part in report.sections():
        if roadmap_heading:
            body.append(roadmap_heading)
        body += [row.cells() for row in part]
    _table(document, COLUMNS, body)
    heading = document.add_paragraph()
    heading.paragraph_format.space_before = Pt(18)
    heading.paragraph_format.keep_with_next = True
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.add_run("Показатели исполнительской дисциплины").bold = True
    parts = (
        ("Показатели исполнительской дисциплины", FIGURE_COLUMNS, report.figure_rows()),
        ("Показатели по организациям", ORGANISATION_COLUMNS, report.organisation_rows()),
    )
    for number, (title, columns, rows) in enumerate(parts):
        if number:
            heading = document.add_paragraph()
            heading.paragraph_format.space_before = Pt(18)
            heading.paragraph_format.keep_with_next = True
            heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
            heading.add_run(title).bold = True
        table = _table(document, columns, rows)
        for cell in table.rows[-1].cells:
            for run in cell.paragraphs[0].runs:
                run.bold = True
    signature = document.add_paragraph()
    signature.paragraph_format.space_before = Pt(30)
    signature.add_run("Ответственное лицо  ____________________  /____________________/")
    document.core_properties.title = report.title
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
