"""Executor names in a plan → entries of the people directory: exact and close matches.

A plan writes the same person or body in many ways: «Бычкова О.И.» for «Бычкова Ольга
Ивановна», «МКУ ГИМЦ» for «МКУ «ГИМЦ»». :func:`match_name` says whether a name is the
directory's own spelling (``exact``: equal after folding case, ё/е, quotes, spaces and trailing
dots, which is how `tracker sync` matches), or close to some entries (``close``, best first), or
unknown. Closeness comes from a surname with initials against a full name, and from rapidfuzz's
weighted ratio over the folded spellings; a close match is a suggestion an admin confirms.

Pure: the caller passes the directory in as :class:`Candidate` values.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

#: Weighted ratio (0-100) from which a spelling counts as close.
CLOSE_SCORE = 86.0
#: Close suggestions shown at most.
LIMIT = 3

_QUOTES = str.maketrans("", "", "«»\"'“”„`")
_INITIALS_AFTER = re.compile(r"^(?P<surname>[^\W\d_]{2,})\s+(?P<initials>(?:[^\W\d_]\.\s*){1,2})$")
_INITIALS_BEFORE = re.compile(r"^(?P<initials>(?:[^\W\d_]\.\s*){1,2})\s*(?P<surname>[^\W\d_]{2,})$")
_FULL = re.compile(r"^(?P<surname>[^\W\d_]{2,})\s+(?P<given>[^\W\d_]{2,}(?:\s+[^\W\d_]{2,})?)$")


def fold(name: str) -> str:
    """The form names are compared in (the same rules as the store's ``normalize``)."""
    text = name.translate(_QUOTES).casefold().replace("ё", "е")
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"(?<=\.) (?=\w\.)", "", text)
    return text.rstrip(" .,;:")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A directory entry: its shown name and its other spellings."""

    name: str
    aliases: tuple[str, ...] = ()
    detail: str = ""  # e-mail, organisation: what helps an admin tell two entries apart

    def spellings(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True, slots=True)
class Suggestion:
    candidate: Candidate
    score: float  # 0-100
    why: str  # "инициалы", "написание": what made it close


@dataclass(frozen=True, slots=True)
class NameMatch:
    """What the directory knows of one name in the plan."""

    name: str
    exact: Candidate | None
    close: tuple[Suggestion, ...]

    @property
    def state(self) -> str:
        """``exact``, ``close`` or ``unknown``."""
        if self.exact is not None:
            return "exact"
        return "close" if self.close else "unknown"


def _initials(name: str) -> tuple[str, str] | None:
    """(surname, initials) of «Бычкова О.И.» / «О.И. Бычкова», folded; else None."""
    text = fold(name)  # folding drops the last dot: «бычкова о.и»
    for pattern, probe in ((_INITIALS_AFTER, text + "."), (_INITIALS_BEFORE, text)):
        found = pattern.match(probe)
        if found:
            letters = re.sub(r"[\s.]", "", found["initials"])
            return found["surname"], letters
    return None


def _full(name: str) -> tuple[str, str] | None:
    """(surname, initials) of a full «Бычкова Ольга Ивановна», folded; else None."""
    found = _FULL.match(fold(name))
    if not found:
        return None
    return found["surname"], "".join(part[0] for part in found["given"].split())


def _same_person(short: tuple[str, str], full: tuple[str, str]) -> bool:
    surname_ok = short[0] == full[0] or fuzz.ratio(short[0], full[0]) >= 90
    return surname_ok and full[1].startswith(short[1])


def match_name(name: str, directory: Sequence[Candidate], *, limit: int = LIMIT) -> NameMatch:
    """Exact and close entries of ``directory`` for the plan's ``name``."""
    folded = fold(name)
    for candidate in directory:
        if any(fold(spelling) == folded for spelling in candidate.spellings()):
            return NameMatch(name, candidate, ())
    scores: dict[int, Suggestion] = {}
    short = _initials(name)
    for index, candidate in enumerate(directory):
        for spelling in candidate.spellings():
            full = _full(spelling)
            if short and full and _same_person(short, full):
                scores[index] = Suggestion(candidate, 95.0, "инициалы")
                break
            other = _initials(spelling)
            theirs = _full(name)
            if other and theirs and _same_person(other, theirs):
                scores[index] = Suggestion(candidate, 95.0, "инициалы")
                break
    choices = {
        (index, position): fold(spelling)
        for index, candidate in enumerate(directory)
        for position, spelling in enumerate(candidate.spellings())
    }
    for _text, score, (index, _position) in process.extract(
        folded, choices, scorer=fuzz.WRatio, score_cutoff=CLOSE_SCORE, limit=limit * 4
    ):
        if index not in scores or scores[index].score < score:
            scores[index] = Suggestion(directory[index], float(score), "написание")
    ranked = sorted(scores.values(), key=lambda s: (-s.score, s.candidate.name))
    return NameMatch(name, None, tuple(ranked[:limit]))


def match_names(names: Sequence[str], directory: Sequence[Candidate]) -> list[NameMatch]:
    """:func:`match_name` for each distinct name, in order of first appearance."""
    return [match_name(name, directory) for name in dict.fromkeys(names)]
