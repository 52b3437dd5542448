"""The hostile corpus (issue 17): phrases, documents of every format, schedule files and web
requests that try to break tracker, each run through the real CLI or a real ``tracker serve``.

Every case must end in a correct result, or in one clear line and a non-zero exit: never a
traceback, never more than :data:`SECONDS` seconds, never more than :data:`MEGABYTES` MB of
resident memory (each child's peak, from ``wait4``). The documents are generated here: valid
plans in every format, then damaged, truncated, oversized and booby-trapped variants.

Cases that belong to work in progress elsewhere (the document readers' bounds) are marked
``xfail(strict=False)`` with the reason; they pass once that work lands.
"""

from __future__ import annotations

import io
import json
import os
import re
import resource
import signal
import socket
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from tracker.errors import InputError
from tracker.roadmap import schedule_file

ROOT = Path(__file__).resolve().parents[1]
SECONDS = 10.0
MEGABYTES = 500
PERIOD = "2022-01-01:2024-12-31"
READERS = "document readers' bounds (issue 17, another engineer's part)"


# --- running the CLI as a child, measured -------------------------------------------------------


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str
    seconds: float
    megabytes: float
    timed_out: bool

    def show(self) -> str:
        return (
            f"exit {self.code}, {self.seconds:.1f} s, {self.megabytes:.0f} MB; "
            f"stderr: {self.stderr[-1500:]!r}; stdout: {self.stdout[:300]!r}"
        )


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}


#: Address space a child may take: far above :data:`MEGABYTES`, so the measure still fails a
#: case, but a runaway reader gets MemoryError instead of the machine's memory.
ADDRESS_SPACE = 4 * 1024**3


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def run_cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> Run:
    """``python -m tracker ARGS`` in ``cwd``: its exit, output, time and peak memory; killed
    after :data:`SECONDS` seconds (then ``timed_out``)."""
    out, err = cwd / ".run.stdout", cwd / ".run.stderr"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        started = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, "-m", "tracker", *args],
            cwd=cwd,
            env=env or _clean_env(),
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=stderr,
            preexec_fn=_cap_memory,
        )
        timed_out = False
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - started > SECONDS:
                timed_out = True
                os.kill(process.pid, signal.SIGKILL)
                pid, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.005)
        seconds = time.monotonic() - started
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    return Run(
        code=process.returncode,
        stdout=out.read_text(encoding="utf-8", errors="replace"),
        stderr=err.read_text(encoding="utf-8", errors="replace"),
        seconds=seconds,
        megabytes=usage.ru_maxrss / 1024,
        timed_out=timed_out,
    )


#: The one line of a refusal: the CLI's error line, click's usage error, or the error line of
#: `tracker parse`'s report of an unreadable phrase.
ERROR_LINE = re.compile(r"^(tracker: error: |Error: |ошибка: )", re.M)


def assert_held(run: Run) -> None:
    """No traceback, in time, in memory; a failure says so in exactly one error line."""
    assert not run.timed_out, f"hung: {run.show()}"
    assert run.megabytes < MEGABYTES, f"too much memory: {run.show()}"
    assert "Traceback" not in run.stderr + run.stdout, run.show()
    if run.code != 0:
        assert run.code > 0, f"killed by a signal: {run.show()}"
        assert len(ERROR_LINE.findall(run.stderr + run.stdout)) == 1, run.show()


# --- phrases ------------------------------------------------------------------------------------

JUNK = {
    "cjk": "漢字かな",
    "emoji": "😀🔥",
    "caps": "ASAP TODO",
    "word": "срочно",
}


