"""The full reader: constituents + period → kind, windows, rule and warnings (TERMS.md).

This is where a phrase gets its meaning: fixed windows, rules expanded over the period,
continuous and unscheduled work. Pure: the only outside knowledge is the production
calendar, needed for «рабочих дней» counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from tracker.calendar import WorkCalendar
from tracker.errors import PhraseError
from tracker.terms import grammar as g
from tracker.terms import nodes as n
from tracker.terms.lexer import FOREIGN, Token, near_miss, tokenize
from tracker.terms.model import Expansion, Kind, Period, Window
from tracker.terms.rule import FREQ_WORDS, describe_fixed, describe_rule

MAX_TEXT = 2000
WEEKDAYS_GEN = ("понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье")


def read_fully(text: str, period: Period, calendar: WorkCalendar) -> Expansion:
    """The full reader: tokenizer, grammar, meaning. Never raises for a bad phrase."""
    try:
        return _Reader(text, period, calendar).read()
    except PhraseError as error:
        return Expansion(text=text, kind=Kind.ERROR, error=error.message)


@dataclass
class _Reader:
    text: str
    period: Period
    calendar: WorkCalendar
    warnings: list[str] = field(default_factory=list)
    clocks: list[str] = field(default_factory=list)

    def no_deadline(self, dropped: list[str]) -> PhraseError:
        """The error for a cell with no deadline left: say what it held instead."""
        if self.clocks and not dropped:
            return PhraseError("указано только время, без даты: срок не найден")
        if dropped:
            words = " ".join(dropped)
            return PhraseError(f"не понято: «{_clip(words)}»; срок не найден", part=words)
        return PhraseError("срок не найден в тексте")

    def read(self) -> Expansion:
        text = self.text.strip()
        if not text:
            raise PhraseError("пустая фраза: срок не указан")
        if len(text) > MAX_TEXT:
            raise PhraseError(f"слишком длинная фраза ({len(text)} знаков): это не срок")
        lexed = tokenize(text)
        self.clocks = lexed.clocks
        self.warnings.extend(lexed.warnings)
        parts, grammar_warnings = g.parse(lexed.tokens)
        self.warnings.extend(grammar_warnings)
        return self.interpret(parts)

    def result(self, kind: Kind, windows: list[Window], rule: str) -> Expansion:
        unique = sorted(set(windows), key=Window.sort_key)
        return Expansion(
            text=self.text,
            kind=kind,
            windows=tuple(unique),
            rule=rule,
            warnings=tuple(dict.fromkeys(self.warnings)),
        )

    # ---- classification ----------------------------------------------------------------

    def interpret(self, parts: list[g.Constituent]) -> Expansion:
        markers = {p.name for p in parts if isinstance(p, g.Marker)}
        ongoing = "ongoing" in markers
        if ongoing or "campaign" in markers:
            markers.add("continuous")
        parts = self.current_year_once(parts)
        schedulable = [p for p in parts if not isinstance(p, g.Marker | g.Sep | g.Unknown)]
        is_rule = any(
            isinstance(
                p,
                g.Freq | g.EachWeekday | g.NextUnit | g.ReportOf | g.WorkdaysAfter | g.Current,
            )
            or (isinstance(p, g.BeforeEnd) and p.days)
            or (isinstance(p, g.Until) and isinstance(p.target, g.DayOf) and p.target.per)
            or isinstance(p, g.DaysOf)
            for p in parts
        )
        if (not schedulable or (not is_rule and "event" in markers)) and (
            "event" in markers or "unscheduled" in markers
        ):
            why = next(p.text for p in parts if isinstance(p, g.Marker) and p.name != "continuous")
            foreign = [
                p.token.text
                for p in parts
                if isinstance(p, g.Unknown) and p.token.kind in FOREIGN and p.token.paren == 0
            ]
            if foreign:
                self.warnings.append(
                    f"пропущен текст, не относящийся к сроку: «{_clip(' '.join(foreign))}»"
                )
            return self.result(Kind.UNSCHEDULED, [], f"без даты: {why.lower()}")
        for p in parts:
            if isinstance(p, g.Marker) and p.name == "unscheduled":
                # «март 2023 (по отдельному графику)»: the date written wins; say what was left.
                self.warnings.append(f"указание без даты пропущено: «{p.text}»")
        dropped = self.account(parts, bool(schedulable))
        if self.clocks and schedulable:
            said = ", ".join(f"«{_clip(c)}»" for c in self.clocks)
            self.warnings.append(f"время суток не входит в срок, пропущено: {said}")
        if not schedulable and "continuous" in markers:
            return self.result(
                Kind.CONTINUOUS,
                [_window(start=self.period.start, due=self.period.end)],
                "постоянно, в течение всего периода",
            )
        if not schedulable:
            raise self.no_deadline(dropped)
        if "event" in markers:
            event = next(p.text for p in parts if isinstance(p, g.Marker) and p.name == "event")
            self.warnings.append(
                f"событие без даты пропущено: «{event}»; правило действует весь период"
            )
        if is_rule:
            return self.rules(parts)
        durings = [p for p in parts if isinstance(p, g.During)]
        if durings and len(schedulable) == len(durings):
            return self.continuous(durings)
        times = [p for p in parts if isinstance(p, g.Time)]
        if (
            ongoing
            and times
            and len(times) == len(schedulable)
            and all(n.has_year(t.node) for t in times)
        ):
            # «постоянно, 2022-2024»: ongoing work over the span written.
            return self.continuous([g.During(t.node) for t in times])
        return self.fixed(_years_after_comma(parts, self.warnings))

    def rules(self, parts: list[g.Constituent]) -> Expansion:
        """Rule 10: one rule, or several joined («ежеквартально, до 15 числа месяца, следующего
        за отчетным, и ежегодно до 20 января»; «ежегодно и ежеквартально … соответственно»):
        each clause is expanded on its own and the windows are merged."""
        clauses = _clauses(parts)
        units = {unit for clause_units, _ in clauses for unit in clause_units}
        if len(units) < 2:
            return _Rule(self, parts).expand()
        reporting = any(_is_report(p) for p in parts)
        windows: list[Window] = []
        rules: list[str] = []
        for clause_units, body in clauses:
            for unit in clause_units:
                clause: list[g.Constituent] = [g.Freq(unit), *body]
                if (
                    reporting
                    and unit == "year"
                    and not any(_is_report(p) for p in body)
                    and any(
                        isinstance(p, g.Until) and isinstance(p.target, n.Day) and not p.target.year
                        for p in body
                    )
                ):
                    # «…, и ежегодно до 20 января» beside reports: the year's report.
                    clause.append(g.NextUnit("year"))
                expansion = _Rule(self, clause).expand()
                windows.extend(expansion.windows)
                rules.append(expansion.rule)
        return self.result(Kind.RECURRING, windows, "; ".join(rules))

    def current_year_once(self, parts: list[g.Constituent]) -> list[g.Constituent]:
        """Rule 16: «20 ноября текущего года», «не позднее 25 декабря текущего года» with no
        repetition stated are once, in the period's first year."""
        currents = [p for p in parts if isinstance(p, g.Current)]
        if not currents or any(c.unit != "year" for c in currents):
            return parts
        repeats = any(
            isinstance(p, g.Freq | g.EachWeekday | g.NextUnit | g.ReportOf | g.WorkdaysAfter)
            or (isinstance(p, g.BeforeEnd) and p.days)
            or (isinstance(p, g.Until) and isinstance(p.target, g.DayOf))
            for p in parts
        )
        if repeats:
            return parts
        year = self.period.start.year
        out: list[g.Constituent] = []
        for part in parts:
            if isinstance(part, g.Current):
                continue
            node = _constituent_node(part)
            if node is not None and n.written_year(node) is None and not _has_current(node):
                part = _with_node(part, n.with_year(node, year))
            out.append(part)
        if not any(_constituent_node(p) is not None for p in out):
            out.append(g.Time(n.Year(year)))
        self.warnings.append(f"«текущий год» понят как {year} г., первый год периода")
        return out

    def account(self, parts: list[g.Constituent], found: bool) -> list[str]:
        """Rule 17: text around the deadline is dropped and named in a warning; a word the
        grammar knows but could not place, or a near miss of a date word, is an error.
        With no deadline ``found``, near misses are left to the error naming all the text.
        Returns the runs of dropped words (without the prepositions that went with them)."""
        runs: list[list[Token]] = []
        inside: list[Token] = []
        previous_unknown = False
        for part in parts:
            if not isinstance(part, g.Unknown):
                previous_unknown = False
                continue
            token = part.token
            if token.paren > 0:
                inside.append(token)
                continue
            if token.kind not in FOREIGN:
                words = " ".join(
                    t.token.text
                    for t in parts
                    if isinstance(t, g.Unknown)
                    and t.token.paren == 0
                    and t.token.kind not in FOREIGN
                )
                raise PhraseError(f"не понято: «{_clip(words)}»", part=words)
            near = near_miss(token) if found else None
            if near is not None:
                raise PhraseError(
                    f"не понято: «{token.text}» (похоже на «{near}», но это не оно)",
                    part=token.text,
                )
            if previous_unknown:
                runs[-1].append(token)
            else:
                runs.append([token])
            previous_unknown = True
        if runs:
            self.warnings.append(
                "пропущен текст, не относящийся к сроку: "
                + ", ".join(f"«{_clip(' '.join(t.text for t in run))}»" for run in runs)
            )
        dropped = [" ".join(t.text for t in run if t.value != "") for run in runs]
        if inside:
            words = " ".join(t.text for t in inside)
            self.warnings.append(f"пояснение в скобках пропущено: «{_clip(words)}»")
        return dropped

    def continuous(self, durings: list[g.During]) -> Expansion:
        windows = []
        year = self.period.start.year
        if any(_has_current(d.node) for d in durings):
            # «в течение текущего года»: rule 16, the period's first year.
            durings = [g.During(_replace_current(d.node, year)) for d in durings]
            self.warnings.append(f"«текущий год» понят как {year} г., первый год периода")
        for during in durings:
            if not n.has_year(during.node):
                raise PhraseError(
                    f"«в течение {n.describe(during.node)}»: не указан год",
                    part=n.describe(during.node),
                )
            start, end = n.bounds(during.node)
            windows.append(_window(start=start, due=end))
        # Rule 13: one window. Adjoining spans («в течение 2022 и 2023 годов») make one; spans
        # with a gap between them are not one piece of ongoing work.
        windows.sort(key=Window.sort_key)
        joined = windows[0]
        for window in windows[1:]:
            if window.start is None or joined.start is None:
                raise PhraseError("постоянная работа без начала")
            if window.start > joined.due + timedelta(days=1):
                raise PhraseError(
                    "постоянная работа в несколько разных периодов с перерывами: "
                    + "; ".join(n.describe(d.node) for d in durings)
                )
            joined = _window(start=joined.start, due=max(joined.due, window.due))
        rule = "постоянно: " + "; ".join(n.describe(d.node) for d in durings)
        return self.result(Kind.CONTINUOUS, [joined], rule)

    # ---- fixed windows (rules 1–9, 12) -----------------------------------------------------

    def fixed(self, parts: list[g.Constituent]) -> Expansion:
        groups = [[self.current_year(item) for item in group] for group in _items(parts)]
        if not groups:
            raise PhraseError("срок не найден в тексте")
        if _glued(parts):
            self.warnings.append(
                "несколько сроков подряд без разделителя: возможно, склеены строки"
            )
        groups = _repeat_for_years(groups, self.warnings)
        flat = _propagate([item for group in groups for item in group], self.warnings)
        # Put the propagated items back into their «или» groups.
        regrouped: list[list[_Item]] = []
        k = 0
        for group in groups:
            regrouped.append(flat[k : k + len(group)])
            k += len(group)
        yearless = [item for item in flat if not _item_has_year(item)]
        if yearless and len(yearless) == len(flat):
            read = self.yearless(regrouped)
            if len(flat) == 2 and any(SCHOOL_TERM_NOTE in w for w in self.warnings):
                # «I четверть с 02.09 по 25.10»: the dates written, checked against the term.
                if read.kind is not Kind.ONCE or len(read.windows) != 2:
                    raise PhraseError("четверть (триместр) и даты рядом: неясно, какой год")
                return self.result(Kind.ONCE, self.dated_term(list(read.windows)), read.rule)
            return read
        if yearless:
            item = yearless[0]
            raise PhraseError(f"не указан год: «{_item_text(item)}»", part=_item_text(item))
        windows = [self.merge([self.item_window(item) for item in group]) for group in regrouped]
        if len(set(windows)) == 2 and "(" in self.text:
            windows = self.parenthesized(windows)
        if len(set(windows)) == 2 and any(SCHOOL_TERM_NOTE in w for w in self.warnings):
            windows = self.dated_term(windows)
        for window in windows:
            if window.due < self.period.start or (window.start or window.due) > self.period.end:
                self.warnings.append(
                    f"срок вне периода дорожной карты ({self.period.start.isoformat()} – "
                    f"{self.period.end.isoformat()}): оставлен как написан"
                )
                break
        self.check_weekdays(flat)
        return self.result(Kind.ONCE, windows, describe_fixed(regrouped))

    def dated_term(self, windows: list[Window]) -> list[Window]:
        """«I четверть: 02.09.2024 – 25.10.2024»: the dates written are the school's calendar;
        the term's months only check them."""
        terms = [
            w
            for w in windows
            if w.start is not None
            and w.start.day == 1
            and w.due == n.month_end(w.due.year, w.due.month)
            and (w.due.year - w.start.year) * 12 + w.due.month - w.start.month >= 1
        ]
        if len(terms) != 1 or terms[0].start is None:
            return windows
        term_start, term_due = terms[0].start, terms[0].due
        dates = next(w for w in windows if w != terms[0])
        if dates.due < term_start or (dates.start or dates.due) > term_due:
            raise PhraseError("даты не попадают в месяцы названной четверти (триместра)")
        self.warnings[:] = [w for w in self.warnings if SCHOOL_TERM_NOTE not in w]
        self.warnings.append("четверть (триместр) прочитана по датам, написанным рядом")
        return [dates]

    def parenthesized(self, windows: list[Window]) -> list[Window]:
        """«II квартал (до 30 июня) 2023 г.»: a deadline in parentheses restates or narrows the
        one outside them; read as one deadline when they agree, an error when they do not."""
        outside = _PARENS.sub(" ", self.text)
        if outside.strip() == self.text.strip() or "(" in outside:
            return windows
        inside = " ".join(m.strip("()") for m in _PARENS.findall(self.text))
        found: Window | None = None
        for text in (outside, inside):
            try:
                plain = _Reader(text, self.period, self.calendar).read()
            except PhraseError:
                continue
            if plain.kind is Kind.ONCE and len(plain.windows) == 1 and plain.windows[0] in windows:
                found = plain.windows[0]
                break
        if found is None:
            return windows
        main = found
        inner = next(w for w in windows if w != main)
        joined = _agree(main, inner) or _agree(inner, main)
        if joined is None:
            said = _clip(" ".join(_PARENS.findall(self.text)))
            raise PhraseError(f"срок в скобках {said} не совпадает со сроком вне скобок", part=said)
        self.warnings.append("срок в скобках уточняет срок вне скобок: прочитаны как один")
        return [joined]

    def current_year(self, item: _Item) -> _Item:
        """«текущий год» in a once-phrase is the period's first year."""
        node = _node_of(item)
        if node is None:
            return item
        fixed = _replace_current(node, self.period.start.year)
        return item if fixed is node else _fill(item, fixed)

    def merge(self, windows: list[Window]) -> Window:
        if len(windows) == 1:
            return windows[0]
        starts = [w.start for w in windows]
        start = None if any(s is None for s in starts) else min(s for s in starts if s)
        return _window(start=start, due=max(w.due for w in windows))

    def item_window(self, item: _Item, year: int | None = None) -> Window:
        if isinstance(item, g.Until):
            return _window(start=None, due=self.until_due(item, year))
        if isinstance(item, g.From):
            start = n.bounds(item.node, year)[0]
            return _window(start=start, due=max(start, self.period.end))
        if isinstance(item, g.BeforeEnd):
            first_year = year if year is not None else self.period.start.year
            unit_end = date(first_year, 12, 31)
            return _window(start=None, due=_minus(unit_end, item.days, item.months))
        start, end = n.bounds(item, year)
        return _window(start=start, due=end)

    def until_due(self, until: g.Until, year: int | None) -> date:
        target = until.target
        if isinstance(target, g.DayOf | g.WeekdayRef):
            raise PhraseError("срок «до …» без месяца: укажите дату или периодичность")
        if isinstance(target, n.Day):
            return n.bounds(target, year)[1]
        if isinstance(target, n.Part) and target.part == "end":
            return n.bounds(target.of, year)[1]
        if isinstance(target, n.Part) and target.part == "start" and until.mode in ("by", "until"):
            return n.bounds(target.of, year)[0]
        if until.mode == "notlater" and not isinstance(target, n.Span):
            return n.bounds(target, year)[1]
        what = n.describe(target)
        raise PhraseError(
            f"«до {what}» неоднозначно: напишите «до конца …», «не позднее …» или дату", part=what
        )

    def yearless(self, groups: list[list[_Item]]) -> Expansion:
        """Rule 12: no year anywhere: every instance that overlaps the period."""
        windows: list[Window] = []
        several = False
        for group in groups:
            instances: list[Window] = []
            for year in range(self.period.start.year - 1, self.period.end.year + 1):
                try:
                    window = self.merge([self.item_window(item, year) for item in group])
                except PhraseError:
                    continue  # «29 февраля» in a year without it
                if (
                    window.due >= self.period.start
                    and (window.start or window.due) <= self.period.end
                ):
                    instances.append(window)
            if not instances:
                text = " или ".join(_item_text(item) for item in group)
                # Re-raise the real reason when the date never exists («30 февраля»).
                for item in group:
                    node = _node_of(item)
                    if isinstance(node, n.Day) and node.month is not None:
                        n.check_day(node.day, node.month)
                raise PhraseError(
                    f"«{text}» не приходится на период дорожной карты "
                    f"({self.period.start.isoformat()} – {self.period.end.isoformat()})",
                    part=text,
                )
            several = several or len(set(instances)) > 1
            windows.extend(instances)
        kind = Kind.RECURRING if several else Kind.ONCE
        rule = describe_fixed(groups)
        if several:
            rule = "ежегодно: " + rule
        return self.result(kind, windows, rule)

    def check_weekdays(self, items: list[_Item]) -> None:
        for item in items:
            if isinstance(item, n.Day) and item.weekday is not None and item.year and item.month:
                actual = n.bounds(item)[0].weekday()
                if actual != item.weekday:
                    self.warnings.append(
                        f"день недели не совпадает с датой: {n.describe(item)} — "
                        f"{WEEKDAYS_GEN[actual]}, а не {WEEKDAYS_GEN[item.weekday]}"
                    )


