"""Tokens → constituents: time expressions, deadlines, frequencies, markers.

The grammar is an ordered list of small strategies tried at each position (dateparser's
shape, with types). It only recognises structure; what the structure means over a period
is :mod:`tracker.terms.expand`'s job. A token no strategy accepts becomes :class:`Unknown`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from tracker.errors import PhraseError
from tracker.terms import nodes as n
from tracker.terms.lexer import DATE, FOREIGN, JUNK, MARKER, NUM, PUNCT, WORD, Token

PLURAL_YEAR_WORDS = frozenset({"годы", "годов", "годах", "годам", "гг", "лет"})
# «N раз в год» → the unit that divides the year N times («3 раза в год» → every 4 months).
UNIT_OF_COUNT = {
    1: "year",
    2: "half",
    3: "third",
    4: "quarter",
    6: "bimonth",
    12: "month",
    52: "week",
}


# ---- constituents ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Time:
    """A time expression written out: one window, or a yearless pattern."""

    node: n.Node
    paren: int = 0


@dataclass(frozen=True, slots=True)
class DayOf:
    """«25 числа [последнего месяца квартала]», «6-го рабочего дня [месяца]»."""

    day: int
    working: bool = False
    month_index: int | None = None  # 1-based month within the unit; -1 = the last one
    after_unit: int = 0  # «второго месяца, следующего за …» = 2
    per: str | None = None  # the unit named: «… месяца» = month, «… месяца квартала» = quarter


@dataclass(frozen=True, slots=True)
class DaysOf:
    """«с 1 по 15 числа каждого месяца», «1-5 число»: the same days of every month."""

    first: int
    last: int


@dataclass(frozen=True, slots=True)
class WeekdayRef:
    """«среда», «третья среда», «последняя суббота июня»."""

    weekday: int
    nth: int | None = None  # 1..5 or -1 for the last
    month: int | None = None


@dataclass(frozen=True, slots=True)
class Until:
    """An open deadline: «до X», «не позднее X», «к X»."""

    target: n.Node | DayOf | WeekdayRef
    mode: str  # "until", "notlater", "by"


@dataclass(frozen=True, slots=True)
class From:
    """«с X» with no end; ``starting`` for «начиная с X»."""

    node: n.Node
    starting: bool = False


@dataclass(frozen=True, slots=True)
class During:
    node: n.Node


@dataclass(frozen=True, slots=True)
class Freq:
    unit: str
    minimum: bool = False  # «не реже …»


@dataclass(frozen=True, slots=True)
class EachWeekday:
    """«по понедельникам», «каждый понедельник», «третью среду каждого месяца»."""

    ref: WeekdayRef
    scope: str  # "week", "month" or "year"


@dataclass(frozen=True, slots=True)
class NextUnit:
    """«…, следующего за отчетным кварталом»: the deadline falls after the reported unit."""

    unit: str | None


@dataclass(frozen=True, slots=True)
class ReportOf:
    """«по итогам полугодия», «отчетного года»."""

    unit: str
    same_year: bool = False


@dataclass(frozen=True, slots=True)
class WorkdaysAfter:
    """«в течение первых 5 рабочих дней …», «до 15 рабочих дней с даты окончания …»."""

    count: int
    working: bool = True  # False: «в течение 10 дней после окончания квартала», calendar days


@dataclass(frozen=True, slots=True)
class BeforeEnd:
    """«за 20 дней до истечения текущего квартала»."""

    days: int
    months: int
    unit: str
    working: bool = False  # «за 5 рабочих дней до окончания квартала»


@dataclass(frozen=True, slots=True)
class Current:
    unit: str


@dataclass(frozen=True, slots=True)
class Onward:
    """«далее», «и далее», «в дальнейшем»: the rule goes on after the first window."""


@dataclass(frozen=True, slots=True)
class Marker:
    name: str  # continuous, unscheduled, event
    text: str


@dataclass(frozen=True, slots=True)
class Sep:
    kind: str  # ",", "and", "or", "-"


@dataclass(frozen=True, slots=True)
class Unknown:
    token: Token


Constituent = (
    Time
    | Until
    | From
    | During
    | Freq
    | EachWeekday
    | NextUnit
    | ReportOf
    | WorkdaysAfter
    | BeforeEnd
    | Current
    | Onward
    | DayOf
    | DaysOf
    | WeekdayRef
    | Marker
    | Sep
    | Unknown
)


def _last_month(node: n.Node) -> n.Node | None:
    """The last month of a named unit («I полугодие 2023» → июнь 2023), if it has months."""
    if isinstance(node, n.Span):
        return _last_month(node.last)
    if isinstance(node, n.Month):
        return node
    if isinstance(node, n.Quarter):
        return n.Month(3 * node.quarter, node.year)
    if isinstance(node, n.Half):
        return n.Month(6 * node.half, node.year)
    if isinstance(node, n.Year) and not node.current:
        return n.Month(12, node.year)
    return None


def _borrow_month(first: n.Node, last: n.Node) -> n.Node:
    """«с 1 по 16 декабря», «11.-18.01»: a day written without a month takes the next day's."""
    if isinstance(first, n.Day) and first.month is None and isinstance(last, n.Day) and last.month:
        return n.with_month(first, last.month)
    return first


# School terms by months of the school year: (first month, last month) of each term.
SCHOOL_TERMS = {
    "schoolquarter": ((9, 10), (11, 12), (1, 3), (4, 5)),
    "trimester": ((9, 11), (12, 2), (3, 5)),
}
_PREPOSITIONS = frozenset({"in", "from", "to", "and"})
_DEADLINE_WORDS = frozenset({"by", "until", "over"})
_PLACE_ABBREVIATIONS = frozenset({"г", "с", "п", "д", "пос", "дер", "ст"})


def _junk(token: Token, *, word: bool = True) -> Token:
    """``token`` as dropped text; ``word=False`` for a preposition that only went with it."""
    return Token(JUNK, token.text if word else "", token.text, paren=token.paren)


_Found = tuple[Constituent | list[Constituent] | None, int] | None

# ---- the parser --------------------------------------------------------------------------------


