"""The board under load: one connection per request at a time, a bounded wait that ends in 503
with Retry-After, no leaked connection, and a real `tracker serve` that holds 50 + 50 clients.

The finding (issue 17): `iter_status_rows` held its streaming connection while
`executor_labels` asked the pool for a second one, so 25 clients on the board exhausted the
pool, got 500 after 30 s, and the server never recovered.
"""

from __future__ import annotations

import threading
import warnings
from collections import Counter
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import anyio
import loadkit
import pytest
import webkit
from sqlalchemy import Engine, event
from starlette.types import Message, Receive, Scope, Send

from tracker.store.db import make_engine, upgrade
from tracker.store.requests import list_requests
from tracker.store.status import State, StatusQuery, iter_status_rows, status_rows
from tracker.web.app import create_app
from tracker.web.capacity import RETRY_AFTER, Slots, busy_page
from tracker.web.feeds import feed_secret
from tracker.web.render import environment


class Held:
    """The connections each thread holds at once, and the most any thread ever held."""

    def __init__(self, engine: Engine) -> None:
        self.now: Counter[int] = Counter()
        self.most = 0
        self.lock = threading.Lock()
        event.listen(engine, "checkout", self._out)
        event.listen(engine, "checkin", self._in)

    def _out(self, *_args: object) -> None:
        with self.lock:
            me = threading.get_ident()
            self.now[me] += 1
            self.most = max(self.most, self.now[me])

    def _in(self, *_args: object) -> None:
        with self.lock:
            self.now[threading.get_ident()] -= 1


@contextmanager
def serving(app: object) -> Iterator[Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    with TestClient(app, base_url="http://127.0.0.1:8080") as http:  # type: ignore[arg-type]
        yield http


# --- one connection at a time -----------------------------------------------------------------


def test_status_rows_stream_on_a_pool_of_one(db_url: str, clock: webkit.Clock) -> None:
    """Streaming in chunks of one row with labels per chunk needs one connection, not two."""
    engine = make_engine(db_url, pool_size=1, pool_timeout=3)
    try:
        upgrade(engine)
        webkit.World.build(engine, clock)
        query = StatusQuery(now=clock(), state=State.ALL)
        rows = list(iter_status_rows(engine, query, chunk=1))
        assert len(rows) == len(status_rows(engine, query)) > 5
        assert all(row.executors for row in rows)
        assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]
        stopped = iter_status_rows(engine, query, chunk=1)
        next(stopped)
        assert isinstance(stopped, Generator)
        stopped.close()  # a reader that stops early gives its connection back
        assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    finally:
        engine.dispose()


PAGES = [
    ("board", "/board"),
    ("board of one roadmap", "/board?roadmap=alpha&state=all"),
    ("board by executor", "/board?executor=%D0%9F%D0%B5%D1%82%D1%80%D0%BE%D0%B2&state=all"),
    ("csv", "/board.csv?state=all"),
    ("activity", "/activity/alpha/3"),
]


@pytest.mark.parametrize("path", [p[1] for p in PAGES], ids=[p[0] for p in PAGES])
def test_a_request_holds_one_connection_at_a_time(world: webkit.World, path: str) -> None:
    app = world.app()
    held = Held(app.state.web.engine)
    with serving(app) as http:
        client = webkit.Client(http, world)
        client.login(*webkit.ADMIN)
        answer = client.get(path)
        assert answer.status_code == 200
        link = client.get(world.link("alpha:3"))
        assert link.status_code == 200
    assert held.most == 1
    assert app.state.web.engine.pool.checkedout() == 0


def test_forms_and_feeds_hold_one_connection_at_a_time(world: webkit.World) -> None:
    app = world.app()
    held = Held(app.state.web.engine)
    with serving(app) as http:
        client = webkit.Client(http, world)
        link = world.link("alpha:3")
        assert client.submit(link, f"{link}/note", comment="Готово", report="").status_code == 303
        asked = client.submit(link, f"{link}/extension", new_due="2023-03-01", reason="Причина")
        assert asked.status_code == 303
        assert client.submit(link, f"{link}/status", to="done").status_code == 303
        secret = feed_secret(world.engine, world.executor_id(webkit.PETROV), world.clock())
        assert client.get(f"/feed/{secret}.ics").status_code == 200
        client.login(*webkit.ADMIN)
        request_id = list_requests(world.engine)[0].id
        decided = client.submit("/board", f"/requests/{request_id}/decline", comment="Нет")
        assert decided.status_code == 303
        assert client.submit("/board", "/logout").status_code == 303
    assert held.most == 1
    assert app.state.web.engine.pool.checkedout() == 0


