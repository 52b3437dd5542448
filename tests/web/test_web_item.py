"""The curator's page over HTTP, on both databases: what it shows, records and refuses."""

from __future__ import annotations

from datetime import date

import pytest
from webkit import GIMC, PETROV, Client, World


def test_page_shows_the_item_in_russian(client: Client) -> None:
    page = client.get(client.world.link("alpha:1"))
    assert page.status_code == 200
    text = page.text
    assert '<html lang="ru">' in text
    assert "Создать рабочую группу" in text
    assert "1 февраля 2023 г." in text and "с 1 января 2023 г. по 1 февраля 2023 г." in text
    assert "скоро срок" in text
    assert f"Ссылка выдана: <strong>{PETROV}</strong>" in text
    for button in ("Выполнено", "В работе", "Попросить перенос срока", "Сохранить комментарий"):
        assert f">{button}</button>" in text
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]


def test_every_label_names_a_field(client: Client) -> None:
    text = client.get(client.world.link("alpha:1")).text
    import re

    labelled = set(re.findall(r'<label for="([^"]+)"', text))
    fields = set(re.findall(r'<(?:input|textarea|select)[^>]* id="([^"]+)"', text))
    assert fields and fields == labelled


def test_overdue_item_says_by_how_much(client: Client) -> None:
    text = client.get(client.world.link("alpha:3")).text
    assert "просрочено" in text and "на 10 дн." in text


def test_done_goes_through_the_store_and_history(client: Client) -> None:
    world = client.world
    link = world.link("alpha:3")
    answer = client.submit(
        link,
        f"{link}/status",
        to="done",
        completed_on="2023-01-19",
        comment="Положение утверждено приказом № 5",
        report="https://example.org/prikaz-5.pdf",
    )
    assert answer.status_code == 303 and answer.headers["location"] == f"{link}?m=done"
    row = world.row("alpha:3")
    assert (row.status, row.completed_on) == ("done", date(2023, 1, 19))
    last = world.history("alpha:3")[-1]
    assert (last.actor, last.event, last.from_status, last.to_status) == (
        PETROV,
        "status",
        "planned",
        "done",
    )
    assert (
        last.comment == "Положение утверждено приказом № 5\nОтчёт: https://example.org/prikaz-5.pdf"
    )
    page = client.get(f"{link}?m=done").text
    assert "Спасибо! Мероприятие отмечено как выполненное." in page
    assert "с опозданием на 9 дн." in page
    assert 'href="https://example.org/prikaz-5.pdf"' in page
    assert ">Выполнено</button>" not in page  # nothing more to mark


def test_done_defaults_to_today_in_the_roadmaps_zone(client: Client) -> None:
    world = client.world
    world.clock.advance(hours=10)  # 19:00 UTC: 21 January in Vladivostok, 20th in Moscow
    link = world.link("beta:1")
    assert client.submit(link, f"{link}/status", to="done").status_code == 303
    assert world.row("beta:1").completed_on == date(2023, 1, 21)


def test_in_progress_then_done(client: Client) -> None:
    world = client.world
    link = world.link("alpha:1")
    assert client.submit(link, f"{link}/status", to="in_progress").status_code == 303
    assert world.row("alpha:1").status == "in_progress"
    page = client.get(link).text
    assert ">В работе</button>" not in page and ">Выполнено</button>" in page
    assert client.submit(link, f"{link}/status", to="done").status_code == 303
    assert [(h.from_status, h.to_status) for h in world.history("alpha:1")] == [
        ("planned", "in_progress"),
        ("in_progress", "done"),
    ]


BAD_STATUS_FORMS = {
    "completed tomorrow": ({"to": "done", "completed_on": "2023-01-21"}, "не может быть позже"),
    "not a date": ({"to": "done", "completed_on": "вчера"}, "Укажите дату выполнения"),
    "unknown target": ({"to": "cancelled"}, "Выберите"),
    "report not a link": ({"to": "done", "report": "отчёт на диске"}, "https://"),
    "comment too long": ({"to": "done", "comment": "я" * 2001}, "длиннее 2000"),
}


@pytest.mark.parametrize(
    ("fields", "message"), BAD_STATUS_FORMS.values(), ids=BAD_STATUS_FORMS.keys()
)
def test_bad_status_forms_change_nothing(
    client: Client, fields: dict[str, str], message: str
) -> None:
    link = client.world.link("alpha:3")
    answer = client.submit(link, f"{link}/status", **fields)
    assert answer.status_code == 400
    assert message in answer.text and 'role="alert"' in answer.text
    assert client.world.row("alpha:3").status == "planned"
    assert client.world.history("alpha:3") == []


def test_a_done_item_cannot_be_marked_again(client: Client) -> None:
    link = client.world.link("alpha:3")
    client.submit(link, f"{link}/status", to="done")
    again = client.submit(link, f"{link}/status", to="in_progress")
    assert again.status_code == 400 and "изменить его нельзя" in again.text
    assert len(client.world.history("alpha:3")) == 1


