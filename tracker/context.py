"""The application context: what one invocation of tracker works with, built once and passed down.

The CLI builds one :class:`AppContext` per command (and the daemon keeps the one it was started
with); the layers below receive its parts (settings, engine, clock, calendar, link maker) as
arguments, never reach for globals. Modelled on todoman's ``AppContext``.

Nothing heavy is imported here at module level: ``tracker parse`` must start fast, so the
engine and the calendar are made on first use.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from tracker.calendar import WorkCalendar
    from tracker.config import Settings

#: A clock: the current moment, time-zone aware. Tests pass a fixed one.
Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The real clock, in UTC."""
    return datetime.now(UTC)


@dataclass
class AppContext:
    """Settings, clock, and the database engine and working-day calendar made on first use."""

    settings: Settings
    clock: Clock = system_clock
    _engines: dict[bool, Engine] = field(default_factory=dict, repr=False)
    _calendar: WorkCalendar | None = field(default=None, repr=False)

    def now(self) -> datetime:
        """The current moment by this context's clock."""
        return self.clock()

    def engine(self, *, check: bool = True) -> Engine:
        """The configured database; ``check`` refuses an out-of-date schema."""
        engine = self._engines.get(check)
        if engine is None:
            from tracker.store.db import make_engine, require_current

            database = self.settings.database
            engine = self._engines.get(not check) or make_engine(
                database.url, timeout=database.timeout
            )
            if check:
                require_current(engine)
            self._engines[check] = engine
        return engine

    @property
    def calendar(self) -> WorkCalendar:
        """Russia's working-day calendar."""
        if self._calendar is None:
            from tracker.calendar import russian_calendar

            self._calendar = russian_calendar()
        return self._calendar

    def close(self) -> None:
        """Release the database connections this context opened."""
        for engine in {id(e): e for e in self._engines.values()}.values():
            engine.dispose()
        self._engines.clear()
