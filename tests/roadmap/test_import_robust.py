"""Issue 17: damaged and hostile files give one clear line, fast; CSV delimiters are sniffed
from the header row."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from documents import write_numbered_docx
from roadmap_helpers import imported, items_of

from tracker.errors import InputError
from tracker.roadmap.importer import import_roadmap
from tracker.roadmap.readers.csv import sniff_delimiter


def _with_compression_method(source: Path, target: Path, method: int) -> Path:
    """A copy of ``source`` whose members claim a compression method zipfile cannot read."""
    data = bytearray(source.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        start = 0
        while (found := data.find(signature, start)) != -1:
            data[found + offset : found + offset + 2] = method.to_bytes(2, "little")
            start = found + 4
    target.write_bytes(bytes(data))
    return target


def test_docx_with_an_unsupported_compression_method_is_one_clear_error(tmp_path: Path) -> None:
    """zipfile raises NotImplementedError here; only BadZipFile used to be caught."""
    plan = write_numbered_docx(tmp_path / "plan.docx", items_of(imported("spassk-2022.txt")))
    broken = _with_compression_method(plan, tmp_path / "broken.docx", 99)
    with pytest.raises(InputError, match="damaged ZIP/Office file"):
        import_roadmap(broken)


def test_docx_with_two_million_empty_paragraphs_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    body = b"<w:p/>" * 2_000_000
    document = (
        b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.'
        b'openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        + body
        + b"</w:body></w:document>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", document)
    with pytest.raises(InputError, match="2 000 000 paragraphs, more than the 200 000"):
        import_roadmap(path)


def test_zip_that_unpacks_to_gigabytes_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b" " * (1 << 20)
            for _ in range(260):
                member.write(chunk)
    with pytest.raises(InputError, match="bytes unpacked"):
        import_roadmap(path)


def test_xlsx_with_a_cell_at_the_last_column_and_row_is_read_sparsely(tmp_path: Path) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["План мероприятий на 2022-2023 учебный год"])
    sheet.append(["№", "Мероприятие", "Срок", "Ответственный"])
    sheet.append([1, "Семинар", "октябрь 2022 г.", "Иванов И.И."])
    sheet.cell(row=1_048_576, column=16_384, value="x")  # XFD1048576
    path = tmp_path / "far.xlsx"
    workbook.save(path)
    roadmap = import_roadmap(path)
    assert [(a.number, a.title, a.deadline) for a in roadmap.activities] == [
        ("1", "Семинар", "октябрь 2022 г.")
    ]


HEADER = ["№", "Мероприятие", "Срок", "Ответственный"]


@pytest.mark.parametrize(
    ("delimiter", "title"),
    [
        pytest.param(";", "План мероприятий, утверждённый приказом, на 2022-2023 учебный год",
                     id="semicolon-title-with-commas"),
        pytest.param("\t", "План мероприятий на 2022-2023 учебный год", id="tab-title"),
        pytest.param(",", "План мероприятий на 2022-2023 учебный год", id="comma-title"),
        pytest.param(";", "План мероприятий; на 2022-2023 учебный год", id="semicolon-in-title"),
    ],
)  # fmt: skip
def test_csv_delimiter_is_sniffed_from_the_header_row(
    delimiter: str, title: str, tmp_path: Path
) -> None:
    rows = [
        [title],
        HEADER,
        ["1", "Семинар, практикум", "октябрь 2022 г.", "Иванов И.И., Петрова П.П."],
        ["2", "Отчёт", "май 2023 г.", "Иванов И.И."],
    ]
    import csv
    import io

    stream = io.StringIO()
    csv.writer(stream, delimiter=delimiter).writerows(rows)
    assert sniff_delimiter(stream.getvalue()) == delimiter
    path = tmp_path / "plan.csv"
    path.write_text(stream.getvalue(), encoding="utf-8")
    roadmap = import_roadmap(path)
    assert [(a.number, a.title) for a in roadmap.activities] == [
        ("1", "Семинар, практикум"),
        ("2", "Отчёт"),
    ]


def test_scanned_pdf_says_it_has_no_text_layer(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 50, style="F")  # a picture of a page, no text
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    with pytest.raises(InputError, match="no text layer"):
        import_roadmap(path)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        pytest.param("cut.pdf", b"%PDF-1.7\n1 0 obj\n<<", "cannot read the PDF file", id="cut-pdf"),
        pytest.param("page.html", b"<html><body><p>", "no activity table", id="empty-page"),
    ],
)
def test_broken_pdf_and_empty_page(name: str, data: bytes, message: str, tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError, match=message):
        import_roadmap(path)


def test_xlsx_with_one_merged_range_over_the_whole_sheet_is_refused(tmp_path: Path) -> None:
    """openpyxl makes an object per merged cell: the range would never finish loading."""
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.append(["План мероприятий на 2023 год"])
    plain = tmp_path / "plain.xlsx"
    workbook.save(plain)
    path = tmp_path / "merged.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(
                    b"</sheetData>",
                    b'</sheetData><mergeCells count="1"><mergeCell ref="A1:XFD1048576"/>'
                    b"</mergeCells>",
                )
            target.writestr(item, data)
    with pytest.raises(InputError, match="cells in one merged range"):
        import_roadmap(path)


def test_a_device_that_never_ends_is_refused_after_the_size_bound() -> None:
    with pytest.raises(InputError, match="bytes, more than the"):
        import_roadmap(Path("/dev/zero"))
