"""The import draft's pieces: dates given by hand, the diff, corrections kept on re-import."""

from __future__ import annotations

from datetime import date

import pytest

from tracker.errors import InputError
from tracker.roadmap.importer import read_deadline
from tracker.roadmap.model import Activity, Roadmap
from tracker.terms import Period, Window
from tracker.web.admin_drafts import (
    diff,
    keep_corrections,
    parse_windows,
    review_order,
    set_title,
)
from tracker.web.admin_import import default_slug, sniff

PERIOD = Period(date(2022, 1, 1), date(2024, 12, 31))


@pytest.mark.parametrize(
    ("text", "windows"),
    [
        pytest.param("31.12.2022", [Window(date(2022, 12, 31))], id="one-day"),
        pytest.param(
            "01.10.2022 – 31.12.2022; 15.03.2023",
            [Window(date(2022, 12, 31), date(2022, 10, 1)), Window(date(2023, 3, 15))],
            id="range-and-day",
        ),
        pytest.param(
            "с 01.10.2022 по 31.12.2022",
            [Window(date(2022, 12, 31), date(2022, 10, 1))],
            id="words",
        ),
        pytest.param(
            "2022-10-01 - 2022-12-31", [Window(date(2022, 12, 31), date(2022, 10, 1))], id="iso"
        ),
    ],
)
def test_parse_windows(text: str, windows: list[Window]) -> None:
    assert parse_windows(text) == windows


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("завтра", "не понятны даты «завтра»", id="words-only"),
        pytest.param("31.02.2022", "нет такой даты «31.02.2022»", id="no-such-day"),
        pytest.param("31.12.2022 – 01.10.2022", "начало позже срока", id="backwards"),
        pytest.param(" ; ", "даты не заданы", id="empty"),
    ],
)
def test_parse_windows_refuses(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_windows(text)


def plan(*rows: tuple[str, str, str]) -> Roadmap:
    activities = []
    for number, title, deadline in rows:
        activity = Activity(number=number, title=title, deadline=deadline)
        activity.expansion = read_deadline(deadline, PERIOD)
        activities.append(activity)
    return Roadmap(slug="p", title="План", period=PERIOD, activities=activities)


def test_diff_names_rows_and_deadlines() -> None:
    old = plan(("1", "Семинар", "до 15.09.2022"), ("2", "Отчёт", "IV квартал 2022 г."),
               ("3", "Конкурс", "ежегодно в мае"))  # fmt: skip
    new = plan(("1", "Семинар", "до 15.09.2022"), ("2", "Отчёт за год", "до 20.12.2022"),
               ("4", "Итоги", "декабрь 2022 г."))  # fmt: skip
    found = diff(old, new)
    assert [a.key for a in found.added] == ["4"] and [a.key for a in found.removed] == ["3"]
    assert found.unchanged == 1
    [change] = found.changed
    assert change.what == [
        "название: «Отчёт» → «Отчёт за год»",
        "срок: «IV квартал 2022 г.» → «до 20.12.2022»",
        "даты: 01.10.2022 – 31.12.2022 → до 20.12.2022",
    ]


def test_corrections_kept_while_the_deadline_is_the_same() -> None:
    old = plan(("1", "Семинар", "по итогам года"), ("2", "Отчёт", "по итогам квартала"))
    old.activities[0].override_phrase = "до 20.12.2022"
    old.activities[1].override_windows = []
    new = plan(("1", "Семинар", "по итогам года"), ("2", "Отчёт", "по итогам полугодия"))
    assert keep_corrections(new, old) == 1
    assert new.activities[0].windows == (Window(date(2022, 12, 20)),)
    assert new.activities[1].override_windows is None  # its deadline changed: read it anew


def test_fixed_title_kept_while_the_document_has_the_old_one() -> None:
    old = plan(("1", "Семинар", "до 15.09.2022"), ("2", "Отчёт", "до 15.09.2022"))
    set_title(old.activities[0], "Методический семинар")
    set_title(old.activities[1], "Отчёт за год")
    new = plan(("1", "Семинар", "до 15.09.2022"), ("2", "Отчёт за 2022 год", "до 15.09.2022"))
    assert keep_corrections(new, old) == 1
    assert [a.title for a in new.activities] == ["Методический семинар", "Отчёт за 2022 год"]
    assert diff(old, new).changed[0].key == "2"  # the document's new title wins


def test_rows_needing_dates_come_first() -> None:
    roadmap = plan(("1", "a", "до 15.09.2022"), ("2", "b", "по итогам абракадабры"),
                   ("3", "c", "в абракадабре 2022 г."))  # fmt: skip
    assert review_order(roadmap) == [1, 2, 0]


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        pytest.param(b"%PDF-1.7\n", ".pdf", id="pdf"),
        pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", ".doc", id="old-word"),
        pytest.param("План\tСроки\n".encode("cp1251"), ".txt", id="text-1251"),
        pytest.param("План".encode("utf-16"), ".txt", id="text-utf16"),
        pytest.param(b"\x89PNG\r\n\x1a\n\x00", None, id="image"),
        pytest.param(b"PK\x03\x04junk", None, id="broken-zip"),
    ],
)
def test_sniff(data: bytes, kind: str | None) -> None:
    assert sniff(data) == kind


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Divnogorsk-2022.docx", "divnogorsk-2022"),
        ("План 2022.docx", "plan-2022"),
        ("План.docx", "plan-20230120"),
        ("C:\\Users\\me\\spassk_2022.pdf", "spassk_2022"),
    ],
)
def test_default_slug(name: str, slug: str) -> None:
    assert default_slug(name, date(2023, 1, 20)) == slug
