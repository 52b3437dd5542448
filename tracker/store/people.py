"""The people directory: the executors file (``schedules/executors.toml``) as people edit it.

Listing, adding, editing, importing a CSV/XLSX list and exporting CSV, for the ``tracker
people`` commands and the admins' page. Edits go through tomlkit, so the comments and layout of
a hand-edited file stay; every result is checked by :func:`parse_executors` (the same rules as
`tracker sync`) before the file is replaced atomically. Nothing else writes the file.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

import tomlkit
from tomlkit.items import AoT, Table

from tracker.atomic import write_text_atomically
from tracker.csv_safe import neutralise
from tracker.errors import InputError
from tracker.roadmap.people_match import Candidate
from tracker.store.executors import ExecutorEntry, load_executors, normalize, parse_executors

#: Multiple e-mails or aliases in one cell are separated by these.
_SEPARATORS = re.compile(r"\s*[;\n]\s*")
FIELDS = ("name", "emails", "organisation", "role", "aliases", "kind")
#: CSV export header (Russian: for the admins' spreadsheet programs).
EXPORT_HEADER = ("ФИО", "e-mail", "Организация", "Должность", "Псевдонимы", "Вид")


@dataclass(frozen=True, slots=True)
class PersonFields:
    """What an admin gives for a person or body; ``None`` leaves a field as it is on edit."""

    name: str | None = None
    emails: tuple[str, ...] | None = None
    organisation: str | None = None
    role: str | None = None
    aliases: tuple[str, ...] | None = None
    kind: str | None = None

    def values(self) -> dict[str, str | list[str]]:
        out: dict[str, str | list[str]] = {}
        for name in FIELDS:
            value = getattr(self, name)
            if value is None:
                continue
            out[name] = list(value) if isinstance(value, tuple) else value.strip()
        return out


@dataclass(slots=True)
class ImportReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0


def split_list(text: str) -> tuple[str, ...]:
    """«a@x.ru; b@x.ru» → ("a@x.ru", "b@x.ru"): items are separated by «;» or line breaks."""
    return tuple(part for part in _SEPARATORS.split(text.strip()) if part)


def list_people(path: Path) -> list[ExecutorEntry]:
    """The directory's entries, sorted by name."""
    return sorted(load_executors(path), key=lambda entry: entry.key)


def candidates(entries: Iterable[ExecutorEntry]) -> list[Candidate]:
    """The entries as the plan's name matcher sees them."""
    out = []
    for entry in entries:
        detail = ", ".join(part for part in (entry.organisation, *entry.emails) if part)
        out.append(Candidate(entry.name, entry.aliases, detail))
    return out


def find_person(entries: Iterable[ExecutorEntry], name: str) -> ExecutorEntry | None:
    key = normalize(name)
    return next((entry for entry in entries if entry.key == key), None)


# --- changing the file --------------------------------------------------------------------------


def _document(path: Path) -> tomlkit.TOMLDocument:
    if not path.exists():
        return tomlkit.document()
    try:
        return tomlkit.parse(path.read_text(encoding="utf-8"))
    except (tomlkit.exceptions.ParseError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: not valid TOML: {error}") from None


def _executors(document: tomlkit.TOMLDocument) -> AoT:
    found = document.get("executor")
    if found is None:
        found = tomlkit.aot()
        document.append("executor", found)
    if not isinstance(found, AoT):
        raise InputError("executor must be an array of tables ([[executor]])")
    return found


def _set(table: Table, values: dict[str, str | list[str]]) -> None:
    for name, value in values.items():
        if value in ("", []):
            if name in table and name != "name":
                del table[name]
            continue
        if name == "kind" and value == "person" and "kind" not in table:
            continue  # the default: keep hand-written entries short
        table[name] = value


def _new_table(person: PersonFields) -> Table:
    table = tomlkit.table()
    table.trivia.indent = "\n"  # a blank line before it, as in a hand-written file
    _set(table, person.values())
    return table


def _save(document: tomlkit.TOMLDocument, path: Path) -> list[ExecutorEntry]:
    """Check the new text with the sync's rules, then replace ``path`` atomically."""
    text = tomlkit.dumps(document)
    entries = parse_executors(tomllib.loads(text), str(path))
    folder = path.parent
    if not folder.is_dir():
        raise InputError(f"cannot write {path}: the folder {folder} does not exist")
    mode = path.stat().st_mode & 0o777 if path.exists() else None
    write_text_atomically(path, text, mode=mode)
    return entries


def _index(executors: AoT, name: str) -> int | None:
    key = normalize(name)
    for index, table in enumerate(executors):
        if isinstance(table.get("name"), str) and normalize(str(table["name"])) == key:
            return index
    return None


def add_people(path: Path, people: Sequence[PersonFields]) -> list[ExecutorEntry]:
    """Append ``people`` to the directory; a name already there is an InputError."""
    document = _document(path)
    executors = _executors(document)
    for person in people:
        if not person.name or not person.name.strip():
            raise InputError("a person needs a name (ФИО)")
        if _index(executors, person.name) is not None:
            raise InputError(f"«{person.name.strip()}» is already in the directory")
        executors.append(_new_table(person))
    return _save(document, path)


def edit_person(path: Path, name: str, change: PersonFields) -> list[ExecutorEntry]:
    """Change the fields ``change`` gives of the entry named ``name`` (or by an alias)."""
    document = _document(path)
    executors = _executors(document)
    index = _index(executors, name)
    if index is None:
        known = [entry for entry in load_executors(path) if normalize(name) in entry.spellings()]
        if known:
            index = _index(executors, known[0].name)
    if index is None:
        raise InputError(f"no «{name}» in the directory", hint="see `tracker people list`")
    _set(executors[index], change.values())
    return _save(document, path)


def add_aliases(path: Path, aliases: Mapping[str, Sequence[str]]) -> list[ExecutorEntry]:
    """Add spellings to entries (entry name → new aliases), skipping ones already there."""
    document = _document(path)
    executors = _executors(document)
    for name, spellings in aliases.items():
        index = _index(executors, name)
        if index is None:
            raise InputError(f"no «{name}» in the directory")
        table = executors[index]
        have = [str(alias) for alias in table.get("aliases", [])]
        known = {normalize(str(table["name"])), *(normalize(alias) for alias in have)}
        new = [s for s in spellings if normalize(s) not in known]
        if new:
            table["aliases"] = [*have, *new]
    return _save(document, path)


# --- lists in and out ---------------------------------------------------------------------------


def _vocabulary() -> dict[str, set[str]]:
    text = files("tracker.roadmap").joinpath("people_columns_ru.toml").read_text("utf-8")
    return {name: {_fold(word) for word in words} for name, words in tomllib.loads(text).items()}


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text.casefold().replace("ё", "е")).strip(" :")


