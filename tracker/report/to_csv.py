"""The execution report as CSV for Excel in Russian: UTF-8 with a BOM, «;», ДД.ММ.ГГГГ.

The execution table comes first; after an empty line, the discipline figures. Every text cell
goes through :func:`tracker.csv_safe.neutralise` (OWASP CSV injection).
"""

from __future__ import annotations

import csv
import io

from tracker.csv_safe import neutralise
from tracker.report.model import FIGURE_COLUMNS, ORGANISATION_COLUMNS, Report

ROW_HEADERS = (
    "№ п/п",
    "Дорожная карта",
    "Мероприятие",
    "Срок (как в плане)",
    "Даты",
    "Ответственный исполнитель",
    "Отметка об исполнении",
    "Просрочено",
    "Комментарий исполнителя",
)


def render_csv(report: Report) -> bytes:
    """The report as CSV bytes (UTF-8 with a BOM)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")

    def put(cells: tuple[str, ...] | list[str]) -> None:
        writer.writerow([neutralise(cell) for cell in cells])

    put([report.title])
    put([f"{report.subtitle}, {report.period}, {report.as_of}"])
    put([])
    put(ROW_HEADERS)
    for row in report.rows:
        put(
            (
                row.number, row.roadmap, row.title, row.deadline, row.dates, row.responsible,
                row.mark, "да" if row.overdue else "нет", row.comment,
            )
        )  # fmt: skip
    put([])
    put(["Показатели исполнительской дисциплины"])
    put([name for name, _ in FIGURE_COLUMNS])
    for cells in report.figure_rows():
        put(cells)
    put([])
    put(["Показатели по организациям"])
    put([name for name, _ in ORGANISATION_COLUMNS])
    for cells in report.organisation_rows():
        put(cells)
    return ("\ufeff" + out.getvalue()).encode("utf-8")
