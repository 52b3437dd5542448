"""What stands under a plan table and is not part of it: a signature, a contact, a footnote.

«Начальник отдела образования ____ П.П. Петров», «Исполнитель: Сидорова А.В., тел. 3-12-45»,
«* Сроки могут уточняться». Such a row ends the plan. The words are in ``vocabulary_ru.toml``
(``[trailer]``).
"""

from __future__ import annotations

import re

from tracker.roadmap.vocabulary import fold, vocabulary

_RULE = re.compile(r"_{3,}")
_NAME = re.compile(
    r"(?:(?:[А-ЯЁ]\.\s?){1,2}[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?"
    r"|[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?\s(?:[А-ЯЁ]\.\s?){1,2})\s*$"
)
_MAX_WORDS = 25


def is_trailer(text: str, *, by_shape: bool = True) -> bool:
    """``text`` (a row's cells joined) is a signature, a contact line or a footnote.

    ``by_shape`` also takes a position word with a name («Директор школы В.Н. Киселёв»); without
    it only a signature rule, a contact or a footnote counts (the shape is an executor's too)."""
    flat = " ".join(text.split())
    if not flat or len(flat.split()) > _MAX_WORDS:
        return False
    folded = fold(flat)
    vocab = vocabulary()
    if folded.startswith(vocab.trailer_openers):
        return True
    if _RULE.search(flat):
        return True
    return by_shape and folded.startswith(vocab.trailer_positions) and bool(_NAME.search(flat))
