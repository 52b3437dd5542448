"""Per-executor iCalendar feeds behind a secret URL.

Each executor gets a random secret (256 bits) stored in ``feed_secret``; the feed lives at
``{base_url}/feed/{secret}.ics``. A stored random secret, rather than one derived from the web
key, can be replaced for one executor (`tracker feed url NAME --new`) without voiding every
item link. The feed has one all-day VEVENT per open occurrence of the executor's activities,
on its effective due date, with a UID that stays the same across fetches and date changes.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import Engine, delete, insert, select

from tracker.store.tables import ACTIVITY as A
from tracker.store.tables import ACTIVITY_EXECUTOR as AE
from tracker.store.tables import EXECUTOR as EX
from tracker.store.tables import FEED_SECRET as FS
from tracker.store.tables import OCCURRENCE as OC
from tracker.store.tables import OPEN
from tracker.store.tables import ROADMAP as RM

PRODID = "-//tracker//Сроки дорожных карт//RU"


@dataclass(frozen=True, slots=True)
class FeedItem:
    occurrence_id: int
    roadmap: str
    roadmap_title: str
    key: str
    title: str
    occurrence_kind: str
    start: date | None
    due: date
    effective_due: date
    status: str


def feed_secret(engine: Engine, executor_id: int, now: datetime, *, renew: bool = False) -> str:
    """The executor's feed secret, made on first use; ``renew`` replaces it (old URL dies)."""
    with engine.begin() as conn:
        if renew:
            conn.execute(delete(FS).where(FS.c.executor_id == executor_id))
        found = conn.execute(select(FS.c.secret).where(FS.c.executor_id == executor_id)).scalar()
        if found is not None:
            return str(found)
        secret = secrets.token_urlsafe(32)
        conn.execute(insert(FS).values(executor_id=executor_id, secret=secret, created_at=now))
    return secret


def feed_url(base_url: str, secret: str) -> str:
    return f"{base_url.rstrip('/')}/feed/{secret}.ics"


def executor_of_feed(engine: Engine, secret: str) -> tuple[int, str] | None:
    """(executor id, name) the secret belongs to, or ``None``."""
    with engine.connect() as conn:
        row = conn.execute(
            select(EX.c.id, EX.c.name)
            .select_from(FS.join(EX, FS.c.executor_id == EX.c.id))
            .where(FS.c.secret == secret)
        ).first()
    return (int(row.id), str(row.name)) if row else None


def open_items(engine: Engine, executor_id: int) -> list[FeedItem]:
    """Open occurrences of every activity the executor does (lead or co-executor)."""
    statement = (
        select(
            OC.c.id,
            RM.c.slug,
            RM.c.title.label("roadmap_title"),
            A.c.key,
            A.c.title,
            OC.c.kind,
            OC.c.start,
            OC.c.due,
            OC.c.effective_due,
            OC.c.status,
        )
        .select_from(OC.join(A, OC.c.activity_id == A.c.id).join(RM, A.c.roadmap_id == RM.c.id))
        .where(
            A.c.id.in_(select(AE.c.activity_id).where(AE.c.executor_id == executor_id)),
            OC.c.status.in_(OPEN),
            OC.c.archived_at.is_(None),
            A.c.archived_at.is_(None),
            RM.c.archived_at.is_(None),
        )
        .order_by(OC.c.effective_due, RM.c.slug, A.c.position, OC.c.id)
    )
    with engine.connect() as conn:
        return [
            FeedItem(
                occurrence_id=row.id,
                roadmap=row.slug,
                roadmap_title=row.roadmap_title,
                key=row.key,
                title=row.title,
                occurrence_kind=row.kind,
                start=row.start,
                due=row.due,
                effective_due=row.effective_due,
                status=row.status,
            )
            for row in conn.execute(statement)
        ]


def event_uid(base_url: str, occurrence_id: int) -> str:
    """Stable across fetches: the occurrence keeps its id while its window exists."""
    host = urlsplit(base_url).hostname or "tracker"
    return f"occurrence-{occurrence_id}@{host}"


def build_calendar(
    name: str,
    items: list[FeedItem],
    *,
    now: datetime,
    base_url: str,
    link: Callable[[int], str] | None = None,
) -> bytes:
    """The iCalendar document: one all-day event per item on its effective due date."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"Сроки: {name}")
    for item in items:
        event = Event()
        event.add("uid", event_uid(base_url, item.occurrence_id))
        event.add("dtstamp", now)
        event.add("dtstart", item.effective_due)
        event.add("dtend", item.effective_due + timedelta(days=1))
        prefix = "Отчёт: " if item.occurrence_kind == "checkin" else ""
        event.add("summary", f"{prefix}{item.roadmap}:{item.key} {item.title}")
        lines = [f"Дорожная карта: {item.roadmap_title}", f"Мероприятие {item.roadmap}:{item.key}"]
        if item.start and item.start != item.due:
            lines.append(f"Период: {item.start:%d.%m.%Y} – {item.due:%d.%m.%Y}")
        if item.effective_due != item.due:
            lines.append(f"Срок по плану: {item.due:%d.%m.%Y}")
        lines.append("Статус: " + ("в работе" if item.status == "in_progress" else "запланировано"))
        if link is not None:
            url = link(item.occurrence_id)
            event.add("url", url)
            lines.append(f"Отметить выполнение: {url}")
        event.add("description", "\n".join(lines))
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    data = calendar.to_ical()
    assert isinstance(data, bytes)
    return data
