"""Flattened text: a plan copied from a web page or PDF with no separators left.

One cell per line (the header's words spread over lines, stray ``|``), or each row on one line,
or the whole table on one line. The header's words give the columns and their order; the rows
are then found by a scorer over what each column holds, not by rules for a particular file:

* a **number** is a row number («1.», «1.1»); a row of a numbered plan starts with one;
* a **deadline** is a span the phrase reader (``tracker.terms.expand``) reads as a deadline;
* **executors** have a person's shape («Гусева О.Н.», «О.Н. Гусева») or organisation words
  (``[flat] executor_stems`` in ``vocabulary_ru.toml``);
* a **title** starts with a capital and reads as neither;
* a **section** is a number or «Раздел …» with a title and no deadline, before a row whose
  number extends it.

A dynamic programme picks the split of the text into rows and cells with the best total score.
What comes out is an ordinary grid (a header row, section rows, activity rows) for ``detect``.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from tracker.roadmap.cells import is_row_number, tidy_number
from tracker.roadmap.columns import column_of
from tracker.roadmap.grid import Block, Table
from tracker.roadmap.trailer import is_trailer
from tracker.roadmap.vocabulary import Column, fold, vocabulary
from tracker.terms import Kind, Period, expand

_ANY_TIME = Period(date(2000, 1, 1), date(2099, 12, 31))
_EXTRA = "extra"
_NAMES = {
    Column.NUMBER: "№",
    Column.TITLE: "Мероприятие",
    Column.DEADLINE: "Срок",
    Column.RESPONSIBLE: "Ответственный",
    Column.RESULT: "Результат",
    _EXTRA: "Примечание",
}
_PERSON = re.compile(
    r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?\s+[А-ЯЁ]\.\s?[А-ЯЁ]\.|[А-ЯЁ]\.\s?[А-ЯЁ]\.\s?[А-ЯЁ][а-яё]+"
)
_SECTION = re.compile(
    r"^(?:(?:раздел|часть|блок|направление)\s+)?(?:\d{1,2}|[IVXLC]{1,6})[.)]?\s+\S", re.IGNORECASE
)
_HEADER_MAX_LINE_WORDS = 4
_SHORT = 6
"""Spans up to this long are asked whether they read as a deadline when they should not."""
_LONGEST = {Column.NUMBER: 1, Column.TITLE: 90, Column.DEADLINE: 12, Column.RESPONSIBLE: 16,
            Column.RESULT: 80, _EXTRA: 40}  # fmt: skip
_LONGEST_LINES = {Column.NUMBER: 1, Column.TITLE: 4, Column.DEADLINE: 3, Column.RESPONSIBLE: 6,
                  Column.RESULT: 4, _EXTRA: 4}  # fmt: skip

Kinds = Column | str
_Back = list[list[tuple[int, int, str] | None]]


@dataclass(slots=True)
class _Unit:
    text: str
    line: int
    fresh: bool
    """The unit starts a line (word mode) or follows a «|» line (line mode): a row may start."""


def read_flat(lines: list[str]) -> list[Block] | None:
    """The paragraphs and the plan table of flattened text, or None when no header is found."""
    found = _find_header(lines)
    if found is None:
        return None
    start, end, rest, columns, by_lines = found
    body: list[_Unit] = []
    fresh = True
    numbered = [(end, rest)] if rest is not None else []
    numbered += [(number + 1, lines[number]) for number in range(end, len(lines))]
    for line_number, raw in numbered:
        text = " ".join(raw.replace("|", " ").split())
        if not text:
            fresh = fresh or "|" in raw
            continue
        if is_trailer(text, by_shape=False):
            break
        if by_lines:
            body.append(_Unit(text, line_number, fresh))
        else:
            body.extend(_Unit(word, line_number, i == 0) for i, word in enumerate(text.split()))
        fresh = False
    rows = _Parser(body, columns, by_lines).parse()
    if not rows:
        return None
    blocks: list[Block] = [p for p in (" ".join(line.split()) for line in lines[:start]) if p]
    grid = [[_NAMES[column] for column in columns]]
    origins = [start + 1]
    for origin, cells in rows:
        grid.append(cells)
        origins.append(origin)
    blocks.append(Table(grid, origins, "line"))
    return blocks


# --- the header -------------------------------------------------------------------------------


def _stem_column(word: str) -> Column | None:
    folded = fold(word).strip("()«»\"'.,:;")
    if not folded:
        return None
    if folded.startswith("№") or folded in ("n", "номер"):
        return Column.NUMBER
    for column, stems in vocabulary().columns.items():
        for stem in stems:
            if " " not in stem and folded.startswith(stem):
                return column
    return None


def _is_continuation(word: str) -> bool:
    folded = fold(word).strip("()«»\"'.,:;")
    return folded in vocabulary().header_continuation or folded in ("ф.и.о", "фио", "и", "место")


def header_columns(words: list[str]) -> list[Kinds] | None:
    """The columns named by header ``words`` in order; None if they are not a plan's header."""
    columns: list[Kinds | None] = []
    for word in words:
        column = _stem_column(word)
        capital = word[:1].isupper()
        if column is not None:
            if columns and columns[-1] is None:
                columns[-1] = column
            elif not columns or columns[-1] != column:
                columns.append(column)
        elif capital and _is_continuation(word):
            columns.append(None)
        elif capital:
            columns.append(_EXTRA)
    out: list[Kinds] = [_EXTRA if column is None else column for column in columns]
    named = {column for column in out if column != _EXTRA}
    if Column.TITLE not in named or Column.DEADLINE not in named or len(named) < 3:
        return None
    if len(named) != len([c for c in out if c != _EXTRA]):
        return None
    return out


