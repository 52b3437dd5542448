"""Phrase-language throughput against dateparser, measured in the same run.

    python benchmarks/parse_bench.py [--count 20000] [--runs 3]

Reads the same generated distinct phrases three ways: through the Python API
(``tracker.terms.expand``), through ``tracker parse --jsonl`` as a whole process (start-up
included), and through ``dateparser.parse(text, languages=["ru"])`` — warm in this process, and
as a whole process of its own (start-up included) beside ours. Prints throughputs, the ratios,
the minimum and median of the whole-process ratio over ``--runs`` rounds, the start-up of
``tracker parse``, and the share of the seed gold (tests/fixtures/seed-terms.jsonl) each reads
right.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tracker.terms import Kind, Period, expand  # noqa: E402
from tracker.terms.nodes import MONTHS_GEN, MONTHS_NOM  # noqa: E402

PERIOD = Period(date(2022, 1, 1), date(2024, 12, 31))
GEN = list(MONTHS_GEN[1:])
NOM = list(MONTHS_NOM[1:])
PREP = [name[:-1] + "е" for name in GEN]  # января → январе
ROMAN = ["I", "II", "III", "IV"]
DASHES = ["-", "–", "—", " - ", " – "]
SUFFIX = [" г.", " года", "", " г", " год"]


def phrases(count: int, seed: int = 7) -> list[str]:
    """``count`` distinct phrases in the shapes real roadmaps use."""
    rng = random.Random(seed)
    templates = [
        lambda: (
            f"{rng.randint(1, 28)} {GEN[rng.randrange(12)]} {rng.randint(2015, 2035)}"
            f"{rng.choice(SUFFIX)}"
        ),
        lambda: (
            f"до {rng.randint(1, 28):02}.{rng.randint(1, 12):02}.{rng.randint(2015, 2035)}"
            f"{rng.choice(SUFFIX)}"
        ),
        lambda: (
            f"{NOM[rng.randrange(12)].capitalize()} {rng.randint(2015, 2035)}{rng.choice(SUFFIX)}"
        ),
        lambda: f"{rng.choice(ROMAN)} квартал {rng.randint(2015, 2035)}{rng.choice(SUFFIX)}",
        lambda: (
            f"{NOM[rng.randrange(6)]}{rng.choice(DASHES)}{NOM[rng.randrange(6, 12)]} "
            f"{rng.randint(2015, 2035)}{rng.choice(SUFFIX)}"
        ),
        lambda: (
            f"не позднее {rng.randint(1, 28)} {GEN[rng.randrange(12)]} "
            f"{rng.randint(2015, 2035)}{rng.choice(SUFFIX)}"
        ),
        lambda: (
            f"с {rng.randint(1, 14)} по {rng.randint(15, 28)} {GEN[rng.randrange(12)]} "
            f"{rng.randint(2015, 2035)}{rng.choice(SUFFIX)}"
        ),
        lambda: (
            f"Ежегодно в {PREP[rng.randrange(12)]} и {PREP[rng.randrange(12)]} "
            f"{rng.choice(['', 'в течение периода реализации'])} {rng.randint(1, 9) * ' '}".strip()
        ),
        lambda: f"{rng.randint(2015, 2030)}{rng.choice(DASHES)}{rng.randint(2031, 2035)} годы",
        lambda: f"{rng.randint(1, 28)}.{rng.randint(1, 12):02}.{rng.randint(2015, 2035)}",
    ]
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < count:
        text = rng.choice(templates)()
        if text not in seen:
            seen.add(text)
            out.append(text)
    return out


def gold() -> list[dict[str, object]]:
    path = ROOT / "tests" / "fixtures" / "seed-terms.jsonl"
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def tracker_right(case: dict[str, object]) -> bool:
    period = case["period"]
    assert isinstance(period, list)
    start, end = (date.fromisoformat(str(x)) for x in period)
    result = expand(str(case["text"]), Period(start, end))
    windows = [[w["start"], w["due"]] for w in result.to_json()["windows"]]
    return result.kind.value == case["kind"] and windows == case["windows"]


def dateparser_right(case: dict[str, object], parse: object) -> bool:
    """Right when the gold is one window and dateparser's date falls inside it."""
    windows = case["windows"]
    if case["kind"] == Kind.UNSCHEDULED.value:
        return parse(str(case["text"]), languages=["ru"]) is None  # type: ignore[operator]
    if not isinstance(windows, list) or len(windows) != 1:
        return False
    got = parse(str(case["text"]), languages=["ru"])  # type: ignore[operator]
    if got is None:
        return False
    start, due = windows[0]
    day = got.date().isoformat()
    return bool((start or due) <= day <= due)


