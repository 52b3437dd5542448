"""The coordinator board on both databases: login, roles, counts, filters, CSV, history,
extension requests."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from webkit import ADMIN, COORDINATOR, GIMC, PETROV, Client

from tracker.store.status import FIELDS
from tracker.web.accounts import set_disabled, set_password


def counts(text: str, slug: str) -> list[str]:
    """The numbers of a roadmap's line on the board, in column order."""
    row = re.search(rf"<tr>\s*<th scope=\"row\">.*?{slug}</span></th>(.*?)</tr>", text, re.S)
    assert row, f"no line for {slug}"
    return re.findall(r">(\d+)</(?:a|span)>", row.group(1))


def test_board_needs_a_login(client: Client) -> None:
    answer = client.get("/board?state=overdue")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=%2Fboard%3Fstate%3Doverdue"
    assert client.get("/").headers["location"] == "/login"
    assert client.get("/board.csv").status_code == 303
    assert client.get("/activity/alpha/1").status_code == 303


@pytest.mark.parametrize(
    ("login", "password"),
    [(ADMIN[0], "неверный"), ("nobody", ADMIN[1]), (ADMIN[0], "")],
    ids=["wrong password", "unknown login", "empty password"],
)
def test_bad_logins_are_refused(client: Client, login: str, password: str) -> None:
    answer = client.login(login, password)
    assert answer.status_code == 401 and "Неверный логин или пароль." in answer.text
    assert client.get("/board").status_code == 303


def test_login_goes_back_where_it_was_asked_for(client: Client) -> None:
    token = client.token_on("/login")
    answer = client.post(
        "/login",
        {"csrf": token, "login": ADMIN[0], "password": ADMIN[1], "next": "/board?state=done"},
    )
    assert answer.headers["location"] == "/board?state=done"
    assert client.get("/login").headers["location"] == "/board"


@pytest.mark.parametrize("target", ["https://evil.example.org/", "//evil.example.org/x"])
def test_login_never_sends_elsewhere(client: Client, target: str) -> None:
    token = client.token_on("/login")
    answer = client.post(
        "/login", {"csrf": token, "login": ADMIN[0], "password": ADMIN[1], "next": target}
    )
    assert answer.headers["location"] == "/board"


def test_login_needs_the_form_token(client: Client) -> None:
    answer = client.post("/login", {"login": ADMIN[0], "password": ADMIN[1]})
    assert answer.status_code == 403


def test_admin_sees_every_roadmap_with_counts(client: Client) -> None:
    assert client.login(*ADMIN).status_code == 303
    page = client.get("/board")
    assert page.status_code == 200
    text = page.text
    # overdue, due soon, open, done, done late
    assert counts(text, "alpha") == ["2", "1", "4", "0", "0"]
    assert counts(text, "beta") == ["1", "0", "2", "0", "0"]
    assert "Иванова И.И., администратор" in text
    assert "Запросов, ожидающих решения, нет." in text


def test_done_late_is_counted_after_a_curator_marks_it(client: Client) -> None:
    world = client.world
    link = world.link("alpha:3")
    client.submit(link, f"{link}/status", to="done", completed_on="2023-01-19")
    client.login(*ADMIN)
    assert counts(client.get("/board").text, "alpha") == ["1", "1", "3", "1", "1"]
    late = client.get("/board?state=done-late").text
    assert "alpha:3" in late and "позже на 9 дн." in late


def test_coordinator_sees_only_its_roadmaps(client: Client) -> None:
    client.login(*COORDINATOR)
    text = client.get("/board").text
    assert "beta</span>" in text and "alpha</span>" not in text
    assert "alpha:" not in text
    assert "видны только ваши дорожные карты" in text
    assert client.get("/board?roadmap=alpha").status_code == 403
    assert client.get("/board.csv?roadmap=alpha").status_code == 403
    assert client.get("/activity/alpha/1").status_code == 403
    csv_text = client.get("/board.csv?state=all").text
    assert "alpha" not in csv_text and "beta:1" in csv_text


FILTERS = {
    "overdue": ("state=overdue", ["alpha:3", "alpha:2", "beta:1"]),
    "due soon": ("state=due-soon", ["alpha:1"]),
    "open in alpha": ("state=open&roadmap=alpha", ["alpha:3", "alpha:2", "alpha:1", "alpha:4"]),
    "organisation": (f"state=open&executor={GIMC}", ["alpha:2", "beta:2"]),
    "needs dates": ("state=needs-dates", ["alpha:5"]),
    "done": ("state=done", []),
}


