"""Roadmap import time for a generated 2,000-row roadmap in each format, in the same run.

    python benchmarks/import_bench.py [--rows 2000] [--repeat 3]

Writes the same roadmap (sections of 20 rows; deadlines cycling through the seed phrases;
one to three executors per row) as tab-separated text, CSV, an Excel workbook and a Word
document, then imports each in this process: reading the file, finding the plan, and the whole
import (phrases included) to a schedule file's text. Prints the best of ``--repeat`` runs and each
format's ratio to the text file. The last column is ``tracker import -o`` as a whole process
(start-up included), once.
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


WRITERS: dict[str, Callable[[Path, list[list[str]]], None]] = {
    "txt": write_txt,
    "csv": write_csv,
    "xlsx": write_xlsx,
    "docx": write_docx,
}


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
    args = parser.parse_args()
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
