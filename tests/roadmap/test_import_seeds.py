"""The five seed roadmaps against the gold, row for row."""

from __future__ import annotations

from typing import Any

import pytest
from roadmap_helpers import SEEDS, gold, gold_period, gold_terms, imported


def _rows(name: str) -> list[tuple[str, int]]:
    return [(name, index) for index in range(len(gold()[name]["activities"]))]


ALL_ROWS = [row for name in SEEDS for row in _rows(name)]


def _row_id(row: tuple[str, int]) -> str:
    name, index = row
    entry = gold()[name]["activities"][index]
    section = f"{entry['section']}." if entry.get("section") else ""
    return f"{name.split('-')[0]}-{section}{entry['number']}"


def test_every_seed_has_gold() -> None:
    assert sorted(gold()) == SEEDS


@pytest.mark.parametrize("name", SEEDS)
def test_count_and_order(name: str) -> None:
    got = [
        (a.section if "section" in g else None, a.number)
        for a, g in zip(imported(name).activities, gold()[name]["activities"], strict=False)
    ]
    want = [(g.get("section"), g["number"]) for g in gold()[name]["activities"]]
    assert len(imported(name).activities) == len(want)
    assert got == want


@pytest.mark.parametrize("name", SEEDS)
def test_period(name: str) -> None:
    assert imported(name).period == gold_period(name)


@pytest.mark.parametrize("row", ALL_ROWS, ids=_row_id)
def test_row(row: tuple[str, int]) -> None:
    name, index = row
    want = gold()[name]["activities"][index]
    got = imported(name).activities[index]
    assert got.number == want["number"]
    if "section" in want:
        assert got.section == want["section"]
    assert got.title.startswith(want["title_start"]), got.title
    assert got.deadline == want["deadline"]
    if want["responsible"] is not None:
        assert got.responsible == want["responsible"]


@pytest.mark.parametrize("row", ALL_ROWS, ids=_row_id)
def test_windows_match_gold_terms(row: tuple[str, int]) -> None:
    name, index = row
    got = imported(name).activities[index]
    period = gold_period(name)
    entry = _gold_reading(got.deadline, period.start.isoformat(), period.end.isoformat())
    assert entry is not None, f"no gold reading for «{got.deadline}»"
    assert got.kind.value == entry["kind"]
    windows = [[w.start.isoformat() if w.start else None, w.due.isoformat()] for w in got.windows]
    assert windows == entry["windows"]


def _gold_reading(text: str, start: str, end: str) -> dict[str, Any] | None:
    """The gold for ``text`` over the period; the gold lists each phrase once, so a phrase seen
    in another roadmap is matched by its spacing-insensitive text (same period), or, when its
    windows are fixed dates (kind once), over any period."""
    terms = gold_terms()
    if (text, start, end) in terms:
        return terms[(text, start, end)]
    flat = " ".join(text.split())
    for (other, other_start, other_end), entry in terms.items():
        if " ".join(other.split()) != flat:
            continue
        if (other_start, other_end) == (start, end) or entry["kind"] == "once":
            return entry
    return None


@pytest.mark.parametrize("name", SEEDS)
def test_no_row_is_unreadable(name: str) -> None:
    unread = [a.number for a in imported(name).activities if a.kind.value == "error"]
    assert unread == []
