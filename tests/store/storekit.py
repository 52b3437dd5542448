"""Builders for store tests: roadmaps with explicit windows, executors, a syncer."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Engine

from tracker.roadmap.model import Activity, Roadmap
from tracker.store.executors import ExecutorEntry
from tracker.store.plan import SyncPolicy
from tracker.store.sync import FileReport, load_name_index, sync_executors, sync_roadmap
from tracker.terms.model import Expansion, Kind, Period, Window

NOW = datetime(2023, 1, 10, 9, 0, tzinfo=UTC)


def act(
    number: str,
    *windows: tuple[str | None, str],
    kind: Kind | None = None,
    responsible: tuple[str, ...] = ("Петров П.П.",),
    title: str | None = None,
    section: str | None = None,
    row: int | None = None,
) -> Activity:
    """An activity with windows given as (start, due) ISO dates."""
    parsed = tuple(
        Window(date.fromisoformat(due), date.fromisoformat(start) if start else None)
        for start, due in windows
    )
    if kind is None:
        kind = Kind.ONCE if parsed else Kind.UNSCHEDULED
    return Activity(
        number=number,
        title=title or f"Мероприятие {number}",
        deadline="фраза",
        section=section,
        responsible=list(responsible),
        expansion=Expansion(text="фраза", kind=kind, windows=parsed, rule="правило"),
        source_row=row,
    )


def roadmap(slug: str, *activities: Activity, timezone: str = "Europe/Moscow") -> Roadmap:
    return Roadmap(
        slug=slug,
        title=f"Дорожная карта {slug}",
        period=Period(date(2022, 1, 1), date(2023, 12, 31)),
        timezone=timezone,
        activities=list(activities),
    )


EXECUTORS = [
    ExecutorEntry(name="Иванова И.И.", role="координатор", emails=("ivanova@example.org",),
                  coordinates=("alpha", "beta", "gamma")),
    ExecutorEntry(name="Петров П.П.", aliases=("П. Петров",), emails=("petrov@example.org",)),
    ExecutorEntry(name="МКУ ГИМЦ", kind="organisation", emails=("gimc@example.org",)),
]  # fmt: skip


class Syncer:
    """Sync roadmaps as a schedule folder would, with fixed executors and policy."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.policy = SyncPolicy()
        self.executors(EXECUTORS)

    def executors(self, entries: list[ExecutorEntry]) -> None:
        sync_executors(self.engine, entries, NOW)

    def __call__(self, item: Roadmap, now: datetime = NOW) -> FileReport:
        directory = load_name_index(self.engine)
        return sync_roadmap(
            self.engine, item, f"schedules/{item.slug}.toml", directory, self.policy, now
        )
