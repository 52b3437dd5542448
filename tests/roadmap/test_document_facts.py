"""The document's facts: title, issuer, number, date and period."""

from __future__ import annotations

from datetime import date

import pytest
from roadmap_helpers import imported

from tracker.roadmap.document import find_period, parse_date, read_facts
from tracker.terms import Period

PERIODS = [
    ("на период 2022-2024 гг.", "2022-01-01:2024-12-31"),
    ("на 2022-2023 учебный год", "2022-09-01:2023-08-31"),
    ("в 2021-2022 годах", "2021-01-01:2022-12-31"),
    ("на 2020 – 2025 учебный год", "2020-09-01:2025-08-31"),
    ("на 2022-2023 уч.год", "2022-09-01:2023-08-31"),
    ("на 2022/2023 учебный год", "2022-09-01:2023-08-31"),
    ("на 2021—2023 годы", "2021-01-01:2023-12-31"),
    ("Дорожная карта на период с 2019 по 2021 год", "2019-01-01:2021-12-31"),
]
NOT_PERIODS = [
    "от 29.04.2022 года № 87",
    "Федерального закона от 29 декабря 2012 года № 273-ФЗ",
    "в 2022 году проведено 5 семинаров",
    "на 2022 учебный год",
    "на период 2010-2040 гг.",
    "на 2024-2022 годы",
]


@pytest.mark.parametrize(("text", "period"), PERIODS)
def test_periods(text: str, period: str) -> None:
    found = find_period(text, in_title=False)
    assert found is not None
    assert found[0] == Period.parse(period)


@pytest.mark.parametrize("text", NOT_PERIODS)
def test_not_periods(text: str) -> None:
    assert find_period(text, in_title=False) is None


def test_a_single_year_counts_only_in_a_title() -> None:
    assert find_period("План работы на 2023 год", in_title=True) == (
        Period.parse("2023-01-01:2023-12-31"),
        "на 2023 год",
    )
    assert find_period("План работы на 2023 год", in_title=False) is None
    assert find_period("Приказ от 29.04.2022 года", in_title=True) is None


def test_no_period_is_never_guessed() -> None:
    facts = read_facts(["ПРИКАЗ", "от 30 апреля 2022 г. № 88", "Об утверждении плана", "2022"])
    assert facts.period is None


@pytest.mark.parametrize(
    ("text", "when"),
    [
        ("12.12.2022", date(2022, 12, 12)),
        ("08.09.2022  г.      г. Спасск - Дальний     №  165/1-А", date(2022, 9, 8)),
        ("18 МАР 2021", date(2021, 3, 18)),
        ("От « 30 » апреля 2022г.", date(2022, 4, 30)),
        ("от 1.09.09", date(2009, 9, 1)),
        ("31.02.2022", None),
    ],
)
def test_document_dates(text: str, when: date | None) -> None:
    assert parse_date(text) == when


SEED_FACTS = {
    "divnogorsk-2022.txt": (
        "Об утверждении муниципальной дорожной карты",
        "Отдел образования администрации города Дивногорска",
        "261",
        date(2022, 12, 12),
    ),
    "pelym-2020.txt": (
        "«Дорожная карта» (план) реализации целевой модели наставничества в МКОУ СОШ № 1 п. Пелым"
        " на 2020 – 2025 учебный год",
        "администрации городского округа Пелым",
        "348",
        date(2020, 11, 13),
    ),
    "spassk-2022.txt": (
        "ПЛАН по реализации методологии (целевой модели) наставничества в Спасском муниципальном"
        " районе на 2022-2023 уч.год",
        "АДМИНИСТРАЦИЯ СПАССКОГО МУНИЦИПАЛЬНОГО РАЙОНА ПРИМОРСКОГО КРАЯ УПРАВЛЕНИЕ ОБРАЗОВАНИЯ",
        "165/1-А",
        date(2022, 9, 8),
    ),
    "chelyabinsk-2021.txt": (
        "Дорожная карта реализации региональной целевой модели наставничества в Челябинской"
        " области в 2021-2022 годах региональным центром наставничества для образовательных"
        " организаций, осуществляющих деятельность по общеобразовательным программам",
        "МИНИСТЕРСТВО ОБРАЗОВАНИЯ И НАУКИ ЧЕЛЯБИНСКОЙ ОБЛАСТИ",
        "01/719",
        date(2021, 3, 18),
    ),
    "ilovlya-2022.txt": (
        "План мероприятий «Дорожная карта» по внедрению системы наставничества педагогических"
        " работников МБОУ ДО ЦДТ",
        "МУНИЦИПАЛЬНОЕ БЮДЖЕТНОЕ ОБРАЗОВАТЕЛЬНОЕ УЧРЕЖДЕНИЕ ДОПОЛНИТЕЛЬНОГО ОБРАЗОВАНИЯ ЦЕНТР"
        " ДЕТСКОГО ТВОРЧЕСТВА ИЛОВЛИНСКОГО МУНИЦИПАЛЬНОГО РАЙОНА ВОЛГОГРАДСКОЙ ОБЛАСТИ"
        " (МБОУ ДО ЦДТ)",
        "88",
        date(2022, 4, 30),
    ),
}


@pytest.mark.parametrize("name", sorted(SEED_FACTS))
def test_seed_documents(name: str) -> None:
    roadmap = imported(name)
    title, issuer, number, when = SEED_FACTS[name]
    assert roadmap.title == title
    assert roadmap.issuer == issuer
    assert roadmap.document_number == number
    assert roadmap.document_date == when
