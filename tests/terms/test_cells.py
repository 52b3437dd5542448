"""Real cells (issue 13): the deadline inside a cell, the rest accounted for.

One case per phrase; the id names the family and the TERMS rule it reads by («r17-…» for rule
17, «r14-…» for clock times, «r10-…» for rules, «r16-…» for «текущего года» and the like).
Every expected window was worked out by hand and is written literally. ``warn`` says the result
must carry a warning (text or times were dropped, something was guessed); for ``Kind.ERROR`` the
message must name what was wrong.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tracker.terms import Kind, Period, expand

ONCE, REC, CONT, UNSCH, ERR = (
    Kind.ONCE,
    Kind.RECURRING,
    Kind.CONTINUOUS,
    Kind.UNSCHEDULED,
    Kind.ERROR,
)
P = Period(date(2022, 1, 1), date(2024, 12, 31))
A = Period(date(2022, 9, 1), date(2023, 8, 31))

Pair = tuple[str | None, str]


def day(iso: str) -> list[Pair]:
    return [(iso, iso)]


def span(start: str, due: str) -> list[Pair]:
    return [(start, due)]


def until(iso: str) -> list[Pair]:
    return [(None, iso)]


def case(text: str, period: Period, kind: Kind, windows: Any, warn: bool, id: str) -> Any:
    return pytest.param(text, period, kind, windows, warn, id=id)


CASES: list[Any] = [
    # ---- rule 17: only clock times is an error that says so
    case("18-00", P, ERR, "только время", False, "r17-clock-only-dash"),
    case("с 11-00", P, ERR, "только время", False, "r17-clock-only-from"),
    case("10.00, 12.00", P, ERR, "только время", False, "r17-clock-only-list"),
    case("9:30", P, ERR, "только время", False, "r17-clock-only-colon"),
    case("11-30 – 13-00", P, ERR, "только время", False, "r17-clock-only-span"),
    case("в 18.00", P, ERR, "только время", False, "r17-clock-only-v"),
    # ---- rules 14 and 17: clock times beside a date are ignored, with a warning
    case("14 мая 2022 с 10-00 до 15-30", P, ONCE, day("2022-05-14"), True, "r14-clock-dash-span"),
    case("14.05.2022, 12-00-14-30", P, ONCE, day("2022-05-14"), True, "r14-clock-glued-span"),
    case("14 мая 2022 г. 14:45", P, ONCE, day("2022-05-14"), True, "r14-clock-colon"),
    case("14 мая 2022 в 10 ч. 30 мин.", P, ONCE, day("2022-05-14"), True, "r14-clock-h-min"),
    case("в 14.00 ч. 12 октября 2022 г.", P, ONCE, day("2022-10-12"), True, "r14-clock-before"),
    case("12 октября 2022 г. в 14 часов", P, ONCE, day("2022-10-12"), True, "r14-clock-chasov"),
    case("с 9.00 до 13.00, 5 ноября 2022", P, ONCE, day("2022-11-05"), True, "r14-clock-from-to"),
    # a day span is not a clock time
    case("15-30 мая 2022", P, ONCE, span("2022-05-15", "2022-05-30"), False, "r4-days-not-clock"),
    case("1-15 марта 2023", P, ONCE, span("2023-03-01", "2023-03-15"), False, "r4-days-1-15"),
    # ---- rule 17: places, venues, participants, labels around a date
    case("Актовый зал, 14 мая 2022", P, ONCE, day("2022-05-14"), True, "r17-venue-before"),
    case("14 мая 2022, актовый зал", P, ONCE, day("2022-05-14"), True, "r17-venue-after"),
    case(
        "Учителя 5-х классов 3 - 5 марта 2023 г.",
        P,
        ONCE,
        span("2023-03-03", "2023-03-05"),
        True,
        "r17-participants-number-not-day",
    ),
    case(
        "10 мая 2022, городской парк, ул. Мира, д. 12",
        P,
        ONCE,
        day("2022-05-10"),
        True,
        "r17-address-house-number",
    ),
    case("кабинет 12, 14 мая 2022", P, ONCE, day("2022-05-14"), True, "r17-room-number-not-day"),
    case("МБОУ СОШ №2, 1 марта 2023", P, ONCE, day("2023-03-01"), True, "r17-school-numero"),
    case("№12а 1 марта 2023", P, ONCE, day("2023-03-01"), True, "r17-numero-letter"),
    case("к 80-летию Победы, 9 мая 2024", P, ONCE, day("2024-05-09"), True, "r17-anniversary"),
    case(
        "приказ № 3 от 15.03.2022, до 1 апреля 2022",
        P,
        ONCE,
        until("2022-04-01"),
        True,
        "r17-document-date-dropped",
    ),
    case(
        "25.05.2023, 10.00, актовый зал МБОУ СОШ № 5",
        P,
        ONCE,
        day("2023-05-25"),
        True,
        "r17-date-time-venue",
    ),
    case("17.11.2022 в 15:00, каб. 21", P, ONCE, day("2022-11-17"), True, "r17-cabinet-abbr"),
    case("Директор школы, май 2023", P, ONCE, span("2023-05-01", "2023-05-31"), True, "r17-person"),
    case("Спортзал школы, 20 апреля 2023 г.", P, ONCE, day("2023-04-20"), True, "r17-gym"),
    case("Отчёт - до 1 марта 2023", P, ONCE, until("2023-03-01"), True, "r17-label-dash"),
    # a word that names what is done («плана мероприятий») before the deadline is dropped text
    # with a warning, not a silent skip; after what it qualifies it stays quiet (rule 13)
    case(
        "плана мероприятий до 15.09. 2022 г.",
        P,
        ONCE,
        until("2022-09-15"),
        True,
        "r17-topic-before",
    ),
    case(
        "IV квартал 2022, мероприятия",
        P,
        ONCE,
        span("2022-10-01", "2022-12-31"),
        True,
        "r17-topic-after",
    ),
    case(
        "в течение периода реализации программы",
        P,
        CONT,
        span("2022-01-01", "2024-12-31"),
        False,
        "r13-topic-qualifies",
    ),
    case("Доклад: 1 марта 2023", P, ONCE, day("2023-03-01"), True, "r17-label-colon"),
    case("Информация — к 1 марта 2023", P, ONCE, until("2023-03-01"), True, "r17-label-emdash"),
    case(
        "Итоговый отчет - IV квартал 2023",
        P,
        ONCE,
        span("2023-10-01", "2023-12-31"),
        True,
        "r17-label-quarter",
    ),
    case("Актовый зал", P, ERR, "Актовый зал", False, "r17-no-deadline-names-text"),
    case("сенятбря 2022 г", P, ONCE, span("2022-09-01", "2022-09-30"), True, "r14-typo-swap"),
    case("сетнбря 2022", P, ERR, "сетнбря", False, "r17-near-miss-of-month-is-error"),
    case("г. Челябинск, 15 мая 2023", P, ONCE, day("2023-05-15"), True, "r17-city-abbreviation"),
    case("12.05.2022, начало в 10.00", P, ONCE, day("2022-05-12"), True, "r17-start-at-a-time"),
    case("в сроки, установленные планом", P, UNSCH, [], False, "r13-terms-set-by-plan"),
    case(
        "в течение текущего года",
        P,
        CONT,
        span("2022-01-01", "2022-12-31"),
        True,
        "r16-during-current",
    ),
    case(
        "1 этап - март 2023, 2 этап - сентябрь 2023",
        P,
        ONCE,
        [("2023-03-01", "2023-03-31"), ("2023-09-01", "2023-09-30")],
        True,
        "r17-stage-numbers-not-days",
    ),
    case("9 классов, 20 мая 2023", P, ONCE, day("2023-05-20"), True, "r17-counted-classes"),
    case("ежегодно, кроме 2023 года", P, ERR, "кроме", False, "r17-except-is-never-dropped"),
    # ---- rule 17: campaigns and undated events
    case("в течение месячника", P, CONT, span("2022-01-01", "2024-12-31"), False, "r17-campaign"),
    case(
        "в течение акции", P, CONT, span("2022-01-01", "2024-12-31"), False, "r17-campaign-aktsii"
    ),
    case("до начала отопительного сезона", P, UNSCH, [], False, "r17-heating-season"),
    case("в период навигации", P, UNSCH, [], False, "r17-navigation"),
    case(
        "Март апрель 2023",
        P,
        ONCE,
        [("2023-03-01", "2023-03-31"), ("2023-04-01", "2023-04-30")],
        True,
        "r17-months-without-separator-list",
    ),
    case("с 20.04 по 5.05", A, ONCE, span("2023-04-20", "2023-05-05"), False, "r17-r12-date-span"),
    case("конец мая", A, ONCE, span("2023-05-21", "2023-05-31"), False, "r17-r12-part"),
    # ---- rule 10: periodic reports with a yearly clause
    case(
        "ежеквартально, до 15 числа месяца, следующего за отчетным, и ежегодно до 20 января",
        Period(date(2022, 1, 1), date(2022, 12, 31)),
        REC,
        [
            ("2022-04-01", "2022-04-15"),
            ("2022-07-01", "2022-07-15"),
            ("2022-10-01", "2022-10-15"),
            ("2023-01-01", "2023-01-15"),
            ("2023-01-01", "2023-01-20"),
        ],
        False,
        "r10-quarterly-and-yearly-report",
    ),
    case(
        "ежегодно и ежеквартально до 10 числа месяца, следующего за отчетным периодом "
        "соответственно",
        Period(date(2022, 1, 1), date(2022, 12, 31)),
        REC,
        [
            ("2022-04-01", "2022-04-10"),
            ("2022-07-01", "2022-07-10"),
            ("2022-10-01", "2022-10-10"),
            ("2023-01-01", "2023-01-10"),
        ],
        False,
        "r10-respectively",
    ),
    case(
        "ежеквартально и по итогам года до 20 числа месяца, следующего за отчетным периодом",
        Period(date(2022, 1, 1), date(2022, 12, 31)),
        REC,
        [
            ("2022-04-01", "2022-04-20"),
            ("2022-07-01", "2022-07-20"),
            ("2022-10-01", "2022-10-20"),
            ("2023-01-01", "2023-01-20"),
        ],
        False,
        "r10-quarterly-and-year-results",
    ),
    # ---- rule 10: a dated unit «далее ежегодно» repeats that unit, from the year written
    case(
        "декабрь 2022 года, далее - ежегодно",
        P,
        REC,
        [("2022-12-01", "2022-12-31"), ("2023-12-01", "2023-12-31"), ("2024-12-01", "2024-12-31")],
        False,
        "r10-onward-month-yearly",
    ),
    case(
        "IV квартал 2022 г., далее ежегодно",
        P,
        REC,
        [("2022-10-01", "2022-12-31"), ("2023-10-01", "2023-12-31"), ("2024-10-01", "2024-12-31")],
        False,
        "r10-onward-quarter-yearly",
    ),
    case(
        "в период летних каникул 2023 года",
        P,
        ONCE,
        span("2023-06-01", "2023-08-31"),
        True,
        "r17-year-after-dropped-word",
    ),
    # ---- rule 10: «не реже …», «не позднее чем за …»
    case(
        "не реже, чем раз в полугодие",
        Period(date(2022, 1, 1), date(2022, 12, 31)),
        REC,
        [("2022-01-01", "2022-06-30"), ("2022-07-01", "2022-12-31")],
        False,
        "r10-at-least-half-year",
    ),
    case(
        "не реже 3 раз в год",
        Period(date(2022, 1, 1), date(2022, 12, 31)),
        REC,
        [("2022-01-01", "2022-04-30"), ("2022-05-01", "2022-08-31"), ("2022-09-01", "2022-12-31")],
        False,
        "r10-at-least-three-times-a-year",
    ),
    case(
        "не реже двух раз в год",
        Period(date(2022, 1, 1), date(2022, 12, 31)),
        REC,
        [("2022-01-01", "2022-06-30"), ("2022-07-01", "2022-12-31")],
        False,
        "r10-at-least-twice-words",
    ),
    case(
        "не позднее чем за 15 дней до истечения текущего месяца",
        Period(date(2023, 1, 1), date(2023, 3, 31)),
        REC,
        [("2023-01-01", "2023-01-16"), ("2023-02-01", "2023-02-13"), ("2023-03-01", "2023-03-16")],
        False,
        "r16-not-later-than-days-before-month-end",
    ),
    case(
        "не позднее, чем за 10 дней до окончания квартала",
        Period(date(2023, 1, 1), date(2023, 6, 30)),
        REC,
        [("2023-01-01", "2023-03-21"), ("2023-04-01", "2023-06-20")],
        False,
        "r16-not-later-comma-quarter",
    ),
    # ---- rule 16: «текущего года» in a once-phrase
    case("20 ноября текущего года", P, ONCE, day("2022-11-20"), True, "r16-current-year-date"),
    case(
        "не позднее 25 декабря текущего года", P, ONCE, until("2022-12-25"), True, "r16-current-nl"
    ),
    case("в срок до 1 июля текущего года", A, ONCE, until("2022-07-01"), True, "r16-current-acad"),
    # ---- rules 1, 2, 9: a comma between a month and its year is one window
    case("Ноябрь, 2023", P, ONCE, span("2023-11-01", "2023-11-30"), False, "r1-month-comma-year"),
    case("октябрь, 2022 г.", P, ONCE, span("2022-10-01", "2022-10-31"), False, "r1-month-comma-g"),
    case("март-май, 2024 года", P, ONCE, span("2024-03-01", "2024-05-31"), False, "r2-span-comma"),
    case("14 мая в 2023 году", P, ONCE, day("2023-05-14"), False, "r3-date-v-godu"),
    case("2023 г., март", P, ONCE, span("2023-03-01", "2023-03-31"), False, "r9-year-before-month"),
    case(
        "2022, сентябрь; 2023, октябрь",
        P,
        ONCE,
        [("2022-09-01", "2022-09-30"), ("2023-10-01", "2023-10-31")],
        False,
        "r9-years-written-first",
    ),
    case("окт-2022", P, ONCE, span("2022-10-01", "2022-10-31"), False, "r1-month-dash-year"),
    case("янв.-2023", P, ONCE, span("2023-01-01", "2023-01-31"), False, "r1-abbr-dash-year"),
    case(
        "1 квартал -2022", P, ONCE, span("2022-01-01", "2022-03-31"), False, "r6-quarter-dash-year"
    ),
    case("II квартал - 2023", P, ONCE, span("2023-04-01", "2023-06-30"), False, "r6-q-dash-year"),
    # ---- rule 4: a list joined by «по» where only the last has its year is a span
    case("20.11. по 22.11.2023", P, ONCE, span("2023-11-20", "2023-11-22"), False, "r4-po-span"),
    case("01.09. по 05.09.2022 г.", P, ONCE, span("2022-09-01", "2022-09-05"), False, "r4-po-g"),
    case("10 по 15 октября 2022", P, ONCE, span("2022-10-10", "2022-10-15"), False, "r4-po-days"),
    # ---- rule 10: working days after the reporting month
    case(
        "ежемесячно в срок до 5-го рабочего дня месяца, следующего за отчетным",
        Period(date(2022, 1, 1), date(2022, 3, 31)),
        REC,
        [("2022-02-01", "2022-02-07"), ("2022-03-01", "2022-03-05"), ("2022-04-01", "2022-04-07")],
        False,
        "r10-working-day-after-month",
    ),
    case(
        "в срок до 5-го рабочего дня месяца, следующего за отчетным",
        Period(date(2022, 1, 1), date(2022, 2, 28)),
        REC,
        [("2022-02-01", "2022-02-07"), ("2022-03-01", "2022-03-05")],
        False,
        "r10-working-day-after-month-no-freq",
    ),
    # ---- rules 13, 16: pointers to other plans and events
    case("согласно плану работы", P, UNSCH, [], False, "r13-according-to-plan"),
    case("по плану работы", P, UNSCH, [], False, "r13-po-planu"),
    case("по графику", P, UNSCH, [], False, "r13-schedule"),
    case("по мере выявления нарушений", P, UNSCH, [], True, "r13-as-violations-found"),
    case("по мере поступления документов", P, UNSCH, [], True, "r13-as-received"),
    case(
        "в течение всего срока действия плана",
        P,
        CONT,
        span("2022-01-01", "2024-12-31"),
        False,
        "r13-whole-term-of-plan",
    ),
    case("в течение всего периода", P, CONT, span("2022-01-01", "2024-12-31"), False, "r13-whole"),
    case(
        "в течение срока действия соглашения",
        P,
        CONT,
        span("2022-01-01", "2024-12-31"),
        False,
        "r13-term-of-agreement",
    ),
    case(
        "в период действия программы",
        P,
        CONT,
        span("2022-01-01", "2024-12-31"),
        False,
        "r13-while-in-force",
    ),
    case("втечение года", P, CONT, span("2022-01-01", "2024-12-31"), True, "r13-glued-vtechenie"),
    # ---- rule 5: «включительно»
    case("до 1 марта 2023 включительно", P, ONCE, until("2023-03-01"), False, "r5-inclusive"),
    case("до 1 марта 2023 (включительно)", P, ONCE, until("2023-03-01"), False, "r5-incl-paren"),
    case("по 30 ноября 2022 включительно", P, ONCE, until("2022-11-30"), False, "r5-po-inclusive"),
    # ---- rule 7: abbreviated academic years
    case("2022-2023 уч. г.", A, ONCE, span("2022-09-01", "2023-08-31"), False, "r7-acad-uch-g"),
    case("2022/23 уч.год", A, ONCE, span("2022-09-01", "2023-08-31"), False, "r7-acad-short-year"),
    case("2023/24 уч. года", P, ONCE, span("2023-09-01", "2024-08-31"), False, "r7-acad-goda"),
    # ---- rules 8, 16: decades and halves of a month
    case(
        "в последней декаде октября 2022",
        P,
        ONCE,
        span("2022-10-21", "2022-10-31"),
        False,
        "r8-last-decade",
    ),
    case(
        "во второй декаде ноября 2022",
        P,
        ONCE,
        span("2022-11-11", "2022-11-20"),
        False,
        "r8-second-decade",
    ),
    case(
        "в первой половине марта 2023",
        P,
        ONCE,
        span("2023-03-01", "2023-03-15"),
        False,
        "r16-first-half-of-month",
    ),
    case(
        "во второй половине октября 2022",
        P,
        ONCE,
        span("2022-10-16", "2022-10-31"),
        False,
        "r16-second-half-of-month",
    ),
    # ---- rule 14: damage from PDF and Word copying
    case("третийквартал 2022", P, ONCE, span("2022-07-01", "2022-09-30"), True, "r14-glued-words"),
    case("до1 марта 2023", P, ONCE, until("2023-03-01"), False, "r14-glued-do"),
    case(
        "с 01.марта по 15 марта 2023",
        P,
        ONCE,
        span("2023-03-01", "2023-03-15"),
        False,
        "r14-stray-dot-before-month",
    ),
    case("03.- 09.04.23г.", P, ONCE, span("2023-04-03", "2023-04-09"), False, "r14-stray-dot-dash"),
    case("учрежде- ния 1 марта 2023", P, ONCE, day("2023-03-01"), True, "r14-hyphen-break-word"),
    case("IVквартал2022", P, ONCE, span("2022-10-01", "2022-12-31"), True, "r14-glued-all"),
    case("1-15.03.2023", P, ONCE, span("2023-03-01", "2023-03-15"), False, "r4-day-dash-date"),
    case(
        "1 марта 2023, во второй половине дня", P, ONCE, day("2023-03-01"), False, "r14-afternoon"
    ),
    case(
        "ежеквар- тально",
        Period(date(2022, 1, 1), date(2022, 6, 30)),
        REC,
        [("2022-01-01", "2022-03-31"), ("2022-04-01", "2022-06-30")],
        False,
        "r14-hyphen-break-frequency",
    ),
    case("сен- тябрь 2022", P, ONCE, span("2022-09-01", "2022-09-30"), False, "r14-hyphen-month"),
    # ---- «never silently wrong»: junk appended reads the same, with a warning
    case("декабрь 2022 漢字", P, ONCE, span("2022-12-01", "2022-12-31"), True, "r17-junk-cjk"),
    case("декабрь 2022 DROP", P, ONCE, span("2022-12-01", "2022-12-31"), True, "r17-junk-caps"),
    case("декабрь 2022 hello", P, ONCE, span("2022-12-01", "2022-12-31"), True, "r17-junk-word"),
    case("декабрь 2022 🙂", P, ONCE, span("2022-12-01", "2022-12-31"), True, "r17-junk-emoji"),
    case("январь до 漢字", P, ERR, "до", False, "r17-junk-after-do-is-error"),
]


@pytest.mark.parametrize(("text", "period", "kind", "windows", "warn"), CASES)
def test_cell(text: str, period: Period, kind: Kind, windows: Any, warn: bool) -> None:
    res = expand(text, period)
    if kind is Kind.ERROR:
        assert res.kind is Kind.ERROR, res.to_json()
        assert res.error and windows in res.error, res.to_json()
        return
    assert res.kind is kind, res.to_json()
    got = [(w.start.isoformat() if w.start else None, w.due.isoformat()) for w in res.windows]
    assert got == windows, res.to_json()
    if warn:
        assert res.warnings, res.to_json()


def test_cells_are_well_formed() -> None:
    ids = [p.id for p in CASES]
    assert len(ids) == len(set(ids))
    assert all(i.isascii() and i.startswith("r") and "-" in i for i in ids)