def test_note_keeps_the_status(client: Client) -> None:
    world = client.world
    link = world.link("alpha:4")
    answer = client.submit(link, f"{link}/note", comment="Черновик готов", report="")
    assert answer.status_code == 303
    [note] = world.history("alpha:4")
    assert (note.event, note.actor, note.comment, note.to_status) == (
        "comment",
        PETROV,
        "Черновик готов",
        "planned",
    )
    empty = client.submit(link, f"{link}/note", comment=" ", report="")
    assert empty.status_code == 400 and "Напишите комментарий" in empty.text


def test_the_link_acts_on_its_own_item_only(client: Client) -> None:
    world = client.world
    link = world.link("alpha:3")
    other = str(world.occurrence("alpha:4"))
    answer = client.submit(link, f"{link}/status", to="done", occurrence_id=other, ref="alpha:4")
    assert answer.status_code == 303
    assert world.row("alpha:3").status == "done"
    assert world.row("alpha:4").status == "planned"


def test_a_link_for_the_organisation_records_its_name(client: Client) -> None:
    link = client.world.link("alpha:2", GIMC)
    client.submit(link, f"{link}/status", to="done")
    assert client.world.history("alpha:2")[-1].actor == GIMC


def test_an_address_recipient_is_named_by_the_address(client: Client) -> None:
    from datetime import timedelta

    from tracker.web.links import make_token

    world = client.world
    token = make_token(
        world.secret,
        world.occurrence("alpha:1"),
        "address:chief@example.org",
        world.clock() + timedelta(days=1),
    )
    assert "Ссылка выдана: <strong>chief@example.org</strong>" in client.get(f"/i/{token}").text


REFUSED = {
    "tampered": (lambda w: w.link("alpha:1")[:-3] + "abc", 403, "Ссылка недействительна"),
    "other item's payload": (
        lambda w: "/i/" + w.token("alpha:4").split(".")[0] + "." + w.token("alpha:1").split(".")[1],
        403,
        "Ссылка недействительна",
    ),
    "expired": (lambda w: w.link("alpha:1", days=-1), 410, "Срок действия ссылки истёк"),
}


@pytest.mark.parametrize(("make", "status", "title"), REFUSED.values(), ids=REFUSED.keys())
def test_refused_links_show_a_russian_page_and_change_nothing(
    client: Client,
    make,
    status: int,
    title: str,  # type: ignore[no-untyped-def]
) -> None:
    link = make(client.world)
    page = client.get(link)
    assert page.status_code == status
    assert f'<h1 id="title">{title}</h1>' in page.text
    good = client.world.link("alpha:1")
    posted = client.submit(good, f"{link}/status", to="done")
    assert posted.status_code == status
    assert client.world.row("alpha:1").status == "planned"


def test_expired_page_names_the_item(client: Client) -> None:
    page = client.get(client.world.link("alpha:1", days=-1))
    assert "мероприятие 1 «Создать рабочую группу»" in page.text


def test_link_expires_with_the_clock(client: Client) -> None:
    world = client.world
    link = world.link("alpha:1", days=60)
    assert client.get(link).status_code == 200
    world.clock.advance(days=60)
    assert client.get(link).status_code == 410


CSRF_CASES = {
    "no token": lambda c, page: {},
    "token of another visitor": lambda c, page: {"csrf": "0" * 64},
    "cookie missing": "drop-cookie",
}


@pytest.mark.parametrize("case", CSRF_CASES.values(), ids=CSRF_CASES.keys())
def test_forms_without_a_valid_token_are_refused(client: Client, case) -> None:  # type: ignore[no-untyped-def]
    world = client.world
    link = world.link("alpha:1")
    if case == "drop-cookie":
        fields = {"csrf": client.token_on(link)}
        client.http.cookies.clear()
    else:
        client.token_on(link)
        fields = case(client, link)
    answer = client.post(f"{link}/status", {**fields, "to": "done"})
    assert answer.status_code == 403 and "Форма устарела" in answer.text
    assert world.row("alpha:1").status == "planned"


def test_unknown_pages_are_russian(client: Client) -> None:
    page = client.get("/no/such/page")
    assert page.status_code == 404 and "Страница не найдена" in page.text
    assert client.get("/i/abc/status").status_code == 405


def test_item_removed_from_the_roadmap(world: World, client: Client) -> None:
    from sqlalchemy import update

    from tracker.store.tables import OCCURRENCE

    with world.engine.begin() as conn:
        conn.execute(
            update(OCCURRENCE)
            .where(OCCURRENCE.c.id == world.occurrence("alpha:4"))
            .values(archived_at=world.clock())
        )
    link = world.link("alpha:4")
    page = client.get(link)
    assert page.status_code == 200 and "исключено из плана" in page.text
    assert ">Выполнено</button>" not in page.text
    token = client.token_on(world.link("alpha:1"))  # the page itself has no forms any more
    answer = client.post(f"{link}/status", {"csrf": token, "to": "done"})
    assert answer.status_code == 400 and "исключено из дорожной карты" in answer.text
