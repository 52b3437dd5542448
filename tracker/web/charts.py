"""The board's charts: SVG drawn on the server by pygal, inlined in the page, no JavaScript.

* per executor, stacked bars: в срок / с нарушением / просрочено / в работе
  (:mod:`tracker.store.discipline`, the same figures as the table above them);
* per month, due against done.

The pages' Content-Security-Policy allows style sheets only from the site itself, so the
``<style>`` pygal writes into every chart is taken out: :func:`chart_css` serves the same rules
(made for the class ``tracker-chart`` instead of a random id) as ``/board/charts.css``. Every
series has a fill pattern of its own (solid, hatched, cross-hatched, dotted: :data:`PATTERNS`)
and every bar its number, so the charts read in grey print and without colour vision; the
``viewBox`` lets them shrink to a phone's width.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import pygal
from pygal.style import Style

from tracker.store.discipline import ExecutorFigures, Fact, Outcome, outcome

#: The executor chart's series: outcome, label, CSS fill (a pattern defined in the page).
SERIES: tuple[tuple[Outcome, str], ...] = (
    (Outcome.ON_TIME, "в срок"),
    (Outcome.LATE, "с нарушением"),
    (Outcome.OVERDUE, "просрочено"),
    (Outcome.PENDING, "в работе"),
)

COLOURS = ("#1b6e3a", "#b35900", "#b00020", "#4a6fa5")

#: Fill patterns by series (``color-N``), drawn from :data:`PATTERN_DEFS` in the page.
PATTERNS = ("url(#fill-solid-0)", "url(#fill-hatch-1)", "url(#fill-cross-2)", "url(#fill-dots-3)")

#: The ``<defs>`` of the patterns, put once into the page (a hidden inline SVG).
PATTERN_DEFS = f"""<svg class="chart-defs" width="0" height="0" aria-hidden="true">
<defs>
<pattern id="fill-solid-0" width="8" height="8" patternUnits="userSpaceOnUse">
<rect width="8" height="8" fill="{COLOURS[0]}"/></pattern>
<pattern id="fill-hatch-1" width="8" height="8" patternUnits="userSpaceOnUse"
 patternTransform="rotate(45)"><rect width="8" height="8" fill="#ffe0bf"/>
<rect width="3" height="8" fill="{COLOURS[1]}"/></pattern>
<pattern id="fill-cross-2" width="8" height="8" patternUnits="userSpaceOnUse">
<rect width="8" height="8" fill="{COLOURS[2]}"/>
<path d="M0 0L8 8M8 0L0 8" stroke="#fff" stroke-width="1.2"/></pattern>
<pattern id="fill-dots-3" width="8" height="8" patternUnits="userSpaceOnUse">
<rect width="8" height="8" fill="#dbe6f5"/><circle cx="4" cy="4" r="1.8" fill="{COLOURS[3]}"/>
</pattern>
</defs></svg>"""

MONTHS = ("янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек")

_STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#1a1a1a",
    foreground_strong="#000000",
    foreground_subtle="#767676",
    font_family="system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    value_font_size=13,
    legend_font_size=14,
    title_font_size=16,
    colors=COLOURS,
    opacity="1",
    opacity_hover="1",
)

_CLASS = "tracker-chart"
_ID = re.compile(r"chart-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_STYLE_ELEMENT = re.compile(r"<style[^>]*>(.*?)</style>", re.S)


@dataclass(frozen=True, slots=True)
class Chart:
    """One chart, ready to inline: its SVG (no ``<style>``, no script) and a description."""

    name: str
    title: str
    svg: str
    summary: str  # the same numbers as a sentence, for screen readers


def _config(**extra: object) -> dict[str, object]:
    return {
        "style": _STYLE,
        "js": [],
        "disable_xml_declaration": True,
        "explicit_size": False,
        "print_values": True,
        "print_zeroes": False,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 2,
        "show_y_guides": True,
        "truncate_label": 40,
        "truncate_legend": 30,
        "tooltip_border_radius": 0,
        "margin": 8,
        **extra,
    }


def _clean(svg: str, name: str, title: str) -> str:
    """Drop pygal's ``<style>``, inline style attributes and comments; name the chart."""
    svg = _STYLE_ELEMENT.sub("", svg)
    svg = re.sub(r"<script[^>]*>.*?</script>", "", svg, flags=re.S)
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
    svg = svg.replace(' style="opacity: 0"', "")
    svg = _ID.sub(f"chart-{name}", svg, count=1)
    svg = svg.replace(
        'class="pygal-chart"',
        f'class="pygal-chart {_CLASS}" role="img" aria-labelledby="chart-{name}-title"',
        1,
    )
    return svg.replace(">", f'><title id="chart-{name}-title">{title}</title>', 1)


