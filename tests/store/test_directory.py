"""Syncing a schedules folder on both databases: broken files, removed files, executors file.

A small loader of a minimal test format stands in for the schedule-file reader, so these tests
pin the folder logic only; tests/store/test_cli.py syncs real schedule files.
"""

from __future__ import annotations

import tomllib
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text
from storekit import NOW, act

from tracker.errors import InputError
from tracker.roadmap.model import Roadmap
from tracker.store.plan import SyncPolicy
from tracker.store.status import State, StatusQuery, status_rows
from tracker.store.sync import SyncReport, sync_directory
from tracker.terms.model import Period

EXECUTORS = """
[[executor]]
name = "Иванова И.И."
emails = ["ivanova@example.org"]
coordinates = ["alpha", "beta"]

[[executor]]
name = "Петров П.П."
emails = ["petrov@example.org"]
"""


def load(path: Path) -> Roadmap:
    """The test format: slug, and [[activity]] with number, start, due, responsible."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"{path}: not valid TOML: {error}") from None
    activities = [
        act(
            item["number"],
            (item["start"], item["due"]),
            responsible=tuple(item.get("responsible", ["Петров П.П."])),
            row=item.get("row"),
        )
        for item in data.get("activity", [])
    ]
    return Roadmap(
        slug=data["slug"],
        title=data.get("title", data["slug"]),
        period=Period(date(2022, 1, 1), date(2023, 12, 31)),
        activities=activities,
    )


def schedule(slug: str, *dues: str, responsible: str = "Петров П.П.") -> str:
    lines = [f'slug = "{slug}"']
    for number, due in enumerate(dues, start=1):
        lines += [
            "[[activity]]",
            f'number = "{number}"',
            f'start = "{due[:8]}01"',
            f'due = "{due}"',
            f'responsible = ["{responsible}"]',
            f"row = {10 + number}",
        ]
    return "\n".join(lines) + "\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "schedules"
    folder.mkdir()
    (folder / "executors.toml").write_text(EXECUTORS, encoding="utf-8")
    (folder / "alpha.toml").write_text(schedule("alpha", "2022-04-30", "2022-05-31"), "utf-8")
    (folder / "beta.toml").write_text(schedule("beta", "2022-06-30"), encoding="utf-8")
    return folder


def run(engine: Engine, folder: Path, hours: int = 0) -> SyncReport:
    return sync_directory(
        engine,
        folder,
        load=load,
        executors_file=folder / "executors.toml",
        policy=SyncPolicy(),
        now=NOW + timedelta(hours=hours),
    )


def outcomes(report: SyncReport) -> dict[str, str]:
    return {Path(f.path).name: f.outcome for f in report.files}


def rows_of(engine: Engine, slug: str) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [
            tuple(row)
            for row in conn.execute(
                text(
                    "SELECT a.key, a.title, a.archived_at, o.due, o.status, o.archived_at "
                    "FROM activity a JOIN roadmap r ON r.id = a.roadmap_id "
                    "LEFT JOIN occurrence o ON o.activity_id = a.id WHERE r.slug = :slug "
                    "ORDER BY a.key, o.due"
                ),
                {"slug": slug},
            )
        ]


def test_folder_sync_is_idempotent(engine: Engine, folder: Path) -> None:
    first = run(engine, folder)
    assert outcomes(first) == {"alpha.toml": "created", "beta.toml": "created"}
    assert first.executors.counts == {"executors added": 2}
    assert first.failed == []
    second = run(engine, folder, hours=1)
    assert outcomes(second) == {"alpha.toml": "unchanged", "beta.toml": "unchanged"}
    assert second.executors.counts == {}


def test_broken_file_changes_nothing_and_others_sync(engine: Engine, folder: Path) -> None:
    run(engine, folder)
    before = rows_of(engine, "alpha")
    (folder / "alpha.toml").write_text('slug = "alpha"\n[[activity]\n', encoding="utf-8")
    (folder / "beta.toml").write_text(schedule("beta", "2022-07-31"), encoding="utf-8")
    report = run(engine, folder, hours=1)
    assert outcomes(report) == {"alpha.toml": "failed", "beta.toml": "updated"}
    (failed,) = report.failed
    assert failed.path.endswith("alpha.toml")
    assert "not valid TOML" in (failed.error or "")
    assert rows_of(engine, "alpha") == before
    assert [str(row[3]) for row in rows_of(engine, "beta")] == ["2022-07-31"]


def test_unknown_names_are_reported_with_file_and_row(engine: Engine, folder: Path) -> None:
    (folder / "beta.toml").write_text(
        schedule("beta", "2022-06-30", responsible="Сидоров"), "utf-8"
    )
    report = run(engine, folder)
    assert report.warnings == [
        f"{folder / 'beta.toml'}: row 11 1: unknown responsible «Сидоров»; "
        "coordinator «Иванова И.И.» stands in"
    ]


def test_removed_file_archives_its_roadmap(engine: Engine, folder: Path) -> None:
    run(engine, folder)
    (folder / "beta.toml").unlink()
    report = run(engine, folder, hours=1)
    assert ("beta", "archived") in [(f.slug, f.outcome) for f in report.files]
    query = StatusQuery(now=NOW, today=date(2022, 6, 1), state=State.ALL)
    assert {row.roadmap for row in status_rows(engine, query)} == {"alpha"}
    (folder / "beta.toml").write_text(schedule("beta", "2022-06-30"), encoding="utf-8")
    report = run(engine, folder, hours=2)
    assert outcomes(report)["beta.toml"] == "updated"
    assert {row.roadmap for row in status_rows(engine, query)} == {"alpha", "beta"}


def test_broken_executors_file_keeps_stored_executors(engine: Engine, folder: Path) -> None:
    run(engine, folder)
    (folder / "executors.toml").write_text("[[executor]]\nname = 5\n", encoding="utf-8")
    (folder / "beta.toml").write_text(schedule("beta", "2022-07-31"), encoding="utf-8")
    report = run(engine, folder, hours=1)
    assert report.executors.error and "needs a name" in report.executors.error
    assert outcomes(report) == {"alpha.toml": "unchanged", "beta.toml": "updated"}
    assert report.warnings == []


def test_two_files_for_one_roadmap(engine: Engine, folder: Path) -> None:
    (folder / "gamma.toml").write_text(schedule("alpha", "2022-09-30"), encoding="utf-8")
    report = run(engine, folder)
    assert outcomes(report)["alpha.toml"] == "created"
    assert outcomes(report)["gamma.toml"] == "failed"
    assert "roadmap alpha is already synced from" in (report.failed[0].error or "")


def test_missing_folder_is_an_input_error(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no schedules folder"):
        run(engine, tmp_path / "absent")


def test_many_files_sync_in_order_through_the_pool(engine: Engine, folder: Path) -> None:
    for n in range(20):
        (folder / f"z{n:02d}.toml").write_text(schedule(f"z{n:02d}", "2022-06-30"), "utf-8")
    (folder / "z07.toml").write_text("broken = [", encoding="utf-8")
    report = run(engine, folder)
    names = [Path(f.path).name for f in report.files]
    assert names == sorted(names)
    assert [Path(f.path).name for f in report.failed] == ["z07.toml"]
    assert outcomes(report)["z19.toml"] == "created"


def test_load_all_keeps_order_and_errors_with_workers(folder: Path) -> None:
    from tracker.store.loading import load_all

    files = [folder / "alpha.toml", folder / "absent.toml", folder / "beta.toml"] * 8
    results = list(load_all(load, files, workers=2))
    assert [path for path, _ in results] == files
    assert isinstance(results[1][1], str) and "absent.toml" in results[1][1]
    assert [r.slug for _, r in results[:3:2] if isinstance(r, Roadmap)] == ["alpha", "beta"]


@pytest.mark.parametrize(
    "text", ["", "\n\n", "# Executors\n# [[executor]]\n"], ids=["empty", "blank", "comments"]
)
def test_empty_executors_file_is_refused_like_a_missing_one(
    engine: Engine, folder: Path, text: str
) -> None:
    """Issue 17: a truncated executors.toml silently unassigned every activity."""
    run(engine, folder)
    before = rows_of(engine, "alpha")
    (folder / "executors.toml").write_text(text, encoding="utf-8")
    report = run(engine, folder, hours=1)
    assert report.executors.outcome == "failed"
    assert "executors.toml: lists no [[executor]]" in (report.executors.error or "")
    assert rows_of(engine, "alpha") == before
    assert outcomes(report) == {"alpha.toml": "unchanged", "beta.toml": "unchanged"}
