"""Roadmap import time for a generated 2,000-row roadmap in each format, in the same run.

    python benchmarks/import_bench.py [--rows 2000] [--repeat 3] [--pdf-pages 50]

Writes the same roadmap (sections of 20 rows; deadlines cycling through the seed phrases;
one to three executors per row) as tab-separated text, CSV, an Excel workbook, a Word document
and a web page, then imports each in this process: reading the file, finding the plan, and the whole
import (phrases included) to a schedule file's text. Prints the best of ``--repeat`` runs and each
format's ratio to the text file. The last column is ``tracker import -o`` as a whole process
(start-up included), once. First, a PDF of at least ``--pdf-pages`` pages (ruled, then without
rules) is imported the same way.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tracker.roadmap import schedule_file  # noqa: E402
from tracker.roadmap.detect import find_plan  # noqa: E402
from tracker.roadmap.importer import import_roadmap  # noqa: E402
from tracker.roadmap.tables import read_document  # noqa: E402

HEADER = ["№ п/п", "Мероприятие", "Форма представления результата", "Сроки", "Ответственные"]
TITLE = "План мероприятий на период 2022-2024 гг."
EXECUTORS = ["МКУ ГИМЦ", "Руководители образовательных организаций (ОО, ДОУ, ДО)", "кураторы в ОО"]


def _phrases() -> list[str]:
    lines = (ROOT / "tests" / "fixtures" / "seed-terms.jsonl").read_text("utf-8").splitlines()
    return [json.loads(line)["text"] for line in lines if line.strip()]


def rows(count: int) -> list[list[str]]:
    """The plan: a section row before every 20 activities, then the activities."""
    phrases = _phrases()
    out: list[list[str]] = []
    for index in range(count):
        section, item = divmod(index, 20)
        if item == 0:
            out.append([str(section + 1), f"Раздел мероприятий номер {section + 1}", "", "", ""])
        executors = ", ".join(EXECUTORS[: 1 + index % 3])
        out.append(
            [
                f"{section + 1}.{item + 1}.",
                f"Мероприятие {index + 1}: проведение семинара для педагогических работников",
                "Информационная справка",
                phrases[index % len(phrases)],
                executors,
            ]
        )
    return out


def write_txt(path: Path, plan: list[list[str]]) -> None:
    lines = [TITLE, "\t".join(HEADER), *("\t".join(row) for row in plan)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_csv(path: Path, plan: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow([TITLE])
        writer.writerow(HEADER)
        writer.writerows(plan)


def write_xlsx(path: Path, plan: list[list[str]]) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([TITLE])
    sheet.append(HEADER)
    for row in plan:
        sheet.append(row)
    workbook.save(path)


def write_docx(path: Path, plan: list[list[str]]) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph(TITLE)
    table = document.add_table(rows=1 + len(plan), cols=len(HEADER))
    grid = table._tbl.tr_lst
    for tr, values in zip(grid, [HEADER, *plan], strict=True):
        for tc, value in zip(tr.tc_lst, values, strict=True):
            tc.p_lst[0].add_r().text = value
    document.save(path)


def write_html(path: Path, plan: list[list[str]]) -> None:
    from html import escape

    def row(cells: list[str], tag: str = "td") -> str:
        return "<tr>" + "".join(f"<{tag}>{escape(cell)}</{tag}>" for cell in cells) + "</tr>"

    body = "\n".join(row(cells) for cells in plan)
    path.write_text(
        f"<html><body><h2>{escape(TITLE)}</h2><table>{row(HEADER, 'th')}\n{body}</table>"
        "</body></html>",
        encoding="utf-8",
    )


FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def write_pdf(path: Path, plan: list[list[str]], *, ruled: bool = True) -> int:
    """A landscape A4 PDF of the plan, the header repeated on each page; returns its pages."""
    from fpdf import FPDF
    from fpdf.enums import TableBordersLayout

    pdf = FPDF(orientation="L", format="A4")
    pdf.add_font("DejaVu", "", FONT)
    pdf.add_font("DejaVu", "B", FONT_BOLD)
    pdf.set_font("DejaVu", size=9)
    pdf.add_page()
    pdf.multi_cell(0, 5, TITLE, align="C", new_x="LMARGIN", new_y="NEXT")
    layout = TableBordersLayout.ALL if ruled else TableBordersLayout.NONE
    with pdf.table(
        col_widths=[14, 95, 60, 40, 58],
        borders_layout=layout,
        repeat_headings=1,
        text_align="LEFT",
        line_height=4.5,
        v_align="TOP",
    ) as table:
        table.row(HEADER)
        for cells in plan:
            row = table.row()
            if not cells[2] and not cells[3]:
                row.cell(f"{cells[0]}. {cells[1]}", colspan=len(HEADER))
                continue
            for cell in cells:
                row.cell(cell)
    pdf.output(str(path))
    return int(pdf.pages_count)


WRITERS: dict[str, Callable[[Path, list[list[str]]], object]] = {
    "txt": write_txt,
    "csv": write_csv,
    "xlsx": write_xlsx,
    "docx": write_docx,
    "html": write_html,
}


def pdf_bench(pages: int, repeat: int, folder: Path) -> None:
    """Import time of a PDF plan of at least ``pages`` pages, ruled and unruled."""
    print(f"import of a generated PDF plan of at least {pages} pages (best of {repeat}):")
    print(
        f"{'layout':<8} {'pages':>5} {'rows':>5} {'size':>9} {'import':>9} {'cpu':>7} "
        f"{'whole CLI':>10}"
    )
    for ruled in (True, False):
        count = pages * 9
        while True:
            plan = rows(count)
            path = folder / f"plan-{'ruled' if ruled else 'unruled'}.pdf"
            made = write_pdf(path, plan, ruled=ruled)
            if made >= pages:
                break
            count = int(count * pages / made) + 10
        activities = sum(1 for cells in plan if cells[3])
        roadmap = import_roadmap(path)
        assert len(roadmap.activities) == activities, (len(roadmap.activities), activities)
        total = best(repeat, lambda p=path: import_roadmap(p))  # type: ignore[misc]
        cpu = time.process_time()
        import_roadmap(path)
        cpu = time.process_time() - cpu
        out = folder / "out-pdf.toml"
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "tracker", "import", str(path), "-o", str(out), "--force"],
            check=True,
            capture_output=True,
        )
        process = time.perf_counter() - start
        name = "ruled" if ruled else "unruled"
        print(
            f"{name:<8} {made:>5} {activities:>5} {path.stat().st_size / 1024:>7.0f}kB "
            f"{total:>8.2f}s {cpu:>6.2f}s {process:>9.2f}s"
        )


def best(repeat: int, action: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pdf-pages", type=int, default=50, help="0 skips the PDF run")
    args = parser.parse_args()
    if args.pdf_pages:
        with tempfile.TemporaryDirectory() as folder:
            pdf_bench(args.pdf_pages, args.repeat, Path(folder))
    plan = rows(args.rows)
    results: dict[str, tuple[int, float, float, float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for fmt, writer in WRITERS.items():
            path = Path(folder) / f"roadmap.{fmt}"
            writer(path, plan)
            roadmap = import_roadmap(path)
            assert len(roadmap.activities) == args.rows, (fmt, len(roadmap.activities))
            tables = best(args.repeat, lambda p=path: find_plan(read_document(p)))  # type: ignore[misc]
            total = best(
                args.repeat,
                lambda p=path: schedule_file.dumps(import_roadmap(p)),  # type: ignore[misc]
            )
            out = Path(folder) / f"out-{fmt}.toml"
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "tracker", "import", str(path), "-o", str(out)],
                check=True,
                capture_output=True,
            )
            process = time.perf_counter() - start
            results[fmt] = (path.stat().st_size, tables, total, process)
    base = results["txt"][2]
    print(f"import of a generated {args.rows}-row roadmap (best of {args.repeat}):")
    print(
        f"{'format':<6} {'size':>9} {'read+detect':>12} {'import':>9} {'rows/s':>8} "
        f"{'vs txt':>7} {'whole CLI':>10}"
    )
    for fmt, (size, tables, total, process) in results.items():
        print(
            f"{fmt:<6} {size / 1024:>7.0f}kB {tables * 1000:>10.0f}ms {total * 1000:>7.0f}ms "
            f"{args.rows / total:>8.0f} {total / base:>6.2f}x {process * 1000:>8.0f}ms"
        )


if __name__ == "__main__":
    main()
