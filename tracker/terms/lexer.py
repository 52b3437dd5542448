"""Text → tokens: normalisation, the lexicon, multi-word markers, clock times, typos.

The vocabulary lives in ``lexicon_ru.toml``; this module only knows the *shapes* of tokens
(numbers, dotted dates, words, punctuation).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
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
    | (?P<numero>№\s*(?:[0-9a-zа-я]+(?:[-/][0-9a-zа-я]+)*)?)
    | (?P<hm>(?<![\d.:])(?P<h>[01]?\d|2[0-3])\s?(?P<sep>[:-])\s?(?P<mm>[0-5]\d)(?![\d:])
        (?!\s?\.\s?\d))
    | (?P<clock>\d{1,2}:\d{2})(?!\d)
    | (?P<date>(?P<d>\d{1,2})\s?\.\s?(?P<m>\d{1,2})
        (?:\s?\.\s?(?P<y>\d{4}|\d{2})(?![\d.]\d))?)\.?(?!\d)
    | (?P<num>(?P<n>\d+)(?:-?(?P<suf>ого|го|ый|ий|ой|й|ое|е|ая|я|ую|ом|м)(?![а-яa-z]))?)(?!\d)
    | (?P<word>[а-яa-z]+)
    | (?P<punct>[,;\-()/.:+])
    """,
    re.VERBOSE,
)
# What follows «15-30»: a month or «числа» makes it a span of days, not a clock time.
_AFTER_HM = re.compile(r"\s*(?:(?P<digit>[.\d])|(?P<word>[а-яa-z]+))")
# Case endings of cardinal numbers glued by a hyphen: «5-х классов», «3-ти дней».
CASE_ENDINGS = frozenset({"х", "ти", "ми", "и", "ух", "ех", "мя", "ое", "ого"})
# Tokens that are not part of any deadline: dropped, named in a warning.
JUNK = "junk"
FOREIGN = frozenset({"word", JUNK, "abbr", "counted", "topic"})


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
    data = tomllib.loads(Path(__file__).with_name("lexicon_ru.toml").read_text("utf-8"))
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
    return lex


def _deletions(lex: Lexicon) -> dict[str, set[str]]:
    """Every form of five letters or more with one letter deleted (built on first use: most
    cells never need a typo corrected)."""
    if not lex.deletions:
        for form in lex.words:
            if len(form) >= 5:
                for i in range(len(form)):
                    lex.deletions.setdefault(form[:i] + form[i + 1 :], set()).add(form)
    return lex.deletions


def _fuzzy(word: str, lex: Lexicon) -> str | None:
    """One edit (deletion, insertion, substitution, swap) away from exactly one known form."""
    if len(word) < 5:
        return None
    deletions = _deletions(lex)
    found: set[str] = set()
    found |= deletions.get(word, set())  # a letter missing from ``word``
    for i in range(len(word)):
        shorter = word[:i] + word[i + 1 :]
        if shorter in lex.words:
            found.add(shorter)  # an extra letter in ``word``
        found |= deletions.get(shorter, set())  # substitution
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
    clocks: list[str] = field(default_factory=list)  # times of day dropped («10-00», «14:45»)


def _is_clock(hours: int, minutes: int) -> bool:
    return hours <= 23 and (minutes == 0 or minutes > 12)


# A raw token with its place in the text: (token, start, end).
_Raw = tuple[Token, int, int]


def tokenize(text: str) -> Lexed:
    """Normalise ``text`` and cut it into tokens; drop clock times and noise words.

    Text that cannot belong to a deadline (other scripts, «№12а», numbers glued to words such
    as «80-летию») becomes :data:`JUNK` tokens, which the reader drops with a warning.
    """
    lex = lexicon()
    source = text.translate(_DASHES)
    lowered = source.lower()
    raw: list[_Raw] = []
    depth = 0
    last = 0
    for match in _RAW.finditer(lowered):
        start, end = match.start(), match.end()
        gap = lowered[last:start]
        if gap.strip():
            raw.append(
                (Token(JUNK, gap.strip(), source[last:start].strip(), paren=depth), last, start)
            )
        last = end
        group = match.lastgroup
        surface = source[start:end]
        if group == "hm":
            if _hm_is_clock(match, lowered, lex):
                raw.append((Token("clock", None, surface, paren=depth), start, end))
                continue
            h, mm = match.group("h"), match.group("mm")
            raw.append((Token(NUM, int(h), h, digits=len(h), paren=depth), start, start + len(h)))
            raw.append((Token(PUNCT, "-", "-", paren=depth), match.start("sep"), match.end("sep")))
            raw.append((Token(NUM, int(mm), mm, digits=2, paren=depth), end - 2, end))
            continue
        raw.append((_raw_token(match, group, surface, depth), start, end))
        if group == "punct":
            char = match.group("punct")
            if char == "(":
                depth += 1
            elif char == ")":
                depth = max(0, depth - 1)
            raw[-1] = (raw[-1][0]._replace(paren=depth), start, end)
    tail = lowered[last:]
    if tail.strip():
        raw.append((Token(JUNK, tail.strip(), source[last:].strip(), paren=depth), last, len(text)))
    warnings: list[str] = []
    tokens = _words_and_markers(_glue(raw, lex), lex, warnings)
    kept, clocks = _drop_clocks(tokens)
    return Lexed(kept, warnings, clocks)


