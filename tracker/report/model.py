"""The execution report («Информация о ходе исполнения плана мероприятий») as plain data.

:func:`tracker.report.collect.build_report` fills it from the store; the writers
(:mod:`tracker.report.to_xlsx`, ``to_docx``, ``to_csv``, ``to_html``) only lay it out, so all
four formats say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tracker.store.discipline import Discipline

#: Column headers of the execution table, in order, with their widths in characters.
COLUMNS: tuple[tuple[str, int], ...] = (
    ("№ п/п", 8),
    ("Мероприятие", 48),
    ("Срок исполнения", 26),
    ("Ответственный исполнитель", 30),
    ("Отметка об исполнении", 34),
    ("Комментарий исполнителя", 34),
)

#: Column headers of the figures table (the second sheet or section).
FIGURE_COLUMNS: tuple[tuple[str, int], ...] = (
    ("Исполнитель", 40),
    ("На контроле", 11),
    ("Исполнено в срок", 11),
    ("Исполнено с нарушением срока", 13),
    ("Среднее нарушение, дн.", 11),
    ("Просрочено", 11),
    ("В работе", 11),
    ("С переносом срока", 11),
    ("% в срок", 9),
)

#: The same figures per organisation (the third sheet or section).
ORGANISATION_COLUMNS: tuple[tuple[str, int], ...] = (("Организация", 40), *FIGURE_COLUMNS[1:])


@dataclass(frozen=True, slots=True)
class ReportRow:
    """One occurrence of an activity in the span."""

    roadmap: str
    number: str
    title: str
    deadline: str  # the phrase as written
    dates: str  # «до 31.01.2022», «с 01.06.2023 по 30.06.2023»
    responsible: str  # lead first, co-executors after
    mark: str  # «выполнено 12.03.2022», «не выполнено, просрочено на 40 дн.»
    outcome: str  # on-time | late | overdue | pending
    comment: str
    overdue: bool

    def cells(self) -> tuple[str, str, str, str, str, str]:
        """The row in the order of :data:`COLUMNS`."""
        due = f"{self.deadline}\n({self.dates})" if self.deadline else self.dates
        return (self.number, self.title, due, self.responsible, self.mark, self.comment)


@dataclass(frozen=True, slots=True)
class Report:
    """The whole report: what it covers, its rows, and the discipline figures."""

    title: str  # «Информация о ходе исполнения плана мероприятий …»
    subtitle: str  # the roadmap(s) it covers
    start: date | None
    end: date | None
    on: date
    rows: tuple[ReportRow, ...]
    discipline: Discipline
    titles: tuple[tuple[str, str], ...] = ()  # (slug, title) of the roadmaps it covers

    def sections(self) -> list[tuple[str | None, list[ReportRow]]]:
        """The rows by roadmap, each with a heading («slug — title») when the report covers
        more than one roadmap (numbers repeat across roadmaps); one untitled part otherwise."""
        if len({row.roadmap for row in self.rows}) <= 1:
            return [(None, list(self.rows))]
        names = dict(self.titles)
        parts: list[tuple[str | None, list[ReportRow]]] = []
        for row in self.rows:
            if not parts or parts[-1][1][-1].roadmap != row.roadmap:
                title = names.get(row.roadmap)
                parts.append((f"{row.roadmap} — {title}" if title else row.roadmap, []))
            parts[-1][1].append(row)
        return parts

    @property
    def period(self) -> str:
        """«за период с 01.01.2022 по 31.12.2022», «по 31.12.2022», «за весь период»."""
        if self.start and self.end:
            return f"за период с {ru_date(self.start)} по {ru_date(self.end)}"
        if self.start:
            return f"за период с {ru_date(self.start)}"
        if self.end:
            return f"за период по {ru_date(self.end)}"
        return "за весь период реализации"

    @property
    def as_of(self) -> str:
        return f"по состоянию на {ru_date(self.on)}"

    def figure_rows(self) -> list[tuple[str, ...]]:
        """The figures table: one row per executor, then «Итого»."""
        rows = [(row.executor.name, *row.figures.cells()) for row in self.discipline.rows]
        rows.append(("Итого", *self.discipline.total.cells()))
        return rows

    def organisation_rows(self) -> list[tuple[str, ...]]:
        """The figures per organisation, then «Итого» (each occurrence once)."""
        rows = [(row.executor.name, *row.figures.cells()) for row in self.discipline.organisations]
        rows.append(("Итого", *self.discipline.total.cells()))
        return rows


def ru_date(day: date) -> str:
    """ДД.ММ.ГГГГ"""
    return day.strftime("%d.%m.%Y")
