"""Entry point of the phrase language (stub; the parser lands next)."""

from __future__ import annotations

from tracker.terms.model import Expansion, Kind, Period


def expand(text: str, period: Period) -> Expansion:
    """Read one deadline phrase over ``period``. Never raises for a bad phrase."""
    return Expansion(text=text, kind=Kind.ERROR, error="not implemented yet")