_Item = n.Node | g.Until | g.From | g.BeforeEnd


SCHOOL_TERM_NOTE = "учебного года прочитан"
_PARENS = re.compile(r"\([^()]*\)")


def _agree(outer: Window, inner: Window) -> Window | None:
    """The one window two readings of a deadline make, if ``inner`` lies within ``outer``."""
    if outer.start is None:
        return None
    if not outer.start <= inner.due <= outer.due:
        return None
    if inner.start is None:
        return _window(start=outer.start, due=inner.due)
    return inner if inner.start >= outer.start else None


def _window(*, start: date | None, due: date) -> Window:
    """A window; one that would start after it is due is the phrase's contradiction."""
    if start is not None and start > due:
        raise PhraseError(
            f"срок кончается раньше, чем начинается: {start:%d.%m.%Y} – {due:%d.%m.%Y}",
            part=f"{start:%d.%m.%Y} – {due:%d.%m.%Y}",
        )
    return Window(start=start, due=due)


def _is_report(part: g.Constituent) -> bool:
    return isinstance(part, g.NextUnit | g.ReportOf | g.WorkdaysAfter)


def _clauses(parts: list[g.Constituent]) -> list[tuple[list[str], list[g.Constituent]]]:
    """Split a phrase at its frequencies: each clause is (units, the parts that follow).
    Frequencies with nothing but «и» between them share what follows («ежегодно и
    ежеквартально до 10 числа … соответственно»); what precedes the first is shared by all."""
    prefix: list[g.Constituent] = []
    clauses: list[tuple[list[str], list[g.Constituent]]] = []
    for part in parts:
        if (
            isinstance(part, g.ReportOf)
            and not part.same_year
            and clauses
            and [x for x in clauses[-1][1]] == [g.Sep("and")]
        ):
            # «ежеквартально и по итогам года …»: the year's report is a clause of its own.
            part = g.Freq(part.unit)
        if isinstance(part, g.Freq):
            if clauses and all(isinstance(x, g.Sep) for x in clauses[-1][1]):
                clauses[-1][0].append(part.unit)
                clauses[-1][1].clear()
            else:
                clauses.append(([part.unit], []))
        elif clauses:
            clauses[-1][1].append(part)
        else:
            prefix.append(part)
    return [(units, prefix + body) for units, body in clauses]


