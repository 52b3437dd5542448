"""A real server and a real browser for the web tests, and the steps people take in it.

* :class:`LiveServer`: uvicorn serving ``create_app`` on 127.0.0.1 (a free port) in a thread.
* :func:`chromium`: Debian's Chromium (``/usr/bin/chromium``) driven by Playwright, headless.
  Without it the browser tests skip, except in CI (``CI=true``), where they fail.
* :func:`curator_marks_done`: open an item link (from any source: a test, a captured e-mail)
  and mark the item done, as a curator would. :func:`coordinator_logs_in` and
  :func:`board_shows` are the coordinator's side.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("TRACKER_TEST_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = ROOT / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


class LiveServer:
    """uvicorn on 127.0.0.1 in a thread; ``url`` is where it listens."""

    def __init__(self, app: Any, sock: socket.socket) -> None:
        import uvicorn

        self.sock = sock
        self.port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [sock]}, daemon=True
        )

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test web server did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(20)
        self.sock.close()


def free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@contextmanager
def serving(app_for: Any) -> Iterator[LiveServer]:
    """Serve ``app_for(base_url)`` (the app needs its own address for the links it makes)."""
    sock = free_socket()
    base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    server = LiveServer(app_for(base_url), sock)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def require_chromium() -> Path:
    if CHROMIUM.exists():
        return CHROMIUM
    message = f"no Chromium at {CHROMIUM}: apt-get install chromium (.ci/run does)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Debian Chromium under Playwright (never Playwright's own download)."""
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(executable),
            headless=True,
            args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
        )
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser: Any, *, phone: bool = False, javascript: bool = False) -> Any:
    """A fresh context (own cookies) in Russian; no JavaScript unless asked: pages need none."""
    context = browser.new_context(
        viewport=PHONE if phone else DESKTOP,
        device_scale_factor=2 if phone else 1,
        is_mobile=phone,
        has_touch=phone,
        locale="ru-RU",
        timezone_id="Europe/Moscow",
        java_script_enabled=javascript,
    )
    return context.new_page()


def screenshot(
    page: Any, name: str, *, full_page: bool = False, element: str | None = None
) -> Path:
    """Save ``docs/screenshots/{name}.png``: the viewport, the whole page or one element."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    if element:
        page.locator(element).screenshot(path=str(path), animations="disabled")
    else:
        page.screenshot(path=str(path), full_page=full_page, animations="disabled")
    return path


# --- what people do -----------------------------------------------------------------------------


def curator_marks_done(
    page: Any, url: str, *, comment: str = "", report: str = "", on: date | None = None
) -> str:
    """Open the item link ``url`` and press «Выполнено»; returns the item's heading.

    Works on any link the reminders send, e.g. one read from an e-mail the test SMTP server
    captured.
    """
    from playwright.sync_api import expect

    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    heading = page.locator("h1").inner_text()
    if on is not None:
        page.fill("#done-on", on.isoformat())
    if comment:
        page.fill("#done-comment", comment)
    if report:
        page.fill("#done-report", report)
    page.get_by_role("button", name="Выполнено", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("отмечено как выполненное")
    expect(page.locator("dl.facts")).to_contain_text("выполнено")
    return str(heading)


def coordinator_logs_in(page: Any, base_url: str, login: str, password: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{base_url}/login")
    page.get_by_label("Логин").fill(login)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Сводка по дорожным картам")


def board_shows(page: Any, base_url: str, ref: str, *, state: str = "all") -> str:
    """The board's row of ``ref`` (``ROADMAP:NUMBER``) under the state filter, as text."""
    roadmap = ref.split(":")[0]
    page.goto(f"{base_url}/board?roadmap={roadmap}&state={state}#items")
    row = page.locator("table.items tr", has=page.get_by_role("link", name=ref, exact=True))
    return str(row.first.inner_text())


# --- the seed the screenshots show --------------------------------------------------------------


def seed_schedules(engine: Engine, now: datetime) -> None:
    """The five seed roadmaps and their executors, synced as `tracker sync` does."""
    from tracker.roadmap import schedule_file
    from tracker.store.plan import SyncPolicy
    from tracker.store.sync import sync_directory

    folder = ROOT / "schedules"
    report = sync_directory(
        engine,
        folder,
        load=schedule_file.load,
        executors_file=folder / "executors.toml",
        policy=SyncPolicy(),
        now=now,
    )
    assert not report.failed, report.failed
