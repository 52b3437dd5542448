"""Server CPU per web request, in one process, on the five seed roadmaps (SQLite):

    python benchmarks/web_cpu.py [N] [--profile]

A login, each page once, then ``N`` (40) board pages (each roadmap in turn: served from the
page cache) and ``N`` item links through
Starlette's test client, and the board handler alone, each timed with ``time.process_time()``.
``--profile`` prints cProfile's top functions of the board handler (called in this thread, so
the profile sees it).
"""

from __future__ import annotations

import cProfile
import pstats
import sys
import tempfile
import time
import warnings
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "web")]

import loadkit  # noqa: E402
from starlette.requests import Request  # noqa: E402

from tracker.config import default_settings  # noqa: E402
from tracker.store.db import make_engine  # noqa: E402
from tracker.web import pages_board  # noqa: E402
from tracker.web.app import create_app  # noqa: E402


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 40
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'tracker.db'}"
        seeded = loadkit.seed(url)
        engine = make_engine(url)
        settings = default_settings()
        web = replace(settings.web, secret=loadkit.SECRET, base_url="http://testserver")
        app = create_app(replace(settings, web=web), engine, clock=lambda: datetime.now(UTC))
        boards = [f"/board?roadmap={slug}" for slug in seeded.slugs]
        with TestClient(app) as client:
            page = client.get("/login")
            token = loadkit.CSRF.search(page.text)
            assert token
            fields = {"csrf": token.group(1), "login": loadkit.LOGIN[0],
                      "password": loadkit.LOGIN[1], "next": "/board"}  # fmt: skip
            assert client.post("/login", data=fields, follow_redirects=False).status_code == 303
            for kind, paths in (("board", boards), ("item link", seeded.links)):
                for path in paths:  # the first board of each roadmap is rendered, then kept
                    assert client.get(path).status_code == 200
                began = time.process_time()
                for index in range(count):
                    assert client.get(paths[index % len(paths)]).status_code == 200
                spent = (time.process_time() - began) / count * 1000
                print(f"{kind}: {spent:.1f} ms of CPU per request (test client)")
            cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())

        def board(index: int) -> None:
            scope = {
                "type": "http", "method": "GET", "path": "/board", "root_path": "",
                "query_string": boards[index % len(boards)].split("?")[1].encode(),
                "headers": [(b"cookie", cookie.encode()), (b"host", b"testserver")],
                "app": app, "scheme": "http", "server": ("testserver", 80),
                "client": ("127.0.0.1", 1),
            }  # fmt: skip
            assert pages_board.show_board(Request(scope)).status_code == 200

        began = time.process_time()
        for index in range(count):
            board(index)
        spent = (time.process_time() - began) / count * 1000
        print(f"board handler alone: {spent:.1f} ms of CPU per request")
        if "--profile" in sys.argv:
            profile = cProfile.Profile()
            profile.enable()
            for index in range(count):
                board(index)
            profile.disable()
            pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
        engine.dispose()


if __name__ == "__main__":
    main()