def _years_after_comma(parts: list[g.Constituent], warnings: list[str]) -> list[g.Constituent]:
    """«Ноябрь, 2023», «март-май, 2024 года», «14 мая в 2019 году»: a bare year right after a
    yearless item is that item's year, not a window of its own. A phrase that starts with a
    bare year before a yearless item («2022, сентябрь; 2023, октябрь») writes its years first."""
    nodes = [node for node in map(_constituent_node, parts) if node is not None]
    if len(nodes) > 1 and isinstance(nodes[0], n.Year) and n.written_year(nodes[1]) is None:
        return _year_before_items(parts)
    out: list[g.Constituent] = []
    for part in parts:
        if (
            isinstance(part, g.Time)
            and isinstance(part.node, n.Year)
            and part.node.year is not None
            and not part.node.current
        ):
            k = len(out) - 1
            while k >= 0 and (
                (isinstance(out[k], g.Sep) and out[k].kind == ",")  # type: ignore[union-attr]
                or (isinstance(out[k], g.Unknown) and out[k].token.kind in FOREIGN)  # type: ignore[union-attr]
            ):
                k -= 1
            previous = out[k] if k >= 0 else None
            node = _constituent_node(previous)
            if (
                node is not None
                and previous is not None
                and not isinstance(node, n.Year)
                and n.written_year(node) is None
                and not _has_current(node)
            ):
                out[k:] = [_with_node(previous, n.with_year(node, part.node.year))]
                continue
        out.append(part)
    return out


