"""A document file → paragraphs and grids of cells (:class:`SourceDocument`).

The format is sniffed from the bytes, not trusted from the file name, and handed to its reader
in ``readers/``. Empty, binary, old Office files and scans are refused with an
:class:`~tracker.errors.InputError` that names the file.
"""

from __future__ import annotations

from pathlib import Path

from tracker.errors import InputError
from tracker.roadmap.grid import SUPPORTED, Block, Grid, SourceDocument, Table
from tracker.roadmap.limits import MAX_FILE, too_big
from tracker.roadmap.readers.pdf import Progress

__all__ = ["SUPPORTED", "Block", "Grid", "SourceDocument", "Table", "read_document"]

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
_HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
_HTML_STARTS = (b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body", b"<table", b"<meta")


def read_document(path: Path, progress: Progress | None = None) -> SourceDocument:
    """Read ``path`` into paragraphs and tables; refuse anything that is not a roadmap document.

    ``progress`` is told (pages read, pages in all) while a PDF is read.
    """
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_FILE + 1)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a directory, not a roadmap document") from None
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror}") from None
    if len(data) > MAX_FILE:
        raise too_big(path, "bytes", len(data), MAX_FILE)
    if not data.strip():
        raise InputError(f"{path} is empty: there is no roadmap in it", hint=f"give {SUPPORTED}")
    if data.startswith(_ZIP):
        return _read_zip(path, data)
    if data.startswith(_OLE):
        raise InputError(
            f"{path} is an old binary Word or Excel file (.doc/.xls)",
            hint="open it and save it as .docx or .xlsx",
        )
    if data.lstrip()[:5] == b"%PDF-":
        from tracker.roadmap.readers.pdf import read_pdf

        return SourceDocument(path, read_pdf(path, data, progress), "pdf")
    text, warnings = _decode(path, data)
    if not text.strip():
        raise InputError(f"{path} is empty: there is no roadmap in it", hint=f"give {SUPPORTED}")
    suffix = path.suffix.lower()
    if suffix in _HTML_SUFFIXES or text.lstrip()[:20].lower().encode().startswith(_HTML_STARTS):
        from tracker.roadmap.readers.html import read_html

        return SourceDocument(path, read_html(path, text), "html", warnings)
    if suffix in {".csv", ".tsv"}:
        from tracker.roadmap.readers.csv import read_csv

        blocks = read_csv(path, text, "\t" if suffix == ".tsv" else None)
        return SourceDocument(path, blocks, "csv", warnings)
    from tracker.roadmap.readers.text import read_text

    return SourceDocument(path, read_text(text), "text", warnings)


def _decode(path: Path, data: bytes) -> tuple[str, list[str]]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError:
            raise InputError(f"{path} is not readable UTF-16 text") from None
    if b"\x00" in data or _control_ratio(data) > 0.05:
        raise InputError(
            f"{path} is a binary file, not a roadmap document", hint=f"give {SUPPORTED}"
        )
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1251")
    except UnicodeDecodeError:
        raise InputError(
            f"{path} is neither UTF-8 nor Windows-1251 text", hint="save it as UTF-8"
        ) from None
    return text, [f"{path.name} is not UTF-8; it was read as Windows-1251"]


def _control_ratio(data: bytes) -> float:
    sample = data[:65536]
    controls = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 12, 13))
    return controls / max(len(sample), 1)


def _read_zip(path: Path, data: bytes) -> SourceDocument:
    from tracker.roadmap.readers.office import open_archive

    with open_archive(path, data) as archive:
        names = set(archive.namelist())
        if "word/document.xml" in names:
            from tracker.roadmap.readers.docx import read_docx

            return SourceDocument(path, read_docx(path, archive), "docx")
        if "xl/workbook.xml" in names:
            from tracker.roadmap.readers.xlsx import read_xlsx

            return SourceDocument(path, read_xlsx(path, archive, data), "xlsx")
    raise InputError(
        f"{path} is a ZIP archive, not a .docx or .xlsx file", hint=f"give {SUPPORTED}"
    )
