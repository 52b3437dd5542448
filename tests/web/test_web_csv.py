"""/board.csv against formula injection: titles, sections and names that start with = + - @,
a tab or CR are exported with a leading ' (OWASP); numbers and dates are exported as they are.
"""

from __future__ import annotations

import csv
import io

import pytest
from storekit import Syncer, act, roadmap
from webkit import ADMIN, Client

HOSTILE = [
    ("formula", '=HYPERLINK("http://evil.example","x")'),
    ("seed list item", "- сроки внедрения целевой модели"),
    ("plus", "+1+cmd|' /C calc'!A0"),
    ("at", "@SUM(1+1)*cmd|' /C calc'!A0"),
    ("tab", "\t=1+1"),
    ("carriage return", "\r=1+1"),
]


@pytest.fixture
def exported(client: Client) -> dict[str, dict[str, str]]:
    activities = [
        act(str(number), (None, "2023-01-12"), title=title, section="-раздел")
        for number, (_label, title) in enumerate(HOSTILE, start=1)
    ]
    Syncer(client.world.engine)(roadmap("gamma", *activities))
    client.login(*ADMIN)
    answer = client.get("/board.csv?roadmap=gamma&state=all")
    assert answer.status_code == 200
    rows = csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"), newline=""))
    return {row["number"]: row for row in rows}


@pytest.mark.parametrize(("number", "title"), [(str(i), t) for i, (_l, t) in enumerate(HOSTILE, 1)],
                         ids=[label for label, _t in HOSTILE])  # fmt: skip
def test_cells_that_would_run_as_formulas_get_a_quote(
    exported: dict[str, dict[str, str]], number: str, title: str
) -> None:
    row = exported[number]
    assert row["title"] == "'" + title
    assert row["section"] == "'-раздел"


def test_numbers_and_dates_are_left_alone(exported: dict[str, dict[str, str]]) -> None:
    row = exported["1"]
    assert row["effective_due"] == "2023-01-12"
    assert row["days_late"] == "8"
    assert row["ref"] == "gamma:1"
