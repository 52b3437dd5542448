"""Shared helpers for the roadmap import tests: the seed fixtures and their gold."""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from tracker.roadmap.importer import import_roadmap
from tracker.roadmap.model import Roadmap
from tracker.terms import Period

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ROADMAPS = FIXTURES / "roadmaps"
SEEDS = sorted(path.name for path in ROADMAPS.glob("*.txt"))


@cache
def gold() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / "seed-roadmaps.json").read_text("utf-8"))
    return data


@cache
def gold_terms() -> dict[tuple[str, str, str], dict[str, Any]]:
    """(text, period start, period end) → the gold reading of that phrase."""
    out: dict[tuple[str, str, str], dict[str, Any]] = {}
    for line in (FIXTURES / "seed-terms.jsonl").read_text("utf-8").splitlines():
        if line.strip():
            entry = json.loads(line)
            start, end = entry["period"]
            out[(entry["text"], start, end)] = entry
    return out


def gold_period(name: str) -> Period:
    entry = gold()[name]
    start, end = entry["period"] or entry["period_for_tests"]
    return Period(date.fromisoformat(start), date.fromisoformat(end))


def option_period(name: str) -> Period | None:
    """The --period a seed needs: only the one that states none (Ilovlya)."""
    return None if gold()[name]["period"] else gold_period(name)


@cache
def imported(name: str) -> Roadmap:
    return import_roadmap(ROADMAPS / name, period=option_period(name))


# --- documents built in test code ---------------------------------------------------------------

Item = tuple[str, ...]
"""("section", label, title) or ("activity", number, title, result, deadline, responsible…)."""

HEADER = {
    "number": "№ п/п",
    "title": "Наименование мероприятия",
    "result": "Форма представления результата",
    "deadline": "Сроки",
    "responsible": "Ответственные",
}
COLUMNS = ("number", "title", "result", "deadline", "responsible")
PREAMBLE = [
    "Отдел образования администрации города Энска",
    "ПРИКАЗ",
    "01.02.2022 № 17",
    "План мероприятий на период 2022-2024 гг.",
]


def items_of(roadmap: Roadmap) -> list[Item]:
    """A roadmap's sections and activities as builder items, in order."""
    out: list[Item] = []
    current: str | None = None
    for activity in roadmap.activities:
        if activity.section is not None and activity.section != current:
            current = activity.section
            out.append(("section", current, roadmap.section_titles.get(current, current)))
        out.append(
            (
                "activity",
                activity.number,
                " ".join(activity.title.split()),  # one line: a text row cannot hold a break
                " ".join((activity.result or "").split()),
                activity.deadline,
                *activity.responsible,
            )
        )
    return out


def cells_of(item: Item, columns: tuple[str, ...], *, join: str = ", ") -> list[str]:
    """The cells of one item under ``columns`` (a column named "extra" gets filler text)."""
    if item[0] == "section":
        label, title = item[1], item[2]
        if "number" in columns:
            return [{"number": label, "title": title}.get(column, "") for column in columns]
        return [f"{label}. {title}" if column == "title" else "" for column in columns]
    _, number, title, result, deadline, *responsible = item
    values = {
        "number": number,
        "title": title,
        "result": result,
        "deadline": deadline,
        "responsible": join.join(responsible),
        "extra": "примечание",
    }
    return [values[column] for column in columns]


def tab_text(
    items: list[Item],
    columns: tuple[str, ...] = COLUMNS,
    header: dict[str, str] | None = None,
    preamble: list[str] | None = None,
) -> str:
    names = {**HEADER, "extra": "Примечание", **(header or {})}
    lines = list(PREAMBLE if preamble is None else preamble)
    lines.append("\t".join(names[column] for column in columns))
    lines.extend("\t".join(cells_of(item, columns)) for item in items)
    return "\n".join(lines) + "\n"


def write_csv(path: Path, items: list[Item], columns: tuple[str, ...] = COLUMNS) -> Path:
    import csv

    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["План мероприятий на период 2022-2024 гг."])
        writer.writerow([HEADER[column] for column in columns])
        for item in items:
            writer.writerow(cells_of(item, columns, join="\n"))
    return path


def write_xlsx(path: Path, items: list[Item], columns: tuple[str, ...] = COLUMNS) -> Path:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "План"
    sheet.append(["План мероприятий на период 2022-2024 гг."])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    sheet.append([HEADER[column] for column in columns])
    for item in items:
        sheet.append(cells_of(item, columns, join="\n"))
        if item[0] == "section":  # a heading merged across the row, as people make them
            row = sheet.max_row
            sheet.cell(row, 1).value = f"{item[1]}. {item[2]}"
            sheet.cell(row, 2).value = None
            sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(columns))
    workbook.save(path)
    return path


def write_docx(path: Path, items: list[Item], columns: tuple[str, ...] = COLUMNS) -> Path:
    import docx

    document = docx.Document()
    for line in PREAMBLE:
        document.add_paragraph(line)
    passport = document.add_table(rows=2, cols=2)  # a table that is not the plan
    passport.cell(0, 0).text, passport.cell(0, 1).text = "Цель", "Развитие наставничества"
    passport.cell(1, 0).text, passport.cell(1, 1).text = "Задачи", "Обеспечить сопровождение"
    document.add_paragraph("")
    table = document.add_table(rows=1, cols=len(columns))
    for index, column in enumerate(columns):
        table.rows[0].cells[index].text = HEADER[column]
    for item in items:
        cells = table.add_row().cells
        if item[0] == "section":
            merged = cells[0].merge(cells[-1])
            merged.text = f"{item[1]}. {item[2]}"
            continue
        for index, text in enumerate(cells_of(item, columns, join="\n")):
            lines = text.split("\n")  # several executors: one paragraph each
            cells[index].text = lines[0]
            for more in lines[1:]:
                cells[index].add_paragraph(more)
    document.save(path)
    return path


def essentials(roadmap: Roadmap) -> list[tuple[object, ...]]:
    """What must survive any format: the activities as written."""
    return [
        (a.section, a.number, a.title, a.result, a.deadline, tuple(a.responsible))
        for a in roadmap.activities
    ]