class Parser:
    """Recursive descent over one phrase's tokens."""

    def __init__(self, tokens: list[Token]) -> None:
        self.toks = tokens
        self.warnings: list[str] = []

    # token helpers
    def at(self, i: int) -> Token | None:
        return self.toks[i] if 0 <= i < len(self.toks) else None

    def kind(self, i: int, *kinds: str) -> bool:
        t = self.at(i)
        return t is not None and t.kind in kinds

    def kw(self, i: int, *names: str) -> bool:
        t = self.at(i)
        return t is not None and t.is_kw(*names)

    def punct(self, i: int, *chars: str) -> bool:
        t = self.at(i)
        return t is not None and t.is_punct(*chars)

    def unit(self, i: int, *units: str) -> bool:
        t = self.at(i)
        return t is not None and t.kind == "unit" and (not units or t.value in units)

    def year_num(self, i: int) -> int | None:
        t = self.at(i)
        if t is not None and t.kind == NUM and t.digits == 4 and 1900 <= t.value <= 2100:
            return int(t.value)
        return None

    def next_year(self, i: int, year: int) -> int | None:
        """The year after ``year`` written in full or with its last two digits («2019/20»)."""
        full = self.year_num(i)
        if full is not None:
            return full
        t = self.at(i)
        if t is not None and t.kind == NUM and t.digits == 2 and t.value == (year + 1) % 100:
            return year + 1
        return None

    def skip_year_words(self, i: int) -> int:
        while self.unit(i, "year") or self.punct(i, "."):
            i += 1
        return i

    def plural_year_word(self, i: int) -> bool:
        t = self.at(i)
        if t is None or not self.unit(i, "year"):
            return False
        if t.text.lower().rstrip(".") in PLURAL_YEAR_WORDS:
            return True
        # «г.г.»
        return self.punct(i + 1, ".") and self.unit(i + 2, "year")

    # ---- time expressions ----------------------------------------------------------------

    def attach_year(self, node: n.Node, i: int, two_digits: bool = False) -> tuple[n.Node, int]:
        """A year written right after a node («апрель 2022 г.», «авг 96»)."""
        if self.punct(i, ".") and self.kind(i + 1, NUM):
            i += 1
        year = self.year_num(i)
        t = self.at(i)
        if year is None and two_digits and t is not None and t.kind == NUM and t.digits == 2:
            year = t.value + (2000 if t.value < 70 else 1900)
        if year is None:
            return node, i
        # «2009 2011 годы» after a month is a list of years, not this month's year.
        if self.year_num(i + 1) is not None:
            return node, i
        school = self.school_year_after(i, year)
        if school is not None:
            return self.in_school_year(node, year, school)
        t = self.at(i + 3)
        if (
            self.punct(i + 1, "-")
            and self.year_num(i + 2) is not None
            and t is not None
            and t.text.lower().rstrip(".") in PLURAL_YEAR_WORDS
        ):
            # «апрель 2022-2023 гг.»: April of each year, or April 2022 to the end of 2023?
            said = f"{n.describe(node)} {year}-{self.year_num(i + 2)} гг."
            raise PhraseError(f"«{said}»: неясно, каждый год или один период", part=said)
        return n.with_year(node, year), self.skip_year_words(i + 1)

    def school_year_after(self, i: int, year: int) -> int | None:
        """«2024-2025 учебного года» at ``i``: the index after it, or None."""
        if not self.punct(i + 1, "-", "/") or self.next_year(i + 2, year) is None:
            return None
        j = i + 3
        while self.punct(j, "."):
            j += 1
        if not self.kw(j, "academic"):
            return None
        j += 1
        while self.punct(j, "."):
            j += 1
        return self.skip_year_words(j)

    def in_school_year(self, node: n.Node, first: int, end: int) -> tuple[n.Node, int]:
        """«сентябрь 2024-2025 учебного года» → September 2024, «май …» → May 2025."""
        if isinstance(node, n.Month | n.Day) and node.month is not None:
            return n.with_year(node, first if node.month >= 9 else first + 1), end
        if isinstance(node, n.Span) and all(
            isinstance(x, n.Month | n.Day) and x.month is not None for x in (node.first, node.last)
        ):
            return n.Span(
                self.in_school_year(node.first, first, end)[0],
                self.in_school_year(node.last, first, end)[0],
            ), end
        raise PhraseError(
            f"«{n.describe(node)}» {first}–{first + 1} учебного года: неясно, какие это месяцы",
            part=n.describe(node),
        )

    def numeral(self, i: int) -> int | None:
        """A small numeral for quarters, halves, decades: Roman, Arabic or a word."""
        t = self.at(i)
        if t is None:
            return None
        if t.kind == "roman" or (t.kind == "ordinal" and 1 <= t.value <= 4):
            return int(t.value)
        if t.kind == NUM and t.digits == 1 and 1 <= t.value <= 4:
            return int(t.value)
        return None

    def day_number(self, i: int) -> tuple[int, int] | None:
        """A day of month: «28», «28-го», «двадцать восьмого»."""
        t = self.at(i)
        if t is None:
            return None
        if t.kind == NUM and t.digits <= 2 and 1 <= t.value <= 31:
            return int(t.value), i + 1
        if t.kind == NUM and t.digits <= 2 and t.value >= 1 and self.kind(i + 1, "month"):
            return int(t.value), i + 1  # «32 августа»: read, then refused as a date
        if t.kind == "tens":
            nxt = self.at(i + 1)
            if nxt is not None and nxt.kind == "ordinal" and 1 <= nxt.value <= 9:
                return int(t.value) + int(nxt.value), i + 2
            return None
        if t.kind == "ordinal" and t.value >= 1:
            return int(t.value), i + 1
        return None

    def te_atom(self, i: int) -> tuple[n.Node, int] | None:
        for strategy in self.ATOMS:
            found = strategy(self, i)
            if found is not None:
                return found
        return None

    def atom_weekday_date(self, i: int) -> tuple[n.Node, int] | None:
        t = self.at(i)
        if t is None or t.kind != "weekday":
            return None
        j = i + 1 + (1 if self.punct(i + 1, ",") else 0)
        found = self.atom_date(j) or self.atom_day_month(j)
        if found is None or not isinstance(found[0], n.Day):
            return None
        day, end = found
        assert isinstance(day, n.Day)
        return n.Day(day.day, day.month, day.year, weekday=int(t.value)), end

    def atom_date(self, i: int) -> tuple[n.Node, int] | None:
        t = self.at(i)
        if t is None or t.kind != DATE:
            return None
        d, m, y = t.value
        n.check_day(d, m)  # «00.13.1950» is no date in any year
        node: n.Node = n.Day(d, m, y)
        j = i + 1
        if y is None:
            node, j = self.attach_year(node, j)
        else:
            j = self.skip_year_words(j)
        return node, j

    def atom_day_month(self, i: int) -> tuple[n.Node, int] | None:
        found = self.day_number(i)
        if found is None:
            return None
        day, j = found
        if self.punct(j, ".") and self.kind(j + 1, "month") and self.kind(i, NUM):
            j += 1  # «с 01.марта»: a stray dot from a copied table
        t = self.at(j)
        if t is None or t.kind != "month":
            return None
        return self.attach_year(n.Day(day, int(t.value)), j + 1, two_digits=True)

    def atom_decade(self, i: int) -> tuple[n.Node, int] | None:
        t = self.at(i)
        if t is None or t.kind not in ("ordinal", "roman", NUM) or not self.unit(i + 1, "decade"):
            return None
        if t.value not in (1, 2, 3, -1):
            return None
        inner = self.te_atom(i + 2)
        if inner is None:
            return None
        return n.Part(f"dec{3 if t.value == -1 else t.value}", inner[0]), inner[1]

    def atom_week_of_month(self, i: int) -> tuple[n.Node, int] | None:
        """«первая неделя сентября», «1 неделя октября 2023», «последняя неделя декабря»."""
        t = self.at(i)
        if t is None or t.kind not in ("ordinal", NUM) or not self.unit(i + 1, "week"):
            return None
        if t.value not in (1, 2, 3, 4, -1) or not self.kind(i + 2, "month"):
            return None
        inner = self.te_atom(i + 2)
        if inner is None or not isinstance(inner[0], n.Month):
            return None
        part = "weeklast" if t.value == -1 else f"week{t.value}"
        node = n.Part(part, inner[0])
        self.warnings.append(
            f"неделя месяца прочитана по числам: {n.describe(node)} (7 дней от начала или до "
            "конца месяца)"
        )
        return node, inner[1]

    def atom_halfword(self, i: int) -> tuple[n.Node, int] | None:
        t = self.at(i)
        if t is None or t.kind != "ordinal" or t.value not in (1, 2):
            return None
        if not self.kind(i + 1, "halfword"):
            return None
        inner = self.te_atom(i + 2)
        if inner is None:
            return None
        node, j = inner
        if isinstance(node, n.Year):
            return n.Half(int(t.value), node.year), j
        return n.Part(f"half{t.value}", node), j

    def atom_part(self, i: int) -> tuple[n.Node, int] | None:
        t = self.at(i)
        if t is None or t.kind != "part":
            return None
        if (
            t.value == "start"
            and self.kw(i + 1, "academic")
            and self.unit(i + 2, "year")
            and self.year_num(i + 3) is None
        ):
            # «начало учебного года» with no year: the school year starts on 1 September.
            return n.Part("start", n.Month(9)), i + 3
        inner = self.te_atom(i + 1)
        if inner is None:
            return None
        return n.Part(str(t.value), inner[0]), inner[1]

    def atom_quarter(self, i: int) -> tuple[n.Node, int] | None:
        """«IV квартал 2021», «III - IV кварталы», «I и II полугодие», «4 кв.»."""
        first = self.numeral(i)
        if first is None:
            return None
        numbers = [first]
        joins: list[str] = []
        j = i + 1
        while (self.punct(j, "-", ",") or self.kw(j, "and")) and self.numeral(j + 1) is not None:
            joins.append("-" if self.punct(j, "-") else ",")
            numbers.append(self.numeral(j + 1) or 0)
            j += 2
        if joins in ([], ["-"]) and self.unit(j, "schoolquarter", "trimester"):
            return self.school_term(numbers, str(self.toks[j].value), j + 1)
        if not self.unit(j, "quarter", "half"):
            return None
        unit = str(self.toks[j].value)
        limit = 4 if unit == "quarter" else 2
        if any(not 1 <= x <= limit for x in numbers):
            return None
        make = n.Quarter if unit == "quarter" else n.Half
        node: n.Node
        if joins == ["-"]:
            node = n.Span(make(numbers[0]), make(numbers[1]))
        elif not joins:
            node = make(numbers[0])
        else:
            return None  # a list of quarters is read by c_quarters
        return self.attach_year(node, j + 1)

    def school_term(self, numbers: list[int], unit: str, j: int) -> tuple[n.Node, int] | None:
        """«I четверть», «2 триместр», «III–IV четверти»: the months of the school year the term
        falls in, with a warning (each school's calendar dates its terms)."""
        months = SCHOOL_TERMS[unit]
        if any(not 1 <= x <= len(months) for x in numbers):
            return None
        first, last = months[numbers[0] - 1][0], months[numbers[-1] - 1][1]
        name = "четверть" if unit == "schoolquarter" else "триместр"
        self.warnings.append(
            f"{name} учебного года прочитан(а) по месяцам ({n.MONTHS_NOM[first]} – "
            f"{n.MONTHS_NOM[last]}): сверьте с календарным учебным графиком"
        )
        # «1 четверть 2024-2025 уч. года»: the term's months in that school year.
        k = j + 1 if self.kw(j, "in") else j
        first_year = self.year_num(k)
        if first_year is not None and self.punct(k + 1, "-", "/"):
            second = self.next_year(k + 2, first_year)
            end = self.skip_year_words(k + 3) if second is not None else k + 3
            while self.kw(end, "academic") or self.punct(end, "."):
                end += 1
            academic = self.kw(end - 1, "academic") or self.unit(end, "year")
            if second is None or not academic:
                return None
            end = self.skip_year_words(end)

            def year_of(month: int) -> int:
                return first_year if month >= 9 else first_year + 1

            span = n.Span(n.Month(first, year_of(first)), n.Month(last, year_of(last)))
            return span, end
        return self.attach_year(n.Span(n.Month(first), n.Month(last)), j)

    def c_quarters(self, i: int, out: list[Constituent]) -> tuple[list[Constituent], int] | None:
        """«I и II кварталы 2022 г.», «1, 2, 3 кварталы»: one window per quarter."""
        numbers = [self.numeral(i)]
        joins: list[str] = []
        j = i + 1
        while (self.punct(j, ",") or self.kw(j, "and", "or")) and self.numeral(j + 1) is not None:
            joins.append("or" if self.kw(j, "or") else ",")
            numbers.append(self.numeral(j + 1))
            j += 2
        if len(numbers) < 2 or None in numbers or not self.unit(j, "quarter", "half"):
            return None
        make = n.Quarter if self.toks[j].value == "quarter" else n.Half
        limit = 4 if make is n.Quarter else 2
        if any(x is None or not 1 <= x <= limit for x in numbers):
            return None
        probe, end = self.attach_year(make(1), j + 1)
        year = n.written_year(probe)
        items: list[Constituent] = []
        for k, number in enumerate(numbers):
            node: n.Node = make(number or 1)
            if year is not None:
                node = n.with_year(node, year)
            if k:
                items.append(Sep(joins[k - 1]))
            items.append(Time(node, self.toks[i].paren))
        return items, end

    def atom_month(self, i: int) -> tuple[n.Node, int] | None:
        t = self.at(i)
        if t is None or t.kind != "month":
            return None
        return self.attach_year(n.Month(int(t.value)), i + 1, two_digits=True)

    def atom_season(self, i: int) -> tuple[n.Node, int] | None:
        t = self.at(i)
        if t is None or t.kind != "season":
            return None
        first = n.Season(str(t.value))
        j = i + 1
        node: n.Node = first
        if self.punct(j, "-") and self.kind(j + 1, "season"):
            node = n.Span(first, n.Season(str(self.toks[j + 1].value)))
            j += 2
        if self.kw(j, "period"):
            j += 1
        y1 = self.year_num(j)
        if y1 is None:
            return node, j
        j += 1
        if self.punct(j, "-", "/") and self.year_num(j + 1) is not None:
            j += 2  # «2012-2013 годов»: the season pattern starts in the first year
        node = n.with_year(node, y1)
        return node, self.skip_year_words(j)

    def atom_year(self, i: int) -> tuple[n.Node, int] | None:
        year = self.year_num(i)
        if year is None:
            return None
        # «2022-2023 учебный год», «2022/2023 учебного года», «2019/20 уч. год»
        second = self.next_year(i + 2, year) if self.punct(i + 1, "-", "/") else None
        if second is not None and self.kw(i + 3, "academic"):
            return self.academic(n.Span(n.Year(year), n.Year(second)), i + 3)
        if (
            second is not None
            and self.year_num(i + 2) is None
            and (self.unit(i + 3, "year") or self.at(i + 3) is None)
        ):
            # «2019-20 гг.»: the second year written with two digits.
            return n.Span(n.Year(year), n.Year(second)), self.skip_year_words(i + 3)
        if self.kw(i + 1, "academic"):
            return self.academic(n.Year(year), i + 1)
        return n.Year(year), self.skip_year_words(i + 1)

    def atom_current(self, i: int) -> tuple[n.Node, int] | None:
        """«текущего года»."""
        if self.kw(i, "current") and self.unit(i + 1, "year"):
            return n.Year(None, current=True), i + 2
        return None

    def atom_unit(self, i: int) -> tuple[n.Node, int] | None:
        """A bare «года» after «конец»: the year, which the period will supply."""
        if self.unit(i, "year") and self.kind(i - 1, "part"):
            return n.Year(None), i + 1
        return None

    ATOMS: tuple[Callable[[Parser, int], tuple[n.Node, int] | None], ...] = (
        atom_weekday_date,
        atom_date,
        atom_day_month,
        atom_decade,
        atom_week_of_month,
        atom_halfword,
        atom_part,
        atom_quarter,
        atom_month,
        atom_season,
        atom_year,
        atom_current,
        atom_unit,
    )

    def bare_day(self, i: int) -> tuple[n.Node, int] | None:
        """«1» in «с 1 по 16 декабря» or «13, 20 мая»: a day whose month comes later."""
        found = self.day_number(i)
        if found is None:
            return None
        return n.Day(found[0]), found[1]

    def te_span(self, i: int) -> tuple[n.Node, int] | None:
        """An atom, or two joined by a dash; years and academic years."""
        first = self.te_atom(i)
        if first is None:
            bare = self.bare_day(i)
            if bare is None or not (
                self.punct(bare[1], "-")
                or (self.punct(bare[1], ".") and self.punct(bare[1] + 1, "-"))
            ):
                return None
            first = bare
        node, j = first
        if self.punct(j, "-", "/") or (self.punct(j, ".") and self.punct(j + 1, "-")):
            k = j + 1 if not self.punct(j, ".") else j + 2
            second = self.te_atom(k)
            if second is not None and not (
                isinstance(node, n.Day) and node.month is None and not isinstance(second[0], n.Day)
            ):
                node, j = n.Span(_borrow_month(node, second[0]), second[0]), second[1]
        elif (
            isinstance(node, n.Year)
            and j == i + 1
            and self.year_num(j) is not None
            and self.plural_year_word(j + 1)
        ):
            # «2009 2011 годы»: two years and a plural «годы» are a span whose dash was lost.
            self.warnings.append(
                f"«{node.year} {self.toks[j].text}» понято как период {node.year}–"
                f"{self.toks[j].value} гг. (тире потеряно)"
            )
            node, j = n.Span(node, n.Year(int(self.toks[j].value))), self.skip_year_words(j + 1)
        if self.kw(j, "academic"):
            node, j = self.academic(node, j)
        if (
            isinstance(node, n.Span)
            and isinstance(node.last, n.Year)
            and node.last.year is not None
            and not isinstance(node.first, n.Year | n.Academic | n.Span)
            and not n.has_year(node.first)
        ):
            # «окт-2015», «1 квартал -2022»: the year of the part before the dash, not a span.
            node = n.with_year(node.first, node.last.year)
        if isinstance(node, n.Span) and isinstance(node.last, n.Year | n.Quarter | n.Half):
            j = self.skip_year_words(j)
        return node, j

    def academic(self, node: n.Node, j: int) -> tuple[n.Node, int]:
        end = j + 1
        while self.unit(end, "year") or self.punct(end, "."):
            end += 1
        if (
            isinstance(node, n.Span)
            and isinstance(node.first, n.Year)
            and isinstance(node.last, n.Year)
        ):
            first, last = node.first.year, node.last.year
            if first is not None and last is not None and last > first:
                return n.Academic(first, last), end
        if isinstance(node, n.Year) and node.year is not None:
            self.warnings.append(
                f"«{node.year} учебный год» понят как {node.year}–{node.year + 1} учебный год"
            )
            return n.Academic(node.year, node.year + 1), end
        return node, j

    # ---- clause strategies ----------------------------------------------------------------

    def foreign(self, i: int) -> bool:
        t = self.at(i)
        return t is not None and t.kind in FOREIGN

    def mark_foreign(self) -> None:
        """Numbers and prepositions that belong to the text around a deadline («кабинет 12»,
        «Учителя 5-х классов», «приказ № 3 от 01.03.2022», «к 80-летию») become junk, so they
        are dropped with that text and never read as days or years."""
        toks = self.toks
        for i in range(len(toks)):
            t = toks[i]
            if t.kind == WORD and t.value == "от" and self.foreign(i - 1):
                found = self.te_span(i + 1)
                if found is not None:
                    for k in range(i + 1, found[1]):
                        toks[k] = _junk(toks[k])
                continue
            # «г. Челябинск», «с. Ивановка», «п. Мирный»: a place's abbreviation goes with it.
            if (
                t.text.lower() in _PLACE_ABBREVIATIONS
                and self.punct(i + 1, ".")
                and self.foreign(i + 2)
                and toks[i + 2].text[:1].isupper()
            ):
                toks[i] = _junk(t)
                continue
            # «1 этап», «I тур», «9 классов»: a count of the noun after it, not a day.
            if t.kind in (NUM, "roman", "ordinal") and self.kind(i + 1, "counted"):
                toks[i] = _junk(t)
                continue
            if t.kind != NUM:
                continue
            # «кабинет 12», «д. 12»: a number after a name; one before a word («5 человек»)
            # is left to the grammar, and an error if nothing reads it.
            before = self.foreign(i - 1) or (self.punct(i - 1, ".") and self.foreign(i - 2))
            if not before:
                continue
            found = self.te_span(i)
            if found is not None and not (isinstance(found[0], n.Day) and found[0].month is None):
                continue
            toks[i] = _junk(t)
        # «к 80-летию», «в СОШ», «по адресу»: a preposition of the dropped text goes with it.
        # «до», «к», «за» before text that is no date leave the deadline unread (an error),
        # except before a numbered name: «к 80-летию Победы».
        for i in range(len(toks) - 1, -1, -1):
            t = toks[i]
            if t.kind != "keyword" or not (self.foreign(i + 1) or i == len(toks) - 1):
                continue
            named = (
                i + 1 < len(toks) and toks[i + 1].kind == JUNK and toks[i + 1].text[:1].isdigit()
            )
            if t.value in _PREPOSITIONS or (t.value in _DEADLINE_WORDS and named):
                toks[i] = _junk(t, word=False)

    def parse(self) -> list[Constituent]:
        self.mark_foreign()
        out: list[Constituent] = []
        i = 0
        dispatch = _dispatch()
        while i < len(self.toks):
            t = self.toks[i]
            strategies = dispatch.get((t.kind, t.value) if t.kind == "keyword" else t.kind, ())
            for strategy in strategies:
                found = strategy(self, i, out)
                if found is not None:
                    item, i = found
                    if isinstance(item, list):
                        out.extend(item)
                    elif item is not None:
                        out.append(item)
                    break
            else:
                out.append(Unknown(self.toks[i]))
                i += 1
        return out

    def c_punct(self, i: int, out: list[Constituent]) -> tuple[Constituent | None, int] | None:
        t = self.toks[i]
        if t.kind == PUNCT:
            if t.value in (",", ";", "/", "+"):
                return Sep(","), i + 1
            if t.value == "-":
                return Sep("-"), i + 1
            return None, i + 1
        if t.kind == "topic":
            # «в течение периода реализации программы»: a topic after what it qualifies goes
            # quietly; elsewhere («плана мероприятий до …») it is text beside the deadline,
            # dropped with a warning like any other word.
            return (None, i + 1) if self._qualifies(i) else None
        if t.is_kw("and"):
            return Sep("and"), i + 1
        if t.is_kw("or"):
            return Sep("or"), i + 1
        if t.is_kw("onward"):
            return Onward(), i + 1
        return None

    def _qualifies(self, i: int) -> bool:
        """Whether the topic word at ``i`` follows a word it qualifies («периода реализации»,
        «срока действия плана»), directly or through other topic words."""
        while i > 0:
            before = self.toks[i - 1]
            if before.kind in ("keyword", MARKER, "unit"):
                return True
            if before.kind != "topic":
                return False
            i -= 1
        return False

    def c_marker(self, i: int, out: list[Constituent]) -> tuple[Constituent | None, int] | None:
        t = self.toks[i]
        if t.kind != MARKER:
            return None
        name = str(t.value)
        if name == "at_least":
            # «не реже (одного) раза в квартал», «не реже, чем 3 раза в год»
            j = i + 1
            while self.punct(j, ","):
                j += 1
            found = self.c_freq(j, out) if self.kind(j, NUM, "cardinal", "keyword") else None
            if found is not None and isinstance(found[0], Freq):
                return Freq(found[0].unit, minimum=True), found[1]
            return Unknown(t), i + 1
        if name == "report":
            j = i + 1
            text = t.text.lower()
            if text.startswith(("по итогам", "по результатам")):
                if self.unit(j):
                    return ReportOf(str(self.toks[j].value)), j + 1
                named = self.results_of(j)
                if named is not None:
                    return named
                return Unknown(t), i + 1
            if self.unit(j):
                return NextUnit(str(self.toks[j].value)), j + 1
            # «года, следующего за отчетным»: the unit came before the comma.
            k = i - 1
            while k >= 0 and self.punct(k, ","):
                k -= 1
            if self.unit(k) and not (self.toks[k].value == "month" and self.unit(k - 1, "day")):
                return NextUnit(str(self.toks[k].value)), j
            return NextUnit(None), j
        if name == "event" and self.unit_end(i, numbered=True):
            return Unknown(t), i + 1  # «по окончании I полугодия»: a unit's end with no term
        if name == "event" and self.unit_end(i):
            # «после окончания квартала»: the end of a reported unit, not an undated event.
            return NextUnit(str(self.toks[i + 1].value)), i + 2
        if name == "event":
            # The event clause runs to the end of its clause.
            j = i + 1
            while j < len(self.toks) and not self.punct(j, ",", ";", ")"):
                j += 1
            text = " ".join(tok.text for tok in self.toks[i:j])
            return Marker("event", text), j
        return Marker(name, t.text), i + 1

    def unit_end(self, i: int, numbered: bool = False) -> bool:
        """«после окончания квартала», «по окончании года»: an event marker naming a unit's end
        (``numbered``: «по окончании I полугодия», a numbered unit)."""
        t = self.at(i)
        if t is None or t.kind != MARKER or t.value != "event":
            return False
        text = t.text.lower()
        ends = ("после оконч", "по оконч", "после заверш", "по заверш", "после истеч", "по истеч")
        k = i + 2 if numbered and self.numeral(i + 1) is not None else i + 1
        if numbered and k == i + 1:
            return False
        return text.startswith(ends) and self.unit(
            k, "year", "half", "quarter", "month", "schoolquarter", "trimester"
        )

    def results_of(self, j: int) -> tuple[Constituent, int] | None:
        """«по итогам I полугодия 2023 г.», «по итогам I четверти» with no due day: the unit's
        last month, as «по итогам года» (docs/terms.md)."""
        found = self.te_span(j)
        if found is None:
            return None
        node, end = found
        if self.kw(end, "until", "by", "not", "over") or self.kind(end, DATE, NUM):
            return None  # a due day follows: not read here
        last = _last_month(node)
        if last is None:
            return None
        self.warnings.append(
            f"по итогам «{n.describe(node)}»: срок не указан, взят последний месяц периода"
        )
        return Time(last, self.toks[j].paren), end

    def c_freq(self, i: int, out: list[Constituent]) -> tuple[Constituent | None, int] | None:
        t = self.toks[i]
        if t.kind == "freq":
            return Freq(str(t.value)), i + 1
        # «раз в квартал», «2 раза в год», «один раз в полгода»
        j, count = i, 1
        if t.kind in (NUM, "cardinal") and self.kw(i + 1, "times"):
            count, j = int(t.value), i + 1
        if self.kw(j, "times") and self.kw(j + 1, "in"):
            k = j + 2
            per = 1
            nxt = self.at(k)
            if nxt is not None and nxt.kind in (NUM, "cardinal") and self.unit(k + 1):
                per, k = int(nxt.value), k + 1
            if self.unit(k):
                unit = str(self.toks[k].value)
                if count == 1 and per == 1:
                    return Freq(unit), k + 1
                if unit == "year" and per == 1 and count in UNIT_OF_COUNT:
                    return Freq(UNIT_OF_COUNT[count]), k + 1
                if unit == "month" and count == 1 and per in (2, 3, 4, 6, 12):
                    every = {2: "bimonth", 3: "quarter", 4: "third", 6: "half", 12: "year"}
                    return Freq(every[per]), k + 1
                if unit in ("week", "month") and per == 1 and 2 <= count <= 10:
                    # «два раза в неделю»: every week (month) is a window; the visits inside it
                    # are not dated by the phrase.
                    said, each = (
                        ("неделю", "каждая неделя") if unit == "week" else ("месяц", "каждый месяц")
                    )
                    self.warnings.append(
                        f"«{count} раза в {said}»: срок — {each}, дни внутри не указаны"
                    )
                    return Freq(unit), k + 1
                return Unknown(t), k + 1
        return None

    def c_weekday(self, i: int, out: list[Constituent]) -> tuple[Constituent | None, int] | None:
        t = self.toks[i]
        # «по понедельникам»
        if t.is_kw("to") and self.kind(i + 1, "weekdays"):
            return EachWeekday(WeekdayRef(int(self.toks[i + 1].value)), "week"), i + 2
        # «каждый первый вторник [месяца]»: the nth weekday of every month.
        if t.is_kw("each") and self.kind(i + 1, "ordinal") and self.kind(i + 2, "weekday"):
            ref = WeekdayRef(int(self.toks[i + 2].value), nth=int(self.toks[i + 1].value))
            j = i + 3
            if self.unit(j, "month") and not self.kind(j + 1, NUM):
                j += 1
            elif self.kind(j, "month"):
                return None
            return EachWeekday(ref, "month"), j
        # «каждый понедельник», «каждую среду»
        if t.is_kw("each") and self.kind(i + 1, "weekday"):
            return EachWeekday(WeekdayRef(int(self.toks[i + 1].value)), "week"), i + 2
        # «третью среду каждого месяца», «в последнюю субботу июня»
        if t.kind == "ordinal" and self.kind(i + 1, "weekday"):
            ref = WeekdayRef(int(self.toks[i + 1].value), nth=int(t.value))
            j = i + 2
            if self.kw(j, "each") and self.unit(j + 1, "month"):
                return EachWeekday(ref, "month"), j + 2
            if self.unit(j, "month") and not self.kind(j + 1, NUM):
                return EachWeekday(ref, "month"), j + 1
            if self.kind(j, "month"):
                month_ref = WeekdayRef(ref.weekday, ref.nth, int(self.toks[j].value))
                return EachWeekday(month_ref, "year"), j + 1
            if any(isinstance(p, Freq) and p.unit == "month" for p in out):
                return EachWeekday(ref, "month"), j  # «ежемесячно, первый вторник»
            return None
        if (
            t.kind == "weekday"
            and self.kind(i + 1, "keyword")
            and self.toks[i + 1].value
            in (
                "current",
                "next",
            )
        ):
            return WeekdayRef(int(t.value)), i + 1
        if t.kind == "weekday" and t.paren and any(isinstance(p, Time) for p in out):
            # «01.09.2023 (пятница)»: a weekday in parentheses after a date names its day.
            self.warnings.append(f"день недели в скобках пропущен: «{t.text}»")
            return None, i + 1
        if t.kind == "weekday" and self.atom_weekday_date(i) is None:
            return WeekdayRef(int(t.value)), i + 1
        return None

    def c_each(self, i: int, out: list[Constituent]) -> tuple[Constituent | None, int] | None:
        if self.kw(i, "each") and self.unit(i + 1):
            return Freq(str(self.toks[i + 1].value)), i + 2
        if self.kw(i, "current") and self.unit(i + 1):
            return Current(str(self.toks[i + 1].value)), i + 2
        if self.kw(i, "report") and self.unit(i + 1):
            return ReportOf(str(self.toks[i + 1].value), same_year=True), i + 2
        return None

    def day_of(self, i: int) -> tuple[DayOf, int] | None:
        """«25 числа …», «6-го рабочего дня месяца», «5 числа второго месяца, следующего …»."""
        t = self.at(i)
        if t is None or t.kind not in (NUM, "ordinal") or not 1 <= t.value <= 31:
            return None
        j = i + 1
        working = self.kw(j, "working")
        if working:
            j += 1
        if not self.unit(j, "day"):
            return None
        j += 1
        month_index: int | None = None
        after = 0
        per: str | None = None
        nxt = self.at(j)
        if nxt is not None and nxt.kind == "ordinal" and self.unit(j + 1, "month"):
            month_index, j = int(nxt.value), j + 2
        elif self.unit(j, "month"):
            j, per = j + 1, "month"
        # «последнего месяца квартала»: the month is counted inside the unit named after it.
        if month_index is not None and self.unit(j, "quarter", "half", "year"):
            per = str(self.toks[j].value)
            j += 1
        elif month_index is not None and (
            self.punct(j, ",") or (self.at(j) is not None and self.at(j).kind == MARKER)  # type: ignore[union-attr]
        ):
            after, month_index = month_index, None
        elif month_index is None and (self.punct(j, ",") or self.kind(j, MARKER)):
            after = 1 if self.unit(j - 1, "month") else 0
        if after:
            per = None  # the unit is the reported one, named after «следующего за отчетным»
        return DayOf(int(t.value), working, month_index, after, per), j

    def c_until(self, i: int, out: list[Constituent]) -> tuple[Constituent | None, int] | None:
        j, mode = i, ""
        if self.kw(i, "not") and self.kw(i + 1, "later"):
            j, mode = i + 2, "notlater"
        elif self.kw(i, "in") and self.kw(i + 1, "deadline") and self.kw(i + 2, "until"):
            j, mode = i + 3, "until"
        elif self.kw(i, "until"):
            j, mode = i + 1, "until"
        elif self.kw(i, "by"):
            j, mode = i + 1, "by"
        elif self.kw(i, "to"):
            # «по 30 ноября 2022 (включительно)» with no «с …»: through that day.
            found = self.te_span(i + 1)
            if found is None or not isinstance(found[0], n.Day | n.Month):
                return None
            return Until(found[0], "notlater"), found[1]
        else:
            return None
        while self.punct(j, ","):
            j += 1
        # «не позднее, чем за 15 дней до истечения текущего месяца»
        before = self.c_before_end(j, out) if self.kw(j, "over") else None
        if before is not None:
            return before
        # «до 15 рабочих дней с даты окончания отчетного года»
        t = self.at(j)
        if (
            t is not None
            and t.kind == NUM
            and self.kw(j + 1, "working")
            and self.unit(j + 2, "day")
            and self.kind(j + 3, MARKER)
        ):
            return WorkdaysAfter(int(t.value)), j + 3
        found_day = self.day_of(j)
        if found_day is not None:
            return Until(found_day[0], mode), found_day[1]
        if self.kind(j, "weekday"):
            return Until(WeekdayRef(int(self.toks[j].value)), mode), j + 1
        found = self.te_span(j)
        if found is None:
            return None
        return Until(found[0], mode), found[1]

    def c_days(self, i: int, out: list[Constituent]) -> tuple[Constituent | None, int] | None:
        """«с 1 по 15 числа каждого месяца», «1-5 число месяца»: days of every month."""
        j = i + 1 if self.kw(i, "from") else i
        first, last = self.at(j), self.at(j + 2)
        if first is None or last is None or first.kind != NUM or last.kind != NUM:
            return None
        if not (self.kw(j + 1, "to") or self.punct(j + 1, "-")) or not self.unit(j + 3, "day"):
            return None
        if not 1 <= first.value < last.value <= 31:
            return None
        k = j + 4
        if self.kw(k, "each") and self.unit(k + 1, "month"):
            k += 2
        elif self.unit(k, "month"):
            k += 1
        elif self.kind(k, "month"):
            return None  # «с 1 по 15 число мая» is a span of dates
        return DaysOf(int(first.value), int(last.value)), k

    def c_from(self, i: int, out: list[Constituent]) -> tuple[Constituent | None, int] | None:
        starting = self.kw(i, "starting")
        j = i + 1 if starting else i
        if not self.kw(j, "from"):
            return None
        j += 1
        first = self.te_atom(j) or self.bare_day(j)
        if first is None:
            return None
        node, k = first
        if self.kw(k, "to", "until") or self.punct(k, "-"):
            second = self.te_atom(k + 1)
            if second is not None:
                last = second[0]
                return Time(n.Span(_borrow_month(node, last), last), self.toks[i].paren), second[1]
        if isinstance(node, n.Day) and node.month is None:
            return None
        return From(node, starting), k

    def c_during(self, i: int, out: list[Constituent]) -> tuple[Constituent | None, int] | None:
        j = i + 1 if self.kw(i, "in") else i
        if not self.kw(j, "during"):
            return None
        j += 1
        # «в течение первых 5 рабочих дней года, следующего за отчетным»
        first = self.kind(j, "ordinal") and self.toks[j].value == 1
        if first:
            j += 1
        reported = any(t.kind == MARKER and t.value == "report" for t in self.toks[j:]) or any(
            self.unit_end(k) for k in range(j, len(self.toks))
        )
        t = self.at(j)
        if (
            t is not None
            and t.kind in (NUM, "cardinal")
            and self.unit(j + 1 + self.kw(j + 1, "working"), "day", "week", "month")
        ):
            k = j + 1
            if self.kw(k, "working") and (first or reported):
                k += 1
                return WorkdaysAfter(int(t.value)), k + 1
            if self.unit(k, "day") and self.unit_end(k + 1):
                # «в течение 10 дней после окончания квартала»: calendar days after the unit.
                return WorkdaysAfter(int(t.value), working=False), k + 1
            # «в течение 3 дней …» counts from an event the phrase does not date.
            end = k + 1
            while end < len(self.toks) and not self.punct(end, ",", ";", ")"):
                end += 1
            return Marker("event", " ".join(tok.text for tok in self.toks[i:end])), end
        found = self.te_span(j)
        if found is None:
            return None
        return During(found[0]), found[1]

    def c_before_end(self, i: int, out: list[Constituent]) -> tuple[Constituent | None, int] | None:
        """«за 20 дней до истечения текущего квартала», «за месяц до окончания текущего года»."""
        if not self.kw(i, "over"):
            return None
        j, count = i + 1, 1
        t = self.at(j)
        if t is not None and t.kind in (NUM, "cardinal"):
            count, j = int(t.value), j + 1
        working = self.kw(j, "working") and self.unit(j + 1, "day")
        if working:
            j += 1
        if not self.unit(j, "day", "month"):
            return None
        days = count if self.toks[j].value == "day" else 0
        months = count if self.toks[j].value == "month" else 0
        j += 1
        if not (
            self.kw(j, "until") and self.kind(j + 1, "part") and self.toks[j + 1].value == "end"
        ):
            return None
        j += 2
        if self.kw(j, "current"):
            j += 1
        if not self.unit(j):
            return None
        return BeforeEnd(days, months, str(self.toks[j].value), working), j + 1

    def c_time(self, i: int, out: list[Constituent]) -> tuple[Constituent | None, int] | None:
        found = self.te_span(i)
        if found is None:
            found = self.bare_day(i)
            if found is None or not (
                self.punct(found[1], ",") or self.kw(found[1], "and", "or", "to")
            ):
                return None
        node, j = found
        # «20.11. по 22.11.2017», «январь по март 2023»: «по» without «с» still ends a span.
        if self.kw(j, "to") and not isinstance(node, n.Span | n.Academic):
            second = self.te_atom(j + 1)
            if second is not None:
                last = second[0]
                return Time(n.Span(_borrow_month(node, last), last), self.toks[i].paren), second[1]
        if isinstance(node, n.Day) and node.month is None and self.kw(j, "to"):
            return None
        return Time(node, self.toks[i].paren), j

    def c_skip(self, i: int, out: list[Constituent]) -> tuple[Constituent | None, int] | None:
        """Prepositions and words that only glue: «в», «на», «срок», «период»."""
        t = self.toks[i]
        if t.is_kw("in", "to", "deadline", "period", "during", "date", "inclusive", "respectively"):
            return None, i + 1
        if t.kind == "unit" and t.value == "year" and i > 0:
            return None, i + 1
        return None

    CLAUSES: tuple[Callable[[Parser, int, list[Constituent]], _Found], ...] = (
        c_quarters,
        c_punct,
        c_marker,
        c_freq,
        c_weekday,
        c_each,
        c_days,
        c_until,
        c_from,
        c_during,
        c_before_end,
        c_time,
        c_skip,
    )


