"""Execution reports: «Информация о ходе исполнения плана мероприятий» in xlsx, docx, csv and
html, with the discipline figures (:mod:`tracker.store.discipline`) as a second sheet or section.

    report = build_report(engine, on, roadmap="spassk-2022", start=..., end=...)
    data = render(report, "xlsx")
"""

from __future__ import annotations

from collections.abc import Callable

from tracker.report.collect import build_report
from tracker.report.model import Report, ReportRow
from tracker.report.to_csv import render_csv
from tracker.report.to_docx import render_docx
from tracker.report.to_html import render_html
from tracker.report.to_xlsx import render_xlsx

FORMATS: dict[str, Callable[[Report], bytes]] = {
    "xlsx": render_xlsx,
    "docx": render_docx,
    "csv": render_csv,
    "html": render_html,
}

#: Content types of the formats, for downloads.
MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "csv": "text/csv; charset=utf-8",
    "html": "text/html; charset=utf-8",
}


def render(report: Report, fmt: str) -> bytes:
    """``report`` in format ``fmt`` (one of :data:`FORMATS`)."""
    return FORMATS[fmt](report)


__all__ = ["FORMATS", "MEDIA_TYPES", "Report", "ReportRow", "build_report", "render"]
