"""Grids → the plan: its header, sections and activity rows.

The plan is the first table with a header that names a title and a deadline column (a passport
table with «Цель» / «Задачи» names neither and is skipped). Under the header every row is one
of:

* a **continuation**: its number cell (or, with no number column, its title cell) is empty; its
  cells are appended to the activity above (a row broken by a page, or a wrapped line);
* a **section heading**: one cell of text («I. Организационно-координационные мероприятия»,
  «Мониторинговые …» with no number), or a number and a title with nothing else where the
  number is roman or the next row's number extends it («1» then «1.1.»);
* an **activity**.

A row with more cells than the header is fitted: empty cells are dropped first, then extra
cells are joined into the last column. Such a row's cell positions cannot be trusted, so when it
is a continuation its deadline fragment is not appended (a note on the activity keeps it).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from tracker.errors import InputError
from tracker.roadmap.cells import (
    clean,
    from_roman,
    is_blank,
    is_roman,
    is_row_number,
    join_fragment,
    lines,
    phrase,
    prose,
    tidy_number,
    to_roman,
)
from tracker.roadmap.columns import (
    Header,
    continues_header,
    is_column_numbering,
    merge_header,
    read_header,
)
from tracker.roadmap.glue import glued_reason, several_numbers, starts_row
from tracker.roadmap.tables import SourceDocument, Table
from tracker.roadmap.trailer import is_trailer
from tracker.roadmap.vocabulary import Column, alternation, vocabulary


@dataclass(slots=True)
class Section:
    """A section heading of the plan. ``key`` names it in activities: the label, else the title."""

    label: str | None
    title: str
    origin: str
    inferred: bool = False

    @property
    def key(self) -> str:
        return self.label or self.title


@dataclass(slots=True)
class PlanRow:
    """One activity as the table states it, before the phrase language reads its deadline."""

    number: str
    section: str | None
    title: str
    result: str | None
    deadline: str
    responsible: str
    origin: str
    line: int
    notes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Plan:
    """The plan table of a document and the text above it."""

    header: Header
    sections: list[Section]
    rows: list[PlanRow]
    before: list[str]
    """All text above the plan, tables included, in reading order."""
    headings: list[list[str]]
    """The text between the plan and the table before it, then the text before that table, and
    so on: where the plan's title is looked for, closest first."""
    warnings: list[str]


# --- finding the plan -------------------------------------------------------------------------


def find_header(table: Table) -> tuple[int, Header, int] | None:
    """(row index, header, rows it spans) of the first header row in ``table``."""
    rows = table.rows
    for index, row in enumerate(rows):
        header = read_header(row)
        following = rows[index + 1] if index + 1 < len(rows) else None
        if header is not None:
            if following is not None and continues_header(following):
                merged = read_header(merge_header(row, following))
                if merged is not None and len(merged.columns) >= len(header.columns):
                    return index, merged, 2
            return index, header, 1
        if following is not None and read_header(following) is None:
            merged = read_header(merge_header(row, following))
            if merged is not None:
                return index, merged, 2
    return None


def find_plan(document: SourceDocument) -> Plan:
    """The plan of ``document``; InputError if it has no table with a plan's header."""
    before: list[str] = []
    headings: list[list[str]] = [[]]
    for position, block in enumerate(document.blocks):
        if isinstance(block, str):
            if block.strip():
                before.append(block)
                headings[0].append(block)
            continue
        found = find_header(block)
        if found is None:
            before.extend(_row_text(row) for row in block.rows if _row_text(row))
            headings.insert(0, [])
            continue
        index, header, span = found
        above = [_row_text(row) for row in block.rows[:index] if _row_text(row)]
        before.extend(above)
        headings[0].extend(above)
        builder = _Builder(header, document)
        builder.add_table(block, index + span)
        for later in document.blocks[position + 1 :]:
            if isinstance(later, Table):
                again = find_header(later)
                if again is not None and again[1].positions == header.positions:
                    builder.add_table(later, again[0] + again[2])
                elif again is not None:
                    builder.warnings.append(
                        f"{later.origin(again[0])} is the header of another plan; only the plan "
                        f"of {block.name} was read (import that one on its own)"
                    )
        return builder.finish(block.origin(index), before, headings)
    raise InputError(
        f"{document.path}: no activity table found",
        hint="the plan needs a header row naming at least an activity column (e.g. «Мероприятие»)"
        " and a deadline column (e.g. «Срок»); see tracker/roadmap/vocabulary_ru.toml",
    )


