"""The seed gold cases: real phrases from real roadmaps, one pytest id per phrase.

Each line of ``tests/fixtures/seed-terms.jsonl`` holds ``text``, ``period`` ([start, end]),
``kind`` and ``windows`` ([[start | null, due], ...], in the order ``expand`` returns them).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tracker.terms import Kind, Period, expand

FIXTURE = Path(__file__).parents[1] / "fixtures" / "seed-terms.jsonl"


def _load() -> list[Any]:
    params = []
    for lineno, line in enumerate(FIXTURE.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        case = json.loads(line)
        params.append(pytest.param(case, id=f"L{lineno:02d} {case['text']}"))
    return params


GOLD = _load()


def test_gold_fixture_is_loaded() -> None:
    assert len(GOLD) >= 64
    ids = [p.id for p in GOLD]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("case", GOLD)
def test_gold(case: dict[str, Any]) -> None:
    period = Period(date.fromisoformat(case["period"][0]), date.fromisoformat(case["period"][1]))
    res = expand(case["text"], period)
    expected = [(w[0], w[1]) for w in case["windows"]]
    got = [(w.start.isoformat() if w.start else None, w.due.isoformat()) for w in res.windows]
    assert res.kind == Kind(case["kind"]), f"{case['text']!r}: {res.to_json()}"
    assert got == expected, f"{case['text']!r}: {res.to_json()}"
    if res.kind is not Kind.ERROR:
        assert not res.error, res.to_json()
