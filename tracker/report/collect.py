"""The execution report's content, read from the store: rows and discipline figures."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import Engine, select

from tracker.report.model import Report, ReportRow, ru_date
from tracker.store.discipline import (
    Discipline,
    Fact,
    Outcome,
    discipline_facts,
    figures,
    latest_comments,
    outcome,
)
from tracker.store.tables import ROADMAP as RM

TITLE = "Информация о ходе исполнения плана мероприятий"


def mark(fact: Fact, on: date) -> str:
    """«Отметка об исполнении» of one occurrence on day ``on``."""
    found = outcome(fact, on)
    moved = (
        f"срок перенесён на {ru_date(fact.extended_due)}" if fact.extended_due is not None else ""
    )
    if found is Outcome.ON_TIME and fact.completed_on is not None:
        text = f"выполнено {ru_date(fact.completed_on)}"
    elif found is Outcome.LATE and fact.completed_on is not None:
        text = (
            f"выполнено с нарушением срока (срок {ru_date(fact.effective_due)}, "
            f"выполнено {ru_date(fact.completed_on)})"
        )
    elif found is Outcome.OVERDUE:
        text = f"не выполнено, просрочено на {(on - fact.effective_due).days} дн."
    else:
        text = moved or ("в работе" if fact.status == "in_progress" else "срок не наступил")
        moved = ""
    return f"{text}; {moved}" if moved else text


def dates(fact: Fact) -> str:
    """The planned window: «до 31.01.2022» or «с 01.06.2023 по 30.06.2023»."""
    if fact.start is None or fact.start == fact.due:
        return f"до {ru_date(fact.due)}" if fact.start is None else ru_date(fact.due)
    return f"с {ru_date(fact.start)} по {ru_date(fact.due)}"


def rows_of(facts: Sequence[Fact], on: date, comments: dict[int, str]) -> list[ReportRow]:
    """Report rows of the counted facts, by roadmap, place in the plan and due."""
    ordered = sorted(facts, key=lambda f: (f.roadmap, f.position, f.effective_due, f.occurrence_id))
    rows: list[ReportRow] = []
    for fact in ordered:
        found = outcome(fact, on)
        if found is None:
            continue
        rows.append(
            ReportRow(
                roadmap=fact.roadmap,
                number=fact.number,
                title=fact.title,
                deadline=fact.deadline,
                dates=dates(fact),
                responsible=", ".join(doer.name for doer in fact.doers) or "—",
                mark=mark(fact, on),
                outcome=found.value,
                comment=comments.get(fact.occurrence_id, ""),
                overdue=found is Outcome.OVERDUE,
            )
        )
    return rows


def build_report(
    engine: Engine,
    on: date,
    *,
    roadmap: str | None = None,
    roadmaps: Sequence[str] | None = None,
    start: date | None = None,
    end: date | None = None,
) -> Report:
    """The execution report of one roadmap (or of ``roadmaps``, or all) for due dates in
    [start, end], on ``on``."""
    if roadmap:
        roadmaps = [roadmap]
    facts = discipline_facts(engine, roadmaps=roadmaps, start=start, end=end)
    found = figures(facts, on)
    comments = latest_comments(engine, [fact.occurrence_id for fact in facts])
    with engine.connect() as conn:
        statement = select(RM.c.slug, RM.c.title).where(RM.c.archived_at.is_(None))
        if roadmaps is not None:
            statement = statement.where(RM.c.slug.in_(list(roadmaps)))
        titles = conn.execute(statement.order_by(RM.c.slug)).all()
    subtitle = "; ".join(row.title for row in titles) if roadmaps else "все дорожные карты"
    return Report(
        title=TITLE,
        subtitle=subtitle,
        start=start,
        end=end,
        on=on,
        rows=tuple(rows_of(facts, on, comments)),
        titles=tuple((row.slug, row.title) for row in titles),
        discipline=Discipline(
            on=on,
            start=start,
            end=end,
            rows=found.rows,
            total=found.total,
            organisations=found.organisations,
        ),
    )