def _row_text(row: list[str]) -> str:
    return " ".join(" ".join(clean(cell).split()) for cell in row if clean(cell)).strip()


# --- reading the rows -------------------------------------------------------------------------

_SECTION_LABEL = (
    r"^(?:(?P<marker>{markers})\s*)?(?P<label>[IVXLCDM]{{1,7}}|\d{{1,2}})(?:[.)]\s*|\s+)"
    r"(?P<title>\S.*)$"
)


@cache
def _section_pattern() -> re.Pattern[str]:
    markers = alternation(vocabulary().section_markers)
    return re.compile(_SECTION_LABEL.format(markers=markers), re.IGNORECASE | re.DOTALL)


def split_heading(text: str, *, strict: bool) -> tuple[str | None, str]:
    """«I. Организационные мероприятия» → («I», «Организационные мероприятия»).

    ``strict`` (for a heading in the title column, which could be a wrapped line instead) asks
    for a marker word, a roman numeral, or a number followed by a capitalised title.
    """
    flat = " ".join(text.split())
    match = _section_pattern().match(flat)
    if match is None:
        return None, flat
    label, title = match["label"], match["title"]
    roman = label.upper() == label and is_roman(label)
    if label.isdigit() or roman:
        if strict and not (match["marker"] or roman or title[:1].isupper()):
            return None, flat
        return (label.upper() if roman else label), title
    return None, flat


def next_label(previous: str | None) -> str | None:
    """The label after ``previous`` in its own numbering: «VI» → «VII», «3» → «4»."""
    if previous is None:
        return None
    if previous.isdigit():
        return str(int(previous) + 1)
    if is_roman(previous):
        return to_roman(from_roman(previous) + 1)
    return None


@dataclass(slots=True)
class _Draft:
    number: str
    section: str | None
    origin: str
    line: int
    parts: dict[int, list[str]]
    notes: list[str]


