"""The executors file: validation, name matching, and the committed example for the seeds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tracker.errors import InputError
from tracker.store.executors import (
    ExecutorEntry,
    Known,
    NameIndex,
    load_executors,
    normalize,
    parse_executors,
)

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "tests" / "fixtures"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Бычкова О.И.", "бычкова о. и."),
        ("«Ёлка»  центр", "елка центр"),
        ("МКОУ СОШ №1 ", "мкоу сош №1"),
    ],
)
def test_normalize(a: str, b: str) -> None:
    assert normalize(a) == normalize(b)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"executor": [{"name": "X", "emial": []}]}, "executor 1 «X»: unknown key 'emial'"),
        ({"executor": [{"kind": "person"}]}, "executor 1: needs a name"),
        ({"executor": [{"name": "X", "kind": "robot"}]}, "kind must be one of person"),
        ({"executor": [{"name": "X", "emails": ["not-an-address"]}]}, "bad e-mail address"),
        ({"executor": [{"name": "X", "timezone": "Moon/Base"}]}, "unknown time zone"),
        ({"executor": [{"name": "X"}, {"name": "x"}]}, "«x» is listed twice"),
        (
            {"executor": [{"name": "X", "aliases": ["Z"]}, {"name": "Y", "aliases": ["z"]}]},
            "«z» names both «X» and «Y»",
        ),
        ({"person": []}, "unknown top-level key 'person'"),
    ],
)
def test_bad_entries_are_input_errors(data: dict[str, object], message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_executors(data, "executors.toml")
    assert message in str(caught.value)
    assert str(caught.value).startswith("executors.toml: ")


def test_same_alias_in_different_roadmaps_is_fine() -> None:
    entries = parse_executors(
        {
            "executor": [
                {"name": "Директор школы 1", "aliases": ["директор"], "roadmaps": ["a"]},
                {"name": "Директор школы 2", "aliases": ["директор"], "roadmaps": ["b"]},
            ]
        },
        "x",
    )
    assert [entry.name for entry in entries] == ["Директор школы 1", "Директор школы 2"]


def test_scoped_match_wins_over_global() -> None:
    directory = NameIndex(
        [
            Known(1, "Global", ("директор",), (), ()),
            Known(2, "Scoped", ("директор",), ("a",), ("a",)),
        ]
    )
    assert directory.match("Директор", "a") == 2
    assert directory.match("Директор", "b") == 1
    assert directory.match("Завуч", "a") is None
    assert directory.coordinators("a", []) == [2]
    assert directory.coordinators("b", ["Директор"]) == [1]


def test_broken_toml_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "executors.toml"
    path.write_text("[[executor]\nname = 1", encoding="utf-8")
    with pytest.raises(InputError, match="not valid TOML"):
        load_executors(path)


def _seed_names() -> dict[str, set[str]]:
    """Responsible names per seed slug: the gold fixture's and the importer's."""
    names: dict[str, set[str]] = {}
    gold = json.loads((SEEDS / "seed-roadmaps.json").read_text(encoding="utf-8"))
    for file_name, seed in gold.items():
        slug = file_name.removesuffix(".txt")
        names[slug] = {n for a in seed["activities"] for n in (a["responsible"] or [])}
    from tracker.roadmap.importer import import_roadmap
    from tracker.terms import Period

    for path in sorted((SEEDS / "roadmaps").glob("*.txt")):
        # ilovlya-2022 states no period; any will do for its names
        period = None if gold[path.name]["period"] else Period.parse("2022-09-01:2023-08-31")
        imported = import_roadmap(path, period=period)
        names[imported.slug] |= {n for a in imported.activities for n in a.responsible}
    return names


def test_example_executors_cover_the_seed_roadmaps() -> None:
    entries = load_executors(ROOT / "schedules" / "executors.toml")
    directory = NameIndex(
        Known(i, e.name, e.spellings(), e.roadmaps, e.coordinates)
        for i, e in enumerate(entries, start=1)
    )
    for slug, names in _seed_names().items():
        unknown = sorted(name for name in names if directory.match(name, slug) is None)
        assert unknown == [], f"{slug}: add to schedules/executors.toml: {unknown}"
        assert directory.coordinators(slug, []), f"{slug} has no coordinator"
    for entry in entries:
        assert entry.emails and all(e.endswith("example.org") for e in entry.emails)
        assert entry.timezone and entry.role


def test_entry_spellings() -> None:
    entry = ExecutorEntry(name="МКУ ГИМЦ в системе образования", aliases=("«МКУ ГИМЦ»",))
    assert entry.spellings() == ("мку гимц в системе образования", "мку гимц")
