"""The store at scale: sync 1,000 generated roadmaps × 100 activities; time the overdue query.

    python benchmarks/store_bench.py [--roadmaps 1000] [--activities 100] [--skip-postgres]

Generates schedule files (with the project's own writer) and an executors file, then for SQLite
and for a throwaway PostgreSQL server (Debian's package, started like the tests do, fsync on):

1. ``tracker sync`` of the folder (schedule files read by the project's loader, phrases read
   by the phrase language, rows written by the store), timing the load and the store apart;
2. the same sync again (nothing changed: it must write nothing);
3. ``status --state overdue`` in-process (the query) and as a whole ``tracker status`` process
   (start-up and JSON output included), once with a realistic backlog (past occurrences done
   except a 2 % sample) and once with nothing done (every past occurrence overdue).

Each step runs in its own child process, so the peak memory printed (max RSS) is that step's
own. The baseline, measured in the same run, is a bare ``executemany`` of the very same activity
and occurrence rows into an empty database of the same schema (sqlite3 / psycopg, no ORM, no
reconciliation); the ratio says what sync costs on top of writing its rows.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PERIOD = ("2024-01-01", "2026-12-31")
TODAY = date(2025, 7, 1)
NOW = datetime(2025, 7, 1, 9, 0, tzinfo=UTC)

# (share, phrase template); {y} is a year of the period. About 9.5 occurrences per activity.
PHRASES: list[tuple[float, list[str]]] = [
    (0.10, ["{q} квартал {y} г."]),
    (0.10, ["{m} {y} г.", "до 15.{mm}.{y} г."]),
    (0.08, ["с 1 по 20 {mg} {y} г.", "не позднее {d} {mg} {y} года"]),
    (0.45, ["ежеквартально", "ежеквартально, до 5 числа месяца, следующего за отчетным кварталом"]),
    (0.15, ["в течение всего периода реализации", "постоянно"]),
    (0.05, ["ежемесячно", "ежемесячно до 5 числа"]),
    (0.05, ["ежегодно в январе и мае", "ежегодно, до 25 марта года, следующего за отчетным"]),
    (0.02, ["по отдельному плану", "по мере необходимости"]),
]
ZONES = ["Europe/Moscow", "Asia/Yekaterinburg", "Asia/Krasnoyarsk", "Asia/Vladivostok"]


def _phrase(rng: random.Random) -> str:
    from tracker.terms.nodes import MONTHS_GEN, MONTHS_NOM

    pick = rng.random()
    templates = PHRASES[-1][1]
    for share, choices in PHRASES:
        pick -= share
        if pick <= 0:
            templates = choices
            break
    month = rng.randrange(1, 13)
    return rng.choice(templates).format(
        q=rng.choice(["I", "II", "III", "IV"]),
        y=rng.choice([2024, 2025, 2026]),
        m=MONTHS_NOM[month].capitalize(),
        mg=MONTHS_GEN[month],
        mm=f"{month:02d}",
        d=rng.randrange(1, 28),
    )


def generate(folder: Path, roadmaps: int, activities: int) -> None:
    """Schedule files written by tracker's own writer, plus executors.toml."""
    from tracker.roadmap import schedule_file
    from tracker.roadmap.model import Activity, Roadmap
    from tracker.terms import Period, expand

    period = Period.parse(":".join(PERIOD))
    rng = random.Random(4)
    cache: dict[str, Any] = {}
    people = [f"Исполнитель {n:03d}" for n in range(60)]
    lines = []
    for n, name in enumerate(people):
        lines += [
            "[[executor]]",
            f'name = "{name}"',
            f'emails = ["person{n}@example.org"]',
            f'timezone = "{ZONES[n % 4]}"',
        ]
        if n < 20:  # twenty coordinators, fifty roadmaps each
            slugs = ", ".join(f'"r{r:04d}"' for r in range(n, roadmaps, 20))
            lines.append(f"coordinates = [{slugs}]")
        lines.append("")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "executors.toml").write_text("\n".join(lines), encoding="utf-8")
    for r in range(roadmaps):
        items = []
        for a in range(activities):
            phrase = _phrase(rng)
            if phrase not in cache:
                cache[phrase] = expand(phrase, period)
            items.append(
                Activity(
                    number=f"{a // 10 + 1}.{a % 10 + 1}",
                    title=f"Мероприятие {a + 1} дорожной карты {r}",
                    deadline=phrase,
                    section=str(a // 10 + 1),
                    result="Отчёт",
                    responsible=rng.sample(people[20:], k=rng.choice([1, 1, 2])),
                    expansion=cache[phrase],
                    source_row=10 + a,
                )
            )
        item = Roadmap(
            slug=f"r{r:04d}",
            title=f"Дорожная карта {r}",
            period=period,
            timezone=ZONES[r % 4],
            activities=items,
        )
        schedule_file.write(item, folder / f"r{r:04d}.toml", force=True)


# --- child steps -------------------------------------------------------------------------------


def _peak_rss_mb() -> float:
    """This process's own peak RSS. (``ru_maxrss`` would not do: Linux keeps it across
    ``execve``, so a child started by a big parent reports the parent's peak.)"""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _report(**figures: Any) -> None:
    figures["peak_rss_mb"] = _peak_rss_mb()
    print(json.dumps(figures))


def step_sync(url: str, folder_name: str) -> None:
    from tracker.config import default_settings
    from tracker.roadmap.schedule_file import load
    from tracker.store.db import make_engine, upgrade
    from tracker.store.plan import SyncPolicy
    from tracker.store.sync import sync_directory

    folder = Path(folder_name)
    engine = make_engine(url)
    upgrade(engine)
    policy = default_settings().policy
    started = time.perf_counter()
    report = sync_directory(
        engine,
        folder,
        load=load,
        executors_file=folder / "executors.toml",
        policy=SyncPolicy(shift=policy.shift, checkin=policy.checkin),
        now=NOW,
    )
    total = time.perf_counter() - started
    counts: dict[str, int] = {}
    for file in report.files:
        for key, value in file.counts.items():
            counts[key] = counts.get(key, 0) + value
    outcomes: dict[str, int] = {}
    for file in report.files:
        outcomes[file.outcome] = outcomes.get(file.outcome, 0) + 1
    _report(seconds=total, counts=counts, outcomes=outcomes, failed=len(report.failed))


def step_load(folder_name: str) -> None:
    """Reading every schedule file in one process, storing nothing: the loader's own cost."""
    from tracker.roadmap.schedule_file import load

    files = sorted(Path(folder_name).glob("r*.toml"))
    started = time.perf_counter()
    activities = sum(len(load(path).activities) for path in files)
    _report(seconds=time.perf_counter() - started, activities=activities)


def step_backlog(url: str, keep_percent: str) -> None:
    """Mark past occurrences done, leaving ``keep_percent`` % of them open (not timed)."""
    from sqlalchemy import text

    from tracker.store.db import make_engine

    engine = make_engine(url)
    with engine.begin() as conn:
        result = conn.execute(
            text(
                "UPDATE occurrence SET status = 'done', completed_on = effective_due "
                "WHERE effective_due < :today AND status = 'planned' AND (id % 100) >= :keep"
            ),
            {"today": TODAY, "keep": int(keep_percent)},
        )
        if engine.dialect.name == "postgresql":
            conn.execute(text("ANALYZE"))
        else:
            conn.execute(text("ANALYZE"))
    _report(updated=result.rowcount)


def step_overdue(url: str) -> None:
    """What `tracker status --state overdue` asks: the first page and the count of all rows;
    then every row, streamed (what JSON and CSV export read)."""
    from tracker.cli.store import TABLE_LIMIT
    from tracker.store.db import make_engine, require_current
    from tracker.store.status import State, StatusQuery, count_rows, iter_status_rows

    engine = make_engine(url)
    require_current(engine)
    query = StatusQuery(now=NOW, state=State.OVERDUE, limit=TABLE_LIMIT)
    list(iter_status_rows(engine, StatusQuery(now=NOW, state=State.OVERDUE, roadmap="r0000")))
    started = time.perf_counter()
    page = list(iter_status_rows(engine, query))
    total = count_rows(engine, query)
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    streamed = sum(1 for _ in iter_status_rows(engine, StatusQuery(now=NOW, state=State.OVERDUE)))
    _report(
        seconds=seconds,
        rows=total,
        page=len(page),
        all_seconds=time.perf_counter() - started,
        streamed=streamed,
    )


def step_baseline(url: str, source_url: str) -> None:
    """executemany of the synced activity and occurrence rows into an empty schema."""
    from sqlalchemy import text

    from tracker.store.db import make_engine, upgrade

    source = make_engine(source_url)
    with source.connect() as conn:
        roadmaps = [tuple(r) for r in conn.execute(text("SELECT * FROM roadmap"))]
        activities = [tuple(r) for r in conn.execute(text("SELECT * FROM activity"))]
        occurrences = [tuple(r) for r in conn.execute(text("SELECT * FROM occurrence"))]
        executors = [tuple(r) for r in conn.execute(text("SELECT * FROM executor"))]
    source.dispose()
    target = make_engine(url)
    upgrade(target)
    target.dispose()

    def marks(row: tuple[Any, ...]) -> str:
        return ", ".join(["%s" if url.startswith("postgresql") else "?"] * len(row))

    if url.startswith("postgresql"):
        import psycopg

        dsn = url.replace("postgresql+psycopg://", "postgresql://")
        connection: Any = psycopg.connect(dsn)
        executors = [
            tuple(json.dumps(v) if isinstance(v, list) else v for v in r) for r in executors
        ]
    else:
        import sqlite3

        connection = sqlite3.connect(url.removeprefix("sqlite:///"))
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
    cursor = connection.cursor()
    cursor.executemany(f"INSERT INTO executor VALUES ({marks(executors[0])})", executors)
    connection.commit()
    started = time.perf_counter()
    for table, rows in (
        ("roadmap", roadmaps),
        ("activity", activities),
        ("occurrence", occurrences),
    ):
        cursor.executemany(f"INSERT INTO {table} VALUES ({marks(rows[0])})", rows)
    connection.commit()
    seconds = time.perf_counter() - started
    connection.close()
    _report(seconds=seconds, rows=len(activities) + len(occurrences))


STEPS: dict[str, Callable[..., None]] = {
    "load": step_load,
    "sync": step_sync,
    "backlog": step_backlog,
    "overdue": step_overdue,
    "baseline": step_baseline,
}


def run_step(script: str, step: str, *args: str) -> dict[str, Any]:
    """``script --step STEP ARGS`` in a fresh process; its last line is its figures (JSON)."""
    command = [sys.executable, script, "--step", step, *args]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"step {step} failed:\n{result.stderr[-3000:]}")
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def child(step: str, *args: str) -> dict[str, Any]:
    return run_step(__file__, step, *args)


