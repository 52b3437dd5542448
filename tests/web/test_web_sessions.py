"""Sessions end server-side (issue 17: a copied session cookie still opened the board after
logout, for the rest of its 12 h). Logout and a new password move the account's session
generation on; every cookie made before stops working, copies included."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from webkit import ADMIN, COORDINATOR, Client, World

from tracker.web.accounts import find_account, set_password
from tracker.web.security import SESSION_COOKIE


@contextmanager
def browser(world: World) -> Iterator[Client]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    with TestClient(world.app(), base_url="http://127.0.0.1:8080") as http:
        yield Client(http, world)


def copied_cookie_opens_board(world: World, cookie: str) -> int:
    with browser(world) as thief:
        thief.http.cookies.set(SESSION_COOKIE, cookie)
        return int(thief.get("/board").status_code)


def logout(world: World, client: Client) -> None:
    assert client.submit("/board", "/logout").status_code == 303


def new_password(world: World, client: Client) -> None:
    set_password(world.engine, ADMIN[0], "новый-пароль-3")


ENDINGS: list[tuple[str, Callable[[World, Client], None]]] = [
    ("logout", logout),
    ("new password", new_password),
]


@pytest.mark.parametrize("end", [e[1] for e in ENDINGS], ids=[e[0] for e in ENDINGS])
def test_a_copied_cookie_stops_working_when_the_session_ends(
    world: World, end: Callable[[World, Client], None]
) -> None:
    with browser(world) as owner:
        assert owner.login(*ADMIN).status_code == 303
        cookie = owner.http.cookies[SESSION_COOKIE]
        assert copied_cookie_opens_board(world, cookie) == 200  # a copy works while it lasts
        end(world, owner)
        assert copied_cookie_opens_board(world, cookie) == 303  # to the login page
        assert owner.get("/board").status_code == 303


def test_logging_in_again_after_logout_works(world: World) -> None:
    with browser(world) as owner:
        owner.login(*ADMIN)
        logout(world, owner)
        assert owner.login(*ADMIN).status_code == 303
        assert owner.get("/board").status_code == 200


def test_logout_ends_only_that_accounts_sessions(world: World) -> None:
    with browser(world) as admin, browser(world) as coordinator:
        admin.login(*ADMIN)
        coordinator.login(*COORDINATOR)
        before = find_account(world.engine, COORDINATOR[0])
        logout(world, admin)
        assert coordinator.get("/board").status_code == 200
        assert find_account(world.engine, COORDINATOR[0]) == before