def _phrases() -> list[str]:
    seeds = [
        line.strip()
        for line in (ROOT / "tests/fixtures/seed-phrases.txt").read_text("utf-8").splitlines()
        if line.strip()
    ][:60]
    out: list[str] = []
    for index, phrase in enumerate(seeds):
        out += [
            phrase,
            phrase + " " + JUNK[list(JUNK)[index % 4]],
            phrase.upper(),
            phrase.replace(" ", "\u00a0"),
            phrase.replace(" ", " \u200b"),
        ]
    out += [
        "",
        " ",
        "\t\t",
        "\x00",
        "до \x00 1 июня 2022",
        "\u202eдо 1 июня 2022 г.",
        "до 31 февраля 2022 г.",
        "до 99999999999999999999 июня 2022 г.",
        "ежемесячно до " + "9" * 400 + " числа",
        "в течение " + "9" * 5000 + " дней",
        "до 1 июня 9999 г.",
        "до 1 июня 0001 г.",
        "IV квартал 2022 г. " * 200,
        "ежеквартально, " * 500,
        "(" * 300 + "май 2022" + ")" * 300,
        "до 1 июня 2022 г." + "\u0301" * 500,
        "x" * 100_000,
        "<script>alert(1)</script> до 1 июня 2022 г.",
        "{{ 7*7 }} май 2022 г.",
        "'; DROP TABLE activity; -- до 1 июня 2022",
        "𝟏𝟎 мая 𝟐𝟎𝟐𝟐 г.",
        "до １ июня ２０２２ г.",
        "01.13.2022",
        "00.00.0000",
        "32.12.2022",
        "с 31.12.2022 по 01.01.2022",
    ]
    return out


PHRASES = _phrases()
KINDS = {"once", "recurring", "continuous", "unscheduled", "error"}


def test_phrase_corpus_through_parse_jsonl(tmp_path: Path) -> None:
    source = tmp_path / "phrases.jsonl"
    source.write_text("\n".join(p.replace("\n", " ") for p in PHRASES) + "\n", encoding="utf-8")
    run = run_cli("parse", "--period", PERIOD, "--jsonl", str(source), cwd=tmp_path)
    assert_held(run)
    assert run.code == 0, run.show()
    results = [json.loads(line) for line in run.stdout.splitlines()]
    assert len(results) == len(PHRASES)
    for result in results:
        assert result["kind"] in KINDS, result
        if result["kind"] == "error":
            assert result["error"] and "\n" not in result["error"], result
        for window in result["windows"]:
            assert window["due"] >= (window.get("start") or window["due"]), result


@pytest.mark.parametrize(
    "phrase",
    [
        "май 2022 г.",
        "чепуха",
        "",
        "до 1 июня 2022 г." + " 漢字" * 50,
        "x" * 100_000,
        "-" * 10,
        "--period",
        "\u202e",
    ],
    ids=["once", "nonsense", "empty", "cjk-tail", "100k-x", "dashes", "option-like", "rlo"],
)
def test_one_phrase_is_a_result_or_one_error(phrase: str, tmp_path: Path) -> None:
    run = run_cli("parse", "--period", PERIOD, "--", phrase, cwd=tmp_path)
    assert_held(run)
    assert run.code in (0, 2), run.show()


@pytest.mark.parametrize(
    "period",
    ["2022-01-01:9999-12-31", "0001-01-01:2022-12-31", "2022-13-01:2022-12-31", "x", ":", ""],
)
def test_bad_periods_blame_the_period(period: str, tmp_path: Path) -> None:
    run = run_cli("parse", "--period", period, "май 2022 г.", cwd=tmp_path)
    assert_held(run)
    assert run.code == 2
    assert "period" in run.stderr


@pytest.mark.parametrize("junk", list(JUNK), ids=list(JUNK))
def test_junk_appended_is_treated_alike(junk: str) -> None:
    """A deadline with junk after it: the same windows with a warning, whatever the junk is."""
    from datetime import date

    from tracker.terms import Period, expand

    period = Period(date(2022, 1, 1), date(2024, 12, 31))
    plain = expand("до 1 июня 2022 г.", period)
    tailed = expand(f"до 1 июня 2022 г. {JUNK[junk]}", period)
    assert tailed.windows == plain.windows
    assert tailed.warnings, "junk dropped silently"


# --- documents ----------------------------------------------------------------------------------

HEADER = ("№ п/п", "Наименование мероприятия", "Срок исполнения", "Ответственный исполнитель")
ROWS = [
    ("1", "Разработка плана мероприятий", "до 1 марта 2022 г.", "Иванов И.И."),
    ("2", "Проведение мониторинга", "ежеквартально", "Петрова А.С."),
    ("3", "Отчёт об исполнении", "IV квартал 2022 г.", "Иванов И.И."),
]
TITLE = "План мероприятий («дорожная карта») на 2022-2024 годы"


def _table_text(rows: Sequence[tuple[str, ...]] = ROWS, sep: str = "\t") -> str:
    return TITLE + "\n" + "\n".join(sep.join(r) for r in [HEADER, *rows]) + "\n"