def cli_overdue(url: str, workdir: Path, fmt: str) -> dict[str, Any]:
    """A whole `tracker status --state overdue --format FMT` process, output to a file."""
    env = {**os.environ, "TRACKER_DATABASE_URL": url}
    out = workdir / f"overdue.{fmt}"
    command = [
        "/usr/bin/time", "-f", "%M", sys.executable, "-m", "tracker",
        "status", "--state", "overdue", "--format", fmt, "--today", TODAY.isoformat(),
    ]  # fmt: skip
    started = time.perf_counter()
    with out.open("w") as stream:
        result = subprocess.run(
            command, env=env, cwd=workdir, stdout=stream, stderr=subprocess.PIPE, text=True
        )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"tracker status failed: {result.stderr[-2000:]}")
    peak = int(result.stderr.strip().splitlines()[-1]) / 1024
    with out.open(encoding="utf-8") as lines:  # counted line by line: the parent stays small
        marker = ' {"ref"' if fmt == "json" else "просрочено"
        rows = sum(1 for line in lines if line.startswith(marker) or marker in line)
    return {"seconds": seconds, "peak_rss_mb": peak, "rows": rows}


# --- orchestration -----------------------------------------------------------------------------


def run_database(name: str, make_url: Any, folder: Path, workdir: Path) -> dict[str, Any]:
    url = make_url("bench")
    figures: dict[str, Any] = {"database": name, "load": child("load", str(folder))}
    print(f"[{name}] sync …", flush=True)
    figures["sync"] = child("sync", url, str(folder))
    print(f"[{name}] sync again …", flush=True)
    figures["resync"] = child("sync", url, str(folder))
    print(f"[{name}] baseline …", flush=True)
    figures["baseline"] = child("baseline", make_url("baseline"), url)
    print(f"[{name}] overdue, nothing done …", flush=True)
    figures["overdue_all"] = child("overdue", url)
    figures["overdue_all_cli"] = cli_overdue(url, workdir, "table")
    figures["overdue_all_json"] = cli_overdue(url, workdir, "json")
    figures["backlog"] = child("backlog", url, "2")
    print(f"[{name}] overdue, 2 % backlog …", flush=True)
    figures["overdue"] = child("overdue", url)
    figures["overdue_cli"] = cli_overdue(url, workdir, "table")
    return figures