def _raw_token(match: re.Match[str], group: str | None, surface: str, depth: int) -> Token:
    if group == "iso":
        y, m, d = (int(x) for x in match.group("iso").split("-"))
        return Token(DATE, (d, m, y), surface, paren=depth)
    if group == "clock":
        return Token("clock", None, surface, paren=depth)
    if group == "numero":
        return Token(JUNK, surface, surface, paren=depth)
    if group == "date":
        d, m = int(match.group("d")), int(match.group("m"))
        y_text = match.group("y")
        if y_text is None and _is_clock(d, m):
            return Token("clock", None, surface, paren=depth)
        year: int | None = None
        if y_text is not None:
            year = int(y_text)
            if len(y_text) == 2:
                year += 2000 if year < 70 else 1900
        return Token(DATE, (d, m, year), surface, paren=depth)
    if group == "num":
        digits = match.group("n")
        return Token(
            NUM,
            int(digits),
            surface,
            digits=len(digits),
            ordinal=match.group("suf") is not None,
            paren=depth,
        )
    if group == "word":
        return Token(WORD, match.group("word"), surface, upper=surface.isupper(), paren=depth)
    return Token(PUNCT, match.group("punct"), surface, paren=depth)


def _hm_is_clock(match: re.Match[str], lowered: str, lex: Lexicon) -> bool:
    """«10-00», «14:45», «15-30» are times; «15-30 марта», «09-10.2022» are not."""
    if match.group("sep") == ":" or match.group("mm") == "00":
        return True
    after = _AFTER_HM.match(lowered, match.end())
    if after is None:
        return True
    if after.group("digit"):
        return False
    known = lex.words.get(after.group("word"))
    return known is None or known[0] not in ("month", "unit")


def _known(word: str, lex: Lexicon) -> bool:
    return word in lex.words or word in lex.by_first


def _glue(raw: list[_Raw], lex: Lexicon) -> list[Token]:
    """Repair what copying from PDF and Word does to words, and mark numbers that belong to
    ordinary words («№12а», «80-летию», «СОШ2») as junk, so they are never read as dates."""
    out: list[_Raw] = []
    i = 0
    while i < len(raw):
        token, start, end = raw[i]
        nxt = raw[i + 1] if i + 1 < len(raw) else None
        nxt2 = raw[i + 2] if i + 2 < len(raw) else None
        # «учрежде- ния», «ежеквар- тально»: a word broken at the end of a line.
        if (
            token.kind == WORD
            and nxt is not None
            and nxt2 is not None
            and nxt[0].is_punct("-")
            and nxt[1] == end
            and nxt2[0].kind == WORD
            and nxt2[1] > nxt[2]
        ):
            joined = token.value + nxt2[0].value
            first_known = _known(token.value, lex)
            second_known = _known(nxt2[0].value, lex)
            if joined in lex.words or not (first_known or second_known):
                text = token.text + nxt2[0].text
                out.append(
                    (
                        Token(WORD, joined, text, upper=text.isupper(), paren=token.paren),
                        start,
                        nxt2[2],
                    )
                )
                i += 3
                continue
        if token.kind == NUM and not token.ordinal and nxt is not None:
            # «5-х», «3-ти»: a case ending of a count, not a word.
            word, stop = None, i + 1
            if nxt[0].kind == WORD and nxt[1] == end:
                word, stop = nxt, i + 2
            elif (
                nxt[0].is_punct("-")
                and nxt[1] == end
                and nxt2 is not None
                and nxt2[0].kind == WORD
                and nxt2[1] == nxt[2]
            ):
                word, stop = nxt2, i + 3
            if word is not None:
                value = word[0].value
                if value in CASE_ENDINGS:
                    out.append((token, start, word[2]))
                    i = stop
                    continue
                category = lex.words.get(value, ("", None))[0]
                if category in ("", "keyword", "topic"):
                    # «12а», «80-летию», «5-классник»: part of a name, not a date.
                    text = "".join(t.text for t, _, _ in raw[i:stop])
                    out.append((Token(JUNK, text, text, paren=token.paren), start, word[2]))
                    i = stop
                    continue
        if (
            token.kind == WORD
            and nxt is not None
            and nxt[0].kind == NUM
            and nxt[1] == end
            and not _known(token.value, lex)
            and _split_glued(token.value, lex) is None
            and _fuzzy(token.value, lex) is None
        ):
            # «СОШ2», «гимназия1»: a number glued to a name.
            text = token.text + nxt[0].text
            out.append((Token(JUNK, text, text, paren=token.paren), start, nxt[2]))
            i += 2
            continue
        out.append((token, start, end))
        i += 1
    return [t for t, _, _ in out]


