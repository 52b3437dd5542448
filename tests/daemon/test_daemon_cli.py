"""`tracker run` and `tracker health` arguments, and the log line formats."""

from __future__ import annotations

import io
import json
import logging
from datetime import UTC, datetime
from typing import Any

import pytest
from click.testing import CliRunner

from tracker.cli import cli
from tracker.cli.common import IsoDateTime
from tracker.daemon.logs import action, setup_logging


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022-10-03T10:00Z", datetime(2022, 10, 3, 10, 0, tzinfo=UTC)),
        ("2022-10-03 10:00+00:00", datetime(2022, 10, 3, 10, 0, tzinfo=UTC)),
        ("2022-10-03T10:00", datetime(2022, 10, 3, 10, 0)),
    ],
    ids=["zulu", "offset-and-space", "naive"],
)
def test_iso_datetime_reads(text: str, expected: datetime) -> None:
    assert IsoDateTime().convert(text, None, None) == expected


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "--now", "2022-10-03"], "is not a date and time"),
        (["run", "--now", "tomorrow"], "is not a date and time"),
        (["health", "--now", "03.10.2022 10:00"], "is not a date and time"),
        (["run", "--no-sync"], "--no-sync goes with --once"),
    ],
    ids=["date-only", "word", "russian-order", "no-sync-without-once"],
)
def test_bad_arguments_exit_2_with_one_line(
    args: list[str], message: str, workdir: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracker.store.db import make_engine, upgrade

    upgrade(make_engine("sqlite:///tracker.db"))
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr


def test_run_refuses_a_database_without_schema(workdir: Any) -> None:
    result = CliRunner().invoke(cli, ["run", "--once"])
    assert result.exit_code == 4
    assert result.stderr.strip().splitlines() == [
        "tracker: error: the database has no tracker schema yet (run `tracker db upgrade`)"
    ]


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_one_line_per_action(fmt: str) -> None:
    stream = io.StringIO()
    setup_logging(fmt, stream)
    try:
        action(
            "plan",
            "12 notifications made, 1 superseded",
            now=datetime(2022, 10, 3, 7, 0, tzinfo=UTC),
            counts={"made": 12, "superseded": 1},
        )
    finally:
        logging.getLogger("tracker.daemon").handlers.clear()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1
    if fmt == "text":
        assert lines[0].endswith(" INFO plan: 12 notifications made, 1 superseded")
    else:
        data = json.loads(lines[0])
        assert data["event"] == "plan" and data["level"] == "info"
        assert data["message"] == "plan: 12 notifications made, 1 superseded"
        assert data["now"] == "2022-10-03T07:00:00+00:00"
        assert (data["made"], data["superseded"]) == (12, 1)


def test_a_broken_template_stops_the_start_not_a_message(workdir: Any) -> None:
    import shutil
    from pathlib import Path

    from tracker.store.db import make_engine, upgrade

    upgrade(make_engine("sqlite:///tracker.db"))
    shutil.copytree(Path(__file__).resolve().parents[2] / "templates", "templates")
    with open("templates/reminder-subject.txt.j2", "a", encoding="utf-8") as stream:
        stream.write("{{ no_such_variable }}\n")
    for args in (["run", "--once", "--now", "2022-09-12T10:00"], ["run"]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 3, result.output
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "no_such_variable" in lines[0], result.stderr
        assert lines[0].endswith("see `tracker check`)")
