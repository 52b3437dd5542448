"""The admins' people directory page: add, edit, import a list, export; synced at once."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import adminkit
import pytest
from sqlalchemy import Engine, select
from webkit import ADMIN, Client, Clock, World

from tracker.store.executors import load_executors
from tracker.store.tables import EXECUTOR as EX


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'people.db'}"  # the page's logic does not depend on the database


@pytest.fixture
def admin(engine: Engine, clock: Clock, tmp_path: Path) -> Iterator[Client]:
    world = World.build(engine, clock)
    world.settings = adminkit.settings_in(world.settings, tmp_path / "schedules")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    with TestClient(world.app(), base_url="http://127.0.0.1:8080") as http:
        client = Client(http, world)
        client.login(*ADMIN)
        yield client


def stored(client: Client) -> dict[str, list[str]]:
    with client.world.engine.connect() as conn:
        rows = conn.execute(select(EX.c.name, EX.c.emails).where(EX.c.archived_at.is_(None)))
        return {row.name: list(row.emails) for row in rows}


def test_add_edit_and_sync(admin: Client, tmp_path: Path) -> None:
    page = admin.get("/admin/people").text
    assert "Бычкова Ольга Ивановна" in page and "bychkova@example.org" in page
    response = admin.submit(
        "/admin/people", "/admin/people", name="Сидоров Алексей Андреевич",
        emails="sidorov@example.org, s2@example.org", organisation="Школа №1",
        role="директор", aliases="Сидоров А.А.", kind="person",
    )  # fmt: skip
    assert response.headers["location"] == "/admin/people?m=added"
    assert stored(admin)["Сидоров Алексей Андреевич"] == ["sidorov@example.org", "s2@example.org"]
    edit_page = admin.get("/admin/people?edit=Сидоров Алексей Андреевич").text
    assert 'value="Сидоров А.А."' in edit_page
    admin.submit(
        "/admin/people", "/admin/people/edit", original="Сидоров Алексей Андреевич",
        name="Сидоров Алексей Андреевич", emails="new@example.org", organisation="Школа №1",
        role="директор", aliases="Сидоров А.А.", kind="person",
    )  # fmt: skip
    assert stored(admin)["Сидоров Алексей Андреевич"] == ["new@example.org"]
    text = (tmp_path / "schedules" / "executors.toml").read_text(encoding="utf-8")
    assert text.startswith("# The people of the test plans (kept by hand).")


def test_mistakes_are_shown(admin: Client) -> None:
    response = admin.submit("/admin/people", "/admin/people", name="мку гимц", kind="person")
    assert response.status_code == 400
    assert "«мку гимц» is already in the directory" in response.text


def test_import_and_export(admin: Client, tmp_path: Path) -> None:
    token = admin.token_on("/admin/people")
    listing = "ФИО;e-mail;Должность\nИванов Иван Иванович;iv@example.org;учитель\n"
    response = admin.http.post(
        "/admin/people/import",
        data={"csrf": token},
        files={"list": ("people.csv", listing.encode("cp1251"), "text/csv")},
    )
    assert response.status_code == 200
    assert "добавлено 1, обновлено 0" in response.text
    assert "Иванов Иван Иванович" in stored(admin)
    exported = admin.get("/admin/people.csv")
    assert exported.headers["content-type"].startswith("text/csv")
    assert exported.text.startswith("\ufeffФИО,e-mail,Организация,Должность,Псевдонимы,Вид")
    assert "Иванов Иван Иванович,iv@example.org,,учитель,," in exported.text
    names = [e.name for e in load_executors(tmp_path / "schedules" / "executors.toml")]
    assert names[-1] == "Иванов Иван Иванович"
