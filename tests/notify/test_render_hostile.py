"""Every template with hostile titles, numbers, names and roadmap titles (issue 17): the HTML
part escapes them all, the text part keeps them as written.

The coordinator digest carried activity titles raw in its HTML part: its item line is a macro
of a text partial, and a macro's result is trusted as markup by the HTML template calling it.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tracker.config import default_settings
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
from tracker.notify.render import (
    Renderer,
    context_for_batch,
    context_for_digest,
    context_for_test,
)
from tracker.notify.samples import _ITEMS as SAMPLE_ITEMS
from tracker.notify.samples import ADMIN, CO, COORDINATOR, LEAD, NOW, TODAY, sample_digest

ROOT = Path(__file__).resolve().parents[2]
RENDERER = Renderer(ROOT / "templates")
POLICY = default_settings().policy

PAYLOADS = {
    "title": "<script>alert('title')</script>",
    "number": '<svg onload="alert(1)">',
    "name": '<iframe src="https://evil.example/">',
    "roadmap": '"><img src=x onerror=alert(2)>',
    "section": "<b>жирный</b> & <u>раздел</u>",
    "result": "</td></tr></table><h1>подмена</h1>",
    "subject": "<a href='javascript:alert(3)'>тема</a>",
    "error": "<style>body{display:none}</style>",
}
RAW = re.compile(r"<\s*(script|svg|iframe|img|style|h1|u\b|a\s+href='javascript)", re.I)


def _person(person: Person) -> Person:
    return dataclasses.replace(person, name=f"{PAYLOADS['name']} {person.name}")


def _item(item: ItemFacts) -> ItemFacts:
    return dataclasses.replace(
        item,
        title=f"{PAYLOADS['title']} {item.title}",
        number=f"{item.number}{PAYLOADS['number']}",
        roadmap_title=f"{PAYLOADS['roadmap']} {item.roadmap_title}",
        section=PAYLOADS["section"],
        result=PAYLOADS["result"],
        executors=tuple(_person(p) for p in item.executors),
        coordinators=tuple(_person(p) for p in item.coordinators),
    )


def _digest(facts: DigestFacts) -> DigestFacts:
    return dataclasses.replace(
        facts,
        recipient=_person(facts.recipient),
        roadmaps=(
            *(RoadmapRef(r.slug, f"{PAYLOADS['roadmap']} {r.title}") for r in facts.roadmaps),
            RoadmapRef("second", PAYLOADS["title"]),  # two roadmaps: the list branch
        ),
        overdue=tuple(_item(i) for i in facts.overdue),
        due_soon=tuple(_item(i) for i in facts.due_soon),
        done_late=tuple(_item(i) for i in facts.done_late),
        needs_dates=tuple(_item(i) for i in facts.needs_dates),
        failures=(
            FailureFacts(PAYLOADS["name"], PAYLOADS["subject"], PAYLOADS["error"], NOW),
            *facts.failures,
        ),
    )


def _contexts() -> list[tuple[str, MessageKind, dict[str, Any]]]:
    items = {
        i.occurrence_id: _item(i)
        for group in SAMPLE_ITEMS.values()
        for i in group
        if i.occurrence_id is not None
    }
    out: list[tuple[str, MessageKind, dict[str, Any]]] = []
    for kind in ITEM_KINDS:
        for recipient in (LEAD, CO, COORDINATOR):
            person = _person(recipient)
            parts = tuple(
                Notification.make(k, f"h{n}", item.occurrence_id, person, day=TODAY, send_at=NOW)
                for n, (k, item) in enumerate(
                    (k, i) for k in ITEM_KINDS for i in SAMPLE_ITEMS[k] if k.urgency <= kind.urgency
                )
            )
            parts = tuple(sorted(parts, key=lambda p: (-p.kind.urgency, p.key)))
            batch = Batch(person, TODAY, parts[0].kind, parts, NOW)
            for linked in (False, True):
                context = context_for_batch(
                    batch,
                    items,
                    NOW,
                    POLICY,
                    link=(lambda n, i: f'https://t.example.org/i/{i.occurrence_id}?a="><b>')
                    if linked
                    else None,
                )
                out.append((f"{kind.value}-{recipient.key}-{linked}", kind, context))
    for recipient in (COORDINATOR, ADMIN):
        digest = _digest(sample_digest(recipient))
        context = context_for_digest(digest, due_soon_days=POLICY.due_soon_days)
        out.append((f"digest-{recipient.key}", MessageKind.DIGEST, context))
    empty = DigestFacts(_person(ADMIN), TODAY, TODAY - timedelta(days=7))
    out.append(("digest-empty", MessageKind.DIGEST, context_for_digest(empty)))
    out.append(("test", MessageKind.TEST, context_for_test(_person(CO), NOW, PAYLOADS["subject"])))
    return out


CONTEXTS = _contexts()


def test_every_kind_of_message_is_covered() -> None:
    assert {kind for _, kind, _ in CONTEXTS} == set(MessageKind)


@pytest.mark.parametrize(
    ("kind", "context"), [c[1:] for c in CONTEXTS], ids=[c[0] for c in CONTEXTS]
)
def test_hostile_values_are_escaped_in_html_and_kept_in_text(
    kind: MessageKind, context: dict[str, Any]
) -> None:
    rendered = RENDERER.render(kind, context)
    found = RAW.search(rendered.html)
    assert found is None, rendered.html[max(0, found.start() - 80) : found.end() + 40]
    assert 'onload="' not in rendered.html and "onerror=alert(2)><" not in rendered.html
    assert '?a="><b>' not in rendered.html  # a link is an attribute: its quotes are escaped
    shown = [p for p in PAYLOADS.values() if p in rendered.text]
    escaped = [p for p in PAYLOADS.values() if _escape(p) in rendered.html]
    assert len(escaped) == len(shown)  # what the text part shows, the HTML part shows escaped
    assert "\n" not in rendered.subject


def _escape(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))
