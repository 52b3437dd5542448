"""Signed item links: a round trip, and every way a link is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tracker.web.links import (
    ExpiredLink,
    LinkClaim,
    TamperedLink,
    item_url,
    link_expiry,
    make_token,
    read_token,
)

SECRET = "s" * 40
NOW = datetime(2023, 1, 20, 9, 0, tzinfo=UTC)
EXPIRES = NOW + timedelta(days=60)


def token(occurrence: int = 7, recipient: str = "executor:3", expires: datetime = EXPIRES) -> str:
    return make_token(SECRET, occurrence, recipient, expires)


def test_round_trip() -> None:
    claim = read_token(SECRET, token(), NOW)
    assert claim == LinkClaim(7, "executor:3", EXPIRES)
    assert read_token(SECRET, token(recipient="address:a@example.org"), NOW).recipient_key == (
        "address:a@example.org"
    )


def test_token_is_url_safe_and_short() -> None:
    value = token(123456, "executor:98765")
    assert set(value) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")
    assert len(value) < 120


def _flip(text: str, index: int) -> str:
    return text[:index] + ("A" if text[index] != "A" else "B") + text[index + 1 :]


def _other_item(value: str) -> str:
    """The same signature over a payload that names another occurrence."""
    other = token(occurrence=8)
    return other.split(".")[0] + "." + value.split(".")[1]


TAMPERED = {
    "payload edited": lambda v: _flip(v, 3),
    "signature edited": lambda v: _flip(v, len(v) - 2),
    "truncated": lambda v: v[:-5],
    "signature dropped": lambda v: v.split(".")[0],
    "payload of another item": _other_item,
    "empty": lambda v: "",
    "garbage": lambda v: "not-a-token",
    "another secret": lambda v: make_token("t" * 40, 7, "executor:3", EXPIRES),
}


@pytest.mark.parametrize("change", TAMPERED.values(), ids=TAMPERED.keys())
def test_tampered_links_are_refused(change) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TamperedLink):
        read_token(SECRET, change(token()), NOW)


@pytest.mark.parametrize(
    ("now", "valid"),
    [
        (EXPIRES - timedelta(seconds=1), True),
        (EXPIRES, False),
        (EXPIRES + timedelta(days=400), False),
    ],
    ids=["a second before", "at the expiry", "long after"],
)
def test_expiry(now: datetime, valid: bool) -> None:
    if valid:
        assert read_token(SECRET, token(), now).occurrence_id == 7
        return
    with pytest.raises(ExpiredLink) as caught:
        read_token(SECRET, token(), now)
    assert caught.value.claim.occurrence_id == 7  # the page can still name the item
    assert not isinstance(caught.value, TamperedLink)


def test_a_tampered_expired_link_is_tampered() -> None:
    with pytest.raises(TamperedLink):
        read_token(SECRET, _flip(token(expires=NOW - timedelta(days=1)), 3), NOW)


def test_make_token_wants_an_aware_expiry_and_a_recipient() -> None:
    with pytest.raises(ValueError, match="aware"):
        make_token(SECRET, 1, "executor:1", datetime(2023, 1, 1))
    with pytest.raises(ValueError, match="recipient"):
        make_token(SECRET, 1, "", EXPIRES)


def test_item_url_and_expiry() -> None:
    assert item_url("https://t.example.org/", "abc") == "https://t.example.org/i/abc"
    assert item_url("https://t.example.org/tracker", "abc") == "https://t.example.org/tracker/i/abc"
    moment = datetime(2023, 1, 20, 12, 0, 30, 999, tzinfo=UTC)
    assert link_expiry(moment, 60) == datetime(2023, 3, 21, 12, 0, 30, tzinfo=UTC)