def _docx(rows: Sequence[tuple[str, ...]] = ROWS) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(TITLE)
    table = document.add_table(rows=0, cols=len(HEADER))
    for values in [HEADER, *rows]:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _xlsx(
    rows: Sequence[tuple[str, ...]] = ROWS, extra: Callable[[object], None] | None = None
) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([TITLE])
    for values in [HEADER, *rows]:
        sheet.append(list(values))
    if extra is not None:
        extra(sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _pdf(lines: list[str]) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("dejavu", fname="/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    pdf.set_font("dejavu", size=9)
    for line in lines:
        pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _html(rows: Sequence[tuple[str, ...]] = ROWS, head: str = "") -> bytes:
    cells = "".join(
        "<tr>" + "".join(f"<td>{value}</td>" for value in values) + "</tr>"
        for values in [HEADER, *rows]
    )
    return (
        f"<html><head>{head}<meta charset='utf-8'></head><body><p>{TITLE}</p>"
        f"<table>{cells}</table></body></html>"
    ).encode()


def _replace_in_zip(data: bytes, name: str, content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != name:
                target.writestr(item, source.read(item.filename))
        if content:
            target.writestr(name, content)
    return buffer.getvalue()


def _bad_compression_method(data: bytes) -> bytes:
    """Every entry claims compression method 99 (AES): zipfile raises NotImplementedError."""
    raw = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        start = 0
        while (found := raw.find(signature, start)) >= 0:
            raw[found + offset : found + offset + 2] = (99).to_bytes(2, "little")
            start = found + 4
    return bytes(raw)


LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">'.encode()
        for i in range(1, 10)
    )
    + b']><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"
)
WORD = "word/document.xml"
W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _many_paragraphs(count: int) -> bytes:
    body = b"<w:p/>" * count
    xml = f"<w:document {W_NS}><w:body>".encode() + body + b"</w:body></w:document>"
    return _replace_in_zip(_docx(), WORD, xml)


def _far_cell(sheet: object) -> None:
    sheet["XFD1048576"] = "x"  # type: ignore[index]


def _huge_merge() -> bytes:
    """One merged range over the whole sheet, written into the XML (openpyxl itself would make
    17 billion cell objects here)."""
    data = _xlsx()
    sheet = "xl/worksheets/sheet1.xml"
    xml = zipfile.ZipFile(io.BytesIO(data)).read(sheet)
    merged = b'</sheetData><mergeCells count="1"><mergeCell ref="A20:XFD1048576"/></mergeCells>'
    return _replace_in_zip(data, sheet, xml.replace(b"</sheetData>", merged))


def _zip_bomb(megabytes: int) -> bytes:
    """A .docx whose document.xml inflates to ``megabytes`` MB of blanks (written in pieces)."""
    source = zipfile.ZipFile(io.BytesIO(_docx()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != WORD:
                target.writestr(item, source.read(item.filename))
        with target.open(WORD, "w", force_zip64=True) as stream:
            stream.write(f"<w:document {W_NS}><w:body><w:p><w:r><w:t>".encode())
            for _ in range(megabytes):
                stream.write(b" " * 1_048_576)
            stream.write(b"</w:t></w:r></w:p></w:body></w:document>")
    return buffer.getvalue()


@dataclass(frozen=True)
class Document:
    id: str
    name: str
    make: Callable[[], bytes]
    ok: bool | None = None  # True: must import; False: must be refused; None: either
    xfail: str | None = None


CSV_ROWS = [(n, f'"{t}"', f'"{d}"', r) for n, t, d, r in ROWS]
DOCUMENTS = [
    # text
    Document("txt-plan", "plan.txt", lambda: _table_text().encode(), ok=True),
    Document("txt-utf16", "plan.txt", lambda: _table_text().encode("utf-16"), ok=None),
    Document("txt-cp1251", "plan.txt", lambda: _table_text().encode("cp1251"), ok=None),
    Document(
        "txt-crlf-bom",
        "plan.txt",
        lambda: b"\xef\xbb\xbf" + _table_text().replace("\n", "\r\n").encode(),
    ),
    Document("txt-nul", "plan.txt", lambda: _table_text().replace("Отчёт", "От\x00чёт").encode()),
    Document(
        "txt-controls",
        "plan.txt",
        lambda: _table_text().replace("план", "\x1b[31mплан\x07").encode(),
    ),
    Document(
        "txt-rlo-zwsp", "plan.txt", lambda: _table_text().replace(" ", "\u200b \u202e").encode()
    ),
    Document("txt-one-megabyte-line", "plan.txt", lambda: b"x" * 1_000_000, ok=False),
    Document(
        "txt-long-title",
        "plan.txt",
        lambda: _table_text([("1", "т" * 5000, "май 2022 г.", "И.И.")]).encode(),
        ok=True,
    ),
    Document(
        "txt-1000-rows",
        "plan.txt",
        lambda: _table_text(
            [(str(i), f"М {i}", "май 2022 г.", "И.И.") for i in range(1, 1001)]
        ).encode(),
        ok=True,
    ),
    Document(
        "txt-4000-columns",
        "plan.txt",
        lambda: ("\t".join(["x"] * 4000) + "\n").encode() * 3,
        ok=False,
    ),
    Document("txt-binary", "plan.txt", lambda: os.urandom(4096), ok=False),
    Document(
        "txt-markup-cells",
        "plan.txt",
        lambda: _table_text(
            [("1", "<script>alert(1)</script>", "май 2022 г.", "=cmd|' /C calc'!A0")]
        ).encode(),
        ok=True,
    ),
    # CSV
    Document("csv-plan", "plan.csv", lambda: _table_text(CSV_ROWS, ",").encode(), ok=True),
    Document("csv-semicolon-title", "plan.csv", lambda: _table_text(ROWS, ";").encode(), ok=True),
    Document("csv-tab-title", "plan.csv", lambda: _table_text(ROWS, "\t").encode(), ok=True),
    Document(
        "csv-unbalanced-quote",
        "plan.csv",
        lambda: _table_text(ROWS, ",").replace("Разработка", '"Разработка').encode(),
    ),
    Document(
        "csv-huge-field",
        "plan.csv",
        lambda: _table_text([("1", "т" * 300_000, "май 2022 г.", "И.И.")], ",").encode(),
    ),
    Document(
        "csv-nul",
        "plan.csv",
        lambda: _table_text(CSV_ROWS, ",").replace("план", "пл\x00ан").encode(),
    ),
    Document(
        "csv-10000-columns",
        "plan.csv",
        lambda: (",".join(["x"] * 10_000) + "\n").encode() * 3,
        ok=False,
    ),
    # Word
    Document("docx-plan", "plan.docx", _docx, ok=True),
    Document("docx-truncated", "plan.docx", lambda: _docx()[:2000], ok=False),
    Document(
        "docx-compression-99", "plan.docx", lambda: _bad_compression_method(_docx()), ok=False
    ),
    Document(
        "docx-no-document-xml", "plan.docx", lambda: _replace_in_zip(_docx(), WORD, b""), ok=False
    ),
    Document(
        "docx-malformed-xml",
        "plan.docx",
        lambda: _replace_in_zip(_docx(), WORD, b"<w:document><w:body><w:p>"),
        ok=False,
    ),
    Document(
        "docx-billion-laughs", "plan.docx", lambda: _replace_in_zip(_docx(), WORD, LAUGHS), ok=False
    ),
    Document("docx-2m-paragraphs", "plan.docx", lambda: _many_paragraphs(2_000_000), ok=False),
    Document("docx-zip-bomb", "plan.docx", lambda: _zip_bomb(300), ok=False),
    Document(
        "docx-markup-cells",
        "plan.docx",
        lambda: _docx([("1", "<iframe src=x>", "май 2022 г.", "@SUM(1)")]),
        ok=True,
    ),
    # Excel
    Document("xlsx-plan", "plan.xlsx", _xlsx, ok=True),
    Document("xlsx-far-cell", "plan.xlsx", lambda: _xlsx(extra=_far_cell), ok=True),
    Document("xlsx-huge-merge", "plan.xlsx", _huge_merge),
    Document(
        "xlsx-formulas",
        "plan.xlsx",
        lambda: _xlsx([("1", "=1/0", '=HYPERLINK("http://x")', "+1")]),
        ok=None,
    ),
    Document("xlsx-truncated", "plan.xlsx", lambda: _xlsx()[:1500], ok=False),
    Document(
        "xlsx-malformed-sheet",
        "plan.xlsx",
        lambda: _replace_in_zip(
            _xlsx(), "xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row>"
        ),
        ok=False,
    ),
    Document(
        "xlsx-1000-rows",
        "plan.xlsx",
        lambda: _xlsx([(str(i), f"М {i}", "май 2022 г.", "И.И.") for i in range(1, 1001)]),
        ok=True,
    ),
    # PDF
    Document(
        "pdf-plan", "plan.pdf", lambda: _pdf([TITLE, *("   ".join(r) for r in [HEADER, *ROWS])])
    ),
    Document("pdf-no-text", "plan.pdf", lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", ok=False),
    Document(
        "pdf-truncated",
        "plan.pdf",
        lambda: _pdf([TITLE, *("   ".join(r) for r in [HEADER, *ROWS])])[:700],
        ok=False,
    ),
    Document("pdf-garbage", "plan.pdf", lambda: b"%PDF-1.4\n" + os.urandom(20_000), ok=False),
    # HTML
    Document("html-plan", "plan.html", _html, ok=True),
    Document("html-scripts", "plan.html", lambda: _html(head="<script>while(1){}</script>")),
    Document(
        "html-deep-nesting", "plan.html", lambda: b"<div>" * 100_000 + _html() + b"</div>" * 100_000
    ),
    Document("html-unclosed", "plan.html", lambda: _html()[:-40]),
    Document(
        "html-entity-flood",
        "plan.html",
        lambda: _html([("1", "&amp;" * 200_000, "май 2022 г.", "И.И.")]),
    ),
    # not documents at all
    Document(
        "old-doc", "plan.doc", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, ok=False
    ),
    Document("png", "plan.png", lambda: b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, ok=False),
    Document("empty-docx", "plan.docx", lambda: b"", ok=False),
]


def _param(document: Document) -> object:
    marks = [pytest.mark.xfail(strict=False, reason=document.xfail)] if document.xfail else []
    return pytest.param(document, id=document.id, marks=marks)


@pytest.mark.parametrize("document", [_param(d) for d in DOCUMENTS])
def test_document_corpus_through_import(document: Document, tmp_path: Path) -> None:
    path = tmp_path / document.name
    path.write_bytes(document.make())
    run = run_cli("import", str(path), "--period", PERIOD, cwd=tmp_path)
    assert_held(run)
    if document.ok is not None:
        assert (run.code == 0) is document.ok, run.show()
    if run.code == 0:  # a correct result: a schedule file that reads back
        roadmap = schedule_file.loads(run.stdout, Path("plan.toml"))
        assert roadmap.activities, run.show()
    else:
        assert run.code == 2, run.show()
        assert run.stdout == ""


@pytest.mark.parametrize(
    "special",
    [
        "/dev/zero",
        "/dev/null",
        "/",
    ],
    ids=["dev-zero", "dev-null", "root-folder"],
)
def test_special_paths_are_refused(special: str, tmp_path: Path) -> None:
    run = run_cli("import", special, "--period", PERIOD, cwd=tmp_path)
    assert_held(run)
    assert run.code == 2, run.show()


# --- schedule files -----------------------------------------------------------------------------

HEAD = 'title = "План"\ntimezone = "Europe/Moscow"\n'
SPAN = "[period]\nstart = 2022-01-01\nend = 2022-12-31\n"
ONE = '[[activity]]\nnumber = "1"\ntitle = "x"\ndeadline = "май 2022 г."\n'

SCHEDULES = {
    "not-toml": "title = \n",
    "binary": "\x00\x01\x02",
    "slug-traversal": 'slug = "../../etc/x"\n' + HEAD + SPAN,
    "slug-integer": "slug = 42\n" + HEAD + SPAN,
    "slug-100k": f'slug = "{"s" * 100_000}"\n' + HEAD + SPAN,
    "slug-empty": 'slug = ""\n' + HEAD + SPAN,
    "slug-colon": 'slug = "a:b"\n' + HEAD + SPAN,
    "slug-newline": 'slug = "a\\nb"\n' + HEAD + SPAN,
    "title-integer": 'title = 5\ntimezone = "Europe/Moscow"\n' + SPAN,
    "title-table": 'timezone = "Europe/Moscow"\n' + SPAN + "[title]\nx = 1\n",
    "timezone-bogus": 'title = "План"\ntimezone = "../../etc/localtime"\n' + SPAN,
    "timezone-huge": f'title = "План"\ntimezone = "{"A" * 100_000}"\n' + SPAN,
    "period-9999": HEAD + "[period]\nstart = 2022-01-01\nend = 9999-12-31\n",
    "period-year-1": HEAD + "[period]\nstart = 0001-01-01\nend = 2022-12-31\n",
    "period-reversed": HEAD + "[period]\nstart = 2023-01-01\nend = 2022-01-01\n",
    "period-text": HEAD + '[period]\nstart = "вчера"\nend = 2022-01-01\n',
    "period-datetime": HEAD + "[period]\nstart = 2022-01-01T00:00:00\nend = 2022-12-31\n",
    "number-integer": HEAD + SPAN + ONE.replace('"1"', "1"),
    "number-float": HEAD + SPAN + ONE.replace('"1"', "1.5"),
    "number-list": HEAD + SPAN + ONE.replace('"1"', '["1"]'),
    "deadline-integer": HEAD + SPAN + ONE.replace('"май 2022 г."', "2022"),
    "deadline-date": HEAD + SPAN + ONE.replace('"май 2022 г."', "2022-05-31"),
    "duplicate-numbers": HEAD + SPAN + ONE + ONE,
    "title-30k": HEAD + SPAN + ONE.replace('title = "x"', f'title = "{"т" * 30_000}"'),
    "responsible-string": HEAD + SPAN + ONE + 'responsible = "Иванов"\n',
    "responsible-10k-items": HEAD
    + SPAN
    + ONE
    + "responsible = ["
    + ", ".join(['"x"'] * 10_000)
    + "]\n",
    "source-row-negative": HEAD + SPAN + ONE + "source_row = -1\n",
    "source-row-huge": HEAD + SPAN + ONE + "source_row = 9223372036854775807\n",
    "override-window-reversed": HEAD
    + SPAN
    + ONE
    + "override_windows = [{ start = 2022-05-31, due = 2022-05-01 }]\n",
    "override-window-9999": HEAD + SPAN + ONE + "override_windows = [{ due = 9999-12-31 }]\n",
    "override-windows-20k": HEAD
    + SPAN
    + ONE
    + "override_windows = ["
    + ", ".join(["{ due = 2022-05-01 }"] * 20_000)
    + "]\n",
    "unknown-key": HEAD + SPAN + ONE + "evil = true\n",
    "activity-not-table": HEAD + SPAN + "activity = 3\n",
    "format-2": "format = 2\n" + HEAD + SPAN,
    "deep-nesting": HEAD + SPAN + "[document]\nnumber = " + "[" * 5000 + "]" * 5000 + "\n",
}


@pytest.mark.parametrize("text", list(SCHEDULES.values()), ids=list(SCHEDULES))
def test_broken_schedule_file_is_one_line_naming_the_file(text: str, tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        schedule_file.load(path)
    assert str(caught.value).startswith(f"{path}")
    assert "\n" not in str(caught.value)


def test_sync_of_a_folder_of_broken_schedule_files(tmp_path: Path) -> None:
    folder = tmp_path / "schedules"
    folder.mkdir()
    for name, text in SCHEDULES.items():
        (folder / f"{name}.toml").write_text(text, encoding="utf-8")
    (folder / "fine.toml").write_text(HEAD + SPAN + ONE, encoding="utf-8")
    (folder / "executors.toml").write_text("", encoding="utf-8")
    env = {**_clean_env(), "TRACKER_DATABASE_URL": "sqlite:///t.db"}
    assert_held(run_cli("db", "upgrade", cwd=tmp_path, env=env))
    run = run_cli("sync", cwd=tmp_path, env=env)
    assert not run.timed_out and run.megabytes < MEGABYTES, run.show()
    assert "Traceback" not in run.stderr + run.stdout, run.show()
    assert run.code == 2, run.show()
    output = run.stdout + run.stderr
    for name in SCHEDULES:
        assert f"{name}.toml: not synced:" in output, name
    assert "fine.toml: created" in output
    assert "executors.toml: lists no [[executor]]" in output


# --- web requests -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    import httpx

    workdir = tmp_path_factory.mktemp("serve")
    env = {
        **_clean_env(),
        "TRACKER_DATABASE_URL": "sqlite:///t.db",
        "TRACKER_SCHEDULES_DIR": str(ROOT / "schedules"),
        "TRACKER_WEB_SECRET": "hostile-test-signing-key-" + "x" * 20,
    }
    assert run_cli("db", "upgrade", cwd=workdir, env=env).code == 0
    run_cli("sync", cwd=workdir, env=env)
    port = free_port()
    env["TRACKER_WEB_BASE_URL"] = f"http://127.0.0.1:{port}"
    log = workdir / "serve.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "tracker", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=workdir,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(base + "/login", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.1)
    else:
        process.kill()
        raise RuntimeError("tracker serve did not start: " + log.read_text()[-2000:])
    yield Served(base, process, log)
    process.terminate()
    process.wait(20)


@dataclass(frozen=True)
class Served:
    base: str
    process: subprocess.Popen[bytes]
    log: Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


LONG = "A" * 20_000
REQUESTS = {
    "traversal": ("GET", "/../../etc/passwd", {}, None),
    "traversal-encoded": ("GET", "/%2e%2e/%2e%2e/etc/passwd", {}, None),
    "traversal-static": ("GET", "/static/..%2f..%2fconfig.toml", {}, None),
    "board-script": ("GET", "/board?roadmap=<script>alert(1)</script>", {}, None),
    "board-sql": ("GET", "/board?roadmap=' OR 1=1 --", {}, None),
    "item-garbage-token": ("GET", "/i/AAAA?t=zzz", {}, None),
    "item-long-token": ("GET", f"/i/{LONG}", {}, None),
    "bad-percent": ("GET", "/board?roadmap=%ff%fe%00", {}, None),
    "huge-query": ("GET", "/board?" + "&".join(f"a{i}=b" for i in range(3000)), {}, None),
    "login-no-csrf": ("POST", "/login", {}, {"login": "x", "password": "y"}),
    "login-2mb": ("POST", "/login", {}, {"csrf": "x", "login": "x" * 2_000_000, "password": "y"}),
    "login-open-redirect": ("GET", "/login?next=https://evil.example/", {}, None),
    "login-header-injection": ("GET", "/login?next=/%0d%0aSet-Cookie:%20a=b", {}, None),
    "garbage-cookie": ("GET", "/board", {"Cookie": "session=" + LONG[:4000] + "; x=\x7f"}, None),
    "evil-host": ("GET", "/login", {"Host": "evil.example"}, None),
    "trace-method": ("TRACE", "/", {}, None),
    "propfind-method": ("PROPFIND", "/board", {}, None),
    "feed-garbage": ("GET", "/feed/../../x.ics", {}, None),
}


@pytest.mark.parametrize(
    ("method", "path", "headers", "form"), list(REQUESTS.values()), ids=list(REQUESTS)
)
def test_hostile_web_requests_are_refused_without_a_server_error(
    server: Served, method: str, path: str, headers: dict[str, str], form: dict[str, str] | None
) -> None:
    import httpx

    started = time.monotonic()
    with httpx.Client(base_url=server.base, timeout=SECONDS, follow_redirects=False) as client:
        answer = client.request(method, path, headers=headers, data=form)
    assert time.monotonic() - started < SECONDS
    assert answer.status_code < 500, (answer.status_code, answer.text[:500])
    assert "root:x:0:0" not in answer.text and "<script>alert(1)</script>" not in answer.text
    location = answer.headers.get("location", "")
    assert not location.startswith(("http://evil", "https://evil", "//")), location
    assert "set-cookie: a=b" not in str(answer.headers).lower()
    assert server.process.poll() is None
    assert "Traceback" not in server.log.read_text(encoding="utf-8", errors="replace")
    rss = Path(f"/proc/{server.process.pid}/status").read_text()
    found = re.search(r"VmRSS:\s+(\d+) kB", rss)
    assert found is not None and int(found.group(1)) / 1024 < MEGABYTES


# --- the corpus is what the README says ---------------------------------------------------------


def test_readme_counts_match_the_corpus() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## What we tested and what held", 1)[1].split("\n## ", 1)[0]
    for label, count in (
        ("phrases", len(PHRASES)),
        ("documents", len(DOCUMENTS) + 3),
        ("schedule files", len(SCHEDULES)),
        ("web requests", len(REQUESTS)),
    ):
        assert re.search(rf"\| {label} \| {count} \|", section), label
