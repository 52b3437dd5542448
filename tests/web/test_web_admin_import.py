"""The admins' import page over HTTP: access, uploads, corrections, executors, save, re-import."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import adminkit
import pytest
from sqlalchemy import Engine
from webkit import ADMIN, COORDINATOR, Client, Clock, World

from tracker.roadmap import schedule_file
from tracker.store.changes import change_status
from tracker.store.executors import load_executors
from tracker.store.models import Status
from tracker.terms import Kind, Window


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "schedules"


@pytest.fixture
def admin(engine: Engine, clock: Clock, folder: Path) -> Iterator[Client]:
    world = World.build(engine, clock)
    world.settings = adminkit.settings_in(world.settings, folder, upload_mb=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    with TestClient(world.app(), base_url="http://127.0.0.1:8080") as http:
        client = Client(http, world)
        assert client.login(*ADMIN).status_code == 303
        yield client


def day(text: str) -> date:
    return date.fromisoformat(text)


def upload(client: Client, data: bytes, name: str = "plan.docx", **fields: str) -> Any:
    token = client.token_on("/admin/import")
    return client.http.post(
        "/admin/import",
        data={"csrf": token, **fields},
        files={"document": (name, data, "application/octet-stream")},
        follow_redirects=False,
    )


def review(client: Client, data: bytes, name: str = "plan.docx") -> str:
    """Upload ``data`` and return the review page's path."""
    response = upload(client, data, name)
    assert response.status_code == 303, response.text
    return str(response.headers["location"])


def act(client: Client, path: str, what: str, **fields: str) -> Any:
    return client.submit(path, f"{path}/{what}", **fields)


def row_index(page: str, number: str) -> str:
    heading = rf'<h3><span class="number">{re.escape(number)}</span>'
    found = re.search(rf'id="row-(\d+)">\s*{heading}', page)
    assert found, f"no row {number}"
    return found.group(1)


def test_admins_only(client: Client) -> None:
    assert client.get("/admin/import").headers["location"].startswith("/login?next=%2Fadmin")
    client.login(*COORDINATOR)
    for path in ("/admin/import", "/admin/people", "/admin/roadmap/alpha", "/admin/people.csv"):
        assert client.get(path).status_code == 403, path
    assert client.get("/admin/import/x/phrase?text=1").status_code == 403


def test_forms_need_their_token(admin: Client) -> None:
    response = admin.http.post(
        "/admin/import", files={"document": ("plan.docx", adminkit.docx(), "x")}
    )
    assert response.status_code == 403
    assert "Форма устарела" in response.text


@pytest.mark.parametrize(
    ("data", "name", "status", "text"),
    [
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00", "plan.docx", 400,
                     "plan.docx: not a document tracker reads", id="image-named-docx"),
        pytest.param(b"PK\x03\x04not a zip", "plan.docx", 400,
                     "not a document tracker reads", id="broken-zip"),
        pytest.param(b"x" * (1024 * 1024 + 10), "plan.txt", 413,
                     "Файл больше 1 МБ", id="too-big"),
        pytest.param(adminkit.text(title="План работы"), "plan.txt", 400,
                     "plan.txt: the document states no period", id="no-period"),
    ],
)  # fmt: skip
def test_refused_uploads(
    admin: Client, folder: Path, data: bytes, name: str, status: int, text: str
) -> None:
    response = upload(admin, data, name)
    assert response.status_code == status
    assert text in response.text
    assert "/tmp" not in response.text  # the message names the upload, not a server path
    assert sorted(p.name for p in folder.iterdir()) == ["executors.toml"]


def test_period_given_on_upload(admin: Client) -> None:
    response = upload(
        admin, adminkit.text(title="План работы"), "plan.txt", start="2022-01-01", end="2022-12-31"
    )
    assert response.status_code == 303
    page = admin.get(response.headers["location"]).text
    assert 'value="2022-12-31"' in page


@pytest.mark.parametrize(
    ("name", "make"),
    [("plan.docx", adminkit.docx), ("plan.pdf", adminkit.pdf), ("plan.txt", adminkit.text)],
)
def test_plan_as_read(admin: Client, folder: Path, name: str, make: Any) -> None:
    page = admin.get(review(admin, make(), name)).text
    assert "1 из 5 требуют дат" in page
    assert "1 с замечаниями" in page
    assert "<mark>по итогам</mark> абракадабры 2022 года" in page  # the unread part
    assert "не понято: «по итогам»" in page
    assert "пропущен текст, не относящийся к сроку" in page
    numbers = re.findall(r'<h3><span class="number">(\d+)</span>', page)
    assert numbers == ["3", "5", "1", "2", "4"]  # no dates first, then warnings
    assert "≈ <strong>Бычкова Ольга Ивановна</strong>" in page
    assert "✓ МКУ «ГИМЦ»" in page  # quotes do not count: the sync matches it as it is
    assert "нет в справочнике" in page  # Сидоров А.А.
    assert sorted(p.name for p in folder.iterdir()) == ["executors.toml"]  # nothing written


