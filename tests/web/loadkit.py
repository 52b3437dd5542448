"""A real `tracker serve` under load, for the load test and ``benchmarks/web_load.py``.

* :func:`seed`: the schema, the five seed roadmaps (`tracker sync` of ``schedules/``), an admin
  account and signed item links for open occurrences, in the database at ``url``.
* :class:`Server`: `tracker serve` as a subprocess on 127.0.0.1 (a free port), stopped on exit.
* :func:`run_load`: logged-in clients loading the board of each roadmap in turn and clients
  opening item links, each a bounded loop of one request at a time for ``seconds``, with httpx
  (async, one connection per client, 127.0.0.1 only). Returns the statuses, the failures and
  the latencies of each kind.
"""

from __future__ import annotations

import asyncio
import os
import re
import socket
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

import httpx
from sqlalchemy import select

from tracker.config import default_settings
from tracker.store.db import make_engine, upgrade
from tracker.store.models import AccountRole
from tracker.store.tables import ACTIVITY as A
from tracker.store.tables import ACTIVITY_EXECUTOR as AE
from tracker.store.tables import OCCURRENCE as OC
from tracker.store.tables import OPEN
from tracker.store.tables import ROADMAP as RM
from tracker.web.accounts import add_account
from tracker.web.signing import item_link, signing_secret

ROOT = Path(__file__).resolve().parents[2]
LOGIN = ("loadtest", "пароль-нагрузки-1")
SECRET = "load-test-signing-key-" + "x" * 20
CSRF = re.compile(r'name="csrf" value="([0-9a-f]{64})"')


@dataclass(frozen=True)
class Seeded:
    url: str
    slugs: list[str]
    links: list[str]  # paths: /i/<token>


def _env(url: str, port: int = 8080) -> dict[str, str]:
    return {
        **os.environ,
        "TRACKER_DATABASE_URL": url,
        "TRACKER_SCHEDULES_DIR": str(ROOT / "schedules"),
        "TRACKER_WEB_SECRET": SECRET,
        "TRACKER_WEB_BASE_URL": f"http://127.0.0.1:{port}",
    }


def seed(url: str, links: int = 50) -> Seeded:
    """The seed roadmaps, an admin and ``links`` item links (open occurrences, any executor)."""
    engine = make_engine(url)
    try:
        upgrade(engine)
        done = subprocess.run(
            [sys.executable, "-m", "tracker", "sync"],
            env=_env(url),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode in (0, 2), done.stderr  # 2: a seed file's warnings
        now = datetime.now(UTC)
        add_account(engine, LOGIN[0], LOGIN[1], role=AccountRole.ADMIN, now=now)
        with engine.connect() as conn:
            slugs = list(conn.execute(select(RM.c.slug).order_by(RM.c.slug)).scalars())
            rows = conn.execute(
                select(OC.c.id, AE.c.executor_id)
                .select_from(OC.join(A, OC.c.activity_id == A.c.id))
                .join(AE, AE.c.activity_id == A.c.id)
                .where(OC.c.status.in_(OPEN), AE.c.executor_id.is_not(None))
                .order_by(OC.c.id)
                .limit(links)
            ).all()
        web = replace(default_settings().web, base_url="", secret=SECRET)  # paths, not URLs
        secret = signing_secret(engine, web, now)
        paths = [item_link(web, secret, row.id, f"executor:{row.executor_id}", now) for row in rows]
    finally:
        engine.dispose()
    return Seeded(url, slugs, paths)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """`tracker serve` on 127.0.0.1 in a subprocess; ``base`` is where it listens."""

    def __init__(self, url: str, workdir: Path, workers: int | None = None) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = workdir / "serve.log"
        processes = ["--workers", str(workers)] if workers else []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tracker", "serve", "--host", "127.0.0.1", "--port",
             str(self.port), *processes],
            cwd=workdir,
            env=_env(url, self.port),
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )  # fmt: skip

    def __enter__(self) -> Server:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.base + "/style.css", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("tracker serve did not start: " + self.log.read_text()[-2000:])

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(20)

    def rss_mb(self) -> float:
        """The resident memory now of the biggest server process (with ``--workers``: the
        supervisor or one of its worker processes), in MB."""
        return max(self._rss(), default=0.0)

    def rss_total_mb(self) -> float:
        """The resident memory now of the server and all its worker processes, in MB."""
        return sum(self._rss())

    def _rss(self) -> list[float]:
        found: list[float] = []
        for pid in [self.process.pid, *_children(self.process.pid)]:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except FileNotFoundError:
                continue
            value = re.search(r"VmRSS:\s+(\d+) kB", status)
            found.append(int(value.group(1)) / 1024 if value else 0.0)
        return found


