"""An admin imports plans in Chromium: a .docx with an unreadable deadline and a .pdf.

The path of issue 15: upload, fix a phrase and see its dates change as one types (no reload),
confirm a close executor match, add a new person, save, and find the activities on the board
and in the schedule file. Saves the import page's screenshots for the README.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import adminkit
import pytest
from browserkit import board_shows, chromium, coordinator_logs_in, new_page, screenshot, serving
from sqlalchemy import Engine
from webkit import ADMIN, Clock, World

from tracker.roadmap import schedule_file
from tracker.store.executors import load_executors


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'browser.db'}"  # the HTTP tests cover PostgreSQL


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def site(engine: Engine, clock: Clock, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    world = World.build(engine, clock)
    folder = tmp_path / "schedules"

    def app_for(base_url: str) -> Any:
        world.settings = adminkit.settings_in(world.settings, folder)
        world.settings = world.with_web(base_url=base_url)
        return world.app()

    with serving(app_for) as server:
        yield server.url, folder


def upload(page: Any, base_url: str, name: str, data: bytes) -> None:
    page.goto(f"{base_url}/admin/import")
    page.set_input_files("#document", files=[{"name": name, "mimeType": "", "buffer": data}])
    page.get_by_role("button", name="Прочитать план").click()
    page.wait_for_url(re.compile(r"/admin/import/[\w-]+"))


def test_admin_imports_corrects_and_saves(site: tuple[str, Path], browser: Any) -> None:
    from playwright.sync_api import expect

    base_url, folder = site
    page = new_page(browser, javascript=True)
    coordinator_logs_in(page, base_url, *ADMIN)

    upload(page, base_url, "plan.docx", adminkit.docx())
    expect(page.locator("#need-dates")).to_have_text("1 из 5 требуют дат")
    first = page.locator("ol.rows > li").first
    expect(first.locator("h3")).to_contain_text("Подготовить аналитическую справку")
    expect(first.locator("mark")).to_have_text("по итогам")
    screenshot(page, "import-errors", full_page=True)

    # type a new phrase: the dates show up under the field without a reload
    page.evaluate("window.notReloaded = true")
    phrase = first.get_by_label("Срок словами")
    phrase.fill("")
    phrase.press_sequentially("до 20.12.2022", delay=20)
    expect(first.locator("output")).to_contain_text("до 20 декабря 2022 г.")
    expect(first.locator("output")).to_contain_text("до 20.12.2022")
    phrase.fill("по итогам конкурса")  # an event the plan does not date
    expect(first.locator("output")).to_contain_text("нет дат")
    assert page.evaluate("window.notReloaded") is True
    phrase.fill("до 20.12.2022")
    expect(first.locator("output")).to_contain_text("20.12.2022")
    first.get_by_role("button", name="Применить срок").click()
    expect(page.locator("#need-dates")).to_have_text("Сроки прочитаны во всех 5 строках")

    # a close match is confirmed; a name the directory lacks becomes a new person
    page.get_by_role(
        "button", name="Подтвердить: Бычкова О.И. — это Бычкова Ольга Ивановна"
    ).click()
    expect(page.locator("table.executors")).to_contain_text("✓ Бычкова Ольга Ивановна")
    row = page.locator("table.executors tr", has_text="Сидоров А.А.")
    row.locator("summary").click()
    row.get_by_label("ФИО или организация").fill("Сидоров Алексей Андреевич")
    row.get_by_label("Эл. почта").fill("sidorov@example.org")
    row.get_by_label("Организация", exact=True).fill("МБОУ СОШ №1")
    row.get_by_role("button", name="Добавить в справочник").click()
    expect(page.locator("table.executors")).to_contain_text("✓ Сидоров Алексей Андреевич")
    assert not (folder / "plan.toml").exists()  # nothing written before Save

    page.get_by_role("button", name="Сохранить план").click()
    expect(page.get_by_role("status")).to_have_text("План сохранён и загружен в базу.")
    expect(page.locator("table.rules")).to_contain_text("ежегодно: январь; май")

    saved = {a.key: a for a in schedule_file.load(folder / "plan.toml").activities}
    assert saved["3"].deadline == "по итогам абракадабры 2022 года"
    assert saved["3"].override_phrase == "до 20.12.2022"
    people = {e.name: e for e in load_executors(folder / "executors.toml")}
    assert people["Бычкова Ольга Ивановна"].aliases == ("Бычкова О.И.",)
    assert people["Сидоров Алексей Андреевич"].emails == ("sidorov@example.org",)
    line = board_shows(page, base_url, "plan:3")
    assert "Подготовить аналитическую справку" in line and "Сидоров Алексей Андреевич" in line

    # a PDF where everything reads
    upload(page, base_url, "nastavnichestvo.pdf", adminkit.pdf(adminkit.CLEAN))
    expect(page.locator("#need-dates")).to_have_text("Сроки прочитаны во всех 5 строках")
    known = page.locator("table.executors tr", has_text="Бычкова О.И.")
    expect(known).to_contain_text("✓ Бычкова Ольга Ивановна")  # the confirmed spelling was kept
    screenshot(page, "import-clean", full_page=True)
    page.get_by_role("button", name="Сохранить план").click()
    expect(page.get_by_role("status")).to_have_text("План сохранён и загружен в базу.")
    assert "Обновить страницу наставничества" in board_shows(page, base_url, "nastavnichestvo:5")
    assert (folder / "nastavnichestvo.toml").exists()

    page.goto(f"{base_url}/admin/people")
    expect(page.locator("table.people")).to_contain_text("sidorov@example.org")
    screenshot(page, "people", full_page=True)
