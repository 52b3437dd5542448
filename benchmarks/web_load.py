"""The web server under load: a real `tracker serve` with logged-in board clients and item-link
clients, against the same server's static stylesheet as the baseline, in the same run.

    python benchmarks/web_load.py [--board 50] [--links 50] [--seconds 20] [--postgres]
                                  [--workers N]

The five seed roadmaps are synced into SQLite in a temporary folder (or a throwaway
PostgreSQL server with ``--postgres``), with an admin account and 50 signed item links. Then
`tracker serve` runs as a subprocess on 127.0.0.1 and, for ``--seconds`` each:

1. **baseline**: ``board + links`` clients fetch ``/style.css`` (no database, no template);
2. **load** (``--rounds`` times, the server's memory after each): ``board`` logged-in clients
   load ``/board?roadmap=…`` for each roadmap in turn while ``links`` clients open item links.

Each client is one httpx connection sending one request at a time (a closed loop). It prints
requests per second, p50 and p99 latency per kind, every status and failure, the server's
resident memory after the load, and whether the server answers a fresh login, a board and a
link normally right after. The clients run on the same machine (the load generator takes CPU
from the server).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "web")]

import loadkit  # noqa: E402

from tracker.store.pgtemp import TempPostgres  # noqa: E402


def report(name: str, load: loadkit.Load) -> None:
    for kind, seen in load.kinds.items():
        statuses = ", ".join(f"{code}×{n}" for code, n in sorted(seen.statuses.items()))
        failures = ", ".join(f"{error}×{n}" for error, n in seen.failures.items()) or "none"
        print(
            f"  {name:<8} {kind:<6} {seen.requests / load.seconds:7.1f} req/s  "
            f"p50 {seen.percentile(0.5) * 1000:6.0f} ms  p99 {seen.percentile(0.99) * 1000:6.0f} ms"
            f"  statuses {statuses}; failures {failures}; resent {seen.resent}"
        )


def rss(web: loadkit.Server) -> str:
    return f"{web.rss_total_mb():.0f} MB in all, {web.rss_mb():.0f} MB the biggest process"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--board", type=int, default=50, help="logged-in board clients")
    parser.add_argument("--links", type=int, default=50, help="item-link clients")
    parser.add_argument("--seconds", type=float, default=20.0, help="seconds of each phase")
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL")
    parser.add_argument("--rounds", type=int, default=1, help="load phases, RSS after each")
    parser.add_argument(
        "--workers", type=int, default=None, help="server processes (default: tracker's own)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        server = TempPostgres.start() if args.postgres else None
        try:
            url = server.create_database() if server else f"sqlite:///{workdir / 'tracker.db'}"
            seeded = loadkit.seed(url)
            backend = "PostgreSQL" if server else "SQLite"
            print(
                f"{backend}: {len(seeded.slugs)} roadmaps, {len(seeded.links)} links; "
                f"{args.board} board + {args.links} link clients, {args.seconds:.0f} s each; "
                f"server processes: {args.workers or 'default'}"
            )
            with loadkit.Server(url, workdir, workers=args.workers) as web:
                print(f"  server RSS at start: {rss(web)}")
                clients = args.board + args.links
                static = [f"/style.css?{n}" for n in range(10)]
                baseline = loadkit.run_static(web.base, static, clients, args.seconds)
                report("baseline", baseline)
                for round_ in range(args.rounds):
                    load = loadkit.run_load(
                        web.base, seeded, board=args.board, links=args.links, seconds=args.seconds
                    )
                    report(f"load {round_ + 1}" if args.rounds > 1 else "load", load)
                    print(f"  server RSS after round {round_ + 1}: {rss(web)}")
                total = sum(k.requests for k in load.kinds.values()) / load.seconds
                base = sum(k.requests for k in baseline.kinds.values()) / baseline.seconds
                print(
                    f"  total {total:.1f} req/s under load = {total / base:.0%} of the baseline "
                    f"({base:.1f} req/s); 5xx: {load.server_errors()}; "
                    f"server RSS after: {rss(web)}"
                )
                print(f"  afterwards (board, link): {loadkit.answers_normally(web.base, seeded)}")
        finally:
            if server is not None:
                server.stop()


if __name__ == "__main__":
    main()
