"""The reminder policy: items, what was already made and ``now`` in; notifications out.

Pure: no clock, no I/O. The same input gives the same, sorted output.

How a notification comes about (the choices are explained in ``docs/reminders.md``):

* Every open item (planned or in progress) has a **track** per recipient: a list of *stages*,
  each on a civil date of the roadmap. For an executor of a window:

  - ``start-N@<start>``: reminders ``[policy] before_start_days`` before the window opens;
  - ``due-N@<due>``: reminders ``[policy] remind_days`` before the effective due date;
  - ``due@<due>``: on the due date (``due_today``);
  - ``K@<due>``: the K-th overdue reminder (``overdue``), on days due+1, due+1+E, due+1+2E … with
    E = ``overdue_every_days``.

  A coordinator of the roadmap has an escalation track: ``K@<due>`` (``escalation``) on days
  due+M, due+M+E … with M = ``escalate_after_days``; a step that would be sent on the
  coordinator's digest morning is not made (the digest lists every overdue item: one message
  per coordinator per morning). A check-in of a continuous activity is a
  window whose reminders and due-date message are of kind ``checkin`` (no before-start ones).
  The effective due date is in every stage's name, so a перенос срока starts a fresh track.
  With ``[policy] working_days`` the N days before are counted in working days.

* A stage's **moment** is midnight at the start of its date in the roadmap's time zone. It is
  **ready** at :func:`send_time` of that moment in the recipient's zone: the first instant at or
  after it that is within ``[send_from, send_until)`` on a working day of the Russian calendar.
  Stages falling on a weekend or holiday are therefore sent on the next working morning.

* At ``now``, the **current** stage of a track is the last ready one. It alone may be made:
  earlier stages are superseded and never sent late. It is made when its key is not in
  ``made`` and it still has use: ``send_at`` (the first sending instant at or after ``now``)
  comes before ``expires_at``. ``expires_at`` is when the next stage of the track becomes
  ready; a reminder (kinds ``reminder`` and ``checkin`` before the due date) also expires at
  the end of the sending hours of the day it was ready, because a reminder sent a day late
  mostly repeats the next one.

So the policy never plans ahead: a notification appears once it may be sent, and the outbox row
it becomes waits at most until the next sending hours. Digests are planned by
:func:`digest_notifications`; :func:`group` turns notifications into one message per recipient
per local day.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from tracker.calendar import WorkCalendar
from tracker.config import WEEKDAYS, PolicySettings
from tracker.notify.model import (
    ITEM_KINDS,
    Batch,
    ItemFacts,
    MessageKind,
    Notification,
    Person,
)

__all__ = [
    "LOOKBACK_DAYS",
    "Planner",
    "calendar_warnings",
    "days_before",
    "digest_notifications",
    "digest_stage",
    "group",
    "plan",
    "send_time",
    "years_in_use",
]

#: How far back overdue steps are looked at: longer than any run of non-working days.
LOOKBACK_DAYS = 21

_ORDER_START, _ORDER_BEFORE, _ORDER_DUE, _ORDER_SERIES = 0, 1, 2, 3


def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def send_time(
    moment: datetime, timezone: str, settings: PolicySettings, calendar: WorkCalendar
) -> datetime:
    """The first instant at or after ``moment`` that is within the sending hours of ``timezone``.

    Sending hours are ``[send_from, send_until)`` on a working day of the Russian calendar
    (weekends, public holidays and their transfers; working Saturdays such as 2024-04-27 are
    working days). The result is in UTC.
    """
    zone = _zone(timezone)
    local = moment.astimezone(zone)
    day = local.date()
    for _ in range(366):
        if calendar.is_working_day(day):
            opens = datetime.combine(day, settings.send_from, zone)
            closes = datetime.combine(day, settings.send_until, zone)
            if local < opens:
                return opens.astimezone(UTC)
            if local < closes:
                return local.astimezone(UTC)
        day += timedelta(days=1)
        local = datetime.combine(day, time(0), zone)
    raise ValueError("no working day within a year")  # pragma: no cover - calendar is broken


def _closing(ready: datetime, timezone: str, settings: PolicySettings) -> datetime:
    """The end of the sending hours on the recipient-local day of ``ready``."""
    zone = _zone(timezone)
    day = ready.astimezone(zone).date()
    return datetime.combine(day, settings.send_until, zone).astimezone(UTC)


def days_before(day: date, n: int, working: bool, calendar: WorkCalendar) -> date:
    """``n`` calendar days before ``day``, or (``working``) the ``n``-th working day before it.

    This is how a reminder's date follows from the due (or start) date; ``n = 0`` is ``day``.
    """
    if not working:
        return day - timedelta(days=n)
    while n > 0:
        day -= timedelta(days=1)
        if calendar.is_working_day(day):
            n -= 1
    return day


@dataclass(frozen=True, slots=True)
class _Stage:
    kind: MessageKind
    stage: str
    day: date  # civil date in the roadmap's zone
    order: int
    short: bool  # a reminder: also expires at the end of its sending day


class _Clock:
    """Send times for one planning pass, cached by (moment, zone): items share dates."""

    def __init__(self, now: datetime, settings: PolicySettings, calendar: WorkCalendar) -> None:
        if now.tzinfo is None:
            raise ValueError("now must be time-zone aware")
        self.now = now.astimezone(UTC)
        self.settings = settings
        self.calendar = calendar
        self._ready: dict[tuple[date, str, str], datetime] = {}
        self._now: dict[str, datetime] = {}
        self._today: dict[str, date] = {}
        self._digest_days: dict[tuple[date, str], date] = {}

    def ready(self, day: date, item_zone: str, recipient_zone: str) -> datetime:
        key = (day, item_zone, recipient_zone)
        cached = self._ready.get(key)
        if cached is None:
            moment = datetime.combine(day, time(0), _zone(item_zone))
            cached = send_time(moment, recipient_zone, self.settings, self.calendar)
            self._ready[key] = cached
        return cached

    def send_now(self, recipient_zone: str) -> datetime:
        cached = self._now.get(recipient_zone)
        if cached is None:
            cached = send_time(self.now, recipient_zone, self.settings, self.calendar)
            self._now[recipient_zone] = cached
        return cached

    def digest_day(self, zone: str, day: date) -> date:
        """The recipient-local day the digest of ``day``'s week is sent on."""
        key = (day - timedelta(days=day.weekday()), zone)
        cached = self._digest_days.get(key)
        if cached is None:
            weekday = WEEKDAYS.index(self.settings.digest_weekday)
            ready = datetime.combine(
                key[0] + timedelta(days=weekday), self.settings.digest_time, _zone(zone)
            )
            moment = send_time(ready, zone, self.settings, self.calendar)
            cached = moment.astimezone(_zone(zone)).date()
            self._digest_days[key] = cached
        return cached

    def today(self, zone: str) -> date:
        cached = self._today.get(zone)
        if cached is None:
            cached = self.now.astimezone(_zone(zone)).date()
            self._today[zone] = cached
        return cached


