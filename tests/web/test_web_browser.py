"""The pages in a real headless Chromium against a real uvicorn server, on both databases.

The seed is the five real roadmaps from ``schedules/`` at a pinned moment (10 October 2022,
morning in Vladivostok). JavaScript is off in every page: the pages must work without it. The
SQLite run saves the screenshots the README shows (``docs/screenshots/``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from browserkit import (
    board_shows,
    chromium,
    coordinator_logs_in,
    curator_marks_done,
    new_page,
    screenshot,
    seed_schedules,
    serving,
)
from playwright.sync_api import expect
from sqlalchemy import Engine, select
from webkit import Clock

from tracker.config import default_settings
from tracker.store.changes import change_status, history
from tracker.store.models import AccountRole, Status
from tracker.store.tables import EXECUTOR
from tracker.store.tables import OCCURRENCE as OC
from tracker.web.accounts import add_account
from tracker.web.app import create_app
from tracker.web.links import make_token
from tracker.web.signing import signing_secret

NOW = datetime(2022, 10, 9, 23, 30, tzinfo=UTC)  # 10 October, 09:30 in Vladivostok
ADMIN = ("admin", "пароль-администратора")
BUGLAK = ("buglak", "пароль-координатора")


class Site:
    """The seeded store behind a live server, and links as the reminders make them."""

    def __init__(self, engine: Engine, clock: Clock, base_url: str) -> None:
        self.engine = engine
        self.clock = clock
        self.base_url = base_url
        settings = default_settings()
        self.settings = replace(settings, web=replace(settings.web, base_url=base_url))
        self.secret = signing_secret(engine, self.settings.web, clock())

    def app(self) -> Any:
        return create_app(self.settings, self.engine, clock=self.clock)

    def occurrence(self, ref: str, due: date | None = None) -> int:
        target = history(self.engine, ref)[0]
        statement = select(OC.c.id).where(OC.c.activity_id == target.activity_id)
        if due is not None:
            statement = statement.where(OC.c.due == due)
        with self.engine.connect() as conn:
            return int(conn.execute(statement.order_by(OC.c.due)).scalars().first() or 0)

    def link(self, ref: str, name: str, *, days: float = 60, due: date | None = None) -> str:
        with self.engine.connect() as conn:
            executor = conn.execute(select(EXECUTOR.c.id).where(EXECUTOR.c.name == name)).scalar()
        token = make_token(
            self.secret,
            self.occurrence(ref, due),
            f"executor:{executor}",
            self.clock() + timedelta(days=days),
        )
        return f"{self.base_url}/i/{token}"


@pytest.fixture
def site(engine: Engine, db_url: str) -> Iterator[Site]:
    clock = Clock(NOW)
    seed_schedules(engine, NOW - timedelta(days=60))
    # some history, so the board has done and done-late items to count
    change_status(
        engine, "spassk-2022:1", Status.DONE, now=NOW, actor="Буглак С.Г.",
        completed_on=date(2022, 9, 9),
    )  # fmt: skip
    change_status(
        engine, "spassk-2022:2", Status.DONE, now=NOW, actor="Методический кабинет",
        completed_on=date(2022, 9, 14), comment="Программы представлены на Форуме",
    )  # fmt: skip
    change_status(engine, "pelym-2020:1.1", Status.IN_PROGRESS, now=NOW, actor="Кузьменко Е.А.")
    add_account(engine, ADMIN[0], ADMIN[1], role=AccountRole.ADMIN, name="Администратор", now=NOW)
    add_account(
        engine, BUGLAK[0], BUGLAK[1], role=AccountRole.COORDINATOR, roadmaps=["spassk-2022"],
        name="Буглак С.Г.", now=NOW,
    )  # fmt: skip
    holder: dict[str, Site] = {}

    def app_for(base_url: str) -> Any:
        holder["site"] = Site(engine, clock, base_url)
        return holder["site"].app()

    with serving(app_for) as _server:
        yield holder["site"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def shots(db_url: str) -> bool:
    """Only the SQLite run writes the README's screenshots (both runs see the same pages)."""
    return db_url.startswith("sqlite")


