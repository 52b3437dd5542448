"""Sessions, form tokens and password hashes, without a server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tracker.web.passwords import DUMMY_HASH, hash_password, verify_password
from tracker.web.security import (
    Session,
    dump_session,
    form_token,
    form_token_ok,
    load_session,
    new_nonce,
)

SECRET = "k" * 40
NOW = datetime(2023, 1, 20, 9, 0, tzinfo=UTC)
SESSION = Session(3, int(NOW.timestamp()), "stamp")


@pytest.mark.parametrize(
    ("later", "valid"),
    [
        (timedelta(0), True),
        (timedelta(hours=11, minutes=59), True),
        (timedelta(hours=12), False),
        (-timedelta(hours=1), False),  # issued in the future: a forged or skewed clock
    ],
    ids=["fresh", "just inside", "expired", "from the future"],
)
def test_session_lifetime(later: timedelta, valid: bool) -> None:
    loaded = load_session(SECRET, dump_session(SECRET, SESSION), NOW + later, 12)
    assert (loaded == SESSION) is valid


@pytest.mark.parametrize(
    "value",
    [None, "", "garbage", dump_session("x" * 40, SESSION), dump_session(SECRET, SESSION)[:-3]],
    ids=["absent", "empty", "garbage", "other key", "cut"],
)
def test_bad_session_cookies_are_no_session(value: str | None) -> None:
    assert load_session(SECRET, value, NOW, 12) is None


def test_form_tokens() -> None:
    nonce = new_nonce()
    token = form_token(SECRET, nonce)
    assert form_token_ok(SECRET, nonce, token)
    assert not form_token_ok(SECRET, new_nonce(), token)  # another visitor's cookie
    assert not form_token_ok("y" * 40, nonce, token)
    assert not form_token_ok(SECRET, None, token)
    assert not form_token_ok(SECRET, nonce, None)
    assert not form_token_ok(SECRET, nonce, nonce)  # the cookie itself is not the token


def test_password_hashes() -> None:
    stored = hash_password("правильный пароль")
    assert stored.startswith("scrypt$16384$8$1$")
    assert verify_password("правильный пароль", stored)
    assert not verify_password("неправильный", stored)
    assert hash_password("same") != hash_password("same")  # salted


@pytest.mark.parametrize(
    "stored", ["", "plain", "md5$x$y$z$a$b", "scrypt$16384$8$1$!!!$???", DUMMY_HASH]
)
def test_malformed_or_dummy_hashes_never_match(stored: str) -> None:
    assert not verify_password("", stored)
    assert not verify_password("anything", stored)
