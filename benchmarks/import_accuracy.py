"""Accuracy of `tracker import` on plans its reader's author never saw.

Runs ``tracker import FILE --json`` (a subprocess, as a user would) on every file made by
tests/fixtures/unseen/make.py and matches the rows to the gold in tests/fixtures/unseen/plans.py:
rows right (title and deadline text equal after whitespace/quote normalisation), glued rows,
crashes (tracebacks) and one-line errors, per format.

    python benchmarks/import_accuracy.py            # table per format and per plan
    python benchmarks/import_accuracy.py -v         # and every failing row
    python benchmarks/import_accuracy.py pdf p15    # only these formats and plans (key prefixes)
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

UNSEEN = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "unseen"
sys.path.insert(0, str(UNSEEN))

from plans import PLANS  # noqa: E402
from score import Score, score  # noqa: E402

FORMATS = ("docx", "xlsx", "pdf", "html", "txt")


def run(path: Path, period: str | None) -> tuple[dict[str, object] | None, str]:
    command = [sys.executable, "-m", "tracker", "import", str(path), "--json"]
    if period:
        command += ["--period", period]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    if done.returncode == 0:
        return json.loads(done.stdout), ""
    if "Traceback" in done.stderr:
        last = done.stderr.strip().splitlines()[-1]
        return None, f"CRASH {last}"
    return None, f"error (exit {done.returncode}): {done.stderr.strip()}"


def main() -> None:
    verbose = "-v" in sys.argv[1:]
    only = [a for a in sys.argv[1:] if a in FORMATS] or list(FORMATS)
    keys = [a for a in sys.argv[1:] if a not in FORMATS and a != "-v"]
    plans = [p for p in PLANS if not keys or any(p.key.startswith(k) for k in keys)]
    # right, total, glued, crashes, errors, executors right, extra activities
    totals: dict[str, list[int]] = {f: [0, 0, 0, 0, 0, 0, 0] for f in only}
    lines: list[str] = []
    for fmt in only:
        for plan in plans:
            data, error = run(UNSEEN / "files" / f"{plan.key}.{fmt}", plan.period)
            t = totals[fmt]
            if data is None:
                total = len([i for i in plan.items if not isinstance(i, str)])
                t[1] += total
                t[3 if error.startswith("CRASH") else 4] += 1
                lines.append(f"{fmt:5} {plan.key:22} 0/{total}  {error}")
                continue
            s: Score = score(plan, data)
            t[0] += s.right
            t[1] += s.total
            t[2] += s.glued
            t[5] += s.executors_right
            t[6] += len(s.extras)
            warnings = len(data.get("warnings") or [])  # type: ignore[arg-type]
            lines.append(
                f"{fmt:5} {plan.key:22} {s.right}/{s.total}"
                f" (produced {s.produced}, glued {s.glued},"
                f" extra {len(s.extras)}, warnings {warnings}, executors right {s.executors_right})"
            )
            if verbose:
                lines.extend(f"        - {f}" for f in s.failures + s.extras + s.executor_failures)
    print("format  rows right / total   glued  crashes  errors  executors right  extra rows")
    for fmt, (right, total, glued, crash, err, exe, extra) in totals.items():
        share = 100 * right / total if total else 0.0
        print(
            f"{fmt:6}  {right:3}/{total:3} ({share:5.1f} %)  {glued:5}  {crash:7}  {err:6}"
            f"  {exe:15}  {extra:10}"
        )
    print()
    print("\n".join(lines))


if __name__ == "__main__":
    main()