class _Builder:
    """Walks the rows under a header and assembles sections and activities."""

    def __init__(self, header: Header, document: SourceDocument) -> None:
        self.header = header
        self.document = document
        self.sections: list[Section] = []
        self.drafts: list[_Draft] = []
        self.warnings: list[str] = []
        self.section_of_draft: dict[int, int] = {}
        self.ordinal = 0
        lead = header.first(Column.NUMBER)
        self.lead = lead if lead is not None else header.first(Column.TITLE)
        if header.first(Column.NUMBER) is None:
            self.warnings.append("the plan has no number column: activities are numbered in order")

    # rows ------------------------------------------------------------------------------------

    def add_table(self, table: Table, start: int) -> None:
        rows = table.rows
        ended: str | None = None
        for index in range(start, len(rows)):
            cells = [clean(cell) for cell in rows[index]]
            if all(is_blank(cell) for cell in cells):
                continue
            if read_header(cells) is not None or is_column_numbering(cells):
                continue  # a header repeated on a new page, or the «1 | 2 | 3» row
            if ended is not None:
                self._after_end(cells, table.origin(index), ended)
                continue
            if self.drafts and self._is_trailer(cells):
                ended = table.origin(index)
                continue
            fitted, extra = self._fit(cells)
            origin = table.origin(index)
            line = table.origins[index]
            self._row(fitted, extra, origin, line, _Lookahead(self, table, index))

    def _is_trailer(self, cells: list[str]) -> bool:
        """A signature, contact or footnote row under the plan (not a numbered row)."""
        lead = self.header.first(Column.NUMBER)
        if lead is not None and lead < len(cells) and is_row_number(cells[lead]):
            return False
        spots = {
            *self.header.positions.get(Column.NUMBER, ()),
            *self.header.positions.get(Column.TITLE, ()),
        }
        in_front = any(not is_blank(cells[p]) for p in spots if p < len(cells))
        text = " ".join(cell for cell in cells if cell.strip())
        return is_trailer(text, by_shape=in_front)

    def _after_end(self, cells: list[str], origin: str, ended: str) -> None:
        """A row under the signature: ignored, with a warning when it looks like an activity."""
        lead = self.header.first(Column.NUMBER)
        deadline_at = self.header.positions.get(Column.DEADLINE, ())
        numbered = lead is not None and lead < len(cells) and is_row_number(cells[lead])
        dated = any(p < len(cells) and not is_blank(cells[p]) for p in deadline_at)
        if numbered and dated:
            self.warnings.append(
                f"{origin}: a numbered row under the signature ({ended}) was ignored: "
                f"«{_short(' '.join(c for c in cells if c.strip()))}»"
            )

    def _fit(self, cells: list[str]) -> tuple[list[str], int]:
        """The row cut to the header's width; returns the cells and how many were too many."""
        width = self.header.width
        while len(cells) > width and is_blank(cells[-1]):
            cells.pop()
        extra = max(len(cells) - width, 0)
        position = (self.lead or 0) + 1  # cells before the number cell keep their places
        while len(cells) > width and position < len(cells):
            if is_blank(cells[position]):
                del cells[position]
            else:
                position += 1
        if len(cells) > width:
            cells[width - 1 :] = [" ".join(cell for cell in cells[width - 1 :] if cell)]
        cells.extend([""] * (width - len(cells)))
        return cells, extra

    def _next_number(self, table: Table, index: int) -> str | None:
        number_at = self.header.first(Column.NUMBER)
        if number_at is None:
            return None
        for row in table.rows[index + 1 :]:
            if number_at < len(row):
                text = clean(row[number_at])
                if is_row_number(text):
                    return tidy_number(text)
        return None

    def _row(
        self,
        cells: list[str],
        extra: int,
        origin: str,
        line: int,
        next_number: Callable[[], str | None],
    ) -> None:
        header = self.header
        filled = [i for i, cell in enumerate(cells) if not is_blank(cell)]
        lead = self.lead
        lead_text = cells[lead] if lead is not None else ""
        number_at = header.first(Column.NUMBER)
        title_at = header.first(Column.TITLE)
        if is_blank(lead_text):
            if len(filled) == 1:
                label, title = split_heading(cells[filled[0]], strict=True)
                if label is not None or not self.drafts:
                    self._section(label, title, origin)
                    return
            if self.drafts:
                self._continue(cells, extra, origin)
                return
            self._activity(cells, "", origin, line, extra)
            return
        if len(filled) == 1 and not is_row_number(lead_text):
            label, title = split_heading(lead_text, strict=False)
            self._section(label, title, origin)
            return
        deadline_at = header.positions.get(Column.DEADLINE, ())
        if (
            number_at is not None
            and not is_row_number(lead_text)
            and all(is_blank(cells[i]) for i in deadline_at)
        ):  # text in the number column and no deadline: a heading, or a signature after the table
            label, title = split_heading(" ".join(cells[i] for i in filled), strict=False)
            self._section(label, title, origin)
            return
        if (
            number_at is not None
            and title_at is not None
            and set(filled) == {number_at, title_at}
            and is_row_number(lead_text)
        ):
            number = tidy_number(lead_text)
            following = next_number()
            if is_roman(number) or (following is not None and following.startswith(number + ".")):
                self._section(number, prose(cells[title_at]).replace("\n", " "), origin)
                return
        number = tidy_number(lead_text) if number_at is not None else ""
        numbers = several_numbers(lead_text) if number_at is not None else []
        if numbers:
            number = numbers[0]
        self._activity(cells, number, origin, line, extra)
        if numbers:
            message = (
                f"row {number} looks like several rows glued together: its number cell holds "
                f"{', '.join(numbers)}"
            )
            self.warnings.append(f"{origin}: {message}; check it")
            self.drafts[-1].notes.append(message)

    def _section(self, label: str | None, title: str, origin: str) -> None:
        inferred = False
        if label is None:
            previous = next((s.label for s in reversed(self.sections) if s.label), None)
            label = next_label(previous)
            if label is not None:
                inferred = True
                self.warnings.append(
                    f"{origin}: section «{_short(title)}» has no number; numbered {label} after "
                    f"{previous}"
                )
        self.sections.append(Section(label, title, origin, inferred))
        self.ordinal = 0

    def _parts(self, cells: list[str]) -> dict[int, list[str]]:
        """Cell position → its text, for the positions of named columns that hold text."""
        return {
            position: [cells[position]]
            for column, positions in self.header.positions.items()
            if column is not Column.NUMBER
            for position in positions
            if position < len(cells) and not is_blank(cells[position])
        }

    def _activity(self, cells: list[str], number: str, origin: str, line: int, extra: int) -> None:
        self.ordinal += 1
        notes: list[str] = []
        if not number:
            number = str(self.ordinal)
            if self.header.first(Column.NUMBER) is not None:
                notes.append(f"{origin}: the row has no number; numbered {number} in order")
        if extra:
            notes.append(
                f"{origin}: {len(cells) + extra} cells for {self.header.width} columns; "
                "empty cells were dropped and extra ones joined into the last column"
            )
        section = self.sections[-1].key if self.sections else None
        self.drafts.append(_Draft(number, section, origin, line, self._parts(cells), notes))
        self.section_of_draft[len(self.drafts) - 1] = len(self.sections) - 1

    def _continue(self, cells: list[str], extra: int, origin: str) -> None:
        draft = self.drafts[-1]
        deadline_at = set(self.header.positions.get(Column.DEADLINE, ()))
        title_at = self.header.first(Column.TITLE)
        title = cells[title_at] if title_at is not None else ""
        deadline = " ".join(cells[p] for p in deadline_at if not is_blank(cells[p]))
        if starts_row(title, deadline):
            message = (
                f"row {draft.number} looks like several rows glued together: the row under it "
                f"({origin}) has no number but a title «{_short(title, 40)}» and a deadline "
                f"«{_short(deadline, 30)}» of its own"
            )
            self.warnings.append(f"{draft.origin}: {message}; check it")
            draft.notes.append(message)
        for position, texts in self._parts(cells).items():
            if position in deadline_at and extra:
                draft.notes.append(
                    f"{origin}: «{_short(texts[0])}» stands beside the deadline on a continuation "
                    "line whose cells do not line up with the header; it was not added to the "
                    "deadline"
                )
                continue
            draft.parts.setdefault(position, []).extend(texts)

    # result ----------------------------------------------------------------------------------

    def finish(self, origin: str, before: list[str], headings: list[list[str]]) -> Plan:
        if not self.drafts:
            raise InputError(
                f"{self.document.path}: the plan's header ({origin}) has no activity rows under it"
            )
        used = set(self.section_of_draft.values())
        last_used = max(used) if used else -1
        for section in self.sections[last_used + 1 :]:
            self.warnings.append(
                f"{section.origin}: text after the plan ignored: «{_short(section.title)}»"
            )
        sections = self.sections[: last_used + 1]
        rows = [self._finish_row(draft) for draft in self.drafts]
        self._check_glued(rows)
        seen: dict[tuple[str | None, str], str] = {}
        for row in rows:
            key = (row.section, row.number)
            if key in seen:
                self.warnings.append(
                    f"{row.origin}: number {row.number} appears twice in one section "
                    f"(first at {seen[key]})"
                )
            seen.setdefault(key, row.origin)
        return Plan(self.header, sections, rows, before, headings, self.warnings)

    def _check_glued(self, rows: list[PlanRow]) -> None:
        deadline_at = self.header.positions.get(Column.DEADLINE, ())
        for index, (row, draft) in enumerate(zip(rows, self.drafts, strict=True)):
            after = rows[index + 1].number if index + 1 < len(rows) else None
            deadline_lines = sum(
                len(lines(fragment)) for p in deadline_at for fragment in draft.parts.get(p, [])
            )
            title_at = self.header.positions.get(Column.TITLE, ())
            raw_title = "\n".join(f for p in title_at for f in draft.parts.get(p, []))
            reason = glued_reason(row.number, after, row.title, raw_title, deadline_lines)
            if reason is not None:
                message = f"row {row.number} looks like several rows glued together: {reason}"
                self.warnings.append(f"{row.origin}: {message}; check it")
                row.notes.append(message)

    def _finish_row(self, draft: _Draft) -> PlanRow:
        def cells(column: Column) -> list[list[str]]:
            positions = self.header.positions.get(column, ())
            return [draft.parts[p] for p in positions if p in draft.parts]

        title = "\n".join(_joined([prose(f) for f in frags]) for frags in cells(Column.TITLE))
        result = "\n".join(_joined([prose(f) for f in frags]) for frags in cells(Column.RESULT))
        deadline = " ".join(
            " ".join(phrase(f) for f in frags if phrase(f)) for frags in cells(Column.DEADLINE)
        )
        responsible = "\n".join(_joined(frags) for frags in cells(Column.RESPONSIBLE))
        return PlanRow(
            number=draft.number,
            section=draft.section,
            title=title,
            result=result or None,
            deadline=deadline.strip(),
            responsible=responsible,
            origin=draft.origin,
            line=draft.line,
            notes=draft.notes,
        )


class _Lookahead:
    """The number of the next numbered row, computed only when a section needs it."""

    def __init__(self, builder: _Builder, table: Table, index: int) -> None:
        self.builder, self.table, self.index = builder, table, index

    def __call__(self) -> str | None:
        return self.builder._next_number(self.table, self.index)


def _joined(fragments: list[str]) -> str:
    text = ""
    for fragment in fragments:
        text = join_fragment(text, fragment)
    return text


def _short(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
