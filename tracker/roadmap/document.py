"""The text above the plan → the document's facts: title, issuer, number, date and period.

Read from the lines above the plan table, in order. Every rule is driven by the word lists in
``vocabulary_ru.toml`` (document kinds, stamps, plan words, month stems, period words). The
period is only ever read from an explicit statement («на период 2022-2024 гг.», «на 2022-2023
учебный год», «в 2021-2022 годах»); when there is none it stays ``None``: it is never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

from tracker.roadmap.vocabulary import alternation, fold, vocabulary
from tracker.terms.model import Period

_LONG_LINE = 200
_TITLE_SEARCH_LINES = 8
_DOTTED_DATE = re.compile(r"(?<!\d)(\d{1,2})\s*\.\s*(\d{1,2})\s*\.\s*(\d{4}|\d{2})(?!\d)")
_WORD_DATE = re.compile(r"(?<!\d)(\d{1,2})\s*»?\s+([а-яё]+)\.?\s*(\d{4})(?!\d)", re.IGNORECASE)
_NUMBER = re.compile(r"№\s*([0-9A-Za-zА-Яа-яЁё][^\s,;]*)")


@dataclass(slots=True)
class DocumentFacts:
    """What the document says about itself. Any of it may be missing."""

    title: str | None = None
    issuer: str | None = None
    number: str | None = None
    date: date | None = None
    period: Period | None = None
    period_text: str | None = None
    warnings: list[str] = field(default_factory=list)


def read_facts(lines: list[str], headings: list[list[str]] | None = None) -> DocumentFacts:
    """The facts stated in ``lines``, the text above the plan table in reading order.

    ``headings`` are the stretches of it between tables, the one right above the plan first: the
    plan's title is looked for in each in turn (default: all of ``lines``).
    """
    lines = _tidy(lines)
    facts = DocumentFacts()
    top = _top_block(lines)
    facts.number, facts.date = _number_and_date(top)
    facts.issuer = _issuer(top)
    subject = next((line for line in lines if _is_subject(line)), None)
    stretches = [lines] if headings is None else [_tidy(part) for part in headings]
    facts.title = next(filter(None, map(_title, stretches)), None) or subject
    _read_period(facts, lines, subject)
    return facts


def _tidy(lines: list[str]) -> list[str]:
    return [" ".join(line.split()) for line in lines if line.strip()]


# --- the letterhead ---------------------------------------------------------------------------


def _compact(line: str) -> str:
    """Folded, without spaces: «П Р И К А З» → «приказ»."""
    return fold(line).replace(" ", "")


def _is_subject(line: str) -> bool:
    return fold(line).startswith(vocabulary().subject)


def _is_operative(line: str) -> bool:
    compact = _compact(line)
    return any(compact.startswith(word) for word in vocabulary().operative)


def _top_block(lines: list[str]) -> list[str]:
    """The letterhead: the lines before the subject, the operative word or the first long one."""
    out: list[str] = []
    for line in lines:
        if _is_subject(line) or _is_operative(line) or len(line) > _LONG_LINE:
            break
        out.append(line)
    return out


def _is_kind_heading(line: str) -> bool:
    compact = _compact(line)
    for kind in vocabulary().document_kinds:
        if compact.startswith(kind) and not compact[len(kind) : len(kind) + 1].isalpha():
            return True
    return False


def _is_contact(line: str) -> bool:
    folded = fold(line)
    if re.search(r"(?<!\d)\d{6}(?!\d)", folded):  # a postal code
        return True
    return any(re.search(rf"(?<!\w){re.escape(word)}", folded) for word in vocabulary().contacts)


def _is_date_or_number(line: str) -> bool:
    rest = _NUMBER.sub("", _WORD_DATE.sub("", _DOTTED_DATE.sub("", line)))
    rest = re.sub(r"(?i)\b(от|г|года|год)\b\.?|[«»\"\s.,:]", "", rest)
    return not rest


def _issuer(top: list[str]) -> str | None:
    for index, line in enumerate(top):
        if _is_kind_heading(line):
            names = [
                candidate
                for candidate in top[:index]
                if not _is_contact(candidate)
                and not _is_date_or_number(candidate)
                and not fold(candidate).startswith(vocabulary().stamps)
            ]
            return " ".join(names) or None
    stamp = " ".join(top)
    kinds = alternation(vocabulary().kinds_instrumental)
    match = re.search(rf"(?i)(?<!\w)(?:{kinds})\s+(.+?)\s+от\s+\S*\d", stamp)
    return match[1].strip() if match else None


def _number_and_date(top: list[str]) -> tuple[str | None, date | None]:
    number: str | None = None
    when: date | None = None
    for line in top:
        if _is_contact(line):
            continue
        if number is None and (found := _NUMBER.search(line)):
            number = found[1].rstrip(".,")
        if when is None:
            when = parse_date(line)
    return number, when


def parse_date(text: str) -> date | None:
    """The first date written in ``text``: «12.12.2022», «18 МАР 2021», «« 30 » апреля 2022г.»."""
    candidates: list[tuple[int, date]] = []
    for match in _DOTTED_DATE.finditer(text):
        year = int(match[3])
        year += 2000 if year < 70 else 1900 if year < 100 else 0
        when = _date(year, int(match[2]), int(match[1]))
        if when:
            candidates.append((match.start(), when))
    for match in _WORD_DATE.finditer(text):
        month = _month(match[2])
        when = _date(int(match[3]), month, int(match[1])) if month else None
        if when:
            candidates.append((match.start(), when))
    return min(candidates)[1] if candidates else None


def _month(word: str) -> int | None:
    folded = fold(word)
    for stem, number in vocabulary().months.items():
        if folded.startswith(stem):
            return number
    return None


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


# --- the plan's title -------------------------------------------------------------------------


@cache
def _plan_word() -> re.Pattern[str]:
    words = alternation(vocabulary().plan_words)
    return re.compile(rf"(?<!\w)(?:{words})\w{{0,2}}(?!\w)", re.IGNORECASE)


def _names_plan(line: str) -> bool:
    return bool(_plan_word().search(fold(line)))


def _is_stamp(line: str) -> bool:
    folded = fold(line)
    return (
        folded.startswith(vocabulary().stamps)
        or bool(re.match(r"от\s+\S*\d", folded))
        or len(line) > _LONG_LINE
        or _is_date_or_number(line)
    )


_SIGNATURE = re.compile(
    r"^(?:.*\s)?(?:[А-ЯЁ]\.\s?){1,2}[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?$"
    r"|^[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?\s(?:[А-ЯЁ]\.\s?){1,2}$"
)


def _ends_title_search(line: str) -> bool:
    """A stamp, a signature («Т.В.Чуракова») or a sentence of the order's body."""
    sentence = len(line) > 120 and line.rstrip().endswith((".", ";", ":"))
    return _is_stamp(line) or bool(_SIGNATURE.match(line.strip())) or sentence