def test_live_phrase_check(admin: Client) -> None:
    path = review(admin, adminkit.docx())
    good = admin.get(f"{path}/phrase", params={"text": "ежегодно в мае"}).json()
    assert good["kind"] == "recurring" and good["rule"] == "ежегодно: май"
    assert good["dates"] == ["01.05.2022 – 31.05.2022", "01.05.2023 – 31.05.2023",
                             "01.05.2024 – 31.05.2024"]  # fmt: skip
    bad = admin.get(f"{path}/phrase", params={"text": "по итогам"}).json()
    assert bad["kind"] == "error" and "не понято" in bad["error"]
    empty = admin.get(f"{path}/phrase", params={"text": ""}).json()
    assert empty["error"] == "в строке нет срока"
    assert admin.get("/admin/import/nope/phrase?text=1").status_code == 404


def test_corrections_are_overrides(admin: Client, folder: Path) -> None:
    path = review(admin, adminkit.docx())
    page = admin.get(path).text
    three, five, one = row_index(page, "3"), row_index(page, "5"), row_index(page, "1")
    assert act(admin, path, "row", index=three, key="3", do="phrase",
               phrase="до 20.12.2022").status_code == 303  # fmt: skip
    page = admin.get(path).text
    assert "Сроки прочитаны во всех 5 строках" in page
    act(admin, path, "row", index=five, key="5", do="windows",
        windows="01.10.2022 – 31.10.2022; 15.11.2022")  # fmt: skip
    act(admin, path, "row", index=one, key="1", do="title", title="Создать рабочую группу")
    bad = act(admin, path, "row", index=five, key="5", do="windows", windows="завтра")
    assert bad.status_code == 400 and "не понятны даты «завтра»" in bad.text
    stale = act(admin, path, "row", index=five, key="7", do="unscheduled")
    assert "строка изменилась" in stale.text
    assert act(admin, path, "save").status_code == 303
    saved = schedule_file.load(folder / "plan.toml")
    rows = {a.key: a for a in saved.activities}
    assert rows["3"].deadline == "по итогам абракадабры 2022 года"
    assert rows["3"].override_phrase == "до 20.12.2022"
    assert rows["5"].override_windows == [
        Window(start=day("2022-10-01"), due=day("2022-10-31")),
        Window(due=day("2022-11-15")),
    ]
    assert rows["1"].title == "Создать рабочую группу"
    assert any("в документе: «Создать рабочую группу по внедрению" in n for n in rows["1"].notes)


def test_unscheduled_split_and_merge(admin: Client, folder: Path) -> None:
    path = review(admin, adminkit.docx())
    page = admin.get(path).text
    act(admin, path, "row", index=row_index(page, "3"), key="3", do="unscheduled")
    page = admin.get(path).text
    act(admin, path, "row", index=row_index(page, "4"), key="4", do="split",
        number="4.1", title="Наградить победителей", deadline="декабрь 2022 г.")  # fmt: skip
    page = admin.get(path).text
    taken = act(admin, path, "row", index=row_index(page, "4"), key="4", do="split",
                number="1", title="x", deadline="")  # fmt: skip
    assert "строка с номером 1 уже есть" in taken.text
    act(admin, path, "row", index=row_index(page, "1"), key="1", do="merge")
    act(admin, path, "save")
    rows = {a.key: a for a in schedule_file.load(folder / "plan.toml").activities}
    assert rows["3"].kind is Kind.UNSCHEDULED and rows["3"].override_windows == []
    assert rows["4.1"].title == "Наградить победителей"
    assert rows["4.1"].windows[-1].due == day("2022-12-31")
    assert "2" not in rows  # merged into 1
    assert rows["1"].title.endswith("Провести методический семинар")
    assert rows["1"].responsible == ["Бычкова О.И.", "МКУ ГИМЦ"]