@lru_cache(maxsize=1)
def chart_css() -> str:
    """The rules pygal would have inlined, for every chart of this module, plus the fills."""
    probe = pygal.Bar(**_config())
    probe.add("x", [1])
    css = html.unescape("\n".join(_STYLE_ELEMENT.findall(probe.render(is_unicode=True))))
    css = _ID.sub("__chart__", css).replace("#__chart__", f".{_CLASS}")
    fills = "\n".join(
        f".{_CLASS} .color-{index}, .{_CLASS} .color-{index} .rect "
        f"{{fill: {pattern} !important; stroke: {COLOURS[index]} !important; stroke-width: 1}}"
        for index, pattern in enumerate(PATTERNS)
    )
    extra = (
        f".{_CLASS} .tooltip {{display: none}}\n"
        f".{_CLASS} .text-overlay .value {{fill: #000; font-weight: bold;"
        " paint-order: stroke; stroke: #fff; stroke-width: 3px}\n"
        f".{_CLASS} {{width: 100%; height: auto; display: block}}\n"
        ".charts {display: grid; gap: 1rem; margin-top: 1rem;"
        " grid-template-columns: repeat(auto-fit, minmax(min(100%, 30rem), 1fr))}\n"
        ".chart {margin: 0; background: #fff; border: 1px solid #c9ced6; border-radius: 6px;"
        " padding: .25rem}\n"
        ".chart figcaption {font-weight: bold; padding: .25rem .5rem}\n"
        ".chart-defs {position: absolute; width: 0; height: 0; overflow: hidden}\n"
        ".visually-hidden {position: absolute; width: 1px; height: 1px; overflow: hidden;"
        " clip: rect(0 0 0 0); white-space: nowrap}\n"
        "table.discipline tfoot th, table.discipline tfoot td {font-weight: bold;"
        " border-top: 2px solid #1a1a1a}\n"
        "table.discipline th a {color: inherit}\n"
    )
    return f"{css}\n{fills}\n{extra}"


def executor_chart(rows: Sequence[ExecutorFigures], *, limit: int = 15) -> Chart:
    """Stacked bars per executor (the most overdue first), at most ``limit`` of them."""
    shown = tuple(
        (row.executor.name, tuple(row.figures.count(found) for found, _ in SERIES))
        for row in rows[:limit]
    )
    return _executor_chart(shown)


@lru_cache(maxsize=64)  # the board draws the same figures again and again: draw them once
def _executor_chart(shown: tuple[tuple[str, tuple[int, ...]], ...]) -> Chart:
    height = 140 + 34 * max(len(shown), 1)
    chart = pygal.HorizontalStackedBar(
        **_config(width=560, height=height, show_x_guides=True, show_y_guides=False)
    )
    title = "Исполнение по исполнителям"
    chart.x_labels = [_short_name(name) for name, _ in reversed(shown)]
    for index, (_found, label) in enumerate(SERIES):
        chart.add(label, [counts[index] or None for _, counts in reversed(shown)])
    parts = [
        f"{name}: " + ", ".join(f"{label} {counts[i]}" for i, (_, label) in enumerate(SERIES))
        for name, counts in shown
    ]
    summary = "; ".join(parts) or "Мероприятий нет."
    svg = _clean(chart.render(is_unicode=True), "executors", title)
    return Chart("executors", title, svg, summary)


def _short_name(name: str) -> str:
    return name if len(name) <= 30 else name[:29] + "…"


def months_of(today: date, back: int = 9, ahead: int = 3) -> list[date]:
    """First days of the months from ``back`` months before ``today``'s to ``ahead`` after."""
    first = today.year * 12 + today.month - 1
    return [date(m // 12, m % 12 + 1, 1) for m in range(first - back, first + ahead + 1)]


def month_counts(facts: Sequence[Fact], months: Sequence[date], on: date) -> list[tuple[int, int]]:
    """Per month: (occurrences due in it, occurrences done in it), cancelled ones left out."""
    index = {(m.year, m.month): i for i, m in enumerate(months)}
    counts = [[0, 0] for _ in months]
    for fact in facts:
        if outcome(fact, on) is None:
            continue
        due = index.get((fact.effective_due.year, fact.effective_due.month))
        if due is not None:
            counts[due][0] += 1
        done = fact.completed_on
        if fact.status == "done" and done is not None and done <= on:
            at = index.get((done.year, done.month))
            if at is not None:
                counts[at][1] += 1
    return [(due, done) for due, done in counts]


def month_chart(facts: Sequence[Fact], today: date) -> Chart:
    """Bars per month: how many were due in it against how many were done in it."""
    months = tuple(months_of(today))
    return _month_chart(months, tuple(month_counts(facts, months, today)))


@lru_cache(maxsize=64)
def _month_chart(months: tuple[date, ...], counts: tuple[tuple[int, int], ...]) -> Chart:
    top = max((max(pair) for pair in counts), default=0)
    step = max(1, -(-top // 6))  # about six whole-number ticks from 0
    ticks = list(range(0, top + step + 1, step))
    chart = pygal.Bar(
        **_config(width=560, height=320, x_label_rotation=0, include_x_axis=True, y_labels=ticks)
    )
    first, last = months[0], months[-1]
    title = (
        f"По месяцам, {MONTHS[first.month - 1]} {first.year} — {MONTHS[last.month - 1]} "
        f"{last.year}: срок и выполнение"
    )
    chart.x_labels = [MONTHS[m.month - 1] for m in months]
    chart.add("срок в месяце", [due or None for due, _ in counts])
    chart.add("выполнено в месяце", [done or None for _, done in counts])
    summary = "; ".join(
        f"{MONTHS[m.month - 1]} {m.year}: срок {due}, выполнено {done}"
        for m, (due, done) in zip(months, counts, strict=True)
    )
    svg = _clean(chart.render(is_unicode=True), "months", title)
    # «срок» takes the dotted fill of «в работе», «выполнено» the solid one of «в срок»
    svg = svg.replace("color-0", "color-x").replace("color-1", "color-0")
    svg = svg.replace("color-x", "color-3")
    return Chart("months", title, svg, summary)
