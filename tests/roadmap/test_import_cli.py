"""`tracker import` as a user runs it."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from click.testing import CliRunner
from roadmap_helpers import ROADMAPS, imported

from tracker.cli import cli
from tracker.roadmap import schedule_file

ACTIVITY_KEYS = {
    "number", "section", "title", "result", "deadline", "responsible", "kind", "windows",
    "warnings",
}  # fmt: skip


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_json_shape() -> None:
    code, stdout, stderr = _run("import", str(ROADMAPS / "chelyabinsk-2021.txt"), "--json")
    assert code == 0, stderr
    data = json.loads(stdout)
    assert set(data) == {
        "title", "issuer", "document", "period", "sections", "activities", "warnings",
    }  # fmt: skip
    assert data["document"] == {"number": "01/719", "date": "2021-03-18"}
    assert data["period"] == {"start": "2021-01-01", "end": "2022-12-31"}
    assert data["issuer"] == "МИНИСТЕРСТВО ОБРАЗОВАНИЯ И НАУКИ ЧЕЛЯБИНСКОЙ ОБЛАСТИ"
    assert data["title"].startswith("Дорожная карта реализации региональной целевой модели")
    assert [s["label"] for s in data["sections"]] == ["I", "II", "III", "IV", "V", "VI", "VII"]
    assert len(data["activities"]) == 27
    first = data["activities"][0]
    assert set(first) == ACTIVITY_KEYS
    assert first["windows"] == [{"start": "2021-01-01", "due": "2021-02-28"}]
    assert (first["section"], first["number"], first["kind"]) == ("I", "1", "once")
    assert any("numbered VII after VI" in w for w in data["warnings"])


def test_writes_the_file_and_reports_on_stderr(tmp_path: Path) -> None:
    out = tmp_path / "divnogorsk.toml"
    source = str(ROADMAPS / "divnogorsk-2022.txt")
    code, stdout, stderr = _run("import", source, "--timezone", "Asia/Krasnoyarsk", "-o", str(out))
    assert code == 0, stderr
    assert stdout == ""
    assert f"wrote {out}: 28 activities, 6 sections, period 2022-01-01:2024-12-31" in stderr
    roadmap = schedule_file.load(out)
    assert roadmap.slug == "divnogorsk-2022"  # the document's name: executors.toml uses it
    assert roadmap.timezone == "Asia/Krasnoyarsk"
    assert roadmap.activities == imported("divnogorsk-2022.txt").activities


def test_without_output_prints_the_schedule_file() -> None:
    code, stdout, _ = _run("import", str(ROADMAPS / "spassk-2022.txt"))
    assert code == 0
    data = tomllib.loads(stdout)
    assert data["slug"] == "spassk-2022"
    assert len(data["activity"]) == 16


def test_unreadable_rows_are_kept_and_summed_up_at_the_end(tmp_path: Path) -> None:
    source = tmp_path / "plan.txt"
    source.write_text(
        "План мероприятий на 2022-2023 учебный год\n"
        "№\tМероприятие\tСрок\tОтветственный\n"
        "1\tСеминар\tоктябрь 2022 г.\tИванов И.И.\n"
        "2\tВстреча\tкогда рак на горе свистнет\tПетров П.П.\n"
        "3\tОтчёт\t32 мая 2023\tСидоров С.С.\n",
        encoding="utf-8",
    )
    out = tmp_path / "plan.toml"
    code, _, stderr = _run("import", str(source), "-o", str(out))
    assert code == 0
    summary = stderr[stderr.index("2 of 3 rows") :]
    assert "2 (line 4): «когда рак на горе свистнет»" in summary
    assert "3 (line 5): «32 мая 2023»" in summary
    assert stderr.rstrip().endswith(summary.rstrip())
    data = tomllib.loads(out.read_text(encoding="utf-8"))
    assert [a["kind"] for a in data["activity"]] == ["once", "error", "error"]
    assert all(a["error"] for a in data["activity"][1:])
    code, stdout, stderr = _run("import", str(source), "--json")
    activities = json.loads(stdout)["activities"]
    assert [a["kind"] for a in activities] == ["once", "error", "error"]
    assert "error" in activities[1] and "error" not in activities[0]
    assert "2 of 3 rows" in stderr


def test_period_option_wins_over_the_document_with_a_warning() -> None:
    code, stdout, _ = _run(
        "import", str(ROADMAPS / "spassk-2022.txt"), "--json", "--period", "2022-01-01:2023-12-31"
    )
    assert code == 0
    data = json.loads(stdout)
    assert data["period"] == {"start": "2022-01-01", "end": "2023-12-31"}
    assert any("--period 2022-01-01:2023-12-31 is used instead" in w for w in data["warnings"])


def test_help() -> None:
    code, stdout, _ = _run("import", "--help")
    assert code == 0
    for option in ("--period", "--timezone", "--output", "--force", "--json"):
        assert option in stdout
