"""The daemon's clock: the wall clock, or a simulated moment that then moves at wall speed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class Clock:
    """``now()`` is what the work sees; ``wall()`` is what the scheduler's timers run on."""

    wall: Callable[[], datetime]
    offset: timedelta = timedelta(0)

    @classmethod
    def starting_at(cls, wall: Callable[[], datetime], start: datetime) -> Clock:
        """A clock that reads ``start`` now and moves on at the wall clock's speed."""
        return cls(wall, start - wall())

    def now(self) -> datetime:
        return self.wall() + self.offset
