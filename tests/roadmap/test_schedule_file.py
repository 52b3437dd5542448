"""Schedule files: round trip, overrides, and broken files reported by name and place."""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from roadmap_helpers import SEEDS, imported

from tracker.errors import InputError
from tracker.roadmap import schedule_file
from tracker.roadmap.importer import read_deadline
from tracker.roadmap.model import Activity, Roadmap
from tracker.terms import Kind, Period, Window

ROOT = Path(__file__).resolve().parents[2]


def _round_trip(roadmap: Roadmap, tmp_path: Path) -> Roadmap:
    path = tmp_path / f"{roadmap.slug}.toml"
    schedule_file.write(roadmap, path, force=True)
    return schedule_file.load(path)


@pytest.mark.parametrize("name", SEEDS)
def test_round_trip_gives_the_same_activities(name: str, tmp_path: Path) -> None:
    roadmap = imported(name)
    back = _round_trip(roadmap, tmp_path)
    assert back.activities == roadmap.activities
    assert back == roadmap


def test_the_file_is_plain_toml_with_one_table_per_row(tmp_path: Path) -> None:
    roadmap = imported("divnogorsk-2022.txt")
    text = schedule_file.dumps(roadmap)
    data = tomllib.loads(text)
    assert len(data["activity"]) == len(roadmap.activities) == text.count("\n[[activity]]\n")
    first = data["activity"][0]
    assert first["deadline"] == "апрель 2022 г."
    assert first["kind"] == "once"
    assert first["windows"] == [{"start": date(2022, 4, 1), "due": date(2022, 4, 30)}]
    assert '# override_phrase = ""' in text and "# override_windows = []" in text
    assert data["period"] == {"start": date(2022, 1, 1), "end": date(2024, 12, 31)}


def test_overrides_round_trip_and_apply(tmp_path: Path) -> None:
    roadmap = imported("spassk-2022.txt")
    roadmap = Roadmap(**{f: getattr(roadmap, f) for f in roadmap.__dataclass_fields__})
    roadmap.activities = [a for a in roadmap.activities]
    first, second = schedule_file.loads(schedule_file.dumps(roadmap), Path("x.toml")).activities[:2]
    first.override_windows = [Window(date(2022, 9, 30), date(2022, 9, 1))]
    second.override_phrase = "IV квартал 2022 г."
    second.expansion = None
    roadmap.activities = [first, second]
    back = _round_trip(roadmap, tmp_path)
    assert back.activities[0].override_windows == first.override_windows
    assert back.activities[0].windows == (Window(date(2022, 9, 30), date(2022, 9, 1)),)
    assert back.activities[0].kind is Kind.ONCE
    assert back.activities[1].deadline == "август 2022 г."
    assert back.activities[1].override_phrase == "IV квартал 2022 г."
    assert back.activities[1].windows == (Window(date(2022, 12, 31), date(2022, 10, 1)),)


def test_an_admin_edit_by_hand(tmp_path: Path) -> None:
    path = tmp_path / "spassk.toml"
    schedule_file.write(imported("spassk-2022.txt"), path)
    text = path.read_text(encoding="utf-8")
    text = text.replace('# override_phrase = ""', 'override_phrase = "до 20.09.2022"', 1)
    head, first, rest = text.split("# override_windows = []", 2)  # the second activity's
    text = head + "# override_windows = []" + first
    text += "override_windows = [{ due = 2022-09-30 }]" + rest
    path.write_text(text, encoding="utf-8")
    loaded = schedule_file.load(path)
    first, second = loaded.activities[:2]
    assert first.override_phrase == "до 20.09.2022"
    assert first.windows == (Window(date(2022, 9, 20)),)
    assert any("differ from what" in w for w in loaded.warnings)
    assert second.windows == (Window(date(2022, 9, 30)),)