def _grid(name: str, data: bytes) -> list[list[str]]:
    """The rows of a CSV (UTF-8, UTF-8 with BOM or Windows-1251) or XLSX list."""
    if data[:4] == b"PK\x03\x04":
        return _xlsx(name, data)
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1251 decodes nearly every byte
        raise InputError(f"{name}: not a CSV or XLSX file")
    if "\x00" in text:
        raise InputError(f"{name}: not a CSV or XLSX file")
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], ",;\t")
    except csv.Error:
        dialect = csv.excel
    return [row for row in csv.reader(io.StringIO(text), dialect) if any(c.strip() for c in row)]


def _xlsx(name: str, data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a broken archive
        raise InputError(f"{name}: not a readable XLSX workbook") from None
    sheet = book.worksheets[0]
    rows = [
        ["" if cell is None else str(cell) for cell in row]
        for row in sheet.iter_rows(values_only=True)
    ]
    book.close()
    return [row for row in rows if any(cell.strip() for cell in row)]


def read_people(name: str, data: bytes) -> list[PersonFields]:
    """The people in a CSV/XLSX list whose first row names the columns (ФИО, e-mail, …)."""
    rows = _grid(name, data)
    if not rows:
        raise InputError(f"{name}: the list is empty")
    vocabulary = _vocabulary()
    columns: dict[str, int] = {}
    for position, heading in enumerate(rows[0]):
        for field_name, words in vocabulary.items():
            if _fold(heading) in words and field_name not in columns:
                columns[field_name] = position
    if "name" not in columns:
        raise InputError(
            f"{name}: the first row names no ФИО column",
            hint="columns: ФИО, e-mail, Организация, Должность, Псевдонимы",
        )
    people = []
    for row in rows[1:]:

        def cell(field_name: str, row: list[str] = row) -> str:
            position = columns.get(field_name)
            return row[position].strip() if position is not None and position < len(row) else ""

        if not cell("name"):
            continue
        kind = cell("kind").casefold()
        people.append(
            PersonFields(
                name=cell("name"),
                emails=split_list(cell("emails")),
                organisation=cell("organisation"),
                role=cell("role"),
                aliases=split_list(cell("aliases")),
                kind="organisation" if kind in ("organisation", "организация") else None,
            )
        )
    return people


def import_people(path: Path, people: Sequence[PersonFields]) -> ImportReport:
    """Add the new names of ``people``, update the fields of those already in the directory."""
    document = _document(path)
    executors = _executors(document)
    report = ImportReport()
    for person in people:
        assert person.name
        index = _index(executors, person.name)
        if index is None:
            executors.append(_new_table(person))
            report.added.append(person.name)
            continue
        table = executors[index]
        before = tomlkit.dumps(table)
        values = {k: v for k, v in person.values().items() if v not in ("", []) and k != "name"}
        _set(table, values)
        if tomlkit.dumps(table) != before:
            report.updated.append(person.name)
        else:
            report.unchanged += 1
    _save(document, path)
    return report


def export_people(entries: Iterable[ExecutorEntry]) -> str:
    """The directory as CSV (the columns :func:`read_people` reads back)."""
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(EXPORT_HEADER)
    for entry in entries:
        writer.writerow(
            [
                neutralise(entry.name),
                "; ".join(entry.emails),
                neutralise(entry.organisation or ""),
                neutralise(entry.role or ""),
                neutralise("; ".join(entry.aliases)),
                "организация" if entry.kind == "organisation" else "",
            ]
        )
    return stream.getvalue()