@dataclass(frozen=True, slots=True)
class _Series:
    """Stages repeating every ``every`` days from ``first``: overdue and escalation steps."""

    kind: MessageKind
    first: date
    every: int
    due: date

    def stage(self, k: int) -> _Stage:
        day = self.first + timedelta(days=(k - 1) * self.every)
        return _Stage(self.kind, f"{k}@{self.due.isoformat()}", day, _ORDER_SERIES, False)

    def around(self, today: date) -> tuple[list[_Stage], bool]:
        """Steps from LOOKBACK_DAYS before ``today`` to the first after it; and whether the
        list starts at step 1 (so the stages before the series matter)."""
        last = (today - self.first).days // self.every + 1 if today >= self.first else 0
        low = max(1, last - math.ceil(LOOKBACK_DAYS / self.every))
        return [self.stage(k) for k in range(low, last + 2)], low == 1


def _pre_stages(item: ItemFacts, settings: PolicySettings, calendar: WorkCalendar) -> list[_Stage]:
    """The stages of an executor's track before the overdue series, sorted."""
    assert item.effective_due is not None
    due = item.effective_due
    tag = due.isoformat()
    checkin = item.is_checkin
    before = MessageKind.CHECKIN if checkin else MessageKind.REMINDER
    stages: list[_Stage] = []
    if item.start is not None and not checkin:
        for n in settings.before_start_days:
            if n <= 0:
                continue
            day = days_before(item.start, n, settings.working_days, calendar)
            stages.append(
                _Stage(before, f"start-{n}@{item.start.isoformat()}", day, _ORDER_START, True)
            )
    for n in settings.remind_days:
        if n <= 0:
            continue  # the due-date message covers «0 days before»
        day = days_before(due, n, settings.working_days, calendar)
        stages.append(_Stage(before, f"due-{n}@{tag}", day, _ORDER_BEFORE, True))
    on_due = MessageKind.CHECKIN if checkin else MessageKind.DUE_TODAY
    stages.append(_Stage(on_due, f"due@{tag}", due, _ORDER_DUE, False))
    stages.sort(key=lambda s: (s.day, s.order, s.stage))
    return stages