def _unnamed_cell(lines: list[str], index: int, words: list[str]) -> bool:
    """A header cell the vocabulary does not name («Населённый» / «пункт, вид работы»,
    «Отметка» / «о выполнении»): a short capitalised line whose next line goes on in lower case."""
    if len(words) > 2 or not words[0][:1].isupper():
        return False
    following = next(
        (
            line.replace("|", " ").split()
            for line in lines[index + 1 :]
            if line.replace("|", " ").strip()
        ),
        [],
    )
    return bool(following) and following[0][:1].islower() and all(map(_header_word, following))


def _cell_columns(lines: list[list[str]]) -> list[Kinds] | None:
    """The columns of a header written one cell per line: a line starting in lower case goes on
    the cell above («Населённый» / «пункт, вид работы»)."""
    cells: list[str] = []
    for words in lines:
        if cells and words[0][:1].islower():
            cells[-1] += " " + " ".join(words)
        else:
            cells.append(" ".join(words))
    columns: list[Kinds] = [column_of(cell) or _EXTRA for cell in cells]
    named = [column for column in columns if column != _EXTRA]
    if len(set(named)) != len(named) or len(named) < 3:
        return None
    if Column.TITLE not in named or Column.DEADLINE not in named:
        return None
    return columns


def _header_by_cells(words: list[str]) -> tuple[int, list[Kinds] | None]:
    """A one-line header with cells the vocabulary does not name («№ Дата / выезда Населённый
    пункт, вид работы Состав бригады …»): the words up to row 1 (or a section) cut into cells at
    each capitalised word; (words taken, columns) or (0, None)."""
    end = next(
        (i for i, word in enumerate(words[:30]) if is_row_number(word) or fold(word) == "раздел"),
        None,
    )
    if end is None or end < 3:
        return 0, None
    cells: list[list[str]] = []
    for word in words[:end]:
        if not (word[:1].isupper() or word.startswith("№") or _header_word(word)):
            return 0, None
        if cells and not (word[:1].isupper() or word.startswith("№")):
            cells[-1].append(word)
        else:
            cells.append([word])
    columns = _cell_columns(cells)
    return (end, columns) if columns is not None else (0, None)


def _header_word(word: str) -> bool:
    return (
        _stem_column(word) is not None
        or _is_continuation(word)
        or word in ("п/п", "/", "-")
        or (word[:1].islower() and not is_row_number(word))
    )