def _words_and_markers(raw: list[Token], lex: Lexicon, warnings: list[str]) -> list[Token]:
    split: list[Token] = []
    for token in raw:
        parts = _split_glued(token.value, lex) if token.kind == WORD else None
        if parts is None:
            split.append(token)
            continue
        warnings.append(f"разделены слитно написанные слова: «{token.text}»")
        for part in parts:
            split.append(Token(WORD, part, part, paren=token.paren))
    raw = split
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


_GLUED_PREPOSITIONS = frozenset({"в", "с", "к"})


def _split_glued(word: str, lex: Lexicon) -> tuple[str, str] | None:
    """«третийквартал» → («третий», «квартал»): two lexicon words that lost their space."""
    if len(word) < 5 or word in lex.words:
        return None
    for cut in range(1, len(word) - 1):
        head, tail = word[:cut], word[cut:]
        if head not in lex.words or tail not in lex.words:
            continue
        if len(head) >= 2 and max(len(head), len(tail)) >= 4:
            return head, tail
        if head in _GLUED_PREPOSITIONS and len(tail) >= 4:
            return head, tail  # «втечение», «свыше»
    return None


def _drop_clocks(tokens: list[Token]) -> tuple[list[Token], list[str]]:
    """Drop clock times («10.00 ч.», «14.00 - 15.00», «в 18 часов», «в 10 ч. 30 мин.») and
    their unit words; return the tokens left and how many times were dropped."""
    out: list[Token] = []
    clocks: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        hour_words = i + 1 < len(tokens) and tokens[i + 1].kind == "noise"
        if token.kind == "clock" or (
            token.kind == NUM and token.value <= 23 and hour_words and _is_hour_word(tokens[i + 1])
        ):
            first = i
            i += 1
            # «14.00 - 15.00», «12-00-14-30», «с 10-00 до 15-30»: the second time goes too.
            while (
                i + 1 < len(tokens)
                and (tokens[i].is_punct("-") or tokens[i].is_kw("until", "to"))
                and tokens[i + 1].kind == "clock"
            ):
                i += 2
            while i < len(tokens) and (tokens[i].kind == "noise" or tokens[i].is_punct(".")):
                i += 1
            # «10 ч. 30 мин.»: the minutes go with the hour.
            if (
                i + 1 < len(tokens)
                and tokens[i].kind == NUM
                and tokens[i].value <= 59
                and tokens[i + 1].kind == "noise"
            ):
                i += 1
                while i < len(tokens) and (tokens[i].kind == "noise" or tokens[i].is_punct(".")):
                    i += 1
            if out and out[-1].is_kw("in", "from", "to", "until") and not _starts_date(tokens, i):
                out.pop()
                # «начало в 10.00»: the start of the event, at that time.
                if out and out[-1].kind == "part" and out[-1].value == "start":
                    out.pop()
            clocks.append(" ".join(t.text for t in tokens[first:i]))
            continue
        if token.kind == "noise":
            i += 1
            continue
        out.append(token)
        i += 1
    return out, clocks


def _is_hour_word(token: Token) -> bool:
    return str(token.value) == "noise" and token.text.lower().startswith(("ч", "час"))


def _starts_date(tokens: list[Token], i: int) -> bool:
    return i < len(tokens) and tokens[i].kind in (NUM, DATE, "month")


# Categories whose words a near miss must not be dropped for: «сенятбря 2022» is not «2022».
_NEAR_CATEGORIES = frozenset({"month", "season", "freq", "weekday", "weekdays", "part", "ordinal"})


@lru_cache(maxsize=1)
def _near_forms() -> tuple[tuple[str, ...], tuple[str, ...]]:
    lex = lexicon()
    dated = tuple(
        form
        for form, (category, _) in lex.words.items()
        if category in _NEAR_CATEGORIES and len(form) >= 5
    )
    other = tuple(form for form in lex.words if len(form) >= 5 and form not in dated)
    return dated, other


def near_miss(token: Token) -> str | None:
    """The date word a dropped word nearly is (two edits from a month, season, frequency …,
    one from any other lexicon word), or None: such a word is a typo, not a venue."""
    word = str(token.value).lower()
    if token.kind not in (WORD, "abbr") or len(word) < 5 or not word.isalpha():
        return None
    from rapidfuzz import process
    from rapidfuzz.distance import DamerauLevenshtein

    dated, other = _near_forms()
    found = process.extractOne(word, dated, scorer=DamerauLevenshtein.distance, score_cutoff=2)
    if found is None:
        found = process.extractOne(word, other, scorer=DamerauLevenshtein.distance, score_cutoff=1)
    return None if found is None else str(found[0])