def print_table(results: list[dict[str, Any]], roadmaps: int, activities: int) -> None:
    print()
    print(
        f"{roadmaps} roadmaps × {activities} activities, period {PERIOD[0]}…{PERIOD[1]}, "
        f"today {TODAY}"
    )
    for figures in results:
        sync, again, base = figures["sync"], figures["resync"], figures["baseline"]
        counts = sync["counts"]
        print(f"\n{figures['database']}:")
        print(
            f"  rows: {counts.get('activities added', 0):,} activities, "
            f"{counts.get('occurrences added', 0):,} occurrences"
        )
        load = figures["load"]
        print(
            f"  sync            {sync['seconds']:7.2f} s  peak {sync['peak_rss_mb']:.0f} MB "
            f"(reading the files alone, one process: {load['seconds']:.2f} s)"
        )
        print(
            f"  baseline insert {base['seconds']:7.2f} s  (bare executemany of the same "
            f"{base['rows']:,} rows)  → sync = {sync['seconds'] / base['seconds']:.1f}× baseline"
        )
        print(
            f"  sync again      {again['seconds']:7.2f} s  (writes: {again['counts'] or 'none'}; "
            f"{again['outcomes']})  = {again['seconds'] / sync['seconds']:.2f}× first sync"
        )
        for key, label in (("overdue_all", "nothing done"), ("overdue", "2 % backlog")):
            o = figures[key]
            print(
                f"  overdue query   {o['seconds']:7.3f} s  ({label}: first {o['page']} of "
                f"{o['rows']:,} rows, counted); all rows streamed {o['all_seconds']:.2f} s; "
                f"peak {o['peak_rss_mb']:.0f} MB"
            )
        for key, label in (
            ("overdue_all_cli", "table, nothing done"),
            ("overdue_cli", "table, 2 % backlog"),
            ("overdue_all_json", "--format json, nothing done"),
        ):
            c = figures[key]
            print(
                f"  tracker status --state overdue ({label}; whole process) "
                f"{c['seconds']:.2f} s, {c['rows']:,} rows out, peak {c['peak_rss_mb']:.0f} MB"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--roadmaps", type=int, default=1000)
    parser.add_argument("--activities", type=int, default=100)
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args()
    if args.step:
        STEPS[args.step](*rest)
        return
    workdir = Path(tempfile.mkdtemp(prefix="tracker-bench-"))
    try:
        folder = workdir / "schedules"
        print(f"generating {args.roadmaps} schedule files in {folder} …", flush=True)
        started = time.perf_counter()
        generate(folder, args.roadmaps, args.activities)
        print(f"  {time.perf_counter() - started:.1f} s", flush=True)
        results = [
            run_database("SQLite", lambda name: f"sqlite:///{workdir / name}.db", folder, workdir)
        ]
        if not args.skip_postgres:
            from tracker.store.pgtemp import TempPostgres

            server = TempPostgres.start(durable=True)
            try:
                results.append(run_database("PostgreSQL", server.create_database, folder, workdir))
            finally:
                server.stop()
        print_table(results, args.roadmaps, args.activities)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
