"""Errors that are not the phrase's fault stay out of the phrase's error (issues 12 and 17).

- ``expand`` catches only the errors it raises on purpose (PhraseError): a TypeError, KeyError
  or IndexError is a bug and must surface, not turn into «не удалось разобрать фразу»;
- a period beyond the supported years (``2022-01-01:9999-12-31``) is blamed on the period,
  with one line and no traceback, in ``expand`` and in ``tracker parse``.
"""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker.errors import UsageError
from tracker.terms import Kind, Period, expand

TERMS = Path(__file__).parents[2] / "tracker" / "terms"
HIDES_BUGS = {"TypeError", "KeyError", "IndexError", "AttributeError", "Exception", "BaseException"}


def _caught(handler: ast.ExceptHandler) -> set[str]:
    if handler.type is None:
        return {"BaseException"}
    nodes = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return {node.id for node in nodes if isinstance(node, ast.Name)}


@pytest.mark.parametrize("module", sorted(p.name for p in TERMS.glob("*.py")))
def test_issue12_terms_never_catch_what_hides_a_bug(module: str) -> None:
    tree = ast.parse((TERMS / module).read_text("utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ExceptHandler):
            assert not _caught(node) & HIDES_BUGS, f"{module}:{node.lineno}"


@pytest.mark.parametrize(
    "period",
    [
        Period(date(2022, 1, 1), date(9999, 12, 31)),
        Period(date(1, 1, 1), date(2022, 12, 31)),
    ],
    ids=["issue17-end-9999", "issue17-start-year-1"],
)
@pytest.mark.parametrize("text", ["ежедневно", "ежемесячно", "IV квартал 2022", "постоянно"])
def test_issue17_out_of_range_period_is_blamed_on_the_period(period: Period, text: str) -> None:
    res = expand(text, period)
    assert res.kind is Kind.ERROR, res.to_json()
    assert res.error is not None and "период" in res.error and str(period) in res.error


def test_issue17_period_parse_refuses_out_of_range_years() -> None:
    with pytest.raises(UsageError, match="1900"):
        Period.parse("2022-01-01:9999-12-31")


def test_issue17_tracker_parse_names_the_period_in_one_line() -> None:
    from tracker.cli import cli

    result = CliRunner().invoke(
        cli, ["parse", "--period", "2022-01-01:9999-12-31", "ежемесячно"], catch_exceptions=False
    )
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "9999-12-31" in result.output and "--period" in result.output
