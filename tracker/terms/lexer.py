"""Text → tokens: normalisation, the lexicon, multi-word markers, clock times, typos.

The vocabulary lives in ``lexicon_ru.toml``; this module only knows the *shapes* of tokens
(numbers, dotted dates, words, punctuation).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, NamedTuple

# Token kinds produced here and read by the grammar.
NUM = "num"
DATE = "date"
PUNCT = "punct"
WORD = "word"  # unknown word
MARKER = "marker"

_DASHES = str.maketrans(
    {c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"}
    | {"ё": "е", "Ё": "Е", "\u00a0": " ", "\u202f": " ", "\t": " ", "\n": " ", "\r": " "}
    | {c: " " for c in '«»"“”„*_'}
)

_RAW = re.compile(
    r"""
    (?P<iso>\d{4}-\d{2}-\d{2})(?!\d)
    | (?P<clock>\d{1,2}:\d{2})(?!\d)
    | (?P<date>(?P<d>\d{1,2})\s?\.\s?(?P<m>\d{1,2})
        (?:\s?\.\s?(?P<y>\d{4}|\d{2})(?![\d.]\d))?)\.?(?!\d)
    | (?P<num>(?P<n>\d+)(?:-?(?P<suf>ого|го|ый|ий|ой|й|ое|е|ая|я|ую|ом|м)(?![а-яa-z]))?)(?!\d)
    | (?P<word>[а-яa-z]+)
    | (?P<punct>[,;\-()/.:+])
    """,
    re.VERBOSE,
)


class Token(NamedTuple):
    """One lexical unit. ``kind`` is a lexicon category or a shape (num, date, punct, word)."""

    kind: str
    value: Any
    text: str
    upper: bool = False  # written in capitals in the source (an abbreviation such as «ЦМН»)
    digits: int = 0  # for numbers: how many digits were written
    ordinal: bool = False  # for numbers: written with an ordinal ending («6-го»)
    paren: int = 0  # nesting depth of parentheses around the token

    def is_kw(self, *names: str) -> bool:
        return self.kind == "keyword" and self.value in names

    def is_punct(self, *chars: str) -> bool:
        return self.kind == PUNCT and self.value in chars


@dataclass(slots=True)
class Lexicon:
    """The loaded vocabulary: word form → (category, value), phrase markers, fuzzy index."""

    words: dict[str, tuple[str, Any]] = field(default_factory=dict)
    phrases: list[tuple[tuple[str, ...], str]] = field(default_factory=list)
    deletions: dict[str, set[str]] = field(default_factory=dict)
    # Phrases by their first word, longest first (a first word may not hold a wildcard).
    by_first: dict[str, list[tuple[tuple[str, ...], str]]] = field(default_factory=dict)


def _value(raw: str) -> Any:
    try:
        return int(raw)
    except ValueError:
        return raw


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """Load ``lexicon_ru.toml`` once."""
    data = tomllib.loads(
        resources.files("tracker.terms").joinpath("lexicon_ru.toml").read_text("utf-8")
    )
    lex = Lexicon()
    for category, table in data["words"].items():
        for raw_value, forms in table.items():
            for form in forms:
                lex.words.setdefault(form, (category, _value(raw_value)))
    for name, patterns in data["phrases"].items():
        for pattern in patterns:
            lex.phrases.append((tuple(pattern.split()), name))
    # Longest patterns first, so «в течение всего периода реализации» beats «в течение».
    lex.phrases.sort(key=lambda item: -len(item[0]))
    for pattern, name in lex.phrases:
        if "*" in pattern[0]:
            raise ValueError(f"lexicon phrase may not start with a wildcard: {pattern}")
        lex.by_first.setdefault(pattern[0], []).append((pattern, name))
    for form in lex.words:
        if len(form) >= 5:
            for i in range(len(form)):
                lex.deletions.setdefault(form[:i] + form[i + 1 :], set()).add(form)
    return lex


def _fuzzy(word: str, lex: Lexicon) -> str | None:
    """One edit (deletion, insertion, substitution, swap) away from exactly one known form."""
    if len(word) < 5:
        return None
    found: set[str] = set()
    found |= lex.deletions.get(word, set())  # a letter missing from ``word``
    for i in range(len(word)):
        shorter = word[:i] + word[i + 1 :]
        if shorter in lex.words:
            found.add(shorter)  # an extra letter in ``word``
        found |= lex.deletions.get(shorter, set())  # substitution
    for i in range(len(word) - 1):
        swapped = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        if swapped in lex.words:
            found.add(swapped)
    found = {f for f in found if len(f) >= 5 and abs(len(f) - len(word)) <= 1}
    # Only one category may be meant, or it is not a correction but a guess.
    meanings = {lex.words[f] for f in found}
    if len(meanings) == 1:
        return min(found)
    return None


def _match_phrase(words: list[str], start: int, pattern: tuple[str, ...]) -> bool:
    if start + len(pattern) > len(words):
        return False
    for offset, part in enumerate(pattern):
        word = words[start + offset]
        if part.endswith("*"):
            if not word.startswith(part[:-1]):
                return False
        elif part.startswith("*"):
            if not word.endswith(part[1:]):
                return False
        elif word != part:
            return False
    return True


@dataclass(slots=True)
class Lexed:
    tokens: list[Token]
    warnings: list[str]


def _is_clock(hours: int, minutes: int) -> bool:
    return hours <= 23 and (minutes == 0 or minutes > 12)


def tokenize(text: str) -> Lexed:
    """Normalise ``text`` and cut it into tokens; drop clock times and noise words."""
    lex = lexicon()
    source = text.translate(_DASHES)
    lowered = source.lower()
    raw: list[Token] = []
    warnings: list[str] = []
    depth = 0
    for match in _RAW.finditer(lowered):
        group = match.lastgroup
        surface = source[match.start() : match.end()]
        if group == "iso":
            y, m, d = (int(x) for x in match.group("iso").split("-"))
            raw.append(Token(DATE, (d, m, y), surface, paren=depth))
        elif group == "clock":
            raw.append(Token("clock", None, surface, paren=depth))
        elif group == "date":
            d, m = int(match.group("d")), int(match.group("m"))
            y_text = match.group("y")
            if y_text is None and _is_clock(d, m):
                raw.append(Token("clock", None, surface, paren=depth))
                continue
            year: int | None = None
            if y_text is not None:
                year = int(y_text)
                if len(y_text) == 2:
                    year += 2000 if year < 70 else 1900
            raw.append(Token(DATE, (d, m, year), surface, paren=depth))
        elif group == "num":
            digits = match.group("n")
            raw.append(
                Token(
                    NUM,
                    int(digits),
                    surface,
                    digits=len(digits),
                    ordinal=match.group("suf") is not None,
                    paren=depth,
                )
            )
        elif group == "word":
            raw.append(
                Token(WORD, match.group("word"), surface, upper=surface.isupper(), paren=depth)
            )
        else:
            char = match.group("punct")
            if char == "(":
                depth += 1
            elif char == ")":
                depth = max(0, depth - 1)
            raw.append(Token(PUNCT, char, surface, paren=depth))
    tokens = _words_and_markers(raw, lex, warnings)
    return Lexed(_drop_clocks(tokens), warnings)


def _words_and_markers(raw: list[Token], lex: Lexicon, warnings: list[str]) -> list[Token]:
    words = [t.value if t.kind == WORD else "\x00" for t in raw]
    out: list[Token] = []
    i = 0
    while i < len(raw):
        token = raw[i]
        if token.kind != WORD:
            out.append(token)
            i += 1
            continue
        for pattern, name in lex.by_first.get(token.value, ()):
            if name == "label" and out:
                continue
            if _match_phrase(words, i, pattern):
                text = " ".join(t.text for t in raw[i : i + len(pattern)])
                if name not in ("label", "glue"):
                    out.append(Token(MARKER, name, text, paren=token.paren))
                i += len(pattern)
                # A label may be followed by «:» or a dash.
                if name == "label" and i < len(raw) and raw[i].is_punct(":", "-"):
                    i += 1
                break
        else:
            out.append(_word(token, lex, warnings))
            i += 1
    return out


def _word(token: Token, lex: Lexicon, warnings: list[str]) -> Token:
    word: str = token.value
    known = lex.words.get(word)
    if known is None:
        fixed = _fuzzy(word, lex)
        if fixed is not None:
            warnings.append(f"исправлена опечатка: «{token.text}» → «{fixed}»")
            known = lex.words[fixed]
    if known is None:
        if token.upper and 2 <= len(word) <= 6:
            return Token("abbr", word, token.text, upper=True, paren=token.paren)
        return token
    category, value = known
    return Token(category, value, token.text, upper=token.upper, paren=token.paren)


def _drop_clocks(tokens: list[Token]) -> list[Token]:
    """Drop clock times («10.00 ч.», «14.00 - 15.00», «в 18 часов») and their unit words."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        hour_words = i + 1 < len(tokens) and tokens[i + 1].kind == "noise"
        if token.kind == "clock" or (
            token.kind == NUM and token.value <= 23 and hour_words and _is_hour_word(tokens[i + 1])
        ):
            i += 1
            # «14.00 - 15.00»: the dash and the second time go too.
            if i + 1 < len(tokens) and tokens[i].is_punct("-") and tokens[i + 1].kind == "clock":
                i += 2
            while i < len(tokens) and tokens[i].kind == "noise":
                i += 1
            if out and out[-1].is_kw("in", "from", "to") and not _starts_date(tokens, i):
                out.pop()
            continue
        if token.kind == "noise":
            i += 1
            continue
        out.append(token)
        i += 1
    return out


def _is_hour_word(token: Token) -> bool:
    return str(token.value) == "noise" and token.text.lower().startswith(("ч", "час"))


def _starts_date(tokens: list[Token], i: int) -> bool:
    return i < len(tokens) and tokens[i].kind in (NUM, DATE, "month")
