"""How much of a document the readers accept: a plan is never this big, a resource bomb is.

Each bound gives a clear :class:`~tracker.errors.InputError` instead of minutes of work or
gigabytes of memory.
"""

from __future__ import annotations

from pathlib import Path

from tracker.errors import InputError

MAX_FILE = 100 * 1024 * 1024
"""Bytes of a document file (read no further: ``/dev/zero`` never ends)."""
MAX_UNCOMPRESSED = 200 * 1024 * 1024
"""Bytes an Office file's parts may hold once unzipped."""
MAX_ROWS = 100_000
MAX_COLUMNS = 300
MAX_CELLS = 1_000_000
MAX_PARAGRAPHS = 200_000
MAX_PAGES = 2_000


def too_big(path: Path, what: str, count: int, limit: int) -> InputError:
    """The error for ``count`` ``what`` where at most ``limit`` are read."""
    shown, most = f"{count:,}".replace(",", " "), f"{limit:,}".replace(",", " ")
    return InputError(
        f"{path}: {shown} {what}, more than the {most} a roadmap may have",
        hint="the file is damaged or not a roadmap; save the plan alone into a new file",
    )