def test_stale_computed_windows_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "spassk.toml"
    schedule_file.write(imported("spassk-2022.txt"), path)
    text = path.read_text(encoding="utf-8").replace(
        'deadline = "август 2022 г."', 'deadline = "сентябрь 2022 г."'
    )
    path.write_text(text, encoding="utf-8")
    loaded = schedule_file.load(path)
    assert loaded.activities[1].windows == (Window(date(2022, 9, 30), date(2022, 9, 1)),)
    assert any(
        "activity #2 (number 2)" in w and "new reading is used" in w for w in loaded.warnings
    )


BROKEN = [
    ("title = \n", "not valid TOML"),
    ('titel = "x"\n', "unknown key 'titel' (did you mean 'title'?)"),
    (
        '[[activity]]\nnumber = "1"\ntitle = "x"\ndeadline = "май 2023"\noveride_phrase = "x"\n',
        "activity #1: unknown key 'overide_phrase' (did you mean 'override_phrase'?)",
    ),
    ('[[activity]]\nnumber = "1"\ntitle = "x"\n', "activity #1 (number 1): 'deadline' is missing"),
    (
        '[[activity]]\nnumber = "1"\ntitle = "x"\ndeadline = "май 2023"\nresponsible = "Иванов"\n',
        "'responsible' must be a list of text",
    ),
    (
        '[[activity]]\nnumber = "1"\ntitle = "x"\ndeadline = "май"\n'
        "override_windows = [{ start = 2023-05-31, due = 2023-05-01 }]\n",
        "override_windows #1: starts after it is due",
    ),
    (
        '[[activity]]\nnumber = "1"\ntitle = "x"\ndeadline = "май"\n'
        'override_windows = [{ due = "31 мая" }]\n',
        "'due' must be a date written YYYY-MM-DD",
    ),
    ('[[activity]]\ntitle = "x"\ndeadline = "май"\n', "activity #1: 'number' is missing"),
    ("activity = 3\n", "'activity' must be written as [[activity]] tables"),
]
HEAD = 'title = "План"\ntimezone = "Europe/Moscow"\n'
PERIOD = "[period]\nstart = 2023-01-01\nend = 2023-12-31\n"


@pytest.mark.parametrize(("body", "message"), BROKEN, ids=lambda v: str(v)[:24])
def test_broken_files_name_the_file_and_what_is_wrong(
    body: str, message: str, tmp_path: Path
) -> None:
    path = tmp_path / "broken.toml"
    top, tables = (body, "") if not body.startswith("[[") else ("", body)
    path.write_text(HEAD + top + PERIOD + tables, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        schedule_file.load(path)
    assert str(path) in str(caught.value)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('title = "План"\n' + PERIOD, "'timezone' is missing"),
        ('title = "План"\ntimezone = "Mars/Base"\n' + PERIOD, "unknown time zone"),
        (HEAD, "'start' is missing"),
        (HEAD + "[period]\nstart = 2023-01-01\nend = 2022-01-01\n", "ends before it starts"),
        (HEAD + "[period]\nstart = 2023-01-01T10:00:00\nend = 2023-12-31\n", "not a date and time"),
        ("format = 2\n" + HEAD + PERIOD, "format 2 is not one this tracker reads"),
    ],
)
def test_broken_top_level(text: str, message: str, tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(message)):
        schedule_file.load(path)


def test_minimal_hand_written_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(
        HEAD
        + PERIOD
        + '[[activity]]\nnumber = "1"\ntitle = "Отчёт"\ndeadline = "до 1 июня 2023"\n',
        encoding="utf-8",
    )
    roadmap = schedule_file.load(path)
    assert roadmap.slug == "mine"
    assert roadmap.activities[0].number == "1"
    assert roadmap.activities[0].windows == (Window(date(2023, 6, 1)),)


def test_missing_and_non_utf8_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such schedule file"):
        schedule_file.load(tmp_path / "none.toml")
    path = tmp_path / "cp1251.toml"
    path.write_bytes('title = "План"'.encode("cp1251"))
    with pytest.raises(InputError, match="not UTF-8"):
        schedule_file.load(path)


