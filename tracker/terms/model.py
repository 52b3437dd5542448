"""Value types of the phrase language: periods, windows and the result of a phrase."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from tracker.errors import UsageError


class Kind(StrEnum):
    """What a deadline phrase turned out to mean."""

    ONCE = "once"
    RECURRING = "recurring"
    CONTINUOUS = "continuous"
    UNSCHEDULED = "unscheduled"
    ERROR = "error"


# The years a roadmap's period may cover: every rule expands inside them, and a period beyond
# them (2022-01-01:9999-12-31) is a mistake in the period, not in a phrase.
FIRST_YEAR = 1900
LAST_YEAR = 2200


def period_problem(period: Period) -> str | None:
    """Why expanding phrases over ``period`` makes no sense, in Russian, or None."""
    if period.start.year < FIRST_YEAR or period.end.year > LAST_YEAR:
        return (
            f"период дорожной карты {period} вне допустимых лет {FIRST_YEAR}–{LAST_YEAR}: "
            "исправьте период, а не срок"
        )
    return None


@dataclass(frozen=True, slots=True, order=True)
class Period:
    """The span a roadmap covers; both ends inclusive."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise UsageError(
                f"period ends before it starts: {self.start.isoformat()}:{self.end.isoformat()}",
                hint="write it as START:END, e.g. 2022-01-01:2024-12-31",
            )

    @classmethod
    def parse(cls, text: str) -> Period:
        """Read ``START:END`` in ISO dates, e.g. ``2022-01-01:2024-12-31``."""
        parts = text.strip().split(":")
        if len(parts) != 2:
            raise UsageError(
                f"bad period {text!r}", hint="write it as START:END, e.g. 2022-01-01:2024-12-31"
            )
        try:
            period = cls(date.fromisoformat(parts[0].strip()), date.fromisoformat(parts[1].strip()))
        except ValueError:
            raise UsageError(
                f"bad period {text!r}: dates must be YYYY-MM-DD",
                hint="write it as START:END, e.g. 2022-01-01:2024-12-31",
            ) from None
        if period_problem(period) is not None:
            raise UsageError(
                f"bad period {text!r}: years must lie in {FIRST_YEAR}–{LAST_YEAR}",
                hint="write it as START:END, e.g. 2022-01-01:2024-12-31",
            )
        return period

    def __str__(self) -> str:
        return f"{self.start.isoformat()}:{self.end.isoformat()}"


@dataclass(frozen=True, slots=True, order=True)
class Window:
    """A span in which the work is expected; ``due`` is the last day that is on time.

    ``start`` is ``None`` only for an open-ended «до …» that is not recurring.
    """

    due: date
    start: date | None = None

    def __post_init__(self) -> None:
        if self.start is not None and self.start > self.due:
            raise ValueError(f"window starts after it is due: {self.start} > {self.due}")

    def sort_key(self) -> tuple[date, date]:
        return (self.start or self.due, self.due)

    def to_json(self) -> dict[str, str | None]:
        return {
            "start": self.start.isoformat() if self.start else None,
            "due": self.due.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class Expansion:
    """The meaning of one deadline phrase over a period (see TERMS.md)."""

    text: str
    kind: Kind
    windows: tuple[Window, ...] = ()
    rule: str = ""
    warnings: tuple[str, ...] = ()
    error: str | None = None

    def to_json(self) -> dict[str, object]:
        out: dict[str, Any] = {
            "text": self.text,
            "kind": self.kind.value,
            "windows": [w.to_json() for w in self.windows],
            "rule": self.rule,
            "warnings": list(self.warnings),
        }
        if self.kind is Kind.ERROR:
            out["error"] = self.error or "unreadable phrase"
        return out