def _far_ahead(item: ItemFacts, today: date, settings: PolicySettings) -> bool:
    """Cheap test that no stage of ``item`` has begun by ``today`` (no calendar look-ups)."""
    assert item.effective_due is not None
    days = max((*settings.remind_days, *settings.before_start_days, 0))
    if settings.working_days:
        days = days * 2 + 14  # n working days never span more (New Year holidays included)
    first = min(d for d in (item.start, item.effective_due) if d is not None)
    return first - timedelta(days=days) > today


def _current(
    stages: Sequence[_Stage],
    item: ItemFacts,
    recipient: Person,
    clock: _Clock,
) -> Notification | None:
    """The current stage of a track for ``recipient``, if it still has use at ``now``."""
    ready = [clock.ready(stage.day, item.timezone, recipient.timezone) for stage in stages]
    index = -1
    for i, at in enumerate(ready):
        if at <= clock.now:
            index = i
        else:
            break
    if index < 0:
        return None
    stage = stages[index]
    expires: datetime | None = ready[index + 1] if index + 1 < len(ready) else None
    if stage.short:
        closing = _closing(ready[index], recipient.timezone, clock.settings)
        expires = closing if expires is None else min(expires, closing)
    send_at = clock.send_now(recipient.timezone)
    if expires is not None and send_at >= expires:
        return None
    day = send_at.astimezone(_zone(recipient.timezone)).date()
    return Notification.make(
        stage.kind,
        stage.stage,
        item.occurrence_id,
        recipient,
        day=day,
        send_at=send_at,
        expires_at=expires,
    )


def _unique(people: Iterable[Person]) -> list[Person]:
    seen: dict[str, Person] = {}
    for person in people:
        seen.setdefault(person.key, person)
    return list(seen.values())


def _item_notifications(item: ItemFacts, clock: _Clock) -> list[Notification]:
    settings = clock.settings
    if not item.is_open or item.occurrence_id is None or item.effective_due is None:
        return []
    due = item.effective_due
    today = clock.today(item.timezone)
    if _far_ahead(item, today, settings):
        return []
    pre = _pre_stages(item, settings, clock.calendar)
    if pre[0].day > today:
        return []  # nothing has begun yet, for anyone in any zone
    out: list[Notification] = []
    overdue = _Series(
        MessageKind.OVERDUE, due + timedelta(days=1), settings.overdue_every_days, due
    )
    steps, from_first = overdue.around(today)
    track = (pre if from_first else []) + steps
    for person in _unique(item.executors):
        made = _current(track, item, person, clock)
        if made is not None:
            out.append(made)
    escalation = _Series(
        MessageKind.ESCALATION,
        due + timedelta(days=settings.escalate_after_days),
        settings.overdue_every_days,
        due,
    )
    if today >= escalation.first:
        steps, _ = escalation.around(today)
        for person in _unique(item.coordinators):
            made = _current(steps, item, person, clock)
            if made is not None and not _folded(made, steps, item, person, clock):
                out.append(made)
    return out


def _folded(
    made: Notification, steps: Sequence[_Stage], item: ItemFacts, person: Person, clock: _Clock
) -> bool:
    """Whether an escalation step falls on the coordinator's digest morning: the digest, which
    lists every overdue item, stands for it (one message per coordinator per morning), and the
    step is not sent later either."""
    stage = next(step for step in steps if step.stage == made.stage)
    ready = clock.ready(stage.day, item.timezone, person.timezone)
    day = ready.astimezone(_zone(person.timezone)).date()
    return day == clock.digest_day(person.timezone, day)


def _sort_key(notification: Notification) -> tuple[datetime, str, str]:
    return (notification.send_at, notification.recipient.key, notification.key)


def plan(
    items: Iterable[ItemFacts],
    made: Collection[str],
    now: datetime,
    settings: PolicySettings,
    calendar: WorkCalendar,
) -> list[Notification]:
    """The notifications to make at ``now`` for ``items``: reminders, due-date, overdue,
    escalation and check-in messages (digests: :func:`digest_notifications`).

    ``made`` holds the keys already made (the ``notification`` table); none of them is
    returned. Done, cancelled and unscheduled items give nothing. ``now`` must be aware.
    The result is sorted by ``send_at``, recipient and key.
    """
    return Planner(now, settings, calendar).plan(items, made)


