"""One combined scanner for the cells most roadmaps are made of.

«28.02.2023 г.», «до 15 мая 2022 года», «Апрель 2022 г.», «IV квартал 2021», «март – май 2023»,
«с 1 по 16 декабря 2022 г.», «2021–2022 годы», «2022 год»: a single precompiled regular
expression recognises these whole cells and builds their expansion directly. Anything else —
or anything unusual inside these shapes (a date that does not exist, a span that runs
backwards) — returns ``None`` and goes to the full reader, which gives the same answer for
these shapes (a test compares the two on generated phrases).
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from tracker.terms import nodes as n
from tracker.terms.model import Expansion, Kind, Period, Window

_MODES = {"до": "до ", "к": "до ", "не позднее": "не позднее "}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_NORMAL = str.maketrans(
    {c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"}
    | {"ё": "е", "\u00a0": " ", "\u202f": " ", "\t": " "}
)

_ODD = re.compile("[\u2010-\u2015\u2212ёЁ\u00a0\u202f\t]")


@lru_cache(maxsize=1)
def _scanner() -> tuple[re.Pattern[str], dict[str, int]]:
    from tracker.terms.lexer import lexicon  # the month names are data, loaded on first use

    months = {
        form: int(value)
        for form, (category, value) in lexicon().words.items()
        if category == "month" and form.isalpha() and len(form) >= 3 and not form.isascii()
    }
    mon = "|".join(sorted(months, key=len, reverse=True))
    suffix = r"(?:\s?(?:г\.?|года|год))?"
    year = r"(?:19|20)\d\d"
    pattern = rf"""
        (?:(?P<pre>до|к|не\ позднее)\ )?
        (?:
            (?P<dd>\d{{1,2}})\.(?P<dm>\d{{1,2}})\.(?P<dy>{year}){suffix}
          | (?P<md>\d{{1,2}})\ (?P<mm>{mon})\ (?P<my>{year}){suffix}
        )
      | (?:в\ )?(?P<mon>{mon})\ (?P<y>{year}){suffix}
      | (?P<q>iv|iii|ii|i|[1-4])\ (?:квартал|кв\.?)\ (?P<qy>{year}){suffix}
      | (?P<m1>{mon})\ ?-\ ?(?P<m2>{mon})\ (?P<sy>{year}){suffix}
      | с\ (?P<d1>\d{{1,2}})\ по\ (?P<d2>\d{{1,2}})\ (?P<sm>{mon})\ (?P<sdy>{year}){suffix}
      | (?P<y1>{year})\ ?-\ ?(?P<y2>{year})\ (?:годы|гг\.?)
      | (?P<yy>{year})\ (?:г\.?|год)
    """
    return re.compile(pattern, re.VERBOSE), months


def read(text: str, period: Period) -> Expansion | None:
    """The expansion of a common whole-cell shape, or None for the full reader."""
    if len(text) > 60:
        return None
    # Translating every cell costs more than looking for the rare characters first.
    source = text.translate(_NORMAL) if _ODD.search(text) is not None else text
    normal = " ".join(source.lower().split())
    scanner, months = _scanner()
    match = scanner.fullmatch(normal)
    if match is None:
        return None
    groups = match.groupdict()
    try:
        node = _node(groups, months)
    except ValueError:
        return None  # a date that does not exist: the full reader says why
    if node is None:
        return None
    first, due = n.bounds(node)
    start: date | None = first
    rule = n.describe(node)
    pre = groups["pre"]
    if pre is not None:
        start = None
        rule = _MODES[pre] + rule
    window = Window(start=start, due=due)
    warnings: tuple[str, ...] = ()
    if due < period.start or (start or due) > period.end:
        warnings = (
            f"срок вне периода дорожной карты ({period.start.isoformat()} – "
            f"{period.end.isoformat()}): оставлен как написан",
        )
    return Expansion(text=text, kind=Kind.ONCE, windows=(window,), rule=rule, warnings=warnings)


def _node(groups: dict[str, str | None], months: dict[str, int]) -> n.Node | None:
    if groups["dd"] is not None:
        day, month, year = int(groups["dd"]), int(groups["dm"] or 0), int(groups["dy"] or 0)
        date(year, month, day)
        return n.Day(day, month, year)
    if groups["md"] is not None:
        day, month, year = int(groups["md"]), months[groups["mm"] or ""], int(groups["my"] or 0)
        date(year, month, day)
        return n.Day(day, month, year)
    if groups["mon"] is not None:
        return n.Month(months[groups["mon"]], int(groups["y"] or 0))
    if groups["q"] is not None:
        return n.Quarter(_ROMAN[groups["q"]], int(groups["qy"] or 0))
    if groups["m1"] is not None:
        first, last = months[groups["m1"]], months[groups["m2"] or ""]
        year = int(groups["sy"] or 0)
        if last <= first:
            return None
        return n.Span(n.Month(first, year), n.Month(last, year))
    if groups["d1"] is not None:
        first, last = int(groups["d1"]), int(groups["d2"] or 0)
        month, year = months[groups["sm"] or ""], int(groups["sdy"] or 0)
        date(year, month, last)
        if not 1 <= first < last:
            return None
        return n.Span(n.Day(first, month, year), n.Day(last, month, year))
    if groups["y1"] is not None:
        first, last = int(groups["y1"]), int(groups["y2"] or 0)
        if last <= first:
            return None
        return n.Span(n.Year(first), n.Year(last))
    if groups["yy"] is not None:
        return n.Year(int(groups["yy"]))
    return None
