"""The normal form of a phrase, in Russian, for people checking an import."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from tracker.terms import nodes as n

if TYPE_CHECKING:
    from tracker.terms import grammar as g

FREQ_WORDS = {
    "year": "ежегодно",
    "half": "раз в полугодие",
    "quarter": "ежеквартально",
    "third": "3 раза в год (каждые 4 месяца)",
    "bimonth": "6 раз в год (каждые 2 месяца)",
    "month": "ежемесячно",
    "week": "еженедельно",
    "day": "ежедневно",
    "schoolquarter": "каждую четверть",
    "trimester": "каждый триместр",
}
UNIT_GEN = {
    "year": "года",
    "half": "полугодия",
    "quarter": "квартала",
    "third": "трети года",
    "bimonth": "двух месяцев",
    "month": "месяца",
    "week": "недели",
    "day": "дня",
    "schoolquarter": "четверти",
    "trimester": "триместра",
}


def _item(item: object) -> str:
    from tracker.terms import grammar as g

    if isinstance(item, g.Until):
        target = item.target
        if isinstance(target, n.Part) and target.part in ("start", "end"):
            edge = "к началу" if target.part == "start" else "до конца"
            return f"{edge}: {n.describe(target.of)}"
        return ("не позднее " if item.mode == "notlater" else "до ") + _target(target)
    if isinstance(item, g.From):
        return f"с {n.describe(item.node)} до конца периода"
    if isinstance(item, g.BeforeEnd):
        return f"за {_amount(item)} до конца года"
    return n.describe(item)  # type: ignore[arg-type]


def _amount(item: g.BeforeEnd) -> str:
    if item.working:
        return f"{item.days} раб. дн."
    return f"{item.months} мес." if item.months else f"{item.days} дн."


def _target(target: object) -> str:
    from tracker.terms import grammar as g

    if isinstance(target, g.DayOf):
        kind = "рабочего дня" if target.working else "числа"
        where = ""
        if target.month_index == -1:
            where = " последнего месяца"
        elif target.month_index:
            where = f" {target.month_index}-го месяца"
        elif target.after_unit:
            where = f" {target.after_unit}-го месяца после отчётного периода"
        return f"{target.day}-го {kind}{where}"
    if isinstance(target, g.WeekdayRef):
        return (
            "понедельника",
            "вторника",
            "среды",
            "четверга",
            "пятницы",
            "субботы",
            "воскресенья",
        )[target.weekday]
    return n.describe(target)  # type: ignore[arg-type]


def describe_fixed(groups: Sequence[Sequence[object]]) -> str:
    """«IV квартал 2021 г.; IV квартал 2022 г.», alternatives joined by «или»."""
    return "; ".join(" или ".join(_item(item) for item in group) for group in groups)


def describe_rule(
    unit: str,
    items: list[n.Node],
    untils: list[g.Until],
    report: bool,
    lo: date | None,
    hi: date | None,
    workdays: g.WorkdaysAfter | None,
    before: list[g.BeforeEnd],
) -> str:
    """«ежегодно: январь; май», «ежеквартально, до 25-го числа последнего месяца»."""
    head = FREQ_WORDS.get(unit, unit)
    if lo is not None and hi is not None:
        head += f" (с {lo:%d.%m.%Y} по {hi:%d.%m.%Y})"
    elif lo is not None:
        head += f" (начиная с {lo:%d.%m.%Y})"
    elif hi is not None:
        head += f" (по {hi:%d.%m.%Y})"
    parts: list[str] = []
    if items:
        parts.append("; ".join(n.describe(i) for i in items))
    if before:
        parts.append(f"за {_amount(before[0])} до конца {UNIT_GEN[unit]}")
    if report:
        tail = "отчёт за каждый период после его окончания"
        if workdays is not None:
            kind = "рабочего дня" if workdays.working else "дня"
            tail += f", до {workdays.count}-го {kind}"
        elif untils:
            tail += ", " + _item(untils[0])
        parts.append(tail)
    elif untils:
        parts.append("; ".join(_item(u) for u in untils))
    return head + (": " + ", ".join(parts) if parts else "")
