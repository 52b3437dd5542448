"""Several server processes (`tracker serve --workers N`): admin import drafts are kept in a
folder every process reads, so an import started in one process goes on in another."""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import adminkit
import pytest
from sqlalchemy import Engine
from webkit import ADMIN, NOW, Client, Clock, World

from tracker.errors import ConfigError
from tracker.roadmap import schedule_file
from tracker.roadmap.model import Roadmap
from tracker.web.admin_drafts import LIFETIME, Drafts, drafts_folder
from tracker.web.app import create_app


def _plan() -> Roadmap:
    return Roadmap(slug="plan", title="План", period=None, activities=[])


def test_a_draft_made_in_one_process_is_seen_changed_and_dropped_in_another(
    tmp_path: Path,
) -> None:
    one, two = Drafts(tmp_path), Drafts(tmp_path)
    draft = one.add(7, NOW, "plan.docx", _plan(), None, None)
    seen = two.get(draft.id, 7, NOW)
    assert seen is not None and seen.source == "plan.docx"
    assert two.get(draft.id, 8, NOW) is None  # another account's draft
    seen.roadmap.title = "План исправленный"
    two.keep(seen)
    again = one.get(draft.id, 7, NOW)
    assert again is not None and again.roadmap.title == "План исправленный"
    two.drop(draft.id)
    assert one.get(draft.id, 7, NOW) is None


@pytest.mark.parametrize(
    "draft_id", ["../../etc/passwd", "", "*", "x" * 200], ids=["path", "empty", "glob", "long"]
)
def test_bad_draft_ids_find_nothing(tmp_path: Path, draft_id: str) -> None:
    drafts = Drafts(tmp_path)
    drafts.add(1, NOW, "plan.docx", _plan(), None, None)
    assert drafts.get(draft_id, 1, NOW) is None
    drafts.drop(draft_id)
    assert len(list(tmp_path.glob("*.draft"))) == 1


def test_old_drafts_are_forgotten_by_every_process(tmp_path: Path) -> None:
    draft = Drafts(tmp_path).add(1, NOW, "plan.docx", _plan(), None, None)
    assert Drafts(tmp_path).get(draft.id, 1, NOW + LIFETIME + timedelta(seconds=1)) is None
    assert list(tmp_path.glob("*.draft")) == []


def test_the_drafts_folder_must_be_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    folder = drafts_folder("sqlite:///x.db")
    assert folder.parent == tmp_path and (folder.stat().st_mode & 0o777) == 0o700
    os.chmod(folder, 0o777)
    with pytest.raises(ConfigError, match="not private"):
        drafts_folder("sqlite:///x.db")


@pytest.fixture
def two_processes(engine: Engine, tmp_path: Path) -> Iterator[tuple[Client, Client]]:
    """Two apps over one database and one drafts folder, as two worker processes are."""
    world = World.build(engine, Clock(NOW))
    world.settings = adminkit.settings_in(world.settings, tmp_path / "schedules", upload_mb=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    apps = [
        create_app(world.settings, engine, clock=world.clock, drafts=tmp_path / "drafts")
        for _ in range(2)
    ]
    (tmp_path / "drafts").mkdir(mode=0o700)
    with (
        TestClient(apps[0], base_url="http://127.0.0.1:8080") as first,
        TestClient(apps[1], base_url="http://127.0.0.1:8080") as second,
    ):
        one, two = Client(first, world), Client(second, world)
        assert one.login(*ADMIN).status_code == 303
        second.cookies = first.cookies  # one browser: its cookies go to either process
        yield one, two


def test_an_import_goes_on_in_another_process(two_processes: tuple[Client, Client]) -> None:
    one, two = two_processes
    token = one.token_on("/admin/import")
    uploaded = one.http.post(
        "/admin/import",
        data={"csrf": token},
        files={"document": ("plan.docx", adminkit.docx(adminkit.CLEAN), "application/x-docx")},
        follow_redirects=False,
    )
    assert uploaded.status_code == 303, uploaded.text
    path = str(uploaded.headers["location"])
    assert "Сроки прочитаны во всех 5 строках" in two.get(path).text
    page = two.get(path).text
    index = page.split('id="row-')[1].split('"')[0]
    changed = two.submit(path, f"{path}/row", index=index, key="1", do="title", title="Новое")
    assert changed.status_code == 303
    assert "Новое" in one.get(path).text  # the correction made in the other process
    assert one.submit(path, f"{path}/save").status_code == 303
    saved = schedule_file.load(one.world.settings.schedules.dir / "plan.toml")
    assert {a.key: a.title for a in saved.activities}["1"] == "Новое"
    assert two.get(path).status_code == 404
