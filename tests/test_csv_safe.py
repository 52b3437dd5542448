"""CSV formula injection: cells a spreadsheet would run as formulas get a leading quote."""

from __future__ import annotations

import pytest

from tracker.csv_safe import neutralise

CASES = [
    ("formula", "=1+1", "'=1+1"),
    (
        "hyperlink",
        '=HYPERLINK("http://evil.example","x")',
        '\'=HYPERLINK("http://evil.example","x")',
    ),
    ("plus", "+7 (999) 123", "'+7 (999) 123"),
    ("minus-list-item", "- сроки внедрения", "'- сроки внедрения"),
    ("minus-formula", "-2+3", "'-2+3"),
    ("at", "@SUM(A1:A2)", "'@SUM(A1:A2)"),
    ("tab", "\t=1", "'\t=1"),
    ("cr", "\r=1", "'\r=1"),
    ("dde", "=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
    ("negative-int", "-5", "-5"),
    ("negative-decimal", "-0.25", "-0.25"),
    ("negative-comma", "-0,25", "-0,25"),
    ("positive-signed", "+7", "+7"),
    ("exponent", "-1e-3", "-1e-3"),
    ("iso-date", "2022-09-12", "2022-09-12"),
    ("russian-date", "12.09.2022", "12.09.2022"),
    ("plain-text", "Создать рабочую группу", "Создать рабочую группу"),
    ("empty", "", ""),
    ("inner-equals", "a=b", "a=b"),
    ("already-quoted", "'=1", "'=1"),
]


@pytest.mark.parametrize(("value", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_neutralise(value: str, expected: str) -> None:
    assert neutralise(value) == expected
