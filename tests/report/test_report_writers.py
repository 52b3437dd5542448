"""The execution report's four writers on a hand-built report: the same rows and figures in
each, laid out for printing, and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document
from openpyxl import load_workbook
from reportkit import (
    csv_rows,
    docx_tables,
    figures_table,
    html_tables,
    organisations_table,
    rows_table,
    xlsx_tables,
)

from tracker.report import FORMATS, Report, render
from tracker.report.collect import TITLE, rows_of
from tracker.store.discipline import Doer, Fact, figures

ON = date(2022, 6, 15)
LEAD = Doer(1, "Петров П.П.", lead=True)
CO = Doer(2, "МКУ ГИМЦ", "organisation")


def fact(
    number: str,
    due: str,
    status: str = "planned",
    done: str | None = None,
    *,
    extended: str | None = None,
    doers: tuple[Doer, ...] = (LEAD,),
    title: str | None = None,
) -> Fact:
    due_day = date.fromisoformat(due)
    moved = date.fromisoformat(extended) if extended else None
    return Fact(
        occurrence_id=len(number) * 100 + int(number.split(".")[-1]),
        roadmap="alpha",
        number=number,
        title=title or f"Мероприятие {number}",
        start=None,
        due=due_day,
        extended_due=moved,
        effective_due=moved or due_day,
        status=status,
        completed_on=date.fromisoformat(done) if done else None,
        doers=doers,
        deadline="до 1 мая 2022 г.",
        position=int(number.split(".")[-1]),
    )


FACTS = [
    fact("1", "2022-03-01", "done", "2022-02-28"),
    fact("2", "2022-03-01", "done", "2022-03-12", doers=(LEAD, CO)),
    fact("3", "2022-05-06", doers=(CO,)),
    fact("4", "2022-07-01", title='=HYPERLINK("http://evil.example")'),
    fact("5", "2022-03-01", "done", "2022-03-20", extended="2022-04-01"),
    fact("6", "2022-03-01", "cancelled"),
]


@pytest.fixture(scope="module")
def report() -> Report:
    found = figures(FACTS, ON)
    comments = {101: "https://example.org/otchet.pdf", 103: "-1+1"}
    return Report(
        title=TITLE,
        subtitle="Дорожная карта alpha",
        start=date(2022, 1, 1),
        end=date(2022, 12, 31),
        on=ON,
        rows=tuple(rows_of(FACTS, ON, comments)),
        discipline=found,
    )


MARKS = {
    "1": "выполнено 28.02.2022",
    "2": "выполнено с нарушением срока (срок 01.03.2022, выполнено 12.03.2022)",
    "3": "не выполнено, просрочено на 40 дн.",
    "4": "срок не наступил",
    "5": "выполнено 20.03.2022; срок перенесён на 01.04.2022",
}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_has_the_rows_and_figures(report: Report, fmt: str) -> None:
    data = render(report, fmt)
    rows = rows_table(fmt, data)
    assert rows[0][0] == "№ п/п"
    column = 6 if fmt == "csv" else 4  # csv has the roadmap and the dates in columns of their own
    marks = {row[0]: row[column] for row in rows[1:]}
    assert marks == MARKS  # the cancelled one is not listed
    table = figures_table(fmt, data)
    header, *body = table
    assert header[:3] == ["Исполнитель", "На контроле", "Исполнено в срок"]
    by_name = {row[0]: row[1:] for row in body}
    assert by_name["Итого"][:8] == ["5", "2", "1", "11,0", "1", "1", "1", "50"]
    assert by_name["Петров П.П."][:3] == ["4", "2", "1"]
    assert by_name["МКУ ГИМЦ"][:8] == ["2", "0", "1", "11,0", "1", "0", "0", "0"]
    for values in by_name.values():
        controlled, on_time, late, _avg, overdue, pending = (values[i] for i in range(6))
        assert int(controlled) == int(on_time) + int(late) + int(overdue) + int(pending)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_has_the_figures_per_organisation(report: Report, fmt: str) -> None:
    header, *body = organisations_table(fmt, render(report, fmt))
    assert header[:3] == ["Организация", "На контроле", "Исполнено в срок"]
    by_name = {row[0]: row[1:9] for row in body}
    assert by_name == {
        "МКУ ГИМЦ": ["2", "0", "1", "11,0", "1", "0", "0", "0"],  # an organisation: its own
        "без организации": ["4", "2", "1", "11,0", "0", "1", "1", "67"],  # Петров: none given
        "Итого": ["5", "2", "1", "11,0", "1", "1", "1", "50"],
    }


def test_csv_is_for_excel_in_russian(report: Report) -> None:
    rows = csv_rows(render(report, "csv"))
    assert rows[0] == [TITLE]
    assert rows[1] == [
        "Дорожная карта alpha, за период с 01.01.2022 по 31.12.2022, по состоянию на 15.06.2022"
    ]
    header = rows[3]
    assert header[:3] == ["№ п/п", "Дорожная карта", "Мероприятие"]
    by_number = {row[0]: row for row in rows[4:9]}
    assert by_number["3"][7] == "да" and by_number["1"][7] == "нет"
    assert by_number["4"][2] == '\'=HYPERLINK("http://evil.example")'  # neutralised
    assert by_number["3"][8] == "'-1+1"  # a formula, not a number


def test_xlsx_is_laid_out_for_printing(report: Report) -> None:
    book = load_workbook(io.BytesIO(render(report, "xlsx")))
    assert book.sheetnames == ["Исполнение", "Показатели", "По организациям"]
    sheet = book["Исполнение"]
    assert sheet["A1"].value == TITLE
    assert sheet["A3"].value == "за период с 01.01.2022 по 31.12.2022, по состоянию на 15.06.2022"
    assert sheet.print_title_rows == "$6:$6"  # the header row is repeated on every page
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.column_dimensions["B"].width == 48
    assert sheet["B7"].alignment.wrap_text
    titles = [row[1] for row in xlsx_tables(render(report, "xlsx"))["Исполнение"]]
    assert '\'=HYPERLINK("http://evil.example")' in titles


def test_docx_repeats_the_header_on_every_page(report: Report) -> None:
    data = render(report, "docx")
    paragraphs, tables = docx_tables(data)
    assert paragraphs[:3] == [
        TITLE,
        "Дорожная карта alpha",
        "за период с 01.01.2022 по 31.12.2022, по состоянию на 15.06.2022",
    ]
    document = Document(io.BytesIO(data))
    for table in document.tables:
        assert table.rows[0]._tr.xml.count("w:tblHeader") == 1
    width, height = document.sections[0].page_width, document.sections[0].page_height
    assert width is not None and height is not None and width > height  # landscape
    assert len(tables) == 3  # rows, figures per executor, per organisation


def test_html_links_a_report_and_escapes_text(report: Report) -> None:
    data = render(report, "html").decode("utf-8")
    assert '<a href="https://example.org/otchet.pdf">' in data
    assert "=HYPERLINK(&#34;http://evil.example&#34;)" in data
    assert "<thead>" in data and "по состоянию на 15.06.2022" in data
    assert len(html_tables(data.encode())) == 3