def _children(pid: int) -> list[int]:
    """The processes ``pid`` started (uvicorn's workers), and theirs."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except FileNotFoundError:
            continue
    return [*found, *(grand for child in found for grand in _children(child))]


@dataclass
class Kind:
    """What one kind of client saw."""

    statuses: Counter[int] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    resent: int = 0  # GETs sent again after the server closed an idle connection

    @property
    def requests(self) -> int:
        return len(self.latencies)

    def percentile(self, share: float) -> float:
        """The latency (s) below which ``share`` of the requests fall."""
        ordered = sorted(self.latencies)
        if not ordered:
            return 0.0
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


@dataclass
class Load:
    seconds: float
    kinds: dict[str, Kind]

    def server_errors(self) -> int:
        return sum(n for k in self.kinds.values() for s, n in k.statuses.items() if s >= 500)

    def failures(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for kind in self.kinds.values():
            total.update(kind.failures)
        return total


async def login(client: httpx.AsyncClient) -> None:
    page = await client.get("/login")
    token = CSRF.search(page.text)
    assert token, page.text[:500]
    answer = await client.post(
        "/login",
        data={"csrf": token.group(1), "login": LOGIN[0], "password": LOGIN[1], "next": "/board"},
    )
    assert answer.status_code == 303, answer.status_code


async def _loop(
    client: httpx.AsyncClient, paths: list[str], start: int, until: float, seen: Kind
) -> None:
    index = start
    while time.monotonic() < until:
        path = paths[index % len(paths)]
        index += 1
        began = time.perf_counter()
        try:
            try:
                answer = await client.get(path)
            except httpx.RemoteProtocolError:
                # the server closed an idle keep-alive connection as the request went out
                # (uvicorn's 5 s keep-alive, e.g. while the other clients logged in): a GET may
                # be sent again on a new connection (RFC 9110 9.2.2); counted, not hidden
                seen.resent += 1
                began = time.perf_counter()
                answer = await client.get(path)
        except httpx.HTTPError as error:
            seen.failures[type(error).__name__] += 1
            continue
        seen.latencies.append(time.perf_counter() - began)
        seen.statuses[answer.status_code] += 1


def _client(base: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=base,
        timeout=httpx.Timeout(60.0),
        limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
        follow_redirects=False,
    )


async def _run(base: str, seeded: Seeded, board: int, links: int, seconds: float) -> Load:
    boards = [f"/board?roadmap={slug}" for slug in seeded.slugs]
    clients = [_client(base) for _ in range(board + links)]
    try:
        await asyncio.gather(*(login(c) for c in clients[:board]))
        kinds = {"board": Kind(), "links": Kind()}
        began = time.monotonic()
        until = began + seconds
        await asyncio.gather(
            *(_loop(c, boards, i, until, kinds["board"]) for i, c in enumerate(clients[:board])),
            *(_loop(c, seeded.links, i, until, kinds["links"])
              for i, c in enumerate(clients[board:])),
        )  # fmt: skip
        return Load(time.monotonic() - began, kinds)
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))


def run_load(base: str, seeded: Seeded, *, board: int, links: int, seconds: float) -> Load:
    """``board`` logged-in clients on the boards and ``links`` on item links, for ``seconds``."""
    return asyncio.run(_run(base, seeded, board, links, seconds))


async def _static(base: str, paths: list[str], clients: int, seconds: float) -> Load:
    opened = [_client(base) for _ in range(clients)]
    try:
        kinds = {"static": Kind()}
        began = time.monotonic()
        until = began + seconds
        await asyncio.gather(
            *(_loop(c, paths, i, until, kinds["static"]) for i, c in enumerate(opened))
        )
        return Load(time.monotonic() - began, kinds)
    finally:
        await asyncio.gather(*(c.aclose() for c in opened))


def run_static(base: str, paths: list[str], clients: int, seconds: float) -> Load:
    """The baseline: ``clients`` clients fetching ``paths`` (no database) for ``seconds``."""
    return asyncio.run(_static(base, paths, clients, seconds))


def answers_normally(base: str, seeded: Seeded) -> list[int]:
    """Statuses of a fresh login, a board and an item link, asked one at a time."""

    async def ask() -> list[int]:
        async with _client(base) as client:
            await login(client)
            board = await client.get(f"/board?roadmap={seeded.slugs[0]}")
            link = await client.get(seeded.links[0])
            return [board.status_code, link.status_code]

    return asyncio.run(ask())