def _find_header(
    lines: list[str],
) -> tuple[int, int, str | None, list[Kinds], bool] | None:
    """(first line, line after it, the rest of its last line or None, columns, one cell per
    line) of the first header."""
    for index, raw in enumerate(lines):
        words = raw.replace("|", " ").split()
        if not words or _stem_column(words[0]) is None:
            continue
        if len(words) <= _HEADER_MAX_LINE_WORDS and all(map(_header_word, words)):
            end = index + 1
            gathered = [words]
            while end < len(lines):
                more = lines[end].replace("|", " ").split()
                if not more:
                    end += 1
                    continue
                if len(more) > _HEADER_MAX_LINE_WORDS:
                    break
                if not all(map(_header_word, more)) and not _unnamed_cell(lines, end, more):
                    break
                gathered.append(more)
                end += 1
            columns = _cell_columns(gathered) or header_columns([w for g in gathered for w in g])
            if columns is not None and end > index + 1:
                return index, end, None, columns, True
        taken = 0
        while taken < len(words) and _header_word(words[taken]):
            word = words[taken]
            if word[:1].isupper() and _stem_column(word) is None and not _is_continuation(word):
                break
            taken += 1
        if (
            taken + 1 < len(words)
            and words[taken][:1].isupper()
            and fold(words[taken]) not in ("раздел", "часть", "блок", "направление")
            and is_row_number(words[taken + 1])
            and header_columns(words[:taken]) is not None
        ):
            taken += 1  # a last header cell the vocabulary does not name, right before row 1
        columns = header_columns(words[:taken])
        if columns is None:
            taken, columns = _header_by_cells(words)
        if columns is not None:
            rest = " ".join(words[taken:])
            return index, index + 1, rest or None, columns, False
    return None


# --- the scorer -------------------------------------------------------------------------------


@cache
def _stems() -> tuple[str, ...]:
    vocab = vocabulary()
    return (*vocab.deadline_stems, *vocab.months)


def _may_be_deadline(text: str) -> bool:
    """Cheap: a word with a digit, or one that starts like a deadline word."""
    if any(character.isdigit() for character in text):
        return True
    stems = _stems()
    return any(word.startswith(stems) for word in re.findall(r"[а-яёa-z]+", fold(text)))


def _may_open_deadline(word: str) -> bool:
    """A deadline's first word: a digit, a deadline word («ежегодно», «апрель») or an opener."""
    folded = fold(word).strip("«»\"'(),.:;–—-")
    if not folded or any(character.isdigit() for character in folded):
        return bool(folded)
    return folded in vocabulary().deadline_openers or folded.startswith(_stems())


@cache
def _reading(text: str) -> tuple[object, ...] | None:
    """What the phrase reader makes of ``text`` (kind, windows, words it skipped), or None."""
    if not _may_be_deadline(text):
        return None
    try:
        reading = expand(text, _ANY_TIME)
    except Exception:  # the phrase reader must not stop an import
        return None
    if reading.kind is Kind.ERROR:
        return None
    skipped = 0
    for warning in reading.warnings:
        if warning.startswith("пропущен текст"):
            skipped += sum(len(part.split()) for part in re.findall(r"«([^»]*)»", warning))
    return reading.kind, reading.windows, skipped


@cache
def _deadline_reading(text: str) -> int | None:
    """None if the phrase reader cannot read ``text``; else how many of its words are not part
    of the deadline: those it skipped, and leading words it reads the same without."""
    reading = _reading(text)
    if reading is None:
        return None
    words = text.split()
    redundant = 0
    if len(words) > 1 and not _may_open_deadline(words[0]):
        # a span with junk in front reads the same without its first word («до», «ежегодно»
        # are the deadline's own)
        shorter = _reading(" ".join(words[1:]))
        redundant = int(shorter is not None and shorter[:2] == reading[:2])
    skipped = reading[2]
    assert isinstance(skipped, int)
    return skipped + redundant


def _reads_as_deadline(text: str) -> bool:
    """The phrase reader reads all of ``text`` as a deadline."""
    return _deadline_reading(text) == 0


_ABBREVIATION = re.compile(r"(?:^|,\s*)[А-ЯЁ]{2,6}(?![А-ЯЁа-яё])")
"""An organisation's abbreviation opening an executor («КДН и ЗП, ОМВД …»); inside a title
(«комплекса ГТО») it names no one."""


def _executor_score(text: str) -> float:
    people = len(_PERSON.findall(text))
    folded = fold(text)
    words = re.findall(r"[а-яёa-z]+", folded)
    stems = vocabulary().executor_stems
    organisations = sum(1 for word in words if word.startswith(stems))
    organisations += sum(1 for stem in stems if " " in stem and stem in folded)
    organisations += len(_ABBREVIATION.findall(text))  # «КДН и ЗП», «ОМВД», «МБОУ»
    if people == 0 and organisations == 0:
        return -3.0
    value = 2.0 * people + 1.0 * min(organisations, 3) - 0.1 * max(len(words) - 8, 0)
    value -= _stray_front(text)
    if text[:1].islower():
        value -= 2.0
    return value


