"""Shared helpers for the roadmap import tests: the seed fixtures and their gold."""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from tracker.roadmap.importer import import_roadmap
from tracker.roadmap.model import Roadmap
from tracker.terms import Period

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ROADMAPS = FIXTURES / "roadmaps"
SEEDS = sorted(path.name for path in ROADMAPS.glob("*.txt"))


@cache
def gold() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / "seed-roadmaps.json").read_text("utf-8"))
    return data


@cache
def gold_terms() -> dict[tuple[str, str, str], dict[str, Any]]:
    """(text, period start, period end) → the gold reading of that phrase."""
    out: dict[tuple[str, str, str], dict[str, Any]] = {}
    for line in (FIXTURES / "seed-terms.jsonl").read_text("utf-8").splitlines():
        if line.strip():
            entry = json.loads(line)
            start, end = entry["period"]
            out[(entry["text"], start, end)] = entry
    return out


def gold_period(name: str) -> Period:
    entry = gold()[name]
    start, end = entry["period"] or entry["period_for_tests"]
    return Period(date.fromisoformat(start), date.fromisoformat(end))


def option_period(name: str) -> Period | None:
    """The --period a seed needs: only the one that states none (Ilovlya)."""
    return None if gold()[name]["period"] else gold_period(name)


@cache
def imported(name: str) -> Roadmap:
    return import_roadmap(ROADMAPS / name, period=option_period(name))
