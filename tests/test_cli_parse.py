"""`tracker parse`: readable output, JSON lines, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker.cli import cli

PERIOD = "2022-01-01:2024-12-31"


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_readable_result_with_russian_dates() -> None:
    code, out, _ = run("parse", "--period", PERIOD, "IV квартал 2021 г.")
    assert code == 0
    assert "вид:     once" in out
    assert "с 1 октября 2021 г. по 31 декабря 2021 г." in out
    assert "внимание: срок вне периода" in out


def test_open_deadline_is_printed_as_until() -> None:
    code, out, _ = run("parse", "--period", PERIOD, "до 15.09. 2022 г.")
    assert code == 0
    assert "до 15 сентября 2022 г." in out


def test_unreadable_phrase_exits_2_and_names_the_part() -> None:
    code, out, _ = run("parse", "--period", PERIOD, "когда рак на горе свистнет")
    assert code == 2
    assert "ошибка:  не понято: «когда рак горе свистнет»" in out


def test_jsonl_keeps_order_and_marks_errors(tmp_path: Path) -> None:
    source = tmp_path / "phrases.txt"
    source.write_text("апрель 2022 г.\nasdf\nПостоянно\n", encoding="utf-8")
    code, out, _ = run("parse", "--period", PERIOD, "--jsonl", str(source))
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["text"] for r in rows] == ["апрель 2022 г.", "asdf", "Постоянно"]
    assert rows[0] == {
        "text": "апрель 2022 г.",
        "kind": "once",
        "windows": [{"start": "2022-04-01", "due": "2022-04-30"}],
        "rule": "апрель 2022 г.",
        "warnings": [],
    }
    assert rows[1]["kind"] == "error" and rows[1]["error"]
    assert "error" not in rows[2] and rows[2]["kind"] == "continuous"


def test_jsonl_from_stdin() -> None:
    code, out, _ = run("parse", "--period", PERIOD, "--jsonl", "-", stdin="сентябрь\n")
    assert code == 0
    assert json.loads(out)["kind"] == "recurring"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["parse", "--period", "2022-01-01", "май 2022"], "START:END"),
        (["parse", "--period", "2024-01-01:2022-01-01", "май 2022"], "ends before it starts"),
        (["parse", "--period", "2022-13-01:2024-01-01", "май 2022"], "YYYY-MM-DD"),
        (["parse", "--period", PERIOD], "no phrase given"),
        (["parse", "--period", PERIOD, "--jsonl", "/nonexistent/file"], "cannot read"),
    ],
    ids=["period-one-date", "period-reversed", "period-bad-month", "no-phrase", "missing-file"],
)
def test_user_mistakes_are_one_line_without_traceback(args: list[str], message: str) -> None:
    code, out, err = run(*args)
    assert code == 2
    text = out + err
    assert message in text
    assert "Traceback" not in text


def test_binary_jsonl_input_is_one_line(tmp_path: Path) -> None:
    source = tmp_path / "bad.txt"
    source.write_bytes(b"\xff\xfe\x00\x01garbage")
    code, _out, err = run("parse", "--period", PERIOD, "--jsonl", str(source))
    assert code == 2
    assert "not UTF-8" in err and "Traceback" not in err


def test_parse_does_not_import_database_scheduler_or_mail() -> None:
    code = (
        "import sys; from tracker.cli import main; sys.argv=['tracker','parse','--period',"
        f"'{PERIOD}','май 2022'];\ntry: main()\nexcept SystemExit: pass\n"
        "heavy=[m for m in sys.modules if m.split('.')[0] in "
        "('sqlmodel','sqlalchemy','apscheduler','aiosmtplib','jinja2','alembic','psycopg')]\n"
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_python_dash_m_works() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "tracker", "parse", "--period", PERIOD, "2022 г."],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0
    assert "вид:     once" in out.stdout


def test_large_jsonl_input_keeps_order_across_workers(tmp_path: Path) -> None:
    from datetime import date

    from tracker.cli.parse import JSONL_CHUNK, PARALLEL_CHUNKS
    from tracker.terms import Period, expand

    count = JSONL_CHUNK * PARALLEL_CHUNKS + 17
    texts = [f"{day % 28 + 1} мая {2000 + day % 40}" for day in range(count)]
    texts[5] = "asdf"
    source = tmp_path / "many.txt"
    source.write_text("\n".join(texts) + "\n", encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "tracker", "parse", "--period", PERIOD, "--jsonl", str(source)],
        capture_output=True,
        text=True,
        check=True,
    )
    period = Period(date(2022, 1, 1), date(2024, 12, 31))
    expected = [expand(t, period).to_json() for t in texts]
    assert [json.loads(line) for line in out.stdout.splitlines()] == expected
