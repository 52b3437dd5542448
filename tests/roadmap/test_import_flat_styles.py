"""Flattened text (issue 14) beyond the committed fixtures: every unseen plan
(tests/fixtures/unseen) written in every flattened style — one cell per line, stray pipes, one
row per line, the whole table on one line — read back and scored against its gold. Each style
must get at least 80 % of the rows right (title and deadline) and glue no rows."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

from tracker.errors import TrackerError
from tracker.roadmap.importer import import_roadmap
from tracker.terms import Period

UNSEEN = Path(__file__).resolve().parent.parent / "fixtures" / "unseen"
sys.path.insert(0, str(UNSEEN))

from make import TEXT_STYLES, write_txt  # type: ignore[import-not-found]  # noqa: E402
from plans import PLANS  # type: ignore[import-not-found]  # noqa: E402
from score import score  # type: ignore[import-not-found]  # noqa: E402

LEAST = 0.80


def _period(text: str | None) -> Period | None:
    if text is None:
        return None
    start, end = text.split(":")
    return Period(date.fromisoformat(start), date.fromisoformat(end))


def _as_json(path: Path, period: str | None) -> dict[str, object]:
    roadmap = import_roadmap(path, period=_period(period))
    return {
        "activities": [
            {"title": a.title, "deadline": a.deadline, "result": a.result,
             "responsible": list(a.responsible)}
            for a in roadmap.activities
        ]
    }  # fmt: skip


@pytest.mark.parametrize("style", TEXT_STYLES)
def test_every_unseen_plan_in_every_flattened_style(style: str, tmp_path: Path) -> None:
    right = total = glued = 0
    failures: list[str] = []
    for plan in PLANS:
        path = tmp_path / f"{plan.key}.txt"
        write_txt(plan, TEXT_STYLES.index(style), path)
        try:
            data = _as_json(path, plan.period)
        except TrackerError as error:  # counted as every row wrong
            data, failures = {}, [*failures, f"{plan.key}: {error}"]
        found = score(plan, data)
        right, total, glued = right + found.right, total + found.total, glued + found.glued
        failures += [f"{plan.key}: {line}" for line in found.failures]
    assert glued == 0, "\n".join(failures)
    assert right / total >= LEAST, f"{right}/{total}\n" + "\n".join(failures)