def test_readme_documents_every_key() -> None:
    readme = (ROOT / "schedules" / "README.md").read_text(encoding="utf-8")
    for key in (*schedule_file._TOP_KEYS, *schedule_file._ACTIVITY_KEYS):
        assert f"`{key}`" in readme, key


TEXT = st.text(max_size=40)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    number=TEXT,
    title=TEXT,
    deadline=TEXT,
    result=st.none() | TEXT,
    section=st.none() | TEXT,
    responsible=st.lists(TEXT, max_size=3),
    override=st.none() | TEXT,
)
def test_any_text_survives_the_round_trip(
    number: str,
    title: str,
    deadline: str,
    result: str | None,
    section: str | None,
    responsible: list[str],
    override: str | None,
) -> None:
    period = Period(date(2022, 1, 1), date(2022, 12, 31))
    activity = Activity(
        number=number,
        title=title,
        deadline=deadline,
        section=section,
        result=result,
        responsible=responsible,
        override_phrase=override,
    )
    activity.expansion = read_deadline(activity.effective_phrase, period)
    roadmap = Roadmap(slug="s", title=title, period=period, activities=[activity])
    back = schedule_file.loads(schedule_file.dumps(roadmap), Path("x.toml"))
    assert back.activities == roadmap.activities
    assert back.title == title


def test_carriage_return_in_an_override_phrase_survives_the_round_trip() -> None:
    """Found by hypothesis: «\\r\\n» in override_phrase came back as «\\n»."""
    import tomllib

    from tracker.roadmap.schedule_file import _toml

    text = _toml({"override_phrase": "IV квартал\r\n2022 г."})
    assert tomllib.loads(text)["override_phrase"] == "IV квартал\r\n2022 г."


# --- issue 17: one schema for every value (types, charset, length) ------------------------------

ONE = '[[activity]]\nnumber = "1"\ntitle = "x"\ndeadline = "май 2023"\n'
HOSTILE = [
    ('slug = "../../etc/x"\n', "'slug' '../../etc/x' is not a slug"),
    ('slug = "a/b"\n', "'slug' 'a/b' is not a slug"),
    ('slug = "x..y"\n', "is not a slug"),
    ('slug = ".hidden"\n', "is not a slug"),
    ('slug = "plan:1"\n', "is not a slug"),
    ("slug = 42\n", "'slug' must be text, not a number (write it in quotes: slug = \"42\")"),
    ('slug = ""\n', "'slug' is empty"),
    (f'slug = "{"s" * 100_000}"\n', "'slug' is 100,000 characters long; at most 64"),
    ("issuer = 7\n", "'issuer' must be text, not a number"),
    (f'coordinators = ["{"к" * 600}"]\n', "'coordinators' item #1 is 600 characters long"),
    (
        '[[activity]]\nnumber = 1\ntitle = "x"\ndeadline = "май 2023"\n',
        "activity #1: 'number' must be text, not a number",
    ),
    (
        '[[activity]]\nnumber = "1"\ntitle = 2023\ndeadline = "май 2023"\n',
        "activity #1 (number 1): 'title' must be text, not a number",
    ),
    (
        '[[activity]]\nnumber = "1"\ntitle = "x"\ndeadline = 2023\n',
        "'deadline' must be text, not a number",
    ),
    (
        '[[activity]]\nnumber = "1"\ntitle = "x"\ndeadline = 2023-05-31\n',
        "'deadline' must be text, not a date",
    ),
    ("issuer = " + "[" * 5000 + "]" * 5000 + "\n", "nested too deeply"),
    (ONE + ONE, "activity #2: number '1' is already used by activity #1"),
    (
        ONE.replace("\nnumber", '\nsection = "I"\nnumber') * 2,
        "activity #2: number '1' in section 'I' is already used by activity #1",
    ),
    (
        f'[[activity]]\nnumber = "1"\ntitle = "{"т" * 20_001}"\ndeadline = "май 2023"\n',
        "'title' is 20,001 characters long; at most 20,000",
    ),
    (
        '[[activity]]\nnumber = "1"\ntitle = "x"\ndeadline = "май 2023"\nsource_row = -5\n',
        "'source_row' must be a whole number",
    ),
]