@pytest.mark.parametrize(("query", "refs"), FILTERS.values(), ids=FILTERS.keys())
def test_filters(client: Client, query: str, refs: list[str]) -> None:
    client.login(*ADMIN)
    text = client.get(f"/board?{query}").text
    shown = re.findall(r'<a href="/activity/[^"]+">([a-z]+:\d+)</a>', text.split('id="items"')[1])
    assert shown == refs
    assert f"Найдено: {len(refs)}" in text


def test_unknown_executor_filter_is_a_message(client: Client) -> None:
    client.login(*ADMIN)
    page = client.get("/board?executor=Никто Никтович")
    assert page.status_code == 200 and "Исполнитель «Никто Никтович» не найден." in page.text


def test_executor_table_lists_people_and_organisations(client: Client) -> None:
    client.login(*ADMIN)
    text = client.get("/board").text
    section = text.split('id="executors-title"')[1]
    assert PETROV in section and GIMC in section and "организация" in section


def test_csv_export(client: Client) -> None:
    client.login(*ADMIN)
    answer = client.get("/board.csv?state=overdue")
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert 'filename="tracker-overdue-2023-01-20.csv"' in answer.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert list(rows[0]) == list(FIELDS)
    assert [(r["ref"], r["state"], r["days_late"]) for r in rows] == [
        ("alpha:3", "overdue", "10"),
        ("alpha:2", "overdue", "9"),
        ("beta:1", "overdue", "8"),
    ]
    assert rows[1]["executors"] == GIMC


def test_activity_history(client: Client) -> None:
    world = client.world
    link = world.link("alpha:3")
    client.submit(link, f"{link}/note", comment="См. https://example.org/a.pdf", report="")
    client.submit(link, f"{link}/status", to="done")
    client.login(*ADMIN)
    text = client.get("/activity/alpha/3").text
    assert "Утвердить положение" in text
    assert "запланировано → выполнено" in text and "комментарий" in text
    assert text.count(PETROV) >= 3  # executors line and two history rows
    assert '<a href="https://example.org/a.pdf" rel="noopener noreferrer nofollow">' in text
    assert client.get("/activity/alpha/99").status_code == 404


def test_session_ends_with_the_clock(client: Client) -> None:
    client.login(*ADMIN)
    client.world.clock.advance(hours=11, minutes=59)
    assert client.get("/board").status_code == 200
    client.world.clock.advance(minutes=1)
    assert client.get("/board").status_code == 303


@pytest.mark.parametrize("change", ["password", "disable"])
def test_session_ends_when_the_account_changes(client: Client, change: str) -> None:
    client.login(*ADMIN)
    assert client.get("/board").status_code == 200
    if change == "password":
        set_password(client.world.engine, ADMIN[0], "новый-пароль-1")
    else:
        set_disabled(client.world.engine, ADMIN[0], client.world.clock())
    assert client.get("/board").status_code == 303
    assert client.login(*ADMIN).status_code == 401


def test_logout(client: Client) -> None:
    client.login(*ADMIN)
    answer = client.submit("/board", "/logout")
    assert answer.headers["location"] == "/login?m=out"
    assert client.get("/board").status_code == 303
    assert "Вы вышли." in client.get("/login?m=out").text


def test_logout_needs_the_form_token(client: Client) -> None:
    client.login(*ADMIN)
    assert client.post("/logout", {}).status_code == 403
    assert client.get("/board").status_code == 200


def test_session_cookie_flags(client: Client) -> None:
    answer = client.login(*ADMIN)
    cookie = answer.headers["set-cookie"]
    assert "tracker_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # base_url is http here


# --- extension requests -------------------------------------------------------------------------


def ask(client: Client, ref: str, new_due: str, reason: str = "Ждём решения думы") -> int:
    link = client.world.link(ref)
    return int(client.submit(link, f"{link}/extension", new_due=new_due, reason=reason).status_code)


def request_ids(text: str) -> list[str]:
    return re.findall(r'action="/requests/(\d+)/approve"', text)


