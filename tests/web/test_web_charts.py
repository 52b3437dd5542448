"""The board's discipline table, charts and report download (both databases), and the same
board in a real Chromium with its screenshots."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from browserkit import (
    DESKTOP,
    ROOT,
    chromium,
    coordinator_logs_in,
    new_page,
    screenshot,
    seed_schedules,
    serving,
)
from openpyxl import load_workbook
from playwright.sync_api import expect
from sqlalchemy import Engine
from webkit import ADMIN, COORDINATOR, GIMC, PETROV, Client, Clock

from tracker.config import default_settings
from tracker.notify.model import MessageKind
from tracker.store.changes import change_status
from tracker.store.models import AccountRole, Status
from tracker.web.accounts import add_account
from tracker.web.app import create_app


def board(client: Client, query: str = "") -> str:
    client.login(*ADMIN)
    answer = client.get(f"/board{query}")
    assert answer.status_code == 200
    return str(answer.text)


NUMBER = r"<td class=\"num\">(?:<a [^>]*>|<span[^>]*>)?([^<]*)"


def discipline_rows(text: str) -> dict[str, list[str]]:
    """Executor (or «Итого …») → the numbers of its line in the discipline table."""
    table = re.search(r'<table class="discipline">(.*?)</table>', text, re.S)
    assert table, "no discipline table"
    rows = {}
    for name, cells in re.findall(r'<th scope="row">(.*?)</th>(.*?)</tr>', table.group(1), re.S):
        rows[name.strip()] = re.findall(NUMBER, cells)
    return rows


def mark_done(client: Client) -> None:
    world = client.world
    now = world.clock()
    done = Status.DONE
    change_status(world.engine, "alpha:3", done, now=now, actor="t", completed_on=date(2023, 1, 9))
    change_status(world.engine, "beta:1", done, now=now, actor="t", completed_on=date(2023, 1, 16))


def test_discipline_table_adds_up_and_links_its_items(client: Client) -> None:
    mark_done(client)
    rows = discipline_rows(board(client))
    total = rows.pop("Итого (каждое мероприятие один раз)")
    for name, cells in [*rows.items(), ("Итого", total)]:
        controlled, on_time, late, _average, overdue, pending = cells[:6]
        assert int(controlled) == int(on_time) + int(late) + int(overdue) + int(pending), name
    assert total[:6] == ["6", "1", "1", "4,0", "1", "3"]
    assert set(rows) == {PETROV, GIMC}
    text = board(client)
    link = re.search(r'href="(/board\?executor=[^"]*state=overdue#items)"', text)
    assert link, "numbers link to their items"
    items = client.get(link.group(1).replace("&amp;", "&"))
    assert items.status_code == 200 and "просроч" in items.text


def test_organisation_table_below_the_executors(client: Client) -> None:
    mark_done(client)
    text = board(client)
    assert text.index('<table class="discipline">') < text.index('id="organisations"')
    table = re.search(r'<table class="figures" id="organisations">(.*?)</table>', text, re.S)
    assert table, "no organisation table"
    rows = {
        name.strip(): re.findall(NUMBER, cells)
        for name, cells in re.findall(r'<th scope="row">(.*?)</th>(.*?)</tr>', table.group(1), re.S)
    }
    total = rows.pop("Итого (каждое мероприятие один раз)")
    assert list(rows) == [GIMC, "без организации"]  # Петров has no organisation in the directory
    executors = discipline_rows(text)
    assert total == executors["Итого (каждое мероприятие один раз)"]
    assert rows[GIMC] == executors[GIMC]  # an organisation executor is its own organisation
    assert rows["без организации"] == executors[PETROV]


@pytest.mark.parametrize(
    ("state", "refs"),
    [
        ("on-time", {"alpha:3"}),
        ("done-late", {"beta:1"}),
        ("pending", {"alpha:1", "alpha:4", "beta:2"}),
        ("controlled", {"alpha:1", "alpha:2", "alpha:3", "alpha:4", "beta:1", "beta:2"}),
    ],
    ids=["on time", "late", "pending", "controlled"],
)
def test_new_board_filters(client: Client, state: str, refs: set[str]) -> None:
    mark_done(client)
    text = board(client, f"?state={state}")
    items = re.search(r'<section aria-labelledby="items-title".*', text, re.S)
    assert items
    found = set(re.findall(r">((?:alpha|beta):\d)<", items.group(0)))
    assert found == refs


def test_sorting_by_a_column(client: Client) -> None:
    mark_done(client)
    by_name = list(discipline_rows(board(client, "?sort=name")))
    assert by_name[:2] == sorted([PETROV, GIMC])
    text = board(client, "?sort=pending")
    assert 'aria-sort="descending"' in text


def test_charts_are_svg_with_no_script_or_inline_style(client: Client) -> None:
    mark_done(client)
    text = board(client)
    charts = re.findall(r"<svg[^>]*pygal-chart.*?</svg>", text, re.S)
    assert len(charts) == 2
    for svg in charts:
        assert "<script" not in svg and "<style" not in svg and ' style="' not in svg
        assert 'role="img"' in svg and "viewBox" in svg
    assert "в срок" in charts[0] and "просрочено" in charts[0]
    assert "срок в месяце" in charts[1]
    css = client.get("/board/charts.css")
    assert css.status_code == 200 and "url(#fill-hatch-1)" in css.text
    assert "#chart-" not in css.text  # made for the class, not pygal's random id


def test_report_download(client: Client) -> None:
    mark_done(client)
    client.login(*ADMIN)
    answer = client.get("/board/report.xlsx?roadmap=alpha")
    assert answer.status_code == 200
    assert "attachment" in answer.headers["content-disposition"]
    book = load_workbook(io.BytesIO(answer.content))
    figures = [row for row in book["Показатели"].iter_rows(values_only=True) if row[0] == "Итого"]
    assert figures[0][1] == 4  # alpha has four occurrences with dates
    assert client.get("/board/report.pdf").status_code == 404


def test_coordinator_downloads_only_its_roadmaps(client: Client) -> None:
    client.login(*COORDINATOR)
    assert client.get("/board/report.csv?roadmap=alpha").status_code == 403
    answer = client.get("/board/report.csv")
    assert answer.status_code == 200
    text = answer.content.decode("utf-8-sig")
    assert "Назначить кураторов" in text and "Создать рабочую группу" not in text


def test_extension_of_an_item_overdue_for_more_than_a_year(client: Client) -> None:
    world = client.world
    world.clock.advance(days=500)  # alpha:3 was due 10 January 2023
    today = world.clock().date()
    link = world.link("alpha:3")
    new_due = (today + timedelta(days=30)).isoformat()
    answer = client.submit(link, f"{link}/extension", new_due=new_due, reason="новый приказ")
    assert answer.status_code == 303, answer.text


# --- in a real browser, on the seed roadmaps ----------------------------------------------------

BROWSER_NOW = datetime(2022, 10, 9, 23, 30, tzinfo=UTC)  # 10 October, morning in Vladivostok


@pytest.fixture
def seeded(engine: Engine) -> Iterator[str]:
    """The five seed roadmaps with some work done (on time and late), served live; the URL."""
    seed_schedules(engine, BROWSER_NOW - timedelta(days=60))
    done = Status.DONE
    for ref, on in [
        ("spassk-2022:1", date(2022, 9, 9)),
        ("spassk-2022:2", date(2022, 9, 14)),
        ("divnogorsk-2022:2.3", date(2022, 3, 30)),
        ("divnogorsk-2022:5.2", date(2022, 3, 15)),
        ("pelym-2020:1.1", date(2022, 10, 3)),
    ]:
        change_status(engine, ref, done, now=BROWSER_NOW, actor="t", completed_on=on)
    add_account(
        engine, ADMIN[0], ADMIN[1], role=AccountRole.ADMIN, name="Администратор", now=BROWSER_NOW
    )
    clock = Clock(BROWSER_NOW)

    def app_for(base_url: str) -> Any:
        settings = default_settings()
        settings = replace(settings, web=replace(settings.web, base_url=base_url))
        return create_app(settings, engine, clock=clock)

    with serving(app_for) as server:
        yield server.url


def test_board_charts_in_chromium(seeded: str, db_url: str) -> None:
    with chromium() as browser:
        desk = new_page(browser)
        coordinator_logs_in(desk, seeded, *ADMIN)
        desk.goto(f"{seeded}/board?roadmap=divnogorsk-2022")
        table = desk.locator("table.discipline")
        expect(table.locator("tfoot")).to_contain_text("Итого")
        charts = desk.locator("figure.chart svg")
        expect(charts).to_have_count(2)
        box = charts.first.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 100
        css = desk.request.get(f"{seeded}/board/charts.css").text()
        assert "fill-hatch-1" in css
        if db_url.startswith("sqlite"):
            screenshot(desk, "board-discipline", element="#discipline")
        phone = new_page(browser, phone=True)
        coordinator_logs_in(phone, seeded, *ADMIN)
        phone.goto(f"{seeded}/board?roadmap=divnogorsk-2022")
        width = phone.locator("figure.chart svg").first.bounding_box()
        assert width is not None and width["width"] <= 390
        if db_url.startswith("sqlite"):
            screenshot(phone, "board-discipline-phone", element="#discipline")
        link = desk.locator("table.discipline tfoot a").first
        link.click()
        expect(desk.locator("#items")).to_be_visible()


def quick_start_digest(engine: Engine, day: date) -> Any:
    """The divnogorsk coordinator's digest on ``day``, rendered as the daemon renders it."""
    from tracker.notify import facts
    from tracker.notify.digest import digest_facts
    from tracker.notify.render import Renderer, context_for_digest

    settings = default_settings()
    with engine.connect() as conn:
        directory = facts.load_directory(conn, settings)
        info = next(i for i in directory.roadmaps.values() if i.slug == "divnogorsk-2022")
        found = digest_facts(conn, engine, settings, info.coordinators[0], day, directory)
    renderer = Renderer(ROOT / "templates")
    return renderer.render(MessageKind.DIGEST, context_for_digest(found))


def test_digest_fits_on_one_screen_above_its_items(engine: Engine, db_url: str) -> None:
    seed_schedules(engine, datetime(2022, 9, 1, tzinfo=UTC))
    rendered = quick_start_digest(engine, date(2022, 9, 12))
    with chromium() as browser:
        page = new_page(browser)
        page.set_content(rendered.html)
        heading = page.get_by_role("heading", name=re.compile("Просроченные мероприятия"))
        box = heading.bounding_box()
        assert box is not None and box["y"] < DESKTOP["height"], box  # figures, then the items
        expect(page.locator("table").first).to_contain_text("Итого")
        if db_url.startswith("sqlite"):
            screenshot(page, "digest-html")
        text = new_page(browser)
        text.set_content(
            "<pre style='white-space: pre-wrap; font: 15px/1.45 monospace; margin: 16px'>"
            + html.escape(rendered.text)
            + "</pre>"
        )
        if db_url.startswith("sqlite"):
            screenshot(text, "digest-text")
        position = text.get_by_text(re.compile("Просроченные мероприятия: ")).bounding_box()
        assert position is not None and position["y"] < DESKTOP["height"] * 1.5