# Which clause strategies can start at a token of each kind (keywords by their name); the
# order inside each tuple is the order of Parser.CLAUSES.
_STARTS: dict[str, tuple[str, ...]] = {
    "c_quarters": ("roman", "ordinal", NUM),
    "c_punct": (PUNCT, "topic", "keyword:and", "keyword:or", "keyword:onward"),
    "c_marker": (MARKER,),
    "c_freq": ("freq", NUM, "cardinal", "keyword:times"),
    "c_weekday": ("keyword:to", "keyword:each", "ordinal", "weekday"),
    "c_each": ("keyword:each", "keyword:current", "keyword:report"),
    "c_days": ("keyword:from", NUM),
    "c_until": ("keyword:not", "keyword:in", "keyword:until", "keyword:by", "keyword:to"),
    "c_from": ("keyword:starting", "keyword:from"),
    "c_during": ("keyword:in", "keyword:during"),
    "c_before_end": ("keyword:over",),
    "c_time": (
        DATE,
        NUM,
        "tens",
        "ordinal",
        "month",
        "roman",
        "part",
        "season",
        "weekday",
        "keyword:current",
    ),
    "c_skip": (
        "keyword:inclusive",
        "keyword:respectively",
        "keyword:in",
        "keyword:to",
        "keyword:deadline",
        "keyword:period",
        "keyword:during",
        "keyword:date",
        "unit",
    ),
}


@lru_cache(maxsize=1)
def _dispatch() -> dict[object, tuple[Callable[[Parser, int, list[Constituent]], _Found], ...]]:
    table: dict[object, list[Callable[[Parser, int, list[Constituent]], _Found]]] = {}
    for strategy in Parser.CLAUSES:
        for start in _STARTS[strategy.__name__]:
            key: object = tuple(start.split(":")) if ":" in start else start
            table.setdefault(key, []).append(strategy)
    return {key: tuple(value) for key, value in table.items()}


def parse(tokens: list[Token]) -> tuple[list[Constituent], list[str]]:
    parser = Parser(tokens)
    return parser.parse(), parser.warnings