def _bare_year(part: g.Constituent) -> int | None:
    if isinstance(part, g.Time) and isinstance(part.node, n.Year) and not part.node.current:
        return part.node.year
    return None


def _year_before_items(parts: list[g.Constituent]) -> list[g.Constituent]:
    """«2023 г., март, апрель»: a bare year written before yearless items is their year, not a
    window of its own (the items up to the next written year take it)."""
    out: list[g.Constituent] = []
    year: int | None = None
    for i, part in enumerate(parts):
        bare = _bare_year(part)
        if bare is not None:
            following = next(
                (_constituent_node(p) for p in parts[i + 1 :] if _constituent_node(p) is not None),
                None,
            )
            if (
                following is not None
                and not isinstance(following, n.Year)
                and n.written_year(following) is None
                and not _has_current(following)
            ):
                year = bare
                continue
            year = None
        node = _constituent_node(part)
        if year is not None and node is not None:
            if n.written_year(node) is None and not _has_current(node):
                part = _with_node(part, n.with_year(node, year))
            else:
                year = None
        out.append(part)
    return out


def _has_current(node: n.Node) -> bool:
    if isinstance(node, n.Part):
        return _has_current(node.of)
    return isinstance(node, n.Year) and node.current


def _constituent_node(part: g.Constituent | None) -> n.Node | None:
    if isinstance(part, g.Time):
        return part.node
    if isinstance(part, g.Until) and not isinstance(part.target, g.DayOf | g.WeekdayRef):
        return part.target
    if isinstance(part, g.From):
        return part.node
    return None


