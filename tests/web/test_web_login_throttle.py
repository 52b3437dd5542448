"""Login throttling per client address and per account (issue 17: 200 wrong passwords in 5.9 s
from one client met no delay), and the attempts log admins read.

The app's clock is pinned; tests move it to let a delay pass. Two clients with different
addresses share one app: the attacker and the real user.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from webkit import ADMIN, COORDINATOR, Client, World

from tracker.web.throttle import (
    FREE_PER_ACCOUNT,
    FREE_PER_ADDRESS,
    LONGEST,
    delay,
    recent_attempts,
    under_pressure,
)

ATTACKER = "203.0.113.9"
USER = "198.51.100.7"


@contextmanager
def clients(world: World, *addresses: str) -> Iterator[list[Client]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    app = world.app()
    opened = [
        TestClient(app, base_url="http://127.0.0.1:8080", client=(address, 40000))
        for address in addresses
    ]
    try:
        yield [Client(http, world) for http in opened]
    finally:
        for http in opened:
            http.close()


def statuses(client: Client, login: str, password: str, times: int) -> list[int]:
    return [client.login(login, password).status_code for _ in range(times)]


DELAYS = [
    ("free tries", 4, 5, 0),
    ("first delay", 5, 5, 1),
    ("doubles", 8, 5, 8),
    ("capped", 40, 5, int(LONGEST.total_seconds())),
]


@pytest.mark.parametrize(
    ("failures", "free", "seconds"), [d[1:] for d in DELAYS], ids=[d[0] for d in DELAYS]
)
def test_delay_grows_exponentially_up_to_a_limit(failures: int, free: int, seconds: int) -> None:
    assert delay(failures, free) == timedelta(seconds=seconds)


def test_a_burst_on_one_account_is_throttled_with_429_and_retry_after(world: World) -> None:
    with clients(world, ATTACKER) as (attacker,):
        burst = statuses(attacker, ADMIN[0], "неверный-пароль", 30)
        assert burst[:FREE_PER_ACCOUNT] == [401] * FREE_PER_ACCOUNT
        assert burst[FREE_PER_ACCOUNT:] == [429] * (30 - FREE_PER_ACCOUNT)
        refused = attacker.login(ADMIN[0], ADMIN[1])  # even the right password waits
        assert refused.status_code == 429
        assert refused.headers["retry-after"] == "1"
        assert "Слишком много неудачных попыток входа" in refused.text
        world.clock.advance(seconds=1)
        assert attacker.login(ADMIN[0], "неверный-пароль").status_code == 401
        again = attacker.login(ADMIN[0], "неверный-пароль")
        assert (again.status_code, again.headers["retry-after"]) == (429, "2")


def test_a_burst_over_many_logins_is_throttled_per_address(world: World) -> None:
    with clients(world, ATTACKER) as (attacker,):
        logins = [f"guess{n}" for n in range(FREE_PER_ADDRESS + 3)]
        seen = [attacker.login(login, "неверный-пароль").status_code for login in logins]
        assert seen == [401] * FREE_PER_ADDRESS + [429] * 3


def test_the_real_user_gets_in_after_a_burst_from_another_address(world: World) -> None:
    with clients(world, ATTACKER, USER) as (attacker, user):
        assert 429 in statuses(attacker, ADMIN[0], "неверный-пароль", 20)
        answer = user.login(*ADMIN)
        assert (answer.status_code, answer.headers["location"]) == (303, "/board")
        assert user.get("/board").status_code == 200
        assert attacker.login(*ADMIN).status_code == 429


def test_a_known_address_may_mistype_during_an_attack(world: World) -> None:
    with clients(world, ATTACKER, USER) as (attacker, user):
        assert user.login(*COORDINATOR).status_code == 303  # known from now on
        statuses(attacker, COORDINATOR[0], "неверный-пароль", 20)
        assert user.login(COORDINATOR[0], "опечатка").status_code == 401
        assert user.login(*COORDINATOR).status_code == 303


def test_attempts_are_logged_for_admins(world: World) -> None:
    with clients(world, ATTACKER, USER) as (attacker, user):
        statuses(attacker, ADMIN[0].upper(), "неверный-пароль", FREE_PER_ACCOUNT + 2)
        user.login(*ADMIN)
    attempts = recent_attempts(world.engine, limit=100)
    assert [(a.login, a.address, a.outcome) for a in attempts[:3]] == [
        ("admin", USER, "ok"),
        ("admin", ATTACKER, "throttled"),  # the second refusal in the same minute: not again
        ("admin", ATTACKER, "wrong"),
    ]
    assert sum(a.outcome == "wrong" for a in attempts) == FREE_PER_ACCOUNT
    pressure = {(p.kind, p.name): p for p in under_pressure(world.engine, world.clock())}
    assert pressure[("login", "admin")].failures == FREE_PER_ACCOUNT
    assert pressure[("address", ATTACKER)].failures == FREE_PER_ACCOUNT
    assert ("address", USER) not in pressure


def test_the_window_passes(world: World) -> None:
    with clients(world, ATTACKER) as (attacker,):
        statuses(attacker, ADMIN[0], "неверный-пароль", FREE_PER_ACCOUNT + 1)
        world.clock.advance(minutes=16)
        assert statuses(attacker, ADMIN[0], "неверный-пароль", 2) == [401, 401]
        assert attacker.login(*ADMIN).status_code == 303


def test_a_flood_of_refused_tries_is_logged_once_a_minute(world: World) -> None:
    with clients(world, ATTACKER) as (attacker,):
        statuses(attacker, ADMIN[0], "неверный-пароль", FREE_PER_ACCOUNT + 50)
        world.clock.advance(seconds=61)
        statuses(attacker, ADMIN[0], "неверный-пароль", 2)  # one more failure, then refused
    outcomes = [a.outcome for a in recent_attempts(world.engine, limit=1000)]
    assert outcomes.count("throttled") == 2
    assert outcomes.count("wrong") == FREE_PER_ACCOUNT + 1


def test_old_attempts_are_deleted_when_someone_logs_in(world: World) -> None:
    with clients(world, ATTACKER, USER) as (attacker, user):
        attacker.login(ADMIN[0], "неверный-пароль")
        world.clock.advance(days=31)
        user.login(*ADMIN)
    assert [a.outcome for a in recent_attempts(world.engine)] == ["ok"]