def _opens_result(text: str) -> bool:
    """A result, product or place («Приказ …», «Не менее 20 специалистов», «Выставочный зал»)."""
    folded = fold(text).lstrip('«"(')
    return folded.startswith(vocabulary().result_stems)


def _results_inside(text: str, by_lines: bool) -> int:
    """Lines (or capitalised words after the first) of an executors' cell that open a result."""
    if by_lines:
        return sum(_opens_result(line) for line in text.split("\n")[1:])
    words = text.split()
    return sum(
        1
        for index in range(1, len(words))
        if words[index][:1].isupper()
        and not words[index - 1].endswith((",", "и"))
        and not _PERSON.match(" ".join(words[index : index + 2]))
        and _opens_result(" ".join(words[index:]))
    )


def _executor_inside(title: str) -> float:
    """A penalty for a title running on into an executor: a capitalised executor word after
    the title's second word, not inside quotes («… коллективов Центр тестирования»)."""
    words = title.split()
    stems = (*vocabulary().executor_stems, *vocabulary().position_stems)
    quoted = False
    for index, word in enumerate(words):
        if word.startswith(("«", '"')):
            quoted = True
        if index >= 2 and not quoted and word[:1].isupper() and fold(word).startswith(stems):
            return 1.0
        if word.endswith(("»", '"')):
            quoted = False
    return 0.0


def _stray_front(text: str) -> float:
    """A penalty for words in front of an executor that belong to the cell before: an
    abbreviation right before an executor word or a name («ГТО Комитет по …», a title's last
    word), or words before a name that name no post or organisation («на год Шилов А.Г.»)."""
    vocab = vocabulary()
    stems = (*vocab.executor_stems, *vocab.position_stems)
    words = text.split()
    if len(words) > 1 and _ABBREVIATION.match(words[0]) and words[1][:1].isupper():
        rest = " ".join(words[1:])
        if fold(words[1]).startswith(stems) or _PERSON.match(rest):
            return 1.5
    if len(words) > 2 and _ABBREVIATION.match(words[0]) and not words[0].endswith(","):
        for before, word in itertools.pairwise(words[1:]):
            if word[:1].isupper() and fold(word).startswith(stems) and not before.endswith(","):
                return 1.5  # «ГТО в газете «Вестник» Пресс-служба»: the title's end in front
    last = fold(words[-1]).strip("«»\"'(),.:;") if words else ""
    if len(words) > 1 and (last in vocab.deadline_openers or last.startswith("еже")):
        return 1.5  # «… Управление образования ежегодно в»: the deadline's start behind
    person = _PERSON.search(text)
    if person is not None and person.start() > 0:
        front = re.findall(r"[а-яёa-z]+", fold(text[: person.start()]))
        if front and not any(word.startswith(stems) for word in front):
            return 1.5
    return 0.0