def _with_node(part: g.Constituent, node: n.Node) -> g.Constituent:
    if isinstance(part, g.Time):
        return g.Time(node, part.paren)
    if isinstance(part, g.Until):
        return g.Until(node, part.mode)
    if isinstance(part, g.From):
        return g.From(node, part.starting)
    return part


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _items(parts: list[g.Constituent]) -> list[list[_Item]]:
    """Schedulable parts in order; items joined by «или» share one group."""
    groups: list[list[_Item]] = []
    join_next = False
    for part in parts:
        if isinstance(part, g.Sep):
            if part.kind == "or" and groups:
                join_next = True
            continue
        item: _Item | None = None
        if isinstance(part, g.Time | g.During):
            item = part.node
        elif isinstance(part, g.Until | g.From | g.BeforeEnd):
            item = part
        elif isinstance(part, g.DayOf | g.WeekdayRef):
            raise PhraseError("число или день недели без месяца и без периодичности")
        if item is None:
            continue
        if join_next:
            groups[-1].append(item)
        else:
            groups.append([item])
        join_next = False
    return groups


def _repeat_for_years(groups: list[list[_Item]], warnings: list[str]) -> list[list[_Item]]:
    """«май–июнь 2022, 2023, 2024»: bare years after a dated pattern repeat that pattern."""
    out: list[list[_Item]] = []
    pattern: n.Node | None = None
    for group in groups:
        item = group[0] if len(group) == 1 else None
        if (
            pattern is not None
            and isinstance(item, n.Year)
            and item.year is not None
            and not item.current
        ):
            repeated = n.with_year(_strip_year(pattern), item.year)
            out.append([repeated])
            warnings.append(f"«{item.year}» понят как «{n.describe(repeated)}»")
            continue
        node = item if isinstance(item, n.Month | n.Day | n.Span | n.Part | n.Season) else None
        pattern = node if node is not None and _single_year(node) else None
        out.append(group)
    return out


def _single_year(node: n.Node) -> bool:
    """A month-level pattern whose every part carries the same written year."""
    if isinstance(node, n.Span):
        first, last = n.written_year(node.first), n.last_written_year(node.last)
        inner = (node.first, node.last)
        return (
            all(isinstance(x, n.Month | n.Day) for x in inner)
            and last is not None
            and first in (None, last)
        )
    return isinstance(node, n.Month | n.Day) and node.year is not None


def _strip_year(node: n.Node) -> n.Node:
    if isinstance(node, n.Span):
        return n.Span(_strip_year(node.first), _strip_year(node.last))
    if isinstance(node, n.Day):
        return n.Day(node.day, node.month, None, node.weekday)
    if isinstance(node, n.Month):
        return n.Month(node.month, None)
    if isinstance(node, n.Quarter):
        return n.Quarter(node.quarter, None)
    if isinstance(node, n.Half):
        return n.Half(node.half, None)
    if isinstance(node, n.Season):
        return n.Season(node.season, None)
    if isinstance(node, n.Part):
        return n.Part(node.part, _strip_year(node.of))
    return node


def _replace_current(node: n.Node, year: int) -> n.Node:
    if isinstance(node, n.Year) and node.current:
        return n.Year(year)
    if isinstance(node, n.Part):
        inner = _replace_current(node.of, year)
        return node if inner is node.of else n.Part(node.part, inner)
    return node


def _glued(parts: list[g.Constituent]) -> bool:
    """Two written-out windows with no separator between them: rows glued into one cell."""
    previous: g.Constituent | None = None
    for part in parts:
        if isinstance(part, g.Time) and isinstance(previous, g.Time):
            return True
        previous = part
    return False


def _node_of(item: _Item) -> n.Node | None:
    if isinstance(item, g.Until):
        return item.target if not isinstance(item.target, g.DayOf | g.WeekdayRef) else None
    if isinstance(item, g.From):
        return item.node
    if isinstance(item, g.BeforeEnd):
        return None
    return item


def _item_has_year(item: _Item) -> bool:
    node = _node_of(item)
    return True if node is None else n.has_year(node)


def _item_text(item: _Item) -> str:
    node = _node_of(item)
    return n.describe(node) if node is not None else "срок"


def _fill(item: _Item, node: n.Node) -> _Item:
    if isinstance(item, g.Until):
        return g.Until(node, item.mode)
    if isinstance(item, g.From):
        return g.From(node, item.starting)
    return node


def _propagate(items: list[_Item], warnings: list[str]) -> list[_Item]:
    """Rule 2 and 9: a year (or month) written once belongs to every item without one."""
    out = list(items)
    # Inside each span first.
    for i, item in enumerate(out):
        node = _node_of(item)
        if isinstance(node, n.Span):
            out[i] = _fill(item, _span_years(node, warnings))
    # Days written without a month take the next day's month: «13, 20 мая».
    for i, item in enumerate(out):
        node = _node_of(item)
        if isinstance(node, n.Day) and node.month is None:
            for later in out[i + 1 :]:
                later_node = _node_of(later)
                if isinstance(later_node, n.Day) and later_node.month is not None:
                    out[i] = _fill(item, n.Day(node.day, later_node.month, later_node.year))
                    break
            else:
                raise PhraseError(f"не указан месяц для числа {node.day}", part=str(node.day))
    years = [_year_of(x) for x in out]
    for i, item in enumerate(out):
        yearless = _node_of(item)
        if yearless is None or n.has_year(yearless):
            continue
        after = next((y for y in years[i + 1 :] if y is not None), None)
        before = next((y for y in reversed(years[:i]) if y is not None), None)
        year = after if after is not None else before
        if year is not None:
            out[i] = _fill(item, n.with_year(yearless, year))
    return out


