"""The board's page cache on both databases: a kept page is served again only while nothing it
shows has changed. Every kind of write — through the store functions the CLI calls, and through
the web — is visible on the very next board request, with the clock standing still."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

import pytest
from storekit import EXECUTORS, Syncer, act, roadmap
from webkit import ADMIN, COORDINATOR, GIMC, PETROV, Client

from tracker.store.changes import change_status, extend
from tracker.store.models import Status
from tracker.store.sync import sync_executors
from tracker.terms.model import Kind
from tracker.web.page_cache import PageCache
from tracker.web.render import WebState


def pages(client: Client) -> PageCache:
    web = client.http.app.state.web
    assert isinstance(web, WebState)
    return web.pages


def _done_by_cli(client: Client) -> None:
    world = client.world
    change_status(world.engine, "alpha:3", Status.DONE, now=world.clock(), actor="cli")


def _extended_by_cli(client: Client) -> None:
    world = client.world
    extend(
        world.engine,
        "alpha:3",
        date(2023, 6, 1),
        reason="решение думы",
        approved_by="cli",
        now=world.clock(),
        shift=world.settings.policy.shift,
    )


def _done_on_item_link(client: Client) -> None:
    link = client.world.link("alpha:3")
    assert client.submit(link, f"{link}/status", to="done").status_code == 303


def _title_synced(client: Client) -> None:
    Syncer(client.world.engine)(
        roadmap(
            "alpha",
            act("1", ("2023-01-01", "2023-02-01"), title="Создать рабочую группу"),
            act("2", (None, "2023-01-11"), responsible=(GIMC,), title="Провести семинар"),
            act("3", (None, "2023-01-10"), title="Утвердить новое положение"),
            act("4", (None, "2023-03-31"), title="Подготовить отчёт за квартал"),
            act("5", kind=Kind.UNSCHEDULED, title="Провести конкурс"),
        )
    )  # the same "now" as the first sync: the version must not rest on the clock


def _alias_synced(client: Client) -> None:
    entries = [
        replace(entry, aliases=(*entry.aliases, "П. Новиков")) if entry.name == PETROV else entry
        for entry in EXECUTORS
    ]
    sync_executors(client.world.engine, entries, client.world.clock())


# (what is written, the board page asked for, shown before, shown after)
WRITES: list[tuple[Callable[[Client], None], str, str, str]] = [
    (_done_by_cli, "/board?state=overdue", "Утвердить положение", ""),
    (_extended_by_cli, "/board?state=overdue", "Утвердить положение", ""),
    (_done_on_item_link, "/board?state=done", "", "Утвердить положение"),
    (_title_synced, "/board?roadmap=alpha", "Утвердить положение", "Утвердить новое положение"),
    (_alias_synced, "/board?executor=П.+Новиков", "«П. Новиков» не найден", ""),
]


@pytest.mark.parametrize(
    ("write", "path", "before", "after"),
    WRITES,
    ids=["status by cli", "extension by cli", "done on item link", "title synced", "alias synced"],
)
def test_a_write_is_on_the_next_board(
    client: Client, write: Callable[[Client], None], path: str, before: str, after: str
) -> None:
    client.login(*ADMIN)
    first = client.get(path).text
    assert client.get(path).text.count("<tr") == first.count("<tr")
    assert pages(client).hits >= 1  # the second request came from the cache
    if before:
        assert before in first
    if after:
        assert after not in first
    write(client)
    fresh = client.get(path).text
    if before:
        assert before not in fresh
    if after:
        assert after in fresh


def test_a_request_and_its_decision_through_the_web_are_on_the_next_board(client: Client) -> None:
    client.login(*COORDINATOR)
    assert "просит перенести срок" not in client.get("/board").text
    link = client.world.link("beta:1")
    asked = client.submit(link, f"{link}/extension", new_due="2023-02-10", reason="причина")
    assert asked.status_code == 303
    board = client.get("/board").text
    assert "просит перенести срок" in board
    request_id = board.split('action="/requests/')[1].split("/")[0]
    assert client.submit("/board", f"/requests/{request_id}/approve").status_code == 303
    assert "просит перенести срок" not in client.get("/board").text


def test_the_clock_moving_renders_again(client: Client) -> None:
    client.login(*ADMIN)
    assert "Создать рабочую группу" not in client.get("/board?state=overdue").text
    client.world.clock.advance(days=13)  # 2 February: alpha:1 (due 1 February) is overdue
    client.login(*ADMIN)  # the session of 20 January has ended
    assert "Создать рабочую группу" in client.get("/board?state=overdue").text


def test_each_visitor_gets_its_own_form_token_and_account(client: Client) -> None:
    client.login(*ADMIN)
    mine = client.token_on("/board")
    assert client.token_on("/board") == mine
    http = client.http
    http.cookies.clear()
    client.login(*ADMIN)
    theirs = client.token_on("/board")
    assert pages(client).hits >= 1 and theirs != mine
    assert client.submit("/board", "/logout").status_code == 303  # the token works
    client.login(*COORDINATOR)
    board = client.get("/board").text
    assert "Сидорова С.С." in board and "Иванова И.И." not in board
    assert 'value="alpha"' not in board  # the coordinator's scope, not the admin's page


@pytest.mark.parametrize(
    ("entries", "characters", "kept"),
    [(2, 1000, ["b", "c"]), (10, 15, ["c"]), (10, 5, [])],
    ids=["by count", "by size", "a page too big is not kept"],
)
def test_the_cache_is_bounded(entries: int, characters: int, kept: list[str]) -> None:
    cache = PageCache(entries=entries, characters=characters)
    for key in ("a", "b", "c"):
        cache.put(key, key * 10)
    assert [key for key in "abc" if cache.get(key) is not None] == kept
    assert cache.size <= characters and len(cache) <= entries
