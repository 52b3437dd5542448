"""The redesigned digest: figures per executor first, each overdue activity once with all its
dates, days late, lead and co-executors and a board link; the bulk headers of a digest."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from tracker.notify.digest_view import dates_phrase, late_phrase, overdue_activities
from tracker.notify.model import MessageKind
from tracker.notify.render import Renderer, context_for_digest
from tracker.notify.samples import CO, LEAD, TODAY, sample_digest, sample_item
from tracker.notify.transports import build_message
from tracker.store.discipline import Doer, Fact, figures

RENDERER = Renderer(Path(__file__).resolve().parents[2] / "templates")


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        ([date(2022, 1, 31)], "31 января 2022 г."),
        ([date(2022, 5, 31), date(2022, 1, 31)], "31 января и 31 мая 2022 г."),
        (
            [date(2021, 12, 31), date(2022, 3, 31), date(2022, 5, 31)],
            "31 декабря 2021 г., 31 марта 2022 г. и 31 мая 2022 г.",
        ),
    ],
    ids=["one", "two in a year", "across years"],
)
def test_dates_phrase(days: list[date], expected: str) -> None:
    assert dates_phrase(days) == expected


@pytest.mark.parametrize(
    ("late", "expected"),
    [([1], "просрочено на 1 день"), ([224, 104], "просрочено на 224 и 104 дня"),
     ([11], "просрочено на 11 дней"), ([165, 12], "просрочено на 165 и 12 дней")],
    ids=["1", "224 and 104", "11", "165 and 12"],
)  # fmt: skip
def test_late_phrase(late: list[int], expected: str) -> None:
    assert late_phrase(late) == expected


def test_an_activity_is_listed_once_with_all_its_overdue_dates() -> None:
    today = date(2022, 9, 12)
    items = [
        sample_item(1, date(2022, 1, 31), number="5.1"),
        sample_item(2, date(2022, 5, 31), number="5.1"),
        sample_item(3, date(2022, 8, 31), number="2.3", executors=(CO,)),
    ]
    found = overdue_activities(items, today, "https://tracker.example.org/")
    assert [entry["number"] for entry in found] == ["5.1", "2.3"]  # the longest overdue first
    first = found[0]
    assert first["dates"] == "31 января и 31 мая 2022 г."
    assert first["late"] == "просрочено на 224 и 104 дня"
    assert first["lead"] == LEAD.name and first["co_executors"] == [CO.name]
    assert first["link"] == "https://tracker.example.org/activity/chelyabinsk-2021/5.1"


def test_digest_starts_with_the_figures_and_lists_activities_once() -> None:
    facts = [
        Fact(1, "chelyabinsk-2021", "1.1", "t", None, TODAY, None, TODAY, "done", TODAY,
             (Doer(1, LEAD.name), Doer(2, CO.name))),
        Fact(2, "chelyabinsk-2021", "1.2", "t", None, TODAY - timedelta(days=9), None,
             TODAY - timedelta(days=9), "planned", None, (Doer(2, CO.name),)),
    ]  # fmt: skip
    digest = dataclasses.replace(
        sample_digest(),
        discipline=figures(facts, TODAY),
        board_url="https://tracker.example.org",
    )
    rendered = RENDERER.render(MessageKind.DIGEST, context_for_digest(digest))
    text = rendered.text
    figures_at = text.index("Исполнительская дисциплина")
    assert figures_at < text.index("Просроченные мероприятия")
    assert f"{CO.name}: на контроле 2 — в срок 1, с нарушением 0, просрочено 1, в работе 0" in text
    assert "Итого: на контроле 2 — в срок 1, с нарушением 0, просрочено 1, в работе 0" in text
    assert "https://tracker.example.org/activity/chelyabinsk-2021/" in text
    assert "Исполнитель: " in text and "соисполнители: Петрова Анна Сергеевна" in text
    assert "https://tracker.example.org/board" in text
    html = rendered.html
    assert '<th scope="col"' in html and "Итого" in html
    assert 'href="https://tracker.example.org/activity/chelyabinsk-2021/' in html


def test_a_digest_is_marked_bulk() -> None:
    when = datetime(2022, 9, 12, 3, tzinfo=UTC)
    common = {
        "sender": "tracker@example.org", "to_addrs": ["a@example.org"], "subject": "s",
        "text": "t", "html": "<p>t</p>", "message_id": "<x@tracker.example.org>", "when": when,
    }  # fmt: skip
    digest = build_message(**common, bulk=True)  # type: ignore[arg-type]
    assert digest["Precedence"] == "bulk"
    assert digest["List-Id"] == "tracker digest <digest.tracker.example.org>"
    assert digest["Auto-Submitted"] == "auto-generated"
    reminder = build_message(**common)  # type: ignore[arg-type]
    assert reminder["Precedence"] is None and reminder["List-Id"] is None


@pytest.mark.parametrize(
    ("due", "escalated_on"),
    [
        (date(2023, 5, 15), []),  # every step falls on a Monday: the digest stands for it
        (date(2023, 5, 16), ["2023-05-30", "2023-06-06"]),  # Tuesdays: sent on their own
    ],
    ids=["steps on the digest morning", "steps on other days"],
)
def test_escalation_folds_into_the_digest_morning(due: date, escalated_on: list[str]) -> None:
    from tracker.calendar import russian_calendar
    from tracker.config import default_settings
    from tracker.notify.policy import plan

    settings = default_settings().policy
    assert settings.digest_weekday == "monday" and settings.escalate_after_days == 14
    made: set[str] = set()
    sent = []
    for offset in range(0, 28):
        now = datetime(2023, 5, 22, 6, tzinfo=UTC) + timedelta(days=offset)
        for notification in plan([sample_item(7, due)], made, now, settings, russian_calendar()):
            made.add(notification.key)
            if notification.kind is MessageKind.ESCALATION:
                sent.append(notification.day.isoformat())
    assert sent == escalated_on
