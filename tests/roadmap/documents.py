"""Real-looking plan documents built in test code, from builder items (see roadmap_helpers).

Each writer lays the same items out the way people make such documents: Word with an
auto-numbered № column (real ``numbering.xml``) and section rows merged across the table, a
title and an approval block above and a signature, a footnote and «Исполнитель: …, тел.» below;
Excel with a merged title, a two-row header, a signature under the table and a second sheet;
PDF (fpdf2, DejaVu Sans) with ruled and unruled tables over several pages; a saved web page with
navigation and layout tables.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from roadmap_helpers import HEADER, Item, cells_of

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FONT_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
COLUMNS = ("number", "title", "result", "deadline", "responsible")
APPROVAL = [
    "УТВЕРЖДЕН",
    "приказом отдела образования",
    "от 01.02.2022 № 17",
]
TITLE = "План мероприятий (дорожная карта) на период 2022-2024 гг."
SIGNATURE = "Начальник отдела образования ____________ П.П. Петров"
FOOTNOTE = "* Сроки могут уточняться по согласованию с министерством."
CONTACT = "Исполнитель: Сидорова А.В., тел. 8 (39144) 3-12-45"


# --- Word -------------------------------------------------------------------------------------

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _w(tag: str) -> str:
    return f"{{{_W_NS}}}{tag}"


class _WordLists:
    """Adds list definitions to a python-docx document and numbers paragraphs with them."""

    def __init__(self, document: Any, *, roman: bool, dotted: bool) -> None:
        from docx.oxml import parse_xml

        self.parse_xml = parse_xml
        self.root = document.part.numbering_part.element
        self.abstract_id = 90
        fmt0 = "upperRoman" if roman else "decimal"
        text1 = "%1.%2." if dotted else "%2."
        xml = (
            f'<w:abstractNum xmlns:w="{_W_NS}" w:abstractNumId="{self.abstract_id}">'
            '<w:multiLevelType w:val="multilevel"/>'
            f'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="{fmt0}"/>'
            '<w:lvlText w:val="%1."/><w:lvlJc w:val="left"/></w:lvl>'
            '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
            f"{'<w:isLgl/>' if roman and dotted else ''}"
            f'<w:lvlText w:val="{text1}"/><w:lvlJc w:val="left"/></w:lvl>'
            "</w:abstractNum>"
        )
        first_num = self.root.find(_w("num"))
        abstract = parse_xml(xml)
        if first_num is not None:
            first_num.addprevious(abstract)
        else:
            self.root.append(abstract)
        self.next_id = 90
        self.num_id = self.new_num({})
        self.counters: dict[int, int] = {}

    def new_num(self, overrides: dict[int, int]) -> int:
        self.next_id += 1
        parts = "".join(
            f'<w:lvlOverride w:ilvl="{level}"><w:startOverride w:val="{start}"/></w:lvlOverride>'
            for level, start in overrides.items()
        )
        self.root.append(
            self.parse_xml(
                f'<w:num xmlns:w="{_W_NS}" w:numId="{self.next_id}">'
                f'<w:abstractNumId w:val="{self.abstract_id}"/>{parts}</w:num>'
            )
        )
        self.counters = {}
        return self.next_id

    def number(self, paragraph: Any, level: int, wanted: list[int]) -> None:
        """Number ``paragraph`` at ``level`` so that Word shows ``wanted`` (restart if needed)."""
        shown = dict(self.counters)
        shown[level] = shown.get(level, 0) + 1
        for deeper in [at for at in shown if at > level]:
            del shown[deeper]
        for at in range(level):
            shown.setdefault(at, 1)
        if [shown[at] for at in range(level + 1)] != wanted:
            self.num_id = self.new_num(dict(enumerate(wanted)))
            shown = dict(enumerate(wanted))
        self.counters = shown
        p_pr = paragraph._p.get_or_add_pPr()
        p_pr.append(
            self.parse_xml(
                f'<w:numPr xmlns:w="{_W_NS}"><w:ilvl w:val="{level}"/>'
                f'<w:numId w:val="{self.num_id}"/></w:numPr>'
            )
        )


def _roman_value(label: str) -> int | None:
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
    if not label or any(letter not in values for letter in label):
        return None
    total = 0
    for index, letter in enumerate(label):
        value = values[letter]
        following = values[label[index + 1]] if index + 1 < len(label) else 0
        total += -value if value < following else value
    return total


def write_numbered_docx(
    path: Path, items: list[Item], columns: tuple[str, ...] = COLUMNS, *, numbered: bool = True
) -> Path:
    """A Word plan whose № column is Word list numbering (no digits in the cells' text)."""
    import docx

    document = docx.Document()
    for line in ["Отдел образования администрации города Энска", "ПРИКАЗ", "01.02.2022 № 17"]:
        document.add_paragraph(line)
    document.add_paragraph("Об утверждении плана мероприятий")
    document.add_paragraph("ПРИКАЗЫВАЮ: утвердить план мероприятий (приложение).")
    for line in ["Приложение", *APPROVAL]:
        document.add_paragraph(line).alignment = 2
    document.add_paragraph(TITLE).alignment = 1
    roman = any(item[0] == "section" and _roman_value(item[1]) for item in items)
    dotted = any(item[0] == "activity" and "." in item[1] for item in items)
    lists = _WordLists(document, roman=roman, dotted=dotted)
    table = document.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    for index, column in enumerate(columns):
        table.rows[0].cells[index].text = HEADER[column]
    numbering_row = table.add_row().cells  # the «1 | 2 | 3 | 4 | 5» row
    for index in range(len(columns)):
        numbering_row[index].text = str(index + 1)
    section_value = 0
    for item in items:
        cells = table.add_row().cells
        if item[0] == "section":
            merged = cells[0].merge(cells[-1])
            label = item[1]
            value = _roman_value(label) if roman else int(label) if label.isdigit() else None
            paragraph = merged.paragraphs[0]
            if numbered and value is not None:
                paragraph.text = item[2]
                lists.number(paragraph, 0, [value])
                section_value = value
            else:
                paragraph.text = f"Раздел {label}. {item[2]}"
            continue
        for index, text in enumerate(cells_of(item, columns, join="\n")):
            column = columns[index]
            if column == "number" and numbered and re.fullmatch(r"\d+(\.\d+)?", text):
                parts = [int(part) for part in text.split(".")]
                if len(parts) == 1 and (roman or dotted):
                    parts = [section_value or 1, parts[0]]
                level = len(parts) - 1 if (roman or dotted) else 0
                wanted = parts if (roman or dotted) else parts[:1]
                lists.number(cells[index].paragraphs[0], level, wanted)
                continue
            lines = text.split("\n")
            cells[index].text = lines[0]
            for more in lines[1:]:
                cells[index].add_paragraph(more)
    for line in ["", SIGNATURE, FOOTNOTE, CONTACT]:
        document.add_paragraph(line)
    document.save(path)
    return path


# --- Excel ------------------------------------------------------------------------------------


def write_rich_xlsx(path: Path, items: list[Item], columns: tuple[str, ...] = COLUMNS) -> Path:
    """A workbook: approval block, merged title, a two-row header, the plan, a signature below,
    and a second sheet of notes."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "План"
    width = len(columns)
    for line in APPROVAL:
        sheet.append([""] * (width - 1) + [line])
    sheet.append([TITLE])
    title_row = sheet.max_row
    sheet.merge_cells(start_row=title_row, start_column=1, end_row=title_row, end_column=width)
    top = {"number": "№", "title": "Наименование", "result": "Форма", "deadline": "Срок",
           "responsible": "Ответственные"}  # fmt: skip
    bottom = {"number": "п/п", "title": "мероприятия", "result": "представления результата",
              "deadline": "исполнения", "responsible": "исполнители"}  # fmt: skip
    sheet.append([top[column] for column in columns])
    sheet.append([bottom[column] for column in columns])
    for item in items:
        sheet.append(cells_of(item, columns, join="\n"))
        if item[0] == "section":
            row = sheet.max_row
            sheet.cell(row, 1).value = f"{item[1]}. {item[2]}"
            for column in range(2, width + 1):
                sheet.cell(row, column).value = None
            sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    sheet.append([])
    sheet.append(["", SIGNATURE])
    sheet.append(["", CONTACT])
    notes = workbook.create_sheet("Пояснения")
    notes.append(["Пояснительная записка к плану"])
    notes.append(["План составлен по итогам совещания"])
    workbook.save(path)
    return path


# --- PDF --------------------------------------------------------------------------------------


def write_pdf(
    path: Path,
    items: list[Item],
    columns: tuple[str, ...] = COLUMNS,
    *,
    ruled: bool = True,
    repeat: int = 1,
) -> Path:
    """A PDF of the plan (``repeat`` times the items, renumbered, for a long document)."""
    from fpdf import FPDF
    from fpdf.enums import TableBordersLayout

    pdf = FPDF(orientation="L", format="A4")
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.add_font("DejaVu", "B", str(FONT_BOLD))
    pdf.set_font("DejaVu", size=9)
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    for line in APPROVAL:
        pdf.cell(0, 5, line, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.multi_cell(0, 5, TITLE, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    widths = {"number": 14, "title": 95, "result": 60, "deadline": 40, "responsible": 58,
              "extra": 30}  # fmt: skip
    layout = TableBordersLayout.ALL if ruled else TableBordersLayout.NONE
    with pdf.table(
        col_widths=[widths[column] for column in columns],
        borders_layout=layout,
        repeat_headings=1,
        text_align="LEFT",
        line_height=4.5,
        first_row_as_headings=True,
        v_align="TOP",
    ) as table:
        table.row([HEADER[column] for column in columns])
        for copy in range(repeat):
            for item in items:
                row = table.row()
                cells = cells_of(item, columns, join="\n")
                if item[0] == "section":
                    label = f"{item[1]}" if copy == 0 else f"{item[1]}-{copy}"
                    row.cell(f"{label}. {item[2]}", colspan=len(columns))
                    continue
                for column, text in zip(columns, cells, strict=True):
                    if column == "number" and copy:
                        text = f"{copy}.{text}"
                    row.cell(text)
    pdf.ln(6)
    pdf.cell(0, 5, SIGNATURE, new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 5, CONTACT, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


# --- a saved web page -------------------------------------------------------------------------


def html_page(items: list[Item], columns: tuple[str, ...] = COLUMNS) -> str:
    """A saved page: a navigation table, a layout table holding the title and the plan."""

    def cell(text: str, tag: str = "td", extra: str = "") -> str:
        lines = [html.escape(line) for line in text.split("\n")]
        if len(lines) > 1 and tag == "td":
            inner = "".join(f"<p>{line}</p>" for line in lines)
        else:
            inner = "<br>".join(lines)
        return f"<{tag}{extra}>{inner}</{tag}>"

    rows = ["<tr>" + "".join(cell(HEADER[c], "th") for c in columns) + "</tr>"]
    for item in items:
        if item[0] == "section":
            span = f" colspan={len(columns)}"
            rows.append(f"<tr>{cell(f'{item[1]}. {item[2]}', extra=span)}</tr>")
            continue
        texts = cells_of(item, columns, join="\n")
        rows.append("<tr>" + "".join(cell(text) for text in texts) + "</tr>")
    plan = '<table border="1" class="plan">' + "\n".join(rows) + "</table>"
    nav = (
        '<table class="menu"><tr><td><a href="/">Главная</a></td><td><a href="/news">Новости</a>'
        '</td><td><a href="/docs">Документы</a></td></tr></table>'
    )
    approval = "<br>".join(html.escape(line) for line in APPROVAL)
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Документы</title>"
        "<style>td{padding:2px}</style><script>var x = '<table>';</script></head><body>"
        f"{nav}<table class='layout'><tr><td class='side'>Меню раздела</td><td>"
        f"<div align='right'>{approval}</div><h2>{html.escape(TITLE)}</h2>{plan}"
        f"<p>{html.escape(SIGNATURE)}</p></td></tr></table>"
        "<div class='footer'>© Отдел образования</div></body></html>"
    )


# --- text copied from a page or a PDF, its separators lost -----------------------------------

FLAT_STYLES = ("cell-per-line", "stray-pipes", "run-together", "one-line")
_SPLIT_HEADER = {
    "number": ["№", "п/п"],
    "title": ["Наименование", "мероприятия"],
    "result": ["Форма", "представления", "результата"],
    "deadline": ["Сроки"],
    "responsible": ["Ответственные"],
}


def flat_text(items: list[Item], style: str, columns: tuple[str, ...] = COLUMNS) -> str:
    """The plan as text copied from a web page or PDF in one of ``FLAT_STYLES``."""
    out = [*APPROVAL, "", TITLE, ""]
    if style in ("cell-per-line", "stray-pipes"):
        for index, word in enumerate(w for column in columns for w in _SPLIT_HEADER[column]):
            out.append(f"| {word}" if style == "stray-pipes" and index % 2 == 0 else word)
        for item in items:
            if item[0] == "section":
                out.append(f"{item[1]}. {item[2]}")
                continue
            for column, text in zip(columns, cells_of(item, columns, join="\n"), strict=True):
                for part in text.split("\n") if text else []:
                    wrap = style == "stray-pipes" and column == "deadline"
                    out.append(f"| {part} |" if wrap else part)
            if style == "stray-pipes":
                out.append("|")
    else:
        header = " ".join(HEADER[column] for column in columns)
        rows = []
        for item in items:
            if item[0] == "section":
                rows.append(f"{item[1]}. {item[2]}")
                continue
            cells = cells_of(item, columns, join=", ")
            rows.append(" ".join(cell for cell in cells if cell))
        out.extend([header, *rows] if style == "run-together" else [" ".join([header, *rows])])
    out.extend(["", SIGNATURE, CONTACT])
    return "\n".join(out) + "\n"