DATEPARSER_PROCESS = """
import sys, warnings
warnings.simplefilter("ignore")
import dateparser
for line in open(sys.argv[1], encoding="utf-8"):
    dateparser.parse(line.rstrip("\\n"), languages=["ru"])
"""


def whole_process(args: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(args, capture_output=True, check=True)
    return time.perf_counter() - started


def child_cpu(args: list[str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one whole process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = whole_process(args)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def startup() -> tuple[tuple[float, float], tuple[float, float]]:
    """The best of five, wall and CPU: ``tracker parse`` of one phrase, and a bare
    ``python -c pass`` (on a loaded machine the CPU time is the steadier figure)."""
    command = [sys.executable, "-m", "tracker", "parse", "--period", str(PERIOD), "1 мая 2022"]
    bare = [sys.executable, "-c", "pass"]
    ours = [child_cpu(command) for _ in range(5)]
    theirs = [child_cpu(bare) for _ in range(5)]
    return (
        (min(w for w, _ in ours), min(c for _, c in ours)),
        (min(w for w, _ in theirs), min(c for _, c in theirs)),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    texts = phrases(args.count)
    print(f"{len(texts)} distinct phrases, period {PERIOD}")

    started = time.perf_counter()
    kinds = [expand(t, PERIOD).kind for t in texts]
    api = time.perf_counter() - started
    errors = sum(k is Kind.ERROR for k in kinds)

    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
        f.write("\n".join(texts) + "\n")
        path = f.name
    ours = [sys.executable, "-m", "tracker", "parse", "--period", str(PERIOD), "--jsonl", path]
    started = time.perf_counter()
    run = subprocess.run(ours, capture_output=True, check=True)
    process = time.perf_counter() - started
    lines = run.stdout.decode("utf-8").count("\n")

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import dateparser

        dateparser.parse("1 мая 2022", languages=["ru"])  # load its language data first
        started = time.perf_counter()
        for text in texts:
            dateparser.parse(text, languages=["ru"])
        dp = time.perf_counter() - started

        cases = gold()
        ours_right = sum(tracker_right(c) for c in cases)
        theirs = sum(dateparser_right(c, dateparser.parse) for c in cases)

    n = len(texts)
    print(f"tracker API                {n / api:10.0f} phrases/s  ({api:.2f} s, {errors} errors)")
    print(
        f"tracker parse --jsonl      {n / process:10.0f} phrases/s  ({process:.2f} s whole "
        f"process, {lines} lines out)"
    )
    print(f"dateparser.parse (ru)      {n / dp:10.0f} phrases/s  ({dp:.2f} s, warm)")
    print(f"ratio API / dateparser            {dp / api:6.1f}x")
    print(f"ratio process / dateparser        {dp / process:6.1f}x   (target >= 10x)")

    # Whole process against whole process, several rounds, in the same run.
    theirs_command = [sys.executable, "-c", DATEPARSER_PROCESS, path]
    ratios: list[float] = []
    for round_no in range(1, args.runs + 1):
        mine = whole_process(ours)
        other = whole_process(theirs_command)
        ratios.append(other / mine)
        print(
            f"round {round_no}: tracker parse --jsonl {mine:.2f} s, dateparser process "
            f"{other:.2f} s: {other / mine:.1f}x"
        )
    Path(path).unlink()
    print(
        f"ratio whole process / whole process: min {min(ratios):.1f}x, "
        f"median {statistics.median(ratios):.1f}x over {len(ratios)} rounds   (target >= 10x)"
    )
    (ours_wall, ours_cpu), (bare_wall, bare_cpu) = startup()
    print(
        f"tracker parse start-up (one phrase, best of 5)   {ours_wall:.3f} s wall, "
        f"{ours_cpu:.3f} s CPU   (target < 0.15 s; bare python {bare_wall:.3f} s wall, "
        f"{bare_cpu:.3f} s CPU)"
    )
    print(
        f"seed gold read right: tracker {ours_right}/{len(cases)}, dateparser {theirs}/{len(cases)}"
    )


if __name__ == "__main__":
    main()
