"""Executors' iCalendar feeds: parsed back with icalendar, stable UIDs, secret URLs."""

from __future__ import annotations

from datetime import date

from icalendar import Calendar
from webkit import GIMC, PETROV, Client

from tracker.calendar import Shift
from tracker.store.changes import extend
from tracker.web.feeds import feed_secret, feed_url


def fetch(client: Client, name: str) -> Calendar:
    world = client.world
    secret = feed_secret(world.engine, world.executor_id(name), world.clock())
    answer = client.get(f"/feed/{secret}.ics")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(answer.content)


def events(calendar: Calendar) -> dict[str, tuple[str, date]]:
    return {
        str(e["UID"]): (str(e["SUMMARY"]), e.decoded("DTSTART")) for e in calendar.walk("VEVENT")
    }


def test_feed_has_one_all_day_event_per_open_item(client: Client) -> None:
    calendar = fetch(client, PETROV)
    assert str(calendar["X-WR-CALNAME"]) == f"Сроки: {PETROV}"
    found = sorted(events(calendar).values(), key=lambda e: e[1])
    assert found == [
        ("alpha:3 Утвердить положение", date(2023, 1, 10)),
        ("beta:1 Назначить кураторов", date(2023, 1, 12)),
        ("alpha:1 Создать рабочую группу", date(2023, 2, 1)),
        ("alpha:4 Подготовить отчёт за квартал", date(2023, 3, 31)),
    ]
    for event in calendar.walk("VEVENT"):
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert type(start) is date and (end - start).days == 1  # all day
        assert str(event["URL"]).startswith("http://127.0.0.1:8080/i/")
        assert "Дорожная карта: Дорожная карта" in str(event["DESCRIPTION"])


def test_the_event_link_opens_the_item_for_that_executor(client: Client) -> None:
    calendar = fetch(client, GIMC)
    url = next(str(e["URL"]) for e in calendar.walk("VEVENT"))
    page = client.get(url.removeprefix("http://127.0.0.1:8080"))
    assert page.status_code == 200 and f"Ссылка выдана: <strong>{GIMC}</strong>" in page.text


def test_uids_stay_while_dates_and_statuses_change(client: Client) -> None:
    world = client.world
    before = events(fetch(client, PETROV))
    extend(
        world.engine,
        "alpha:4",
        date(2023, 4, 14),
        reason="приказ",
        approved_by="Иванова И.И.",
        now=world.clock(),
        shift=Shift.NEXT,
    )
    link = world.link("alpha:3")
    client.submit(link, f"{link}/status", to="done")
    world.clock.advance(days=1)
    after = events(fetch(client, PETROV))
    uid_4 = f"occurrence-{world.occurrence('alpha:4')}@127.0.0.1"
    uid_3 = f"occurrence-{world.occurrence('alpha:3')}@127.0.0.1"
    assert set(after) == set(before) - {uid_3}
    assert after[uid_4][1] == date(2023, 4, 14)


def test_unknown_and_renewed_secrets_are_refused(client: Client) -> None:
    world = client.world
    assert client.get("/feed/nothing-here.ics").status_code == 404
    executor = world.executor_id(PETROV)
    old = feed_secret(world.engine, executor, world.clock())
    assert feed_secret(world.engine, executor, world.clock()) == old  # made once
    new = feed_secret(world.engine, executor, world.clock(), renew=True)
    assert new != old and len(new) >= 40
    assert client.get(f"/feed/{old}.ics").status_code == 404
    assert client.get(f"/feed/{new}.ics").status_code == 200


def test_feed_url() -> None:
    assert feed_url("https://t.example.org/", "abc") == "https://t.example.org/feed/abc.ics"
