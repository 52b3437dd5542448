"""The board's discipline table and charts: figures per executor from
:mod:`tracker.store.discipline`, sorted by a query parameter, each number a link to its items."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from tracker.store.discipline import (
    Discipline,
    ExecutorFigures,
    Figures,
    Outcome,
    discipline_facts,
    figures,
)
from tracker.web.charts import PATTERN_DEFS, Chart, executor_chart, month_chart
from tracker.web.render import WebState

#: Sortable columns: query value → (header, key of the figures, biggest first?).
COLUMNS: dict[str, tuple[str, str]] = {
    "name": ("Исполнитель", ""),
    "controlled": ("На контроле", "controlled"),
    "on-time": ("В срок", "on-time"),
    "late": ("С нарушением", "done-late"),
    "average": ("Среднее нарушение, дн.", ""),
    "overdue": ("Просрочено", "overdue"),
    "pending": ("В работе", "pending"),
    "extended": ("С переносом", ""),
    "percent": ("% в срок", ""),
}

#: Board filter (state) behind each outcome.
STATE_OF = {
    Outcome.ON_TIME: "on-time",
    Outcome.LATE: "done-late",
    Outcome.OVERDUE: "overdue",
    Outcome.PENDING: "pending",
}


def _sort_value(figures_: Figures, column: str) -> float:
    values: dict[str, float | None] = {
        "controlled": figures_.controlled,
        "on-time": figures_.on_time,
        "late": figures_.late,
        "average": figures_.average_late,
        "overdue": figures_.overdue,
        "pending": figures_.pending,
        "extended": figures_.extended,
        "percent": figures_.on_time_percent,
    }
    found = values.get(column)
    return -1.0 if found is None else float(found)


def sorted_rows(rows: Sequence[ExecutorFigures], column: str) -> list[ExecutorFigures]:
    """Rows by ``column`` (biggest first; «name» and «percent» ascending), then by name."""
    if column == "name":
        return sorted(rows, key=lambda row: row.executor.name)
    if column == "percent":
        return sorted(rows, key=lambda row: (_sort_value(row.figures, column), row.executor.name))
    return sorted(rows, key=lambda row: (-_sort_value(row.figures, column), row.executor.name))


@dataclass(frozen=True, slots=True)
class DisciplineView:
    discipline: Discipline
    rows: list[ExecutorFigures]
    sort: str
    charts: list[Chart]
    pattern_defs: str


def discipline_view(engine: Engine, today: date, slugs: Sequence[str], sort: str) -> DisciplineView:
    """Figures for the roadmaps ``slugs`` on ``today`` (every due date), sorted, with charts."""
    facts = discipline_facts(engine, roadmaps=list(slugs)) if slugs else []
    found = figures(facts, today)
    column = sort if sort in COLUMNS else "overdue"
    rows = sorted_rows(found.rows, column)
    charts = [executor_chart(found.rows), month_chart(facts, today)]
    return DisciplineView(found, rows, column, charts, PATTERN_DEFS)


def items_link(roadmap: str, executor: str, state: str) -> str:
    """The board's item list behind one number of the table."""
    values = {"roadmap": roadmap, "executor": executor, "state": state}
    return "/board?" + urlencode({k: v for k, v in values.items() if v}) + "#items"


def sort_link(roadmap: str, column: str) -> str:
    values = {"roadmap": roadmap, "sort": column}
    return "/board?" + urlencode({k: v for k, v in values.items() if v}) + "#discipline"


class _Chosen(Protocol):
    roadmap: str
    slugs: list[str]


def discipline_context(web: WebState, chosen: _Chosen, sort: str) -> dict[str, object]:
    """What board.html needs for the discipline table, the charts and the report download."""
    today = web.now().astimezone(ZoneInfo(web.settings.policy.timezone)).date()
    return {
        "view": discipline_view(web.engine, today, chosen.slugs, sort),
        "columns": COLUMNS,
        "state_of": STATE_OF,
        "items_link": items_link,
        "sort_link": sort_link,
        "report_formats": REPORT_FORMATS,
        "report_query": urlencode({"roadmap": chosen.roadmap} if chosen.roadmap else {}),
        "today": today,
    }


#: The report downloads on the board: format → label.
REPORT_FORMATS = {"xlsx": "Excel", "docx": "Word", "csv": "CSV", "html": "HTML"}