def _title(lines: list[str]) -> str | None:
    """The plan's own heading: the lines just above the table, from the topmost one that names a
    plan («Дорожная карта …», «План мероприятий …», «ПЛАН») down to the table. The search goes up
    at most a few lines and stops at a stamp, a signature or a sentence of the order's body."""
    top: int | None = None
    for index in range(len(lines) - 1, max(len(lines) - 1 - _TITLE_SEARCH_LINES, -1), -1):
        line = lines[index]
        if _ends_title_search(line):
            break
        if _names_plan(line):
            top = index
    if top is None:
        return None
    return " ".join(lines[top:]) or None


# --- the period -------------------------------------------------------------------------------


@cache
def _period_pattern(prefix_required: bool) -> re.Pattern[str]:
    vocab = vocabulary()
    year = r"(?:19|20)\d{2}"
    prefix = rf"(?<!\w)(?P<prefix>{alternation(vocab.period_prefixes)})\s+(?:с\s+)?"
    if not prefix_required:
        prefix = rf"(?:{prefix})?(?<![\d.])"
    joiners = alternation(vocab.period_joiners)
    academic = alternation(vocab.academic_words)
    calendar = alternation(vocab.calendar_words)
    words = rf"(?P<academic>{academic})|(?P<calendar>{calendar})"
    return re.compile(
        rf"{prefix}(?P<first>{year})(?:\s*(?:{joiners})\s*(?P<last>{year}))?\s*(?:{words})(?!\w)",
        re.IGNORECASE,
    )


def find_period(text: str, *, in_title: bool) -> tuple[Period, str] | None:
    """The first period ``text`` states, and the words that state it.

    In a title a period may stand without a preposition, and may be a single calendar year
    («на 2023 год»); elsewhere only a span introduced by «на», «в», «на период» … counts.
    """
    vocab = vocabulary()
    if in_title and (part := _part_of_year(text)) is not None:
        return part
    for match in _period_pattern(not in_title).finditer(fold(text)):
        first = int(match["first"])
        last = int(match["last"]) if match["last"] else None
        if last is None and not (in_title and match["calendar"] and match["prefix"]):
            continue
        end_year = last if last is not None else first
        if end_year < first or end_year - first > vocab.period_max_years:
            continue
        if match["academic"]:
            if end_year == first:
                continue
            start = date(first, *vocab.academic_start)
            end = date(end_year, *vocab.academic_end)
        else:
            start, end = date(first, 1, 1), date(end_year, 12, 31)
        return Period(start, end), match[0].strip()
    return None


_PARTS = {"i": 1, "1": 1, "ii": 2, "2": 2, "iii": 3, "3": 3, "iv": 4, "4": 4}


def _part_of_year(text: str) -> tuple[Period, str] | None:
    """«на I полугодие 2025 года», «на III квартал 2024 г.»: a half or a quarter of a year."""
    words = alternation(vocabulary().period_parts)
    found = re.search(
        rf"(?<!\w)(?:на|в)\s+(?P<part>iv|iii|ii|i|[1-4])(?:-?[еймго]{{0,2}})?\s+(?P<word>{words})\w*"
        rf"\s+(?P<year>(?:19|20)\d{{2}})",
        fold(text),
    )
    if found is None:
        return None
    part, year = _PARTS[found["part"]], int(found["year"])
    months = 6 if found["word"].startswith("полугод") else 3
    if part * months > 12:
        return None
    first_month = (part - 1) * months + 1
    last_month = first_month + months - 1
    following = date(year + 1, 1, 1) if last_month == 12 else date(year, last_month + 1, 1)
    return Period(date(year, first_month, 1), following - timedelta(days=1)), found[0]


def _read_period(facts: DocumentFacts, lines: list[str], subject: str | None) -> None:
    found: list[tuple[Period, str]] = []
    sources = [(facts.title, True), (subject, True), *((line, False) for line in lines)]
    for text, in_title in sources:
        if text:
            stated = find_period(text, in_title=in_title)
            if stated:
                found.append(stated)
    if not found:
        return
    facts.period, facts.period_text = found[0]
    others = sorted({str(period) for period, _ in found if period != facts.period})
    if others:
        facts.warnings.append(
            f"the document also states other periods ({', '.join(others)}); "
            f"using «{facts.period_text}» = {facts.period}"
        )