class _Parser:
    def __init__(self, units: list[_Unit], columns: list[Kinds], by_lines: bool) -> None:
        self.units = units
        self.columns = columns
        self.by_lines = by_lines
        self.numbered = Column.NUMBER in columns
        self._row_starts: dict[tuple[int, int], list[int]] = {}

    def text(self, start: int, end: int) -> str:
        joiner = "\n" if self.by_lines else " "
        return joiner.join(unit.text for unit in self.units[start:end])

    def flat(self, start: int, end: int) -> str:
        return " ".join(unit.text for unit in self.units[start:end])

    def longest(self, column: Kinds) -> int:
        return (_LONGEST_LINES if self.by_lines else _LONGEST)[column]

    def score(self, column: Kinds, start: int, end: int) -> float | None:
        """The score of units ``start:end`` as ``column``'s cell; None if impossible."""
        count = end - start
        if count == 0:
            return -0.5 if column in (Column.RESPONSIBLE, Column.RESULT, _EXTRA) else None
        text = self.flat(start, end)
        if column == Column.NUMBER:
            if count != 1 or not is_row_number(text):
                return None
            return 4.0 + (1.0 if self.units[start].fresh else 0.0)
        if column == Column.DEADLINE:
            if not self.by_lines and not _may_open_deadline(self.units[start].text):
                return -4.0
            skipped = _deadline_reading(text)
            if skipped is None:
                return -4.0
            return 5.0 + 0.3 * count - 1.5 * skipped
        if column == Column.TITLE:
            if not (text[:1].isupper() or text[:1] in '«"('):
                return None
            value = 1.0 + min(count, 25) * 0.2
            if count <= _SHORT and _reads_as_deadline(text):
                value -= 3.0
            if _PERSON.fullmatch(text.strip(" ,")):
                value -= 3.0
            return value - _executor_inside(text)
        if column == Column.RESPONSIBLE:
            value = _executor_score(text)
            if _opens_result(text):
                value -= 3.0
            return value - 3.0 * _results_inside(self.text(start, end), self.by_lines)
        if not (text[:1].isupper() or text[:1] in '«"(' or text[:1].isdigit()):
            return None  # a cell starts with a capital; lower case goes on the cell before
        value = 0.3 + (1.0 if _opens_result(text) else 0.0)
        if count <= _SHORT and _reads_as_deadline(text):
            value -= 2.0
        return value

    def section(self, start: int) -> tuple[int, float] | None:
        """(end, score) of a section heading starting at ``start``."""
        units = self.units
        if self.by_lines:
            text = units[start].text
            if not _SECTION.match(text) or _reads_as_deadline(text):
                return None
            label = text.split()[0].rstrip(".)")
            following = units[start + 1].text if start + 1 < len(units) else ""
            extends = is_row_number(following) and tidy_number(following).startswith(label + ".")
            marker = not text.split()[0][:1].isdigit()
            if extends or marker or not self.numbered:
                return start + 1, 3.0
            return None
        first = units[start].text
        marker = fold(first) in ("раздел", "часть", "блок", "направление")
        if not (is_row_number(first) or marker):
            return None
        label = tidy_number(units[start + 1].text if marker and start + 1 < len(units) else first)
        best: tuple[int, float] | None = None
        for end in range(start + 2 + marker, min(start + 20, len(units)) + 1):
            following = units[end].text if end < len(units) else ""
            extends = tidy_number(following).startswith(label + ".")
            roman = not label[:1].isdigit()
            if is_row_number(following) and (extends or marker or roman):
                if not _reads_as_deadline(self.flat(start + 1 + marker, end)):
                    best = (end, 3.0)
                break
        return best

    def parse(self) -> list[tuple[int, list[str]]]:
        units, columns = self.units, self.columns
        size, width = len(units), len(columns)
        minus = float("-inf")
        best = [[minus] * (width + 1) for _ in range(size + 1)]
        back: _Back = [[None] * (width + 1) for _ in range(size + 1)]
        best[0][0] = 0.0
        for position in range(size + 1):
            for column in [*range(1, width), 0]:
                here = best[position][column]
                if here == minus:
                    continue
                if column == 0 and position < size:
                    skip = here - 2.0
                    if skip > best[position + 1][0]:
                        best[position + 1][0] = skip
                        back[position + 1][0] = (position, 0, "skip")
                    found = self.section(position)
                    if found is not None:
                        after, gain = found
                        if here + gain > best[after][0]:
                            best[after][0] = here + gain
                            back[after][0] = (position, 0, "section")
                kind = columns[column]
                last = min(position + self.longest(kind), size)
                for end in range(position, last + 1):
                    value = self.score(kind, position, end)
                    if value is None:
                        continue
                    if column == 0 and end > position and not units[position].fresh:
                        value -= 0.5
                    target = column + 1
                    total = here + value
                    if target == width:
                        if total > best[end][0]:
                            best[end][0] = total
                            back[end][0] = (position, -1, "row")
                            bounds = self._trace_row(back, position, column, end)
                            self._row_starts[(end, 0)] = bounds
                        continue
                    if total > best[end][target]:
                        best[end][target] = total
                        back[end][target] = (position, column, "cell")
        return self._rows(back, size)

    def _trace_row(self, back: _Back, position: int, column: int, end: int) -> list[int]:
        bounds = [end, position]
        while column > 0:
            step = back[position][column]
            assert step is not None
            position, column = step[0], step[1]
            bounds.append(position)
        return bounds[::-1]

    def _rows(self, back: _Back, size: int) -> list[tuple[int, list[str]]]:
        out: list[tuple[int, list[str]]] = []
        position = size
        while position > 0:
            step = back[position][0]
            if step is None:
                break
            start, _, kind = step
            if kind == "section":
                text = self.flat(start, position)
                out.append((self.units[start].line, [text, *([""] * (len(self.columns) - 1))]))
            elif kind == "row":
                bounds = self._row_starts[(position, 0)]
                cells = [self.text(a, b) for a, b in itertools.pairwise(bounds)]
                out.append((self.units[bounds[0]].line, cells))
                start = bounds[0]
            position = start
        out.reverse()
        return out