def _year_of(item: _Item) -> int | None:
    node = _node_of(item)
    if node is None:
        return None
    return n.last_written_year(node)


def _span_years(span: n.Span, warnings: list[str]) -> n.Node:
    first, last = span.first, span.last
    if isinstance(first, n.Span) or isinstance(last, n.Span):
        return span
    y_first, y_last = n.written_year(first), n.last_written_year(last)
    if y_first is None and y_last is not None:
        first = n.with_year(first, y_last)
        if n.bounds(first)[0] > n.bounds(last)[1]:
            first = n.with_year(span.first, y_last - 1)
            warnings.append(
                f"«{n.describe(span)}»: начало отнесено к {y_last - 1} г. (переход через год)"
            )
    elif y_last is None and y_first is not None:
        last = n.with_year(last, y_first)
        if n.bounds(last)[1] < n.bounds(first)[0]:
            last = n.with_year(span.last, y_first + 1)
    return n.Span(first, last)


def _minus(day: date, days: int, months: int) -> date:
    if months:
        year, month = n.add_months(day.year, day.month, -months)
        return date(year, month, min(day.day, n.month_end(year, month).day))
    return day - timedelta(days=days)


# ---- rules (rule 10, 16) ---------------------------------------------------------------------


UNIT_MONTHS = {"year": 12, "half": 6, "third": 4, "quarter": 3, "bimonth": 2, "month": 1}


