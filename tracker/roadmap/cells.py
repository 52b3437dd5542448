"""Cell text: cleaning what extraction left behind, and joining the pieces of a cell.

Deadlines are kept as written (only the ends of each line are trimmed); titles and results get
their spaces tidied. Nothing here knows about columns.
"""

from __future__ import annotations

import html
import re

from tracker.roadmap.vocabulary import vocabulary

_PARAGRAPH_BREAK = re.compile(r"</p>\s*<p[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"</?(?:p|br|span|b|i|u|strong|em|div|font)\b[^>]*>", re.IGNORECASE)
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_BOLD = re.compile(r"\*\*")
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_ODD_SPACES = re.compile("[\u00a0\u2007\u202f\u2009\u200a\u3000]")
_SPECIAL = re.compile(
    "[<&*\r\u00ad\u200b\u200c\u200d\u2060\ufeff\u00a0\u2007\u202f\u2009\u200a\u3000]"
)
_RUNS = re.compile(r"[ \t\f\v]+")
_ROW_NUMBER = re.compile(r"^(?:\d{1,3}(?:\s?\.\s?\d{1,3})*|[IVXLCDM]{1,7}(?:\.\d{1,3})*)[.)]?$")
_ROMAN = re.compile(r"^[IVXLCDM]{1,7}$")


def clean(text: str) -> str:
    """Remove markup and invisible characters; keep line breaks; trim each line's ends."""
    if _SPECIAL.search(text):
        if "<" in text:
            text = _PARAGRAPH_BREAK.sub("\n", text)
            text = _BREAK.sub("\n", text)
            text = _TAG.sub("", text)
        if "&" in text:
            text = html.unescape(text)
        text = _ODD_SPACES.sub(" ", _INVISIBLE.sub("", _BOLD.sub("", text)))
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\n" not in text:
        return text.strip()
    return "\n".join(line.strip() for line in text.split("\n")).strip("\n")


_RULE = re.compile(r"[-–—−―_=.…\s]+")


def is_placeholder(text: str) -> bool:
    """A cell that holds nothing but a dash, a rule drawn with dashes, or another filler."""
    stripped = text.strip()
    return stripped.lower() in vocabulary().placeholders or bool(_RULE.fullmatch(stripped))


def is_blank(text: str) -> bool:
    """Empty, whitespace or a placeholder."""
    return not text.strip() or is_placeholder(text)


def is_row_number(text: str) -> bool:
    """«1», «1.1.», «IV.», «2)»: a cell that is only a row or section number."""
    return bool(_ROW_NUMBER.match(text.strip()))


def is_roman(text: str) -> bool:
    return bool(_ROMAN.match(text.strip().rstrip(".)")))


_ROMANS = [
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
]  # fmt: skip


def to_roman(number: int) -> str:
    """``number`` in Roman numerals (4 → «IV»), as section and list numbers are written."""
    out = ""
    for value, letters in _ROMANS:
        while number >= value:
            out += letters
            number -= value
    return out


def from_roman(text: str) -> int:
    """A Roman numeral's value («IV» → 4)."""
    values = {letters: value for value, letters in _ROMANS if len(letters) == 1}
    total = 0
    for index, letter in enumerate(text):
        value = values[letter]
        following = values[text[index + 1]] if index + 1 < len(text) else 0
        total += -value if value < following else value
    return total


def tidy_number(text: str) -> str:
    """A number as written, without surrounding spaces and the final dot («1. 2.» → «1.2»)."""
    text = " ".join(text.split())
    if is_row_number(text):
        text = text.replace(" ", "")
    return text.rstrip(".)") or text


def lines(text: str) -> list[str]:
    """The non-empty lines of a cell."""
    return [line for line in (part.strip() for part in text.split("\n")) if line]


def _starts_list_item(line: str) -> bool:
    markers = vocabulary().list_markers
    return line.startswith(markers) or bool(re.match(r"^\d{1,2}[.)]\s?\S", line))


def prose(text: str) -> str:
    """Title or result text: wrapped lines joined with spaces, list items kept on their lines."""
    out: list[str] = []
    for line in lines(text):
        line = _RUNS.sub(" ", line)
        if out and not _starts_list_item(line):
            out[-1] = join_fragment(out[-1], line)
        else:
            out.append(line)
    return "\n".join(out)


def phrase(text: str) -> str:
    """Deadline text: lines joined with one space, everything else as written."""
    return " ".join(lines(text))


def join_fragment(before: str, after: str) -> str:
    """Join text continued on a new line or page: a space, or nothing inside a broken word."""
    if not before:
        return after
    if not after:
        return before
    first = after[0]
    if first.lower() in vocabulary().glue_letters:
        return before + after
    if before.endswith("-") and len(before) > 1 and before[-2].isalpha() and first.islower():
        return before + after
    return f"{before} {after}"
