"""The people directory: matching plan names, editing executors.toml, lists in and out."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from tracker.errors import InputError
from tracker.roadmap.people_match import Candidate, match_name
from tracker.store.executors import load_executors
from tracker.store.people import (
    PersonFields,
    add_aliases,
    add_people,
    edit_person,
    export_people,
    import_people,
    list_people,
    read_people,
)

ROOT = Path(__file__).resolve().parents[2]
DIRECTORY = [
    Candidate("Бычкова Ольга Ивановна"),
    Candidate("МКУ «ГИМЦ»"),
    Candidate("Петров Пётр Петрович", ("Петров П.П.",)),
    Candidate("Управление образования администрации города Дивногорска"),
    Candidate("Сидорова Анна Павловна"),
]


@pytest.mark.parametrize(
    ("name", "state", "found"),
    [
        pytest.param("Бычкова О.И.", "close", "Бычкова Ольга Ивановна", id="initials-after"),
        pytest.param("О.И. Бычкова", "close", "Бычкова Ольга Ивановна", id="initials-before"),
        pytest.param("Бычкова О. И.", "close", "Бычкова Ольга Ивановна", id="spaced-initials"),
        pytest.param("МКУ ГИМЦ", "exact", "МКУ «ГИМЦ»", id="quotes-do-not-count"),
        pytest.param("петров п.п", "exact", "Петров Пётр Петрович", id="alias-folded"),
        pytest.param(
            "Управление образования",
            "close",
            "Управление образования администрации города Дивногорска",
            id="shortened-body",
        ),
        pytest.param("Сидорова А.П.", "close", "Сидорова Анна Павловна", id="initials-2"),
        pytest.param("Сидорова Б.П.", "unknown", None, id="other-initials"),
        pytest.param("Кузнецов К.К.", "unknown", None, id="nobody"),
    ],
)
def test_match_name(name: str, state: str, found: str | None) -> None:
    match = match_name(name, DIRECTORY)
    assert match.state == state
    if state == "exact":
        assert match.exact is not None and match.exact.name == found
    elif state == "close":
        assert match.close[0].candidate.name == found


@pytest.fixture
def directory(tmp_path: Path) -> Path:
    path = tmp_path / "executors.toml"
    path.write_text(
        "# People of the plans: kept by hand.\n\n"
        '[[executor]]\nname = "МКУ «ГИМЦ»"  # the methodical centre\nkind = "organisation"\n'
        'emails = ["gimc@example.org"]\n',
        encoding="utf-8",
    )
    return path


def test_add_and_edit_keep_comments(directory: Path) -> None:
    add_people(
        directory,
        [
            PersonFields(
                name="Бычкова Ольга Ивановна",
                emails=("bychkova@example.org",),
                organisation="МКУ «ГИМЦ»",
                role="методист",
            )
        ],
    )
    edit_person(directory, "бычкова ольга ивановна", PersonFields(aliases=("Бычкова О.И.",)))
    text = directory.read_text(encoding="utf-8")
    assert "# People of the plans: kept by hand." in text
    assert "# the methodical centre" in text
    [gimc, person] = load_executors(directory)
    assert gimc.kind == "organisation"
    assert person.organisation == "МКУ «ГИМЦ»" and person.role == "методист"
    assert person.aliases == ("Бычкова О.И.",)
    assert person.emails == ("bychkova@example.org",)


@pytest.mark.parametrize(
    ("person", "message"),
    [
        pytest.param(PersonFields(name="мку гимц"), "already in the directory", id="twice"),
        pytest.param(
            PersonFields(name="Иванов И.И.", emails=("нет-адреса",)),
            "bad e-mail address",
            id="bad-email",
        ),
        pytest.param(PersonFields(name=" "), "needs a name", id="no-name"),
        pytest.param(
            PersonFields(name="Иванов И.И.", aliases=("МКУ ГИМЦ",)),
            "names both",
            id="alias-taken",
        ),
    ],
)
def test_add_refuses(directory: Path, person: PersonFields, message: str) -> None:
    before = directory.read_bytes()
    with pytest.raises(InputError, match=message):
        add_people(directory, [person])
    assert directory.read_bytes() == before  # nothing written


def test_edit_unknown(directory: Path) -> None:
    with pytest.raises(InputError, match="no «Никто» in the directory"):
        edit_person(directory, "Никто", PersonFields(role="x"))


def test_add_aliases_skips_known(directory: Path) -> None:
    add_aliases(directory, {"МКУ «ГИМЦ»": ["МКУ ГИМЦ", "ГИМЦ г. Дивногорска"]})
    [gimc] = load_executors(directory)
    assert gimc.aliases == ("ГИМЦ г. Дивногорска",)


def _csv(rows: list[list[str]], encoding: str) -> bytes:
    stream = io.StringIO()
    csv.writer(stream, delimiter=";").writerows(rows)
    return stream.getvalue().encode(encoding)


def _xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


ROWS = [
    ["ФИО", "Электронная почта", "Организация", "Должность", "Псевдонимы"],
    ["Иванов Иван Иванович", "ivanov@example.org", "МБОУ СОШ №1", "директор", "Иванов И.И."],
    ["МКУ «ГИМЦ»", "gimc@example.org; info@example.org", "", "", ""],
]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        pytest.param("people.csv", _csv(ROWS, "utf-8-sig"), id="csv-semicolon-bom"),
        pytest.param("people.csv", _csv(ROWS, "cp1251"), id="csv-1251"),
        pytest.param("people.xlsx", _xlsx(ROWS), id="xlsx"),
    ],
)
def test_import_adds_and_updates(directory: Path, name: str, data: bytes) -> None:
    report = import_people(directory, read_people(name, data))
    assert report.added == ["Иванов Иван Иванович"]
    assert report.updated == ["МКУ «ГИМЦ»"]
    people = {entry.name: entry for entry in list_people(directory)}
    assert people["Иванов Иван Иванович"].aliases == ("Иванов И.И.",)
    assert people["Иванов Иван Иванович"].role == "директор"
    assert people["МКУ «ГИМЦ»"].emails == ("gimc@example.org", "info@example.org")
    assert people["МКУ «ГИМЦ»"].kind == "organisation"  # an empty cell changes nothing


def test_export_reads_back(directory: Path, tmp_path: Path) -> None:
    add_people(directory, [PersonFields(name="=Хитрое имя", organisation="-минус")])
    text = export_people(list_people(directory))
    assert text.splitlines()[0] == "ФИО,e-mail,Организация,Должность,Псевдонимы,Вид"
    assert "'=Хитрое имя" in text and "'-минус" in text  # no formulas in a spreadsheet
    again = tmp_path / "again.toml"
    import_people(again, read_people("export.csv", text.replace("'", "").encode()))
    assert [e.name for e in list_people(again)] == [e.name for e in list_people(directory)]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(b"", "the list is empty", id="empty"),
        pytest.param("Почта;Роль\nx;y\n".encode(), "names no ФИО", id="no-name-column"),
        pytest.param(b"PK\x03\x04broken", "not a readable XLSX", id="broken-xlsx"),
    ],
)
def test_read_people_refuses(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        read_people("list", data)


def test_seed_directory_still_reads() -> None:
    """The committed executors file passes the same checks after the new keys."""
    assert len(load_executors(ROOT / "schedules" / "executors.toml")) > 10
