"""Rows right when the seed plans are flattened (issue 14): each seed written by
tests/roadmap/documents.py ``flat_text`` in every flattened style, imported, and matched to the
seeds' gold (title start and deadline), as tests/roadmap/test_import_flat.py does.

    python benchmarks/import_flat_seeds.py                 # all styles
    python benchmarks/import_flat_seeds.py one-line        # only these styles
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "roadmap"))

from documents import FLAT_STYLES, flat_text  # type: ignore[import-not-found]  # noqa: E402
from roadmap_helpers import (  # type: ignore[import-not-found]  # noqa: E402
    SEEDS,
    gold,
    imported,
    items_of,
    option_period,
)

from tracker.errors import TrackerError  # noqa: E402
from tracker.roadmap.importer import import_roadmap  # noqa: E402

ORDER = ("number", "title", "deadline", "responsible", "result")


def _flat(text: str) -> str:
    return " ".join(text.split())


def _right(seed: str, style: str, folder: Path) -> tuple[int, int, list[str]]:
    path = folder / f"{seed}.{style}.txt"
    path.write_text(flat_text(items_of(imported(seed)), style, ORDER), encoding="utf-8")
    want = gold()[seed]["activities"]
    try:
        roadmap = import_roadmap(path, period=option_period(seed))
    except TrackerError as error:
        return 0, len(want), [f"{seed}: {error}"]
    got = [(_flat(a.title), _flat(a.deadline)) for a in roadmap.activities]
    right, misses = 0, []
    for entry in want:
        start, deadline = _flat(entry["title_start"]), _flat(entry["deadline"])
        if any(t.startswith(start) and d == deadline for t, d in got):
            right += 1
        else:
            misses.append(f"{seed}: «{start}» / «{deadline}»")
    return right, len(want), misses


def main() -> None:
    styles = [s for s in sys.argv[1:] if not s.startswith("-")] or list(FLAT_STYLES)
    verbose = "-v" in sys.argv
    with tempfile.TemporaryDirectory() as folder:
        for style in styles:
            counts = [_right(seed, style, Path(folder)) for seed in SEEDS]
            right, total = sum(c[0] for c in counts), sum(c[1] for c in counts)
            print(f"{style:14} {right:3}/{total} ({100 * right / total:5.1f} %)")
            if verbose:
                for count in counts:
                    for miss in count[2]:
                        print(f"    - {miss}")


if __name__ == "__main__":
    main()
