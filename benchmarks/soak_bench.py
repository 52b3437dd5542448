"""Soak: 100k activities, 24 simulated hours of daemon ticks, an idle daemon, a planning pass.

    python benchmarks/soak_bench.py [--roadmaps 1000] [--activities 100] [--hours 24]
                                    [--idle-seconds 60] [--postgres]

Generates the same 1,000 schedule files × 100 activities as ``benchmarks/store_bench.py`` (its
generator, imported), syncs them into SQLite, then, each step in its own child process:

1. **planning pass over ~1M open occurrences** (nothing done): the first pass at the benchmark's
   moment (it makes every notification due then), and the next pass five minutes later (what
   each tick of a running daemon costs: nothing new to make);
2. **soak**: on a realistic database (past occurrences done except 2 %, as the store benchmark
   does), the daemon's own steps run as its scheduler would for ``--hours`` simulated hours —
   a plan pass every ``[daemon] plan_every`` (300 s) and a send pass every ``send_every`` (60 s)
   of simulated time, mail written as ``.eml`` files — printing the process's resident memory
   and CPU time per simulated hour; memory should stay flat;
3. **idle daemon**: a real ``tracker run`` process on that database, once its start-up (sync,
   first plan and send passes) is over, measured for ``--idle-seconds`` real seconds: the CPU
   time it used over that wall time should be near zero.

With ``--postgres`` the same files are also synced into a throwaway PostgreSQL server (started
here, fsync on) and the same three planning passes run there; their figures print beside
SQLite's.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from store_bench import NOW, TODAY, generate, run_step  # noqa: E402
from store_bench import _report as _report  # noqa: E402  (peak = this process's own)

PAGE = os.sysconf("SC_PAGE_SIZE")
TICKS = os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int | str = "self") -> float:
    with open(f"/proc/{pid}/statm", encoding="ascii") as stream:
        return int(stream.read().split()[1]) * PAGE / 2**20


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat", encoding="ascii") as stream:
        fields = stream.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def _settings(workdir: Path) -> Any:
    from tracker.config import load_settings

    return load_settings(
        env={
            "TRACKER_DATABASE_URL": f"sqlite:///{workdir / 'soak.db'}",
            "TRACKER_SCHEDULES_DIR": str(workdir / "schedules"),
            "TRACKER_MAIL_DIR": str(workdir / "outbox"),
        },
        cwd=workdir,
    )


# --- child steps ---------------------------------------------------------------------------------


def step_sync(url: str, folder: str) -> None:
    from tracker.config import default_settings
    from tracker.roadmap.schedule_file import load
    from tracker.store.db import make_engine, upgrade
    from tracker.store.plan import SyncPolicy
    from tracker.store.sync import sync_directory

    engine = make_engine(url)
    upgrade(engine)
    policy = default_settings().policy
    started = time.perf_counter()
    sync_directory(
        engine,
        Path(folder),
        load=load,
        executors_file=Path(folder) / "executors.toml",
        policy=SyncPolicy(shift=policy.shift, checkin=policy.checkin),
        now=NOW,
    )
    from sqlalchemy import text

    with engine.connect() as conn:
        open_rows = conn.execute(
            text("SELECT count(*) FROM occurrence WHERE status IN ('planned', 'in_progress')")
        ).scalar_one()
    _report(seconds=time.perf_counter() - started, open=open_rows)


def step_plan(url: str) -> None:
    """Two planning passes over a database where nothing is done."""
    from tracker.calendar import russian_calendar
    from tracker.config import load_settings
    from tracker.notify.remind import plan_pass
    from tracker.store.db import make_engine

    settings = load_settings(env={"TRACKER_DATABASE_URL": url}, cwd=Path(tempfile.gettempdir()))
    engine = make_engine(url)
    calendar = russian_calendar()
    figures: dict[str, Any] = {}
    passes = (
        ("first", NOW),
        ("next", NOW + timedelta(minutes=5)),
        ("morning", NOW + timedelta(days=1)),
    )
    for name, moment in passes:
        started = time.perf_counter()
        report = plan_pass(engine, settings, moment, calendar=calendar)
        figures[name] = {
            "seconds": time.perf_counter() - started,
            "examined": report.examined,
            "notifications": report.notifications,
            "messages": report.made,
            "rss_mb": rss_mb(),
        }
    _report(**figures)


def step_backlog(url: str) -> None:
    from sqlalchemy import text

    from tracker.store.db import make_engine

    engine = make_engine(url)
    with engine.begin() as conn:
        done = conn.execute(
            text(
                "UPDATE occurrence SET status = 'done', completed_on = effective_due "
                "WHERE effective_due < :today AND status = 'planned' AND (id % 100) >= 2"
            ),
            {"today": TODAY},
        ).rowcount
        conn.execute(text("ANALYZE"))
    _report(done=done)


def step_soak(workdir_name: str, hours: str) -> None:
    """The daemon's steps on a simulated clock, as its scheduler would run them."""
    import asyncio
    import gc

    from tracker.daemon.heartbeat import WorkerId, register
    from tracker.daemon.steps import Steps
    from tracker.store.db import make_engine

    workdir = Path(workdir_name)
    settings = _settings(workdir)
    engine = make_engine(settings.database.url)
    steps = Steps(engine, settings, WorkerId.mine())
    register(engine, steps.worker, NOW)
    plan_every = timedelta(seconds=settings.daemon.plan_every)
    send_every = timedelta(seconds=settings.daemon.send_every)
    end = NOW + timedelta(hours=int(hours))
    next_plan, next_send, now = NOW, NOW, NOW
    hourly: list[dict[str, Any]] = []
    totals = {"plans": 0, "sends": 0, "made": 0, "sent": 0}
    plan_seconds: list[float] = []
    hour_end = NOW + timedelta(hours=1)
    cpu_start = time.process_time()
    wall_start = time.perf_counter()

    async def send(moment: datetime) -> Any:
        return await steps.send(moment)

    loop = asyncio.new_event_loop()
    while now < end:
        if now >= next_plan:
            started = time.perf_counter()
            report = steps.plan(now)
            plan_seconds.append(time.perf_counter() - started)
            totals["plans"] += 1
            totals["made"] += int(report.made)
            next_plan += plan_every
        if now >= next_send:
            sent = loop.run_until_complete(send(now))
            totals["sends"] += 1
            totals["sent"] += int(sent.sent)
            next_send += send_every
        now = min(next_plan, next_send)
        if now >= hour_end:
            gc.collect()
            hourly.append(
                {
                    "hour": len(hourly) + 1,
                    "rss_mb": rss_mb(),
                    "cpu_s": time.process_time() - cpu_start,
                    "made": totals["made"],
                    "sent": totals["sent"],
                }
            )
            hour_end += timedelta(hours=1)
    loop.close()
    _report(
        hourly=hourly,
        totals=totals,
        plan_median_s=sorted(plan_seconds)[len(plan_seconds) // 2],
        plan_max_s=max(plan_seconds),
        wall_s=time.perf_counter() - wall_start,
    )


STEPS = {"sync": step_sync, "plan": step_plan, "backlog": step_backlog, "soak": step_soak}


def child(step: str, *args: str) -> dict[str, Any]:
    return run_step(__file__, step, *args)


def postgres_plan(folder: Path) -> dict[str, Any]:
    """The same sync and planning passes on a throwaway PostgreSQL server."""
    from tracker.store.pgtemp import TempPostgres

    print("PostgreSQL: sync and planning passes …", flush=True)
    server = TempPostgres.start(durable=True)
    try:
        url = server.create_database()
        synced = child("sync", url, str(folder))
        plan = child("plan", url)
        plan["sync_seconds"] = synced["seconds"]
        return plan
    finally:
        server.stop()


# --- the idle daemon -----------------------------------------------------------------------------


def idle_daemon(workdir: Path, seconds: int, start: datetime) -> dict[str, Any]:
    """CPU time of a real `tracker run` over ``seconds`` of wall time, after its start-up."""
    env = {
        **os.environ,
        "TRACKER_DATABASE_URL": f"sqlite:///{workdir / 'soak.db'}",
        "TRACKER_SCHEDULES_DIR": str(workdir / "schedules"),
        "TRACKER_MAIL_DIR": str(workdir / "outbox"),
    }
    log = (workdir / "daemon.log").open("w+")
    process = subprocess.Popen(
        [sys.executable, "-m", "tracker", "run", "--now", start.isoformat()],
        cwd=workdir,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        started = time.perf_counter()
        while True:  # start-up: sync of every file, the first plan and send passes
            text = (workdir / "daemon.log").read_text()
            if " plan: " in text:  # an idle send pass logs nothing at INFO
                break
            if process.poll() is not None or time.perf_counter() - started > 900:
                raise SystemExit(f"the daemon did not start:\n{text[-3000:]}")
            time.sleep(0.5)
        startup = time.perf_counter() - started
        time.sleep(5)  # the first send pass, and the planner's wake-up of it
        cpu_before, rss_before, wall_before = (
            cpu_seconds(process.pid),
            rss_mb(process.pid),
            time.perf_counter(),
        )
        time.sleep(seconds)
        cpu = cpu_seconds(process.pid) - cpu_before
        wall = time.perf_counter() - wall_before
        rss_after = rss_mb(process.pid)
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(120)
        log.close()
    lines = (workdir / "daemon.log").read_text().splitlines()
    return {
        "startup_s": startup,
        "wall_s": wall,
        "cpu_s": cpu,
        "cpu_percent": 100 * cpu / wall,
        "rss_mb": (rss_before, rss_after),
        "exit": code,
        "log_lines": len(lines),
        "last_lines": lines[-3:],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--roadmaps", type=int, default=1000)
    parser.add_argument("--activities", type=int, default=100)
    parser.add_argument("--hours", type=int, default=24)
    parser.add_argument("--idle-seconds", type=int, default=60)
    parser.add_argument(
        "--skip-plan", action="store_true", help="skip the passes over every occurrence open"
    )
    parser.add_argument("--keep", action="store_true", help="keep the working folder")
    parser.add_argument(
        "--postgres", action="store_true", help="also run the planning passes on PostgreSQL"
    )
    parser.add_argument("--step", help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args()
    if args.step:
        STEPS[args.step](*rest)
        return
    workdir = Path(tempfile.mkdtemp(prefix="tracker-soak-"))
    try:
        folder = workdir / "schedules"
        print(
            f"generating {args.roadmaps} × {args.activities} activities in {folder} …", flush=True
        )
        generate(folder, args.roadmaps, args.activities)
        url = f"sqlite:///{workdir / 'soak.db'}"
        print("sync …", flush=True)
        synced = child("sync", url, str(folder))
        print(f"  {synced['seconds']:.1f} s, {synced['open']:,} open occurrences", flush=True)
        plan: dict[str, Any] = {}
        if not args.skip_plan:
            shutil.copy(workdir / "soak.db", workdir / "open.db")
            print("planning passes over every occurrence open …", flush=True)
            plan = child("plan", f"sqlite:///{workdir / 'open.db'}")
            (workdir / "open.db").unlink()
            if args.postgres:
                plan["postgres"] = postgres_plan(folder)
        backlog = child("backlog", url)
        print(f"soak: {args.hours} simulated hours of ticks …", flush=True)
        soak = child("soak", str(workdir), str(args.hours))
        print(f"idle daemon: {args.idle_seconds} s …", flush=True)
        start = NOW + timedelta(hours=args.hours)
        idle = idle_daemon(workdir, args.idle_seconds, start)
        report(args, synced, plan, backlog, soak, idle)
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def report(
    args: argparse.Namespace,
    synced: dict[str, Any],
    plan: dict[str, Any],
    backlog: dict[str, Any],
    soak: dict[str, Any],
    idle: dict[str, Any],
) -> None:
    print()
    print(
        f"{args.roadmaps} roadmaps × {args.activities} activities, SQLite, "
        f"moment {NOW:%Y-%m-%d %H:%M} UTC"
    )
    if plan:
        print_plan(synced, plan)
    print_soak(args, backlog, soak)
    print(
        f"idle daemon: start-up {idle['startup_s']:.0f} s; then {idle['cpu_s']:.2f} s CPU in "
        f"{idle['wall_s']:.0f} s wall = {idle['cpu_percent']:.2f} % of a core; RSS "
        f"{idle['rss_mb'][0]:.0f} → {idle['rss_mb'][1]:.0f} MB; exit {idle['exit']} on SIGTERM"
    )


def print_plan(synced: dict[str, Any], plan: dict[str, Any]) -> None:
    print(f"planning pass over {synced['open']:,} open occurrences (nothing done):")
    labels = {
        "first": "first pass (cold: every stage ready in the look-back)",
        "next": "next tick, 5 min later",
        "morning": "next morning (a day of new stages)",
    }
    for name, label in labels.items():
        one = plan[name]
        print(
            f"  {label:55s} {one['seconds']:7.2f} s  examined {one['examined']:,}, "
            f"{one['notifications']:,} notifications in {one['messages']:,} messages"
        )
    ticks = max(plan["next"]["seconds"], plan["morning"]["seconds"])
    print(f"  target < 2 s for a tick: {'met' if ticks < 2 else 'NOT met'} (slowest {ticks:.2f} s)")
    print(f"  peak memory  {plan['peak_rss_mb']:.0f} MB")
    first, peak = plan["first"]["seconds"], plan["peak_rss_mb"]
    met = "met" if first <= 15 and peak <= 300 else "NOT met"
    print(f"  target ≤ 15 s and ≤ 300 MB for the first pass: {met}")
    postgres = plan.get("postgres")
    if postgres:
        print(f"  PostgreSQL (synced in {postgres['sync_seconds']:.1f} s):")
        for name, label in labels.items():
            one = postgres[name]
            print(
                f"  {label:55s} {one['seconds']:7.2f} s  examined {one['examined']:,}, "
                f"{one['notifications']:,} notifications in {one['messages']:,} messages"
            )
        print(f"  peak memory  {postgres['peak_rss_mb']:.0f} MB (the planning process)")


def print_soak(args: argparse.Namespace, backlog: dict[str, Any], soak: dict[str, Any]) -> None:
    hourly = soak["hourly"]
    print(
        f"soak: {args.hours} simulated hours, {soak['totals']['plans']} plan and "
        f"{soak['totals']['sends']} send passes in {soak['wall_s']:.0f} s real time "
        f"({backlog['done']:,} past occurrences marked done first, 2 % left overdue)"
    )
    print("  hour  RSS MB  CPU s (cumulative)  messages planned  sent")
    for row in hourly:
        print(
            f"  {row['hour']:4d}  {row['rss_mb']:6.1f}  {row['cpu_s']:18.1f}  "
            f"{row['made']:16d}  {row['sent']:4d}"
        )
    if hourly:
        first_rss, last_rss = hourly[0]["rss_mb"], hourly[-1]["rss_mb"]
        peak = max(row["rss_mb"] for row in hourly)
        print(
            f"  memory: hour 1 {first_rss:.1f} MB, hour {len(hourly)} {last_rss:.1f} MB "
            f"(× {last_rss / first_rss:.3f}), highest {peak:.1f} MB"
        )
    print(f"  plan pass: median {soak['plan_median_s']:.3f} s, slowest {soak['plan_max_s']:.3f} s")


if __name__ == "__main__":
    main()
