"""What a roadmap is once read: the shape shared by import, schedule files and the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from tracker.terms.model import Expansion, Kind, Period, Window


@dataclass(slots=True)
class Activity:
    """One row of a roadmap's plan table.

    ``deadline`` is the phrase exactly as written. ``expansion`` is what the phrase language
    made of it. ``override_phrase`` / ``override_windows`` are where an admin corrects it in
    the schedule file; :attr:`effective_phrase`, :attr:`kind` and :attr:`windows` apply them.
    """

    number: str
    title: str
    deadline: str
    section: str | None = None
    result: str | None = None
    responsible: list[str] = field(default_factory=list)
    expansion: Expansion | None = None
    override_phrase: str | None = None
    override_windows: list[Window] | None = None
    source_row: int | None = None
    source: str | None = None
    """Where the row is in the document: «page 3, row 5 of table 1», «row 12 of sheet «План»»."""
    notes: list[str] = field(default_factory=list)
    """Remarks the importer made about the row (cells that did not line up, a missing number)."""

    @property
    def effective_phrase(self) -> str:
        """The phrase the windows come from: the admin's ``override_phrase``, else the deadline."""
        return self.override_phrase if self.override_phrase is not None else self.deadline

    @property
    def key(self) -> str:
        """Stable identity inside a roadmap: the number as written, qualified by section."""
        return self.number

    @property
    def kind(self) -> Kind:
        if self.override_windows is not None:
            return Kind.ONCE if self.override_windows else Kind.UNSCHEDULED
        return self.expansion.kind if self.expansion else Kind.ERROR

    @property
    def windows(self) -> tuple[Window, ...]:
        if self.override_windows is not None:
            return tuple(sorted(self.override_windows, key=Window.sort_key))
        return self.expansion.windows if self.expansion else ()


@dataclass(slots=True)
class Roadmap:
    """A whole roadmap: its document facts, period, people and activities."""

    slug: str
    title: str
    period: Period | None
    timezone: str = "Europe/Moscow"
    issuer: str | None = None
    document_number: str | None = None
    document_date: date | None = None
    coordinators: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    """Section keys in order, as activities name them: the label («I», «2»), else the heading."""
    section_titles: dict[str, str] = field(default_factory=dict)
    """Section key → its heading as written («Организационно-координационные мероприятия»)."""
    activities: list[Activity] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    source: str | None = None