class Planner:
    """:func:`plan` asked many times at one ``now``: the send times it works out (by date and
    zones) are kept between the calls (the planning pass asks once per track)."""

    def __init__(self, now: datetime, settings: PolicySettings, calendar: WorkCalendar) -> None:
        self._clock = _Clock(now, settings, calendar)

    def plan(self, items: Iterable[ItemFacts], made: Collection[str]) -> list[Notification]:
        """What :func:`plan` gives for ``items`` and ``made`` at this planner's ``now``."""
        out: list[Notification] = []
        for item in items:
            out.extend(n for n in _item_notifications(item, self._clock) if n.key not in made)
        out.sort(key=_sort_key)
        return out


def digest_stage(day: date) -> str:
    """The stage of the digest for the week of ``day``: its ISO week, e.g. ``2025-W03``."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def digest_notifications(
    recipients: Iterable[Person],
    made: Collection[str],
    now: datetime,
    settings: PolicySettings,
    calendar: WorkCalendar,
) -> list[Notification]:
    """The weekly digests due at ``now``, one per recipient (coordinators and admins).

    A week's digest is ready at ``digest_weekday`` ``digest_time`` in the recipient's zone,
    moved into the sending hours of a working day; its stage is the ISO week of that weekday
    (``2025-W03``) and it expires when the next week's digest is ready. Keys in ``made`` are
    not returned. The glue decides what an empty digest does (see ``docs/reminders.md``).
    """
    clock = _Clock(now, settings, calendar)
    weekday = WEEKDAYS.index(settings.digest_weekday)
    out: list[Notification] = []
    for person in _unique(recipients):
        zone = _zone(person.timezone)
        today = clock.today(person.timezone)
        monday = today - timedelta(days=today.weekday())
        days = [monday + timedelta(days=weekday + 7 * week) for week in (-2, -1, 0, 1)]
        ready = [
            send_time(datetime.combine(d, settings.digest_time, zone), person.timezone,
                      settings, calendar)
            for d in days
        ]  # fmt: skip
        current = [i for i, at in enumerate(ready) if at <= clock.now]
        if not current:
            continue
        index = current[-1]
        expires = ready[index + 1] if index + 1 < len(ready) else None
        send_at = clock.send_now(person.timezone)
        if expires is not None and send_at >= expires:
            continue
        notification = Notification.make(
            MessageKind.DIGEST,
            digest_stage(days[index]),
            None,
            person,
            day=send_at.astimezone(zone).date(),
            send_at=send_at,
            expires_at=expires,
        )
        if notification.key not in made:
            out.append(notification)
    out.sort(key=_sort_key)
    return out


def _latest(values: Sequence[datetime | None]) -> datetime | None:
    if any(value is None for value in values):
        return None
    return max(value for value in values if value is not None)


def group(notifications: Iterable[Notification]) -> list[Batch]:
    """One :class:`Batch` (one e-mail) per recipient per local day.

    Item notifications of a recipient's day share one message whose kind is the most urgent
    one; a digest or a test message always goes alone. Sorted by ``send_at``, recipient, key.
    """
    buckets: dict[tuple[str, date, str], list[Notification]] = {}
    for notification in notifications:
        slot = "items" if notification.kind in ITEM_KINDS else notification.key
        buckets.setdefault((notification.recipient.key, notification.day, slot), []).append(
            notification
        )
    batches: list[Batch] = []
    for (_recipient, day, _slot), parts in buckets.items():
        parts = sorted(set(parts), key=_urgency_first)
        batches.append(
            Batch(
                recipient=parts[0].recipient,
                day=day,
                kind=parts[0].kind,
                notifications=tuple(parts),
                send_at=max(part.send_at for part in parts),
                expires_at=_latest([part.expires_at for part in parts]),
            )
        )
    batches.sort(key=lambda b: (b.send_at, b.recipient.key, b.key))
    return batches


def _urgency_first(notification: Notification) -> tuple[int, str]:
    return (-notification.kind.urgency, notification.key)


def years_in_use(items: Iterable[ItemFacts], now: datetime) -> list[int]:
    """Years whose calendar the policy consults: ``now``'s and the next, and the years of
    open items' dates."""
    years = {now.year, now.year + 1}
    for item in items:
        if item.is_open:
            years.update(d.year for d in (item.start, item.effective_due) if d is not None)
    return sorted(years)


def calendar_warnings(years: Iterable[int], calendar: WorkCalendar) -> list[str]:
    """A warning for each year whose production calendar (transfers) is not known yet."""
    unknown = sorted({year for year in years if not calendar.is_known(year)})
    return [
        f"the Russian working-day calendar has no decreed transfers for {year}: "
        "working days there are weekends and fixed holidays only (update the holidays package)"
        for year in unknown
    ]
