"""What a roadmap from a schedule file asks the store to hold: keys, occurrences, fingerprints.

Pure: no database. :mod:`tracker.store.sync` compares these plans with what is stored.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

from tracker.calendar import Shift, WorkCalendar
from tracker.roadmap.model import Activity, Roadmap
from tracker.store.models import OccurrenceKind
from tracker.terms.model import Kind

_RHYTHM_MONTHS = {"monthly": 1, "quarterly": 3, "halfyearly": 6, "yearly": 12}


@dataclass(frozen=True, slots=True)
class SyncPolicy:
    """The settings that shape what sync writes."""

    shift: Shift = Shift.NEXT
    checkin: str = "quarterly"

    def token(self) -> str:
        return f"{self.shift.value}/{self.checkin}"


class PlannedOccurrence(NamedTuple):
    due: date
    start: date | None
    kind: str = OccurrenceKind.WINDOW.value

    def sort_key(self) -> tuple[date, date, str]:
        return (self.due, self.start or date.min, self.kind)


@dataclass(slots=True)
class PlannedActivity:
    """One activity as the store will hold it."""

    key: str
    position: int
    source: Activity
    occurrences: list[PlannedOccurrence] = field(default_factory=list)
    links: list[tuple[str, int | None, bool]] = field(default_factory=list)  # name, id, stand-in
    fingerprint: str = ""


def _months_later(day: date, months: int) -> date | None:
    """The first of the month ``months`` after ``day``'s; None past the last date there is."""
    index = day.year * 12 + day.month - 1 + months
    if index // 12 > date.max.year:
        return None
    return date(index // 12, index % 12 + 1, 1)


def checkin_windows(start: date, end: date, rhythm: str) -> list[tuple[date, date]]:
    """Check-in windows of a continuous span: calendar months/quarters/… that overlap it.

    Each check-in runs from the later of the unit's first day and ``start`` to the earlier of
    the unit's last day and ``end``. ``none`` gives the whole span as one window.
    """
    months = _RHYTHM_MONTHS.get(rhythm)
    if months is None:
        return [(start, end)]
    unit = date(start.year, ((start.month - 1) // months) * months + 1, 1)
    out: list[tuple[date, date]] = []
    while unit <= end:
        following = _months_later(unit, months)
        last = following - timedelta(days=1) if following is not None else date.max
        out.append((max(unit, start), min(last, end)))
        if following is None:
            break
        unit = following
    return out


def occurrences_of(
    activity: Activity, roadmap: Roadmap, policy: SyncPolicy
) -> list[PlannedOccurrence]:
    """The occurrences an activity should have: its windows, or check-ins when continuous."""
    windows = activity.windows
    if activity.kind is Kind.CONTINUOUS:
        planned: set[PlannedOccurrence] = set()
        for window in windows:
            first = window.start or (roadmap.period.start if roadmap.period else window.due)
            for start, due in checkin_windows(first, window.due, policy.checkin):
                planned.add(PlannedOccurrence(due, start, OccurrenceKind.CHECKIN.value))
        return sorted(planned, key=PlannedOccurrence.sort_key)
    unique = {PlannedOccurrence(window.due, window.start) for window in windows}
    return sorted(unique, key=PlannedOccurrence.sort_key)


def activity_keys(activities: list[Activity]) -> list[str]:
    """Identities of a roadmap's activities, unique inside it.

    The activity's own key (its number) when unique; numbers that repeat across sections
    («I» 1, «II» 1) are qualified by the section («I.1», «II.1»), or by the section's
    position when the section is a long heading; what still repeats gets «#2», «#3».
    """
    counts = Counter(activity.key for activity in activities)
    sections: dict[str | None, int] = {}
    keys: list[str] = []
    for activity in activities:
        key = activity.key
        if counts[key] > 1:
            label = activity.section
            if label is None or len(label) > 12:
                label = str(sections.setdefault(activity.section, len(sections) + 1))
            key = f"{label}.{key}"
        keys.append(key)
    seen: Counter[str] = Counter()
    unique: list[str] = []
    for key in keys:
        seen[key] += 1
        unique.append(key if seen[key] == 1 else f"{key}#{seen[key]}")
    return unique


def digest(*parts: object) -> str:
    """A short stable hash of ``repr(parts)``."""
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def activity_fingerprint(planned: PlannedActivity, policy: SyncPolicy) -> str:
    """What the store holds of an activity, hashed; equal fingerprints need no writes."""
    source = planned.source
    windows = tuple(
        (window.start.toordinal() if window.start else 0, window.due.toordinal())
        for window in source.windows
    )
    return digest(
        policy.token(),
        planned.key,
        planned.position,
        source.number,
        source.section,
        source.title,
        source.result,
        source.effective_phrase,
        source.expansion.rule if source.expansion else "",
        source.kind.value,
        source.source_row,
        windows,
        planned.links,
    )


class EffectiveDue:
    """``due`` → the effective due under the shift policy, memoised per date."""

    def __init__(self, calendar: WorkCalendar, shift: Shift) -> None:
        self._calendar = calendar
        self._shift = shift
        self._memo: dict[date, date] = {}

    def __call__(self, due: date) -> date:
        found = self._memo.get(due)
        if found is None:
            found = self._calendar.shift(due, self._shift)
            self._memo[due] = found
        return found
