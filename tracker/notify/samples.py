"""Sample data for :func:`tracker.notify.template_check.check` and the tests: every kind of message,
with one item and with several, with and without links, so every branch of a template runs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from tracker.config import PolicySettings, default_settings
from tracker.notify.model import (
    ITEM_KINDS,
    Batch,
    DigestFacts,
    FailureFacts,
    ItemFacts,
    MessageKind,
    Notification,
    Person,
    RoadmapRef,
)

NOW = datetime(2023, 6, 1, 6, 0, tzinfo=UTC)
TODAY = date(2023, 6, 1)

LEAD = Person.executor(
    1,
    "ГБУ ДПО «Челябинский институт переподготовки и повышения квалификации работников образования»",
    ("ippk@chelyabinsk.example.org",),
    "Asia/Yekaterinburg",
    organisation=True,
)
CO = Person.executor(2, "Петрова Анна Сергеевна", ("petrova@example.org",), "Europe/Moscow")
COORDINATOR = Person.executor(
    3, "Иванов Иван Иванович", ("ivanov@example.org",), "Asia/Yekaterinburg"
)
ADMIN = Person.address("admin@example.org", "Europe/Moscow")


def sample_item(
    occurrence_id: int,
    due: date,
    *,
    number: str = "1.1",
    title: str = "Проведение мониторинга качества подготовки обучающихся",
    start: date | None = None,
    extended: date | None = None,
    kind: str = "window",
    status: str = "planned",
    completed_on: date | None = None,
    executors: tuple[Person, ...] = (LEAD, CO),
) -> ItemFacts:
    """An occurrence of the sample roadmap."""
    return ItemFacts(
        occurrence_id=occurrence_id,
        roadmap="chelyabinsk-2021",
        roadmap_title="План мероприятий по повышению качества образования в Челябинской области",
        timezone="Asia/Yekaterinburg",
        number=number,
        title=title,
        section="I. Организационное обеспечение",
        result="Аналитическая справка",
        occurrence_kind=kind,
        activity_kind="continuous" if kind == "checkin" else "once",
        start=start,
        due=due,
        effective_due=extended or due,
        status=status,
        completed_on=completed_on,
        executors=executors,
        coordinators=(COORDINATOR,),
    )


def sample_unscheduled(number: str = "3.4") -> ItemFacts:
    """An activity with no dates («нужны сроки»)."""
    return ItemFacts(
        occurrence_id=None,
        roadmap="chelyabinsk-2021",
        roadmap_title="План мероприятий по повышению качества образования в Челябинской области",
        timezone="Asia/Yekaterinburg",
        number=number,
        title="Участие в федеральных проектах по отдельному плану",
        section=None,
        result=None,
        occurrence_kind=None,
        activity_kind="unscheduled",
        start=None,
        due=None,
        effective_due=None,
        status=None,
        completed_on=None,
        executors=(LEAD,),
        coordinators=(COORDINATOR,),
    )


#: Items of each kind: the first alone, all of them together.
_ITEMS: dict[MessageKind, list[ItemFacts]] = {
    MessageKind.REMINDER: [
        sample_item(11, TODAY + timedelta(days=3)),
        sample_item(12, date(2023, 6, 30), number="2.3", start=date(2023, 6, 2), executors=(LEAD,)),
    ],
    MessageKind.DUE_TODAY: [
        sample_item(21, TODAY, number="1.4"),
        sample_item(22, date(2023, 5, 15), extended=TODAY, number="1.5", status="in_progress"),
    ],
    MessageKind.OVERDUE: [
        sample_item(31, TODAY - timedelta(days=1), number="2.1"),
        sample_item(32, TODAY - timedelta(days=22), number="2.2", executors=(LEAD,)),
    ],
    MessageKind.ESCALATION: [
        sample_item(41, TODAY - timedelta(days=14), number="4.1"),
        sample_item(42, TODAY - timedelta(days=25), number="4.2"),
    ],
    MessageKind.CHECKIN: [
        sample_item(51, date(2023, 6, 30), number="5.1", start=date(2023, 4, 1), kind="checkin"),
        sample_item(52, TODAY + timedelta(days=1), number="5.2", kind="checkin"),
    ],
}

_RECIPIENTS = {MessageKind.ESCALATION: COORDINATOR}


def _batch(kinds: list[tuple[MessageKind, ItemFacts]], recipient: Person) -> Batch:
    parts = tuple(
        Notification.make(kind, f"sample-{i}", item.occurrence_id, recipient, day=TODAY,
                          send_at=NOW)
        for i, (kind, item) in enumerate(kinds)
    )  # fmt: skip
    parts = tuple(sorted(parts, key=lambda n: (-n.kind.urgency, n.key)))
    return Batch(recipient, TODAY, parts[0].kind, parts, NOW)


def _link(notification: Notification, item: ItemFacts) -> str | None:
    return f"https://tracker.example.org/i/{item.occurrence_id}?t=sample"


def sample_digest(recipient: Person = COORDINATOR) -> DigestFacts:
    """A digest with something in every section."""
    return DigestFacts(
        recipient=recipient,
        day=TODAY,
        since=TODAY - timedelta(days=7),
        roadmaps=(
            RoadmapRef(
                "chelyabinsk-2021",
                "План мероприятий по повышению качества образования в Челябинской области",
            ),
        ),
        overdue=(*_ITEMS[MessageKind.OVERDUE], sample_item(33, TODAY - timedelta(days=3),
                                                           executors=(CO,))),
        due_soon=tuple(_ITEMS[MessageKind.REMINDER]),
        done_late=(
            sample_item(61, TODAY - timedelta(days=10), status="done",
                        completed_on=TODAY - timedelta(days=2)),
        ),
        needs_dates=(sample_unscheduled(),),
        failures=(
            FailureFacts(
                "nobody@example.org",
                "Напоминание: срок 5 июня 2023 г. — мероприятие 1.1",
                "550 5.1.1 mailbox unavailable",
                NOW - timedelta(days=2),
            ),
        ),
    )  # fmt: skip


def sample_contexts(
    settings: PolicySettings | None = None,
) -> list[tuple[MessageKind, dict[str, object]]]:
    """A context for every kind and every branch its templates take."""
    from tracker.notify.render import (
        context_for_batch,
        context_for_digest,
        context_for_test,
    )

    policy = settings or default_settings().policy
    items = {i.occurrence_id: i for group in _ITEMS.values() for i in group if i.occurrence_id}
    out: list[tuple[MessageKind, dict[str, Any]]] = []
    everything = [(kind, item) for kind in ITEM_KINDS for item in _ITEMS[kind]]
    links: list[Callable[[Notification, ItemFacts], str | None] | None] = [None, _link]
    for kind in ITEM_KINDS:
        recipient = _RECIPIENTS.get(kind, LEAD)
        for link in links:
            single = _batch([(kind, _ITEMS[kind][0])], recipient)
            out.append((kind, context_for_batch(single, items, NOW, policy, link=link)))
            several = [(k, i) for k, i in everything if k.urgency <= kind.urgency]
            batch = _batch(several, CO if kind is not MessageKind.ESCALATION else recipient)
            out.append((kind, context_for_batch(batch, items, NOW, policy, link=link)))
    full = sample_digest()
    out.append((MessageKind.DIGEST, context_for_digest(full, due_soon_days=policy.due_soon_days)))
    empty = DigestFacts(ADMIN, TODAY, TODAY - timedelta(days=7))
    out.append((MessageKind.DIGEST, context_for_digest(empty, due_soon_days=policy.due_soon_days)))
    out.append((MessageKind.TEST, context_for_test(ADMIN, NOW, "tracker@example.org")))
    out.append((MessageKind.TEST, context_for_test(CO, NOW, "")))
    return out
