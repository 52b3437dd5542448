"""Issue 14: the seed plans retyped in the layouts people make (Word with list numbering and
section rows, Excel with a merged title and a two-row header, ruled and unruled PDF, a saved web
page) import row for row against the gold."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from documents import html_page, write_numbered_docx, write_pdf, write_rich_xlsx
from roadmap_helpers import SEEDS, Item, gold, imported, items_of, option_period

from tracker.roadmap.importer import import_roadmap
from tracker.roadmap.model import Roadmap


def _html(path: Path, items: list[Item]) -> Path:
    path.write_text(html_page(items), encoding="utf-8")
    return path


def _unruled(path: Path, items: list[Item]) -> Path:
    return write_pdf(path, items, ruled=False)


Writer = Callable[[Path, list[Item]], Path]
LAYOUTS: dict[str, tuple[str, Writer]] = {
    "docx-numbered": ("docx", write_numbered_docx),
    "xlsx-two-row-header": ("xlsx", write_rich_xlsx),
    "html-layout-tables": ("html", _html),
    "pdf-ruled": ("pdf", write_pdf),
    "pdf-unruled": ("pdf", _unruled),
}
COLLAPSES_SPACES = {"html-layout-tables", "pdf-ruled", "pdf-unruled"}
"""Formats that show runs of spaces as one: the gold deadline is compared with single spaces."""
REFLOWED = {"pdf-ruled", "pdf-unruled"}
"""A PDF keeps no line breaks: where an executor's line would not have fitted on the line above,
a break typed by the author cannot be told from a wrap, so executors are not compared."""


def _build(layout: str, seed: str, folder: Path) -> Roadmap:
    suffix, writer = LAYOUTS[layout]
    path = writer(folder / f"{seed}.{suffix}", items_of(imported(seed)))
    return import_roadmap(path, period=option_period(seed))


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_seed_rows_in_layout(layout: str, seed: str, tmp_path: Path) -> None:
    roadmap = _build(layout, seed, tmp_path)
    want = gold()[seed]["activities"]
    assert len(roadmap.activities) == len(want)
    wrong = []
    for got, entry in zip(roadmap.activities, want, strict=True):
        deadline = got.deadline
        wanted = entry["deadline"]
        if layout in COLLAPSES_SPACES:
            deadline, wanted = _flat(deadline), _flat(wanted)
        right = (
            got.number == entry["number"]
            and got.section == entry.get("section", got.section)
            and got.title.startswith(entry["title_start"])
            and deadline == wanted
        )
        if layout not in REFLOWED and entry["responsible"] is not None:
            right = right and got.responsible == entry["responsible"]
        if not right:
            wrong.append((entry["number"], got.number, got.title[:40], got.deadline))
    assert wrong == []
    assert roadmap.title.startswith("План мероприятий (дорожная карта)")
    assert not [w for w in roadmap.warnings if "glued" in w or "ignored" in w]


def test_numbered_docx_cells_hold_no_digits(tmp_path: Path) -> None:
    """The fixture really numbers with Word lists: the № cells have no text of their own."""
    import docx

    path = write_numbered_docx(tmp_path / "plan.docx", items_of(imported("pelym-2020.txt")))
    table = docx.Document(str(path)).tables[0]
    numbers = [row.cells[0].text for row in table.rows[2:]]
    assert numbers and not any(character.isdigit() for text in numbers for character in text)
    assert import_roadmap(path).activities[0].number == "1.1"


@pytest.mark.parametrize("layout", ["docx-numbered", "xlsx-two-row-header", "pdf-ruled"])
def test_signature_and_contact_are_kept_out(layout: str, tmp_path: Path) -> None:
    roadmap = _build(layout, "spassk-2022.txt", tmp_path)
    last = roadmap.activities[-1]
    assert "Петров" not in last.title and "тел." not in last.title
    assert all("Сидорова" not in name for name in last.responsible)


@pytest.mark.parametrize(
    ("layout", "first", "later"),
    [
        ("pdf-ruled", "page 1, row 3 of table 1", "page 2, row"),
        ("docx-numbered", "row 4 of table 1", "row 3"),
        ("xlsx-two-row-header", "row 8 of sheet «План»", "row 2"),
    ],
)
def test_each_activity_keeps_its_source_in_the_schedule_file(
    layout: str, first: str, later: str, tmp_path: Path
) -> None:
    from tracker.roadmap import schedule_file

    roadmap = _build(layout, "divnogorsk-2022.txt", tmp_path)
    assert roadmap.activities[0].source == first
    assert any((a.source or "").startswith(later) for a in roadmap.activities[1:])
    path = tmp_path / "plan.toml"
    schedule_file.write(roadmap, path)
    loaded = schedule_file.load(path)
    assert [a.source for a in loaded.activities] == [a.source for a in roadmap.activities]


def test_a_second_plan_on_another_sheet_is_named(tmp_path: Path) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    first = workbook.active
    first.title = "2022"
    first.append(["План мероприятий на 2022-2023 учебный год"])
    first.append(["№", "Мероприятие", "Срок", "Ответственный"])
    first.append([1, "Семинар", "октябрь 2022 г.", "Иванов И.И."])
    second = workbook.create_sheet("2023")
    second.append(["Мероприятие", "Срок", "Исполнитель", "№"])
    second.append(["Отчёт", "май 2024 г.", "Петров П.П.", 1])
    path = tmp_path / "two.xlsx"
    workbook.save(path)
    roadmap = import_roadmap(path)
    assert [a.title for a in roadmap.activities] == ["Семинар"]
    assert (
        "row 1 of sheet «2023» is the header of another plan; only the plan of sheet «2022» "
        "was read (import that one on its own)"
    ) in roadmap.warnings


def test_header_words_under_an_unruled_pdf_header_are_not_a_section() -> None:
    """«№ / п/п» and «Отметка о / выполнении» around the header line, cells centred: the lines
    «п/п … выполнении» were read as a section heading over every row."""
    unseen = Path(__file__).resolve().parents[1] / "fixtures" / "unseen" / "files"
    roadmap = import_roadmap(unseen / "p09-school-safety.pdf")
    assert roadmap.sections == []
    assert [a.number for a in roadmap.activities] == ["1", "2", "3", "4", "5", "6"]
