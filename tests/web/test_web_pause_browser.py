"""The pause page in a real Chromium (no JavaScript, phone size): pause for 4 weeks, then
resume; the screenshot docs/screenshots/pause.png."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from browserkit import chromium, new_page, screenshot, serving
from playwright.sync_api import expect
from sqlalchemy import Engine
from webkit import Clock, World

from tracker.store.pauses import pause_of
from tracker.web.app import create_app
from tracker.web.pause_links import pause_url

ADDRESS = "petrov@example.org"


def test_pause_page_in_chromium(engine: Engine, clock: Clock, db_url: str) -> None:
    world = World.build(engine, clock)

    def app_for(base_url: str) -> Any:
        settings = replace(world.settings, web=replace(world.settings.web, base_url=base_url))
        return create_app(settings, engine, clock=clock)

    with serving(app_for) as server, chromium() as browser:
        url = pause_url(server.url, world.secret, ADDRESS, clock())
        page = new_page(browser, phone=True)
        page.goto(url)
        expect(page.locator("h1")).to_have_text("Напоминания о сроках")
        expect(page.locator("#pause-state")).to_contain_text("Напоминания приходят")
        page.get_by_label("на 4 недели").check()
        page.get_by_role("button", name="Приостановить").click()
        expect(page.locator(".notice")).to_have_text("Напоминания приостановлены.")
        expect(page.locator("#pause-state")).to_contain_text("приостановлены до")
        pause = pause_of(engine, ADDRESS, clock())
        assert pause is not None and pause.until == clock() + timedelta(weeks=4)
        if db_url.startswith("sqlite"):
            screenshot(page, "pause", full_page=True)
        page.get_by_role("button", name="Возобновить").click()
        expect(page.locator(".notice")).to_have_text("Напоминания возобновлены.")
        assert pause_of(engine, ADDRESS, clock()) is None
        page.goto(url[:-4] + "abcd")
        expect(page.locator("h1")).to_have_text("Ссылка недействительна")
