"""A roadmap's slug: its name in the database, in ``executors.toml``, URLs and ``ROADMAP:NUMBER``.

Letters (any script), digits, «-», «_» and «.», starting with a letter or a digit, no «..», at
most :data:`LONGEST` characters. Nothing that could climb out of a folder or break a reference.
"""

from __future__ import annotations

import re

LONGEST = 64
RULE = "letters, digits, «-», «_» and «.», starting with a letter or digit, without «..»"

_SLUG = re.compile(r"[^\W_][\w.-]*")
_OTHER = re.compile(r"(?:[^\w.-]|\.{2,})+")


def is_slug(text: str) -> bool:
    """Whether ``text`` is a usable slug."""
    return len(text) <= LONGEST and bool(_SLUG.fullmatch(text)) and ".." not in text


def slug_from_name(name: str) -> str:
    """A slug made of a file name: other characters become «-»; ``roadmap`` when nothing is left.

    >>> slug_from_name("Дорожная карта (2022)")
    'Дорожная-карта-2022'
    """
    text = _OTHER.sub("-", name).strip("-._")[:LONGEST].rstrip("-._")
    return text if is_slug(text) else "roadmap"