def test_extension_request_is_approved_through_extend(client: Client) -> None:
    world = client.world
    assert ask(client, "beta:1", "2023-02-10") == 303
    page = client.get(world.link("beta:1") + "?m=requested").text
    assert "отправлен координатору" in page and "ждёт решения координатора" in page
    assert world.row("beta:1").effective_due == date(2023, 1, 12)  # nothing moves yet
    client.login(*COORDINATOR)
    board = client.get("/board").text
    [request_id] = request_ids(board)
    assert f"{PETROV}</strong> просит перенести срок с 12 января 2023 г." in board
    answer = client.submit("/board", f"/requests/{request_id}/approve")
    assert answer.headers["location"] == "/board?m=approved#requests"
    row = world.row("beta:1")
    assert (row.extended_due, row.effective_due) == (date(2023, 2, 10), date(2023, 2, 10))
    events = [(h.event, h.actor) for h in world.history("beta:1")]
    assert events == [("extension_requested", PETROV), ("extended", "Сидорова С.С.")]
    assert world.history("beta:1")[-1].comment == "Ждём решения думы (запрос: Петров П.П.)"
    assert request_ids(client.get("/board").text) == []
    # approving twice does nothing more
    again = client.submit("/board", f"/requests/{request_id}/approve")
    assert again.headers["location"] == "/board?m=stale#requests"
    assert len(world.history("beta:1")) == 2


def test_extension_request_is_declined_with_a_reason(client: Client) -> None:
    world = client.world
    ask(client, "alpha:4", "2023-04-28")
    client.login(*ADMIN)
    [request_id] = request_ids(client.get("/board").text)
    client.submit("/board", f"/requests/{request_id}/decline", comment="Срок установлен приказом")
    assert world.row("alpha:4").effective_due == date(2023, 3, 31)
    last = world.history("alpha:4")[-1]
    assert (last.event, last.actor, last.comment) == (
        "extension_declined",
        "Иванова И.И.",
        "Срок установлен приказом",
    )
    text = client.get("/activity/alpha/4").text
    assert "отказано (Иванова И.И.: Срок установлен приказом)" in text
    # the curator may ask again once it is decided
    assert ask(client, "alpha:4", "2023-04-14") == 303


def test_coordinator_cannot_decide_other_roadmaps(client: Client) -> None:
    ask(client, "alpha:4", "2023-04-28")
    client.login(*COORDINATOR)
    assert request_ids(client.get("/board").text) == []
    client.http.cookies.clear()
    client.login(*ADMIN)
    [request_id] = request_ids(client.get("/board").text)
    client.submit("/board", "/logout")
    client.login(*COORDINATOR)
    answer = client.submit("/board", f"/requests/{request_id}/approve")
    assert answer.status_code == 403
    assert client.world.row("alpha:4").extended_due is None


BAD_REQUESTS = {
    "earlier than now due": ("2023-03-01", "причина", "должен быть позже текущего"),
    "same day": ("2023-03-31", "причина", "должен быть позже текущего"),
    "no reason": ("2023-04-28", "", "Укажите причину"),
    "not a date": ("скоро", "причина", "Укажите новый срок"),
    "more than a year": ("2024-04-28", "причина", "больше чем на год"),
}


@pytest.mark.parametrize(("new_due", "reason", "message"), BAD_REQUESTS.values(), ids=BAD_REQUESTS)
def test_bad_extension_requests(client: Client, new_due: str, reason: str, message: str) -> None:
    link = client.world.link("alpha:4")
    answer = client.submit(link, f"{link}/extension", new_due=new_due, reason=reason)
    assert answer.status_code == 400 and message in answer.text
    assert client.world.history("alpha:4") == []


def test_overdue_item_cannot_ask_for_a_past_day(client: Client) -> None:
    link = client.world.link("alpha:3")  # due 10 January, today 20 January
    answer = client.submit(link, f"{link}/extension", new_due="2023-01-15", reason="причина")
    assert answer.status_code == 400 and "не может быть в прошлом" in answer.text


def test_one_pending_request_at_a_time(client: Client) -> None:
    assert ask(client, "alpha:4", "2023-04-28") == 303
    link = client.world.link("alpha:4")
    answer = client.post(
        f"{link}/extension",
        {"csrf": client.token_on(link), "new_due": "2023-05-05", "reason": "ещё"},
    )
    assert answer.status_code == 400 and "уже отправлен" in answer.text


def test_approval_of_an_item_done_meanwhile_is_refused(client: Client) -> None:
    world = client.world
    ask(client, "alpha:4", "2023-04-28")
    link = world.link("alpha:4")
    client.submit(link, f"{link}/status", to="done")
    client.login(*ADMIN)
    [request_id] = request_ids(client.get("/board").text)
    answer = client.submit("/board", f"/requests/{request_id}/approve")
    assert answer.headers["location"] == "/board?m=stale#requests"
    assert world.row("alpha:4").extended_due is None
    assert request_ids(client.get("/board").text) == [request_id]  # still waits: decline it