def test_the_pool_has_as_many_connections_as_workers(world: webkit.World) -> None:
    app = create_app(world.settings, world.engine, clock=world.clock, workers=3)
    pool = app.state.web.engine.pool
    assert (pool.size(), pool._max_overflow) == (3, 0)


# --- waiting too long: 503 with Retry-After, nothing leaked, then normal again ------------------


def test_a_request_that_waits_for_the_pool_gets_503(world: webkit.World) -> None:
    app = create_app(world.settings, world.engine, clock=world.clock, workers=1, wait=0.3)
    engine = app.state.web.engine
    with serving(app) as http:
        client = webkit.Client(http, world)
        client.login(*webkit.ADMIN)
        blocker = engine.connect()  # the pool's only connection, held elsewhere
        try:
            answer = client.get("/board")
        finally:
            blocker.close()
        assert answer.status_code == 503
        assert answer.headers["retry-after"] == str(RETRY_AFTER)
        assert "Сервер занят" in answer.text
        assert engine.pool.checkedout() == 0
        assert client.get("/board").status_code == 200
        assert client.get(world.link("alpha:3")).status_code == 200
    assert engine.pool.checkedout() == 0


async def _hold(release: anyio.Event, scope: Scope, receive: Receive, send: Send) -> None:
    await release.wait()
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


async def _call(app: Slots, statuses: list[int]) -> None:
    scope: Scope = {"type": "http", "path": "/board", "method": "GET", "headers": []}

    async def receive() -> Message:
        return {"type": "http.request", "body": b""}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    await app(scope, receive, send)


def test_a_request_that_waits_for_a_slot_gets_503_and_the_slots_come_back() -> None:
    async def scenario() -> list[int]:
        release = anyio.Event()

        async def inner(scope: Scope, receive: Receive, send: Send) -> None:
            await _hold(release, scope, receive, send)

        slots = Slots(inner, workers=2, wait=0.2, templates=environment(ZoneInfo("UTC")))
        statuses: list[int] = []
        async with anyio.create_task_group() as group:
            group.start_soon(_call, slots, statuses)
            group.start_soon(_call, slots, statuses)
            await anyio.sleep(0.05)
            await _call(slots, statuses)  # both slots busy: refused after the wait
            release.set()
        await _call(slots, statuses)  # free again
        return statuses

    assert anyio.run(scenario) == [503, 200, 200, 200]


def test_the_busy_page_needs_no_database() -> None:
    page = busy_page(environment(ZoneInfo("Europe/Moscow")))
    assert page.status_code == 503
    assert page.headers["retry-after"] == str(RETRY_AFTER)


# --- a real `tracker serve` under 50 + 50 clients ----------------------------------------------

#: Seconds of load per database (CI runs both).
LOAD_SECONDS = 20


def test_serve_holds_50_board_and_50_link_clients_and_recovers(db_url: str, tmp_path: Path) -> None:
    seeded = loadkit.seed(db_url)
    with loadkit.Server(db_url, tmp_path) as server:
        load = loadkit.run_load(server.base, seeded, board=50, links=50, seconds=LOAD_SECONDS)
        board, links = load.kinds["board"], load.kinds["links"]
        assert load.failures() == Counter(), load.failures()
        assert load.server_errors() == 0, (board.statuses, links.statuses)
        assert set(board.statuses) == {200} and set(links.statuses) == {200}
        assert board.requests >= 50 and links.requests >= 50
        assert board.resent + links.resent <= 100  # at most once per client, after the logins
        assert loadkit.answers_normally(server.base, seeded) == [200, 200]
        assert server.rss_mb() < 500
    print(
        f"\n{db_url.split(':')[0]}: {load.seconds:.0f} s, "
        f"board {board.requests} p50 {board.percentile(0.5) * 1000:.0f} ms "
        f"p99 {board.percentile(0.99) * 1000:.0f} ms; links {links.requests} "
        f"p50 {links.percentile(0.5) * 1000:.0f} ms p99 {links.percentile(0.99) * 1000:.0f} ms; "
        f"{(board.requests + links.requests) / load.seconds:.0f} req/s; "
        f"resent after a keep-alive close {board.resent + links.resent}"
    )