def _units(unit: str, period: Period) -> list[tuple[date, date]]:
    """Every unit (year, half, quarter, month, ISO week, day) that overlaps the period."""
    out: list[tuple[date, date]] = []
    if unit in g.SCHOOL_TERMS:
        for first_year in range(period.start.year - 1, period.end.year + 1):
            for first, last in g.SCHOOL_TERMS[unit]:
                sy = first_year if first >= 9 else first_year + 1
                ey = first_year if last >= 9 else first_year + 1
                start, end = date(sy, first, 1), n.month_end(ey, last)
                if end >= period.start and start <= period.end:
                    out.append((start, end))
        return out
    if unit in UNIT_MONTHS:
        size = UNIT_MONTHS[unit]
        y, m = period.start.year, ((period.start.month - 1) // size) * size + 1
        while date(y, m, 1) <= period.end:
            ey, em = n.add_months(y, m, size - 1)
            out.append((date(y, m, 1), n.month_end(ey, em)))
            y, m = n.add_months(y, m, size)
        return out
    step = 7 if unit == "week" else 1
    day = period.start - timedelta(days=period.start.weekday() if unit == "week" else 0)
    while day <= period.end:
        out.append((day, day + timedelta(days=step - 1)))
        day += timedelta(days=step)
    return out


@dataclass
class _Rule:
    reader: _Reader
    parts: list[g.Constituent]

    @property
    def period(self) -> Period:
        return self.reader.period

    def expand(self) -> Expansion:
        parts = self.parts
        freqs = {p.unit for p in parts if isinstance(p, g.Freq)}
        each = [p for p in parts if isinstance(p, g.EachWeekday)]
        report_units = {p.unit for p in parts if isinstance(p, g.NextUnit) and p.unit}
        report_units |= {p.unit for p in parts if isinstance(p, g.ReportOf) and not p.same_year}
        before = [p for p in parts if isinstance(p, g.BeforeEnd)]
        currents = {p.unit for p in parts if isinstance(p, g.Current)}
        days_of = next((p for p in parts if isinstance(p, g.DaysOf)), None)
        if not freqs and not report_units:
            # «до 6-го рабочего дня месяца»: the unit named by the day count repeats.
            freqs = {
                p.target.per
                for p in parts
                if isinstance(p, g.Until) and isinstance(p.target, g.DayOf) and p.target.per
            }
            if days_of is not None:
                freqs.add("month")  # «с 1 по 15 числа каждого месяца»
        # «до 5-го рабочего дня месяца, следующего за отчетным»: the reported unit is the
        # month the day is counted in.
        if (
            not (freqs or report_units or before or currents)
            and any(isinstance(p, g.NextUnit) for p in parts)
            and any(
                isinstance(p, g.Until) and isinstance(p.target, g.DayOf) and p.target.after_unit
                for p in parts
            )
        ):
            freqs = {"month"}
        if each:
            scope = {"week": {"week", "day"}, "month": {"month", "week", "day"}}.get(
                each[0].scope, set(UNIT_MONTHS) | {"week", "day"}
            )
            if freqs - scope - {"month"} and each[0].scope != "year":
                # «ежеквартально, в последний четверг месяца»: which month of the quarter?
                said = ", ".join(FREQ_WORDS.get(f, f) for f in sorted(freqs - scope))
                raise PhraseError(f"день недели внутри правила «{said}»: неясно, в какой месяц")
            return self.weekdays(each[0], freqs)
        candidates = freqs | report_units | {b.unit for b in before} | currents
        if "half" in candidates and "year" in freqs and not report_units:
            candidates.discard("year")  # «ежегодно за полугодие»
        if len(candidates) > 1 and report_units:
            candidates = report_units if len(report_units) == 1 else candidates
        if len(candidates) != 1:
            if not candidates:
                raise PhraseError("не понятно, как часто повторяется срок")
            raise PhraseError(
                "в фразе несколько разных периодичностей: " + ", ".join(sorted(candidates))
            )
        unit = candidates.pop()
        if unit in g.SCHOOL_TERMS:
            # «1 раз в четверть», «по итогам четверти»: each term, by months (docs/terms.md).
            self.reader.warnings.append(
                "четверти и триместры прочитаны по месяцам: сверьте с календарным учебным графиком"
            )
        elif unit not in UNIT_MONTHS and unit not in ("week", "day"):
            raise PhraseError("повторение «раз в декаду» не поддерживается: укажите числа")
        report = any(isinstance(p, g.NextUnit | g.WorkdaysAfter) for p in parts) or any(
            isinstance(p, g.ReportOf) for p in parts
        )
        if unit in ("half", "quarter") and self.sub_items("year"):
            unit = "year"  # «2 раза в год (декабрь, май)»: the months say when
        items = self.sub_items(unit)
        lo, hi = self.bounds()
        pattern = self.onward_pattern(unit, items)
        if pattern is not None:
            # «декабрь 2022 года, далее ежегодно»: that month every year from the one written.
            items, lo, hi = [_strip_year(pattern)], date(n.written_year(pattern) or 1, 1, 1), None
        untils = [p for p in parts if isinstance(p, g.Until)]
        workdays = next((p for p in parts if isinstance(p, g.WorkdaysAfter)), None)
        windows: list[Window] = []
        for us, ue in _units(unit, self.period):
            if lo is not None and us < lo:
                continue
            if hi is not None and ue > hi:
                continue
            if report:
                window = self.report_window(unit, us, ue, untils, workdays)
                if window is not None:
                    windows.append(window)
                continue
            for window in self.unit_windows(unit, us, ue, items, untils, before):
                if (
                    window.due >= self.period.start
                    and (window.start or window.due) <= self.period.end
                ):
                    windows.append(window)
        if not windows:
            raise PhraseError("правило не даёт ни одного срока в периоде дорожной карты")
        rule = describe_rule(unit, items, untils, report, lo, hi, workdays, before)
        if report and not untils and workdays is None and self.results_only():
            rule = rule.replace(
                "отчёт за каждый период после его окончания", "итоги в последнем месяце периода"
            )
        days_of = next((p for p in parts if isinstance(p, g.DaysOf)), None)
        if days_of is not None:
            rule += f": с {days_of.first}-го по {days_of.last}-е число"
        return self.reader.result(Kind.RECURRING, windows, rule)

    def onward_pattern(self, unit: str, items: list[n.Node]) -> n.Node | None:
        """The dated month, quarter or day a yearly rule continues («…, далее ежегодно»)."""
        if unit != "year" or items or not any(isinstance(p, g.Onward) for p in self.parts):
            return None
        dated = [
            p.node
            for p in self.parts
            if isinstance(p, g.Time)
            and n.has_year(p.node)
            and isinstance(p.node, n.Month | n.Quarter | n.Half | n.Day | n.Season | n.Part)
        ]
        return dated[0] if len(dated) == 1 else None

    def bounds(self) -> tuple[date | None, date | None]:
        """«2021 – 2022 годы (ежеквартально …)», «начиная с 2020 года», «1 квартал 2023 г.,
        далее ежеквартально»: the first and last day of the units reported on."""
        lo: date | None = None
        hi: date | None = None
        for p in self.parts:
            if isinstance(p, g.Until) and isinstance(p.target, n.Day) and p.target.year:
                # «до 10 декабря 2022 г., далее ежегодно»: the rule starts in that year.
                first = date(p.target.year, 1, 1)
                lo = first if lo is None else min(lo, first)
            if isinstance(p, g.From) and n.has_year(p.node):
                lo = n.bounds(p.node)[0]
            elif isinstance(p, g.Time | g.During) and n.has_year(p.node):
                # «ежеквартально в течение 2023 года»: the quarters of that year.
                start, end = n.bounds(p.node)
                lo = start if lo is None else min(lo, start)
                hi = end if hi is None else max(hi, end)
        if any(isinstance(p, g.Onward) for p in self.parts):
            hi = None
        return lo, hi

    def sub_items(self, unit: str) -> list[n.Node]:
        items = [
            p.node
            for p in self.parts
            if isinstance(p, g.Time | g.During) and not n.has_year(p.node)
        ]
        if items and unit != "year":
            raise PhraseError(
                f"месяцы или даты внутри правила «{unit}» не поддерживаются: "
                + "; ".join(n.describe(i) for i in items)
            )
        return items

    def unit_windows(
        self,
        unit: str,
        us: date,
        ue: date,
        items: list[n.Node],
        untils: list[g.Until],
        before: list[g.BeforeEnd],
    ) -> list[Window]:
        if before:
            b = before[0]
            if b.working:
                return [_window(start=us, due=self.working_days_before(ue, b.days))]
            return [_window(start=us, due=_minus(ue, b.days, b.months))]
        days_of = next((p for p in self.parts if isinstance(p, g.DaysOf)), None)
        if days_of is not None:
            if unit != "month" or items or untils:
                raise PhraseError("числа месяца в правиле не по месяцам")
            last = min(days_of.last, ue.day)
            if days_of.first > last:
                return []
            return [_window(start=us.replace(day=days_of.first), due=us.replace(day=last))]
        if items:
            out = []
            for item in items:
                start, end = n.bounds(item, us.year)
                if len(untils) > 1:
                    raise PhraseError("несколько сроков «до» при месяцах внутри правила")
                if untils:
                    end = self.until_in_unit(untils[0], unit, us, ue)
                    if end < start:
                        raise PhraseError("срок «не позднее» раньше начала окна")
                out.append(_window(start=start, due=end))
            return out
        if len(untils) > 1:
            # «ежегодно до 15 апреля и до 15 октября»: one window up to each deadline.
            dues = sorted({self.until_in_unit(u, unit, us, ue) for u in untils})
            out, start = [], us
            for due in dues:
                if due >= start:
                    out.append(_window(start=start, due=due))
                start = due + timedelta(days=1)
            return out
        if untils:
            due = self.until_in_unit(untils[0], unit, us, ue)
            if due < us:
                return []
            return [_window(start=us, due=due)]
        return [_window(start=us, due=ue)]

    def until_in_unit(self, until: g.Until, unit: str, us: date, ue: date) -> date:
        target = until.target
        if isinstance(target, g.DayOf):
            month_index = target.month_index or 1
            size = UNIT_MONTHS.get(unit, 1)
            index = size if month_index == -1 else month_index
            if unit not in UNIT_MONTHS or index > size:
                raise PhraseError("не понятно, какого месяца это число")
            y, m = n.add_months(us.year, us.month, index - 1)
            return self.day_in_month(y, m, target)
        if isinstance(target, g.WeekdayRef):
            if unit != "week":
                raise PhraseError("день недели в правиле без «текущей недели»")
            return us + timedelta(days=target.weekday)
        if isinstance(target, n.Day) and target.month is not None:
            if unit != "year":
                raise PhraseError("дата внутри неежегодного правила")
            return n.make_date(us.year, target.month, target.day)
        if isinstance(target, n.Part) and target.part == "end":
            return n.bounds(target.of, us.year)[1]
        if isinstance(target, n.Month) and target.year is None and until.mode == "notlater":
            return n.bounds(target, us.year)[1]
        raise PhraseError(f"не понятен срок внутри правила: «{n.describe(target)}»")

    def working_days_before(self, last: date, count: int) -> date:
        """«за 5 рабочих дней до окончания квартала»: ``count`` working days back from ``last``."""
        self.check_calendar(last.year)
        day = last
        while count > 0:
            day -= timedelta(days=1)
            if self.reader.calendar.is_working_day(day):
                count -= 1
        return day

    def day_in_month(self, year: int, month: int, target: g.DayOf) -> date:
        if target.working:
            self.check_calendar(year)
            return self.reader.calendar.nth_working_day(date(year, month, 1), target.day)
        return n.make_date(year, month, min(target.day, n.month_end(year, month).day))

    def check_calendar(self, year: int) -> None:
        if not self.reader.calendar.is_known(year):
            self.reader.warnings.append(
                f"производственный календарь на {year} г. ещё не утверждён: переносы не учтены"
            )

    def report_window(
        self,
        unit: str,
        us: date,
        ue: date,
        untils: list[g.Until],
        workdays: g.WorkdaysAfter | None,
    ) -> Window | None:
        start = ue + timedelta(days=1)
        same_year = any(isinstance(p, g.ReportOf) and p.same_year for p in self.parts)
        if workdays is not None and not workdays.working:
            due = start + timedelta(days=workdays.count - 1)
        elif workdays is not None:
            self.check_calendar(start.year)
            due = self.reader.calendar.nth_working_day(start, workdays.count)
        elif len(untils) > 1:
            raise PhraseError("несколько сроков «до» в одном правиле отчётов")
        elif untils:
            target = untils[0].target
            if isinstance(target, g.DayOf):
                y, m = n.add_months(ue.year, ue.month, max(1, target.after_unit))
                due = self.day_in_month(y, m, target)
            elif isinstance(target, n.Day) and target.month is not None and target.year is None:
                year = us.year if same_year else start.year
                due = n.bounds(target, year)[0]
                if due < start and not same_year:
                    due = n.bounds(target, year + 1)[0]
                size = UNIT_MONTHS.get(unit, 12)
                y, m = n.add_months(ue.year, ue.month, size)
                if size < 12 and due > n.month_end(y, m):
                    # «по итогам полугодия до 25 июля»: the date belongs to the unit that
                    # ends just before it; a later unit's report would be due a year on.
                    return None
            else:
                raise PhraseError(f"не понятен срок отчёта: «{_until_text(untils[0])}»")
        elif self.results_only():
            # «по итогам года» with no due day: the results are summed up in the unit's last
            # month (docs/terms.md).
            self.reader.warnings.append(
                "срок отчёта не указан: взят последний месяц отчётного периода"
            )
            y, m = ue.year, ue.month
            return _window(start=date(y, m, 1), due=ue)
        else:
            raise PhraseError("не указан срок отчёта за период")
        if due < start:
            return None
        return _window(start=start, due=due)

    def results_only(self) -> bool:
        """«по итогам года» alone: a report on the unit with no due day and no «следующего»."""
        return any(isinstance(p, g.ReportOf) for p in self.parts) and not any(
            isinstance(p, g.NextUnit | g.Time) for p in self.parts
        )

    def weekdays(self, each: g.EachWeekday, freqs: set[str]) -> Expansion:
        ref = each.ref
        windows: list[Window] = []
        if each.scope == "week":
            day = self.period.start + timedelta(
                days=(ref.weekday - self.period.start.weekday()) % 7
            )
            while day <= self.period.end:
                windows.append(_window(start=day, due=day))
                day += timedelta(days=7)
        else:
            units = _units("month", self.period)
            for us, _ue in units:
                if each.scope == "year" and us.month != ref.month:
                    continue
                nth = _nth_weekday(us.year, us.month, ref.weekday, ref.nth or 1)
                if nth is not None and self.period.start <= nth <= self.period.end:
                    windows.append(_window(start=nth, due=nth))
        if not windows:
            raise PhraseError("правило не даёт ни одного срока в периоде дорожной карты")
        kind = Kind.RECURRING if len(windows) > 1 else Kind.ONCE
        return self.reader.result(kind, windows, _weekday_rule(each))


def _until_text(until: g.Until) -> str:
    target = until.target
    if isinstance(target, g.DayOf | g.WeekdayRef):
        return "число месяца"
    return n.describe(target)


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> date | None:
    if nth == -1:
        last = n.month_end(year, month)
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = date(year, month, 1)
    day = first + timedelta(days=(weekday - first.weekday()) % 7) + timedelta(weeks=nth - 1)
    return day if day.month == month else None


def _weekday_rule(each: g.EachWeekday) -> str:
    ref = each.ref
    name = WEEKDAYS_GEN[ref.weekday]
    if each.scope == "week":
        return f"еженедельно: {name}"
    nth = "последний" if ref.nth == -1 else f"{ref.nth}-й"
    if each.scope == "month":
        return f"ежемесячно: {name}, {nth} такой день месяца"
    return f"ежегодно: {name}, {nth} такой день месяца «{n.MONTHS_NOM[ref.month or 1]}»"
