"""The pause page of the List-Unsubscribe link (both databases): signed token, no login, CSRF
on its forms, RFC 8058 one-click POST; tampered and expired tokens refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from webkit import Client

from tracker.store.pauses import pause_of
from tracker.web.pause_links import (
    PAUSE_LINK_DAYS,
    ExpiredPauseLink,
    TamperedPauseLink,
    make_pause_token,
    pause_url,
    read_pause_token,
)

ADDRESS = "petrov@example.org"


def link(client: Client, address: str = ADDRESS, days: float = 30) -> str:
    world = client.world
    return f"/pause/{make_pause_token(world.secret, address, world.clock() + timedelta(days=days))}"


def test_token_round_trip_and_refusals() -> None:
    from datetime import UTC, datetime

    now = datetime(2023, 1, 20, 9, 0, tzinfo=UTC)
    url = pause_url("https://t.example/", "s3cret", "Petrov@Example.org", now)
    token = url.rpartition("/")[2]
    assert url.startswith("https://t.example/pause/")
    claim = read_pause_token("s3cret", token, now)
    assert claim.address == "petrov@example.org"
    assert claim.expires_at == now + timedelta(days=PAUSE_LINK_DAYS)
    with pytest.raises(TamperedPauseLink):
        read_pause_token("another", token, now)
    with pytest.raises(TamperedPauseLink):
        read_pause_token("s3cret", token[:-2] + ("AA" if token[-2:] != "AA" else "BB"), now)
    with pytest.raises(ExpiredPauseLink):
        read_pause_token("s3cret", token, now + timedelta(days=PAUSE_LINK_DAYS))


def test_pause_for_two_weeks_then_resume(client: Client) -> None:
    page = link(client)
    shown = client.get(page)
    assert shown.status_code == 200
    assert ADDRESS in shown.text and "Напоминания приходят" in shown.text
    answer = client.submit(page, page, do="pause", span="2")
    assert answer.status_code == 303
    world = client.world
    pause = pause_of(world.engine, ADDRESS, world.clock())
    assert pause is not None and pause.until == world.clock() + timedelta(weeks=2)
    assert not pause.digests
    after = client.get(answer.headers["location"])
    assert "Напоминания приостановлены." in after.text and "до " in after.text
    answer = client.submit(page, page, do="resume")
    assert answer.status_code == 303
    assert pause_of(world.engine, ADDRESS, world.clock()) is None


def test_pause_until_resumed_with_digests(client: Client) -> None:
    page = link(client, "Coord@Example.org")
    client.submit(page, page, do="pause", span="until-resumed", digests="yes")
    world = client.world
    pause = pause_of(world.engine, "coord@example.org", world.clock() + timedelta(days=999))
    assert pause is not None and pause.until is None and pause.digests
    assert "до возобновления, включая еженедельную сводку" in client.get(page).text


@pytest.mark.parametrize("multipart", [False, True], ids=["urlencoded", "multipart"])
def test_one_click_post_pauses_for_four_weeks(client: Client, multipart: bool) -> None:
    world = client.world
    page = link(client)
    body = {"List-Unsubscribe": "One-Click"}  # no cookie, no form token (RFC 8058)
    if multipart:  # both encodings are allowed to the mail provider
        answer = client.http.post(page, data=body, files={"x": ("", b"")})
        assert "multipart/form-data" in answer.request.headers["content-type"]
    else:
        answer = client.post(page, body)
    assert answer.status_code == 200
    pause = pause_of(world.engine, ADDRESS, world.clock())
    assert pause is not None and pause.until == world.clock() + timedelta(weeks=4)


@pytest.mark.parametrize(
    ("form", "status"),
    [
        pytest.param({"do": "pause", "span": "2"}, 403, id="form-without-csrf"),
        pytest.param({"csrf": "0" * 64, "do": "resume"}, 403, id="forged-csrf"),
    ],
)
def test_forms_need_the_token(client: Client, form: dict[str, str], status: int) -> None:
    page = link(client)
    client.get(page)  # the visitor has a nonce cookie
    assert client.post(page, form).status_code == status
    assert pause_of(client.world.engine, ADDRESS, client.world.clock()) is None


def test_no_span_is_a_message(client: Client) -> None:
    page = link(client)
    answer = client.submit(page, page, do="pause", span="99")
    assert answer.status_code == 400 and "Выберите" in answer.text


@pytest.mark.parametrize(
    ("mangle", "status", "text"),
    [
        pytest.param(lambda t: t[:-3] + "xyz", 403, "Ссылка недействительна", id="tampered"),
        pytest.param(None, 410, "Срок действия ссылки истёк", id="expired"),
    ],
)
def test_bad_links_are_refused(client: Client, mangle: object, status: int, text: str) -> None:
    page = link(client, days=-1) if mangle is None else link(client)
    if callable(mangle):
        page = "/pause/" + mangle(page.rpartition("/")[2])
    for answer in (client.get(page), client.post(page, {"List-Unsubscribe": "One-Click"})):
        assert answer.status_code == status and text in answer.text
    assert pause_of(client.world.engine, ADDRESS, client.world.clock()) is None


def test_an_item_token_is_not_a_pause_token(client: Client) -> None:
    token = client.world.token("alpha:1")
    assert client.get(f"/pause/{token}").status_code == 403