def test_curator_marks_done_and_the_board_shows_it(site: Site, browser: Any, db_url: str) -> None:
    link = site.link("spassk-2022:3", "Король О.В.")
    phone = new_page(browser, phone=True)
    phone.goto(link)
    expect(phone.locator("h1")).to_contain_text("Разработка и утверждение плана мероприятий")
    expect(phone.locator("dl.facts")).to_contain_text("просрочено")
    if shots(db_url):
        screenshot(phone, "item-phone", full_page=True)
    heading = curator_marks_done(
        phone,
        link,
        comment="План утверждён приказом управления образования",
        report="https://example.org/plan-nastavnichestva.pdf",
        on=date(2022, 10, 7),
    )
    assert "Мероприятие 3" in heading
    expect(phone.locator("ol.history")).to_contain_text("Король О.В.")
    if shots(db_url):
        screenshot(phone, "item-phone-done", full_page=False)

    desk = new_page(browser)
    desk.goto(f"{site.base_url}/login")
    if shots(db_url):
        screenshot(desk, "login")
    coordinator_logs_in(desk, site.base_url, *BUGLAK)
    row = board_shows(desk, site.base_url, "spassk-2022:3")
    assert "выполнено" in row and "07.10.2022" in row and "позже на 22 дн." in row
    desk.goto(f"{site.base_url}/board")
    spassk = desk.locator("tbody tr", has_text="spassk-2022").first
    # overdue, due soon, open, done, done late
    expect(spassk.locator("td")).to_have_text(["1", "0", "17", "3", "2"])
    expect(desk.get_by_text("pelym-2020")).to_have_count(0)  # not this coordinator's


def test_extension_request_is_asked_and_approved(site: Site, browser: Any, db_url: str) -> None:
    link = site.link("spassk-2022:7", "Корниенко Т.А.")
    phone = new_page(browser, phone=True)
    phone.goto(link)
    phone.get_by_label("Новый срок").fill("2023-01-27")
    phone.get_by_label("Причина").fill(
        "Региональный этап конкурса перенесён; муниципальный этап проводим после него."
    )
    if shots(db_url):
        screenshot(phone, "extension-request-phone", element="#extension")
    phone.get_by_role("button", name="Попросить перенос срока").click()
    expect(phone.get_by_role("status")).to_contain_text("отправлен координатору")
    expect(phone.locator("#extension")).to_contain_text("ждёт решения координатора")

    desk = new_page(browser)
    coordinator_logs_in(desk, site.base_url, *BUGLAK)
    request = desk.locator("ul.requests li").first
    expect(request).to_contain_text("Корниенко Т.А. просит перенести срок с 16 декабря 2022 г.")
    if shots(db_url):
        screenshot(desk, "board")
        screenshot(desk, "board-extension-request", element="#requests")
    request.get_by_role("button", name="Одобрить перенос").click()
    expect(desk.get_by_role("status")).to_have_text("Срок перенесён, запрос одобрен.")
    assert "27.01.2023" in board_shows(desk, site.base_url, "spassk-2022:7")

    phone.goto(link)
    expect(phone.locator("dl.facts")).to_contain_text("27 января 2023 г.")
    expect(phone.locator("dl.facts")).to_contain_text("перенесён с 16 декабря 2022 г.")


def test_tampered_and_expired_links_are_refused(site: Site, browser: Any, db_url: str) -> None:
    phone = new_page(browser, phone=True)
    good = site.link("spassk-2022:4", "Буглак С.Г.")
    tampered = good[:-4] + ("AAAA" if not good.endswith("AAAA") else "BBBB")
    answer = phone.goto(tampered)
    assert answer is not None and answer.status == 403
    expect(phone.locator("h1")).to_have_text("Ссылка недействительна")
    if shots(db_url):
        screenshot(phone, "link-tampered-phone")

    expired = site.link("spassk-2022:4", "Буглак С.Г.", days=60)
    site.clock.advance(days=61)
    answer = phone.goto(expired)
    assert answer is not None and answer.status == 410
    expect(phone.locator("h1")).to_have_text("Срок действия ссылки истёк")
    expect(phone.locator("main")).to_contain_text("Мониторинг реализации методологии")
    if shots(db_url):
        screenshot(phone, "link-expired-phone")
    expect(phone.get_by_role("button")).to_have_count(0)  # nothing to press


def test_pages_are_accessible_basics(site: Site, browser: Any) -> None:
    """Language, landmarks, labelled fields, a skip link, and no sideways scroll on a phone."""
    phone = new_page(browser, phone=True, javascript=True)
    desk = new_page(browser, javascript=True)
    coordinator_logs_in(desk, site.base_url, *ADMIN)
    for page, url in (
        (phone, site.link("spassk-2022:4", "Буглак С.Г.")),
        (phone, f"{site.base_url}/login"),
        (desk, f"{site.base_url}/board"),
        (desk, f"{site.base_url}/activity/spassk-2022/2"),
    ):
        page.goto(url)
        assert page.evaluate("document.documentElement.lang") == "ru"
        for role in ("banner", "main", "contentinfo"):
            expect(page.get_by_role(role)).to_have_count(1)
        unlabeled = page.evaluate(
            """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
                 .filter(e => !e.labels || e.labels.length === 0).map(e => e.name)"""
        )
        assert unlabeled == [], url
        assert page.locator("a.skip").get_attribute("href") == "#main"
        if page is phone:
            wide = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
            assert not wide, f"{url} scrolls sideways on a phone"