def test_executors_confirmed_and_added(admin: Client, folder: Path) -> None:
    path = review(admin, adminkit.docx())
    act(admin, path, "person", spelling="Бычкова О.И.", entry="Бычкова Ольга Ивановна")
    response = admin.submit(
        path, f"{path}/person?add=1", spelling="Сидоров А.А.", do="add",
        name="Сидоров Алексей Андреевич", email="sidorov@example.org", organisation="Школа №1",
    )  # fmt: skip
    assert response.status_code == 303
    page = admin.get(path).text
    assert "✓ Бычкова Ольга Ивановна" in page and "✓ Сидоров Алексей Андреевич" in page
    assert (folder / "executors.toml").read_text(encoding="utf-8") == adminkit.DIRECTORY
    act(admin, path, "save")
    people = {e.name: e for e in load_executors(folder / "executors.toml")}
    assert people["Бычкова Ольга Ивановна"].aliases == ("Бычкова О.И.",)
    assert people["Сидоров Алексей Андреевич"].aliases == ("Сидоров А.А.",)
    assert people["Сидоров Алексей Андреевич"].emails == ("sidorov@example.org",)
    assert "# the methodical centre" in (folder / "executors.toml").read_text(encoding="utf-8")
    board = admin.get("/board?roadmap=plan&state=all&executor=Сидоров Алексей Андреевич").text
    assert "Подготовить аналитическую справку" in board


def test_reimport_shows_diff_and_keeps_status(admin: Client, folder: Path) -> None:
    path = review(admin, adminkit.docx())
    page = admin.get(path).text
    act(admin, path, "row", index=row_index(page, "3"), key="3", do="phrase",
        phrase="до 20.12.2022")  # fmt: skip
    act(admin, path, "save")
    world = admin.world
    change_status(world.engine, "plan:1", Status.DONE, now=world.clock(), actor="Иванова И.И.")
    newer = [*adminkit.ROWS[:3], ("4", adminkit.ROWS[3][1], "до 30.11.2022", adminkit.ROWS[3][3]),
             ("6", "Подвести итоги года", "декабрь 2022 г.", "МКУ ГИМЦ")]  # fmt: skip
    path = review(admin, adminkit.docx(newer))
    page = admin.get(path).text
    assert "Что изменится в сохранённом плане (plan.toml)" in page
    assert "Сроки прочитаны во всех 5 строках" in page  # row 3's correction is kept
    assert "Новые строки (1)" in page and "6. Подвести итоги года" in page
    assert "Убраны (1)" in page and "5. Обновить страницу" in page
    assert "срок: «IV квартал 2022 г.» → «до 30.11.2022»" in page
    assert "Сохранить и заменить план" in page
    act(admin, path, "save")
    assert any(e.to_status == "done" for e in world.history("plan:1"))
    board = admin.get("/board?roadmap=plan&state=done").text
    assert "Создать рабочую группу" in board


def test_roadmap_page_shows_rules(admin: Client) -> None:
    path = review(admin, adminkit.docx())
    response = act(admin, path, "save")
    assert response.headers["location"] == "/admin/roadmap/plan?m=saved"
    page = admin.get("/admin/roadmap/plan?m=saved").text
    assert "План сохранён и загружен в базу." in page
    assert "ежегодно: январь; май" in page
    # the app's clock is 20 January 2023: the next three dates of «ежегодно в январе и мае»
    assert ("01.01.2023 – 31.01.2023<br>01.05.2023 – 31.05.2023<br>01.01.2024 – 31.01.2024"
            in page)  # fmt: skip
    assert "нужны даты" in page


def test_cancel_writes_nothing(admin: Client, folder: Path) -> None:
    path = review(admin, adminkit.docx())
    assert act(admin, path, "cancel").headers["location"] == "/admin/import?m=cancelled"
    assert admin.get(path).status_code == 404
    assert sorted(p.name for p in folder.iterdir()) == ["executors.toml"]


def test_rows_that_read_are_fixed_on_their_own_page(admin: Client) -> None:
    path = review(admin, adminkit.docx())
    page = admin.get(path).text
    one = row_index(page, "1")
    assert f'id="phrase-{one}"' not in page  # only rows needing attention carry the forms
    assert f'href="{path}/row/{one}" aria-label="Исправить строку 1">' in page
    row_page = admin.get(f"{path}/row/{one}").text
    assert f'id="phrase-{one}"' in row_page and "до 15 сентября 2022 г." in row_page
    response = admin.submit(f"{path}/row/{one}", f"{path}/row", index=one, key="1",
                            do="phrase", phrase="до 16.09.2022")  # fmt: skip
    assert response.headers["location"] == f"{path}?m=row#row-{one}"
    assert 'Исправлено на</dt><dd class="phrase">до 16.09.2022' in admin.get(path).text
    assert admin.get(f"{path}/row/99").status_code == 404