@pytest.mark.parametrize(
    ("body", "message"), HOSTILE, ids=[message[:40] for _body, message in HOSTILE]
)
def test_hostile_values_are_refused_by_key(body: str, message: str, tmp_path: Path) -> None:
    path = tmp_path / "hostile.toml"
    top, tables = (body, "") if not body.startswith("[[") else ("", body)
    path.write_text(HEAD + top + PERIOD + tables, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        schedule_file.load(path)
    assert str(caught.value).startswith(f"{path}:")
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_the_same_number_in_two_sections_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "two.toml"
    first = ONE.replace("\nnumber", '\nsection = "I"\nnumber')
    path.write_text(HEAD + PERIOD + first + first.replace('"I"', '"II"'), encoding="utf-8")
    assert [a.key for a in schedule_file.load(path).activities] == ["1", "1"]


@pytest.mark.parametrize(
    ("name", "accepted"),
    [("plan 2023.toml", False), ("..toml", False), ("дорожная-карта.toml", True), ("x.toml", True)],
)
def test_a_file_name_that_is_no_slug_asks_for_one(
    name: str, accepted: bool, tmp_path: Path
) -> None:
    path = tmp_path / name
    path.write_text(HEAD + PERIOD, encoding="utf-8")
    if accepted:
        assert schedule_file.load(path).slug == path.stem
    else:
        with pytest.raises(InputError, match="is not a usable slug; add slug = "):
            schedule_file.load(path)


def test_import_makes_a_slug_of_any_file_name(tmp_path: Path) -> None:
    from tracker.roadmap.importer import import_roadmap

    source = ROOT / "tests/fixtures/roadmaps/divnogorsk-2022.txt"
    odd = tmp_path / "Дорожная карта (2022) ..x.txt"
    odd.write_bytes(source.read_bytes())
    roadmap = import_roadmap(odd)
    assert roadmap.slug == "Дорожная-карта-2022-x"
    back = _round_trip(roadmap, tmp_path)
    assert back.slug == roadmap.slug


@pytest.mark.parametrize(
    ("period", "body", "message"),
    [
        (
            "[period]\nstart = 2022-01-01\nend = 9999-12-31\n",
            "",
            "[period]: 2022-01-01:9999-12-31 lies outside the years 1900–2200",
        ),
        (
            "[period]\nstart = 0001-01-01\nend = 2022-12-31\n",
            "",
            "[period]: 0001-01-01:2022-12-31 lies outside the years 1900–2200",
        ),
        (
            PERIOD,
            ONE + "override_windows = [{ start = 9999-12-01, due = 9999-12-31 }]\n",
            "override_windows #1: 9999-12-01 lies outside the years 1900–2200",
        ),
    ],
    ids=["end-9999", "start-0001", "override-9999"],
)
def test_dates_beyond_the_planned_years_blame_the_period(
    period: str, body: str, message: str, tmp_path: Path
) -> None:
    path = tmp_path / "far.toml"
    path.write_text(HEAD + period + body, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        schedule_file.load(path)
    assert message in str(caught.value)


def test_a_file_that_would_not_read_back_is_not_written(tmp_path: Path) -> None:
    """Issue 17: import wrote a 200,000-character title that sync then refused."""
    period = Period(date(2022, 1, 1), date(2022, 12, 31))
    activity = Activity(number="1", title="т" * 200_000, deadline="май 2022 г.")
    activity.expansion = read_deadline(activity.deadline, period)
    roadmap = Roadmap(slug="s", title="x", period=period, activities=[activity], source="p.html")
    with pytest.raises(InputError) as caught:
        schedule_file.write(roadmap, tmp_path / "s.toml")
    assert str(caught.value) == (
        "p.html: cannot be written as a schedule file: activity #1 (number 1): 'title' is "
        "200,000 characters long; at most 20,000 are allowed (shorten or correct it in the "
        "document)"
    )
    assert not (tmp_path / "s.toml").exists()
