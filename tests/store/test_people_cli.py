"""`tracker people list|add|edit|import|export` on a directory file in a temporary folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker.cli import cli
from tracker.store.executors import load_executors

Run = Callable[..., tuple[int, str, str]]
START = '# kept by hand\n\n[[executor]]\nname = "МКУ «ГИМЦ»"\nkind = "organisation"\n'


@pytest.fixture
def run(tmp_path: Path) -> Run:
    (tmp_path / "executors.toml").write_text(START, encoding="utf-8")
    config = tmp_path / "config.toml"
    config.write_text(f'[schedules]\ndir = "{tmp_path}"\n', encoding="utf-8")

    def invoke(*args: str) -> tuple[int, str, str]:
        result = CliRunner().invoke(cli, ["--config", str(config), "people", *args])
        return result.exit_code, result.stdout, result.stderr

    return invoke


def test_people_commands(run: Run, tmp_path: Path) -> None:
    code, _out, err = run("add", "Бычкова Ольга Ивановна", "--email", "b@example.org",
                          "--organisation", "МКУ «ГИМЦ»", "--position", "методист",
                          "--alias", "Бычкова О.И.")  # fmt: skip
    assert code == 0 and "added «Бычкова Ольга Ивановна»" in err and "tracker sync" in err
    code, _out, _err = run("edit", "бычкова о. и.", "--position", "старший методист")
    assert code == 0
    code, out, _err = run("list")
    assert "Бычкова Ольга Ивановна | b@example.org | МКУ «ГИМЦ» | старший методист" in out
    assert "также: Бычкова О.И." in out
    code, out, _err = run("export")
    assert out.splitlines()[0] == "ФИО,e-mail,Организация,Должность,Псевдонимы,Вид"
    listing = tmp_path / "people.csv"
    listing.write_text("ФИО;e-mail\nИванов Иван Иванович;iv@example.org\n", encoding="utf-8")
    code, _out, err = run("import", str(listing))
    assert code == 0 and "1 added, 0 updated" in err
    assert [e.name for e in load_executors(tmp_path / "executors.toml")] == [
        "МКУ «ГИМЦ»", "Бычкова Ольга Ивановна", "Иванов Иван Иванович"]  # fmt: skip
    assert (tmp_path / "executors.toml").read_text(encoding="utf-8").startswith("# kept by hand")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(("add", "мку гимц"), "is already in the directory", id="twice"),
        pytest.param(("add", "X", "--email", "нет"), "bad e-mail address", id="bad-email"),
        pytest.param(
            ("edit", "Никто", "--position", "x"), "no «Никто» in the directory", id="unknown"
        ),
        pytest.param(("import", "missing.csv"), "cannot read missing.csv", id="no-file"),
    ],
)
def test_people_mistakes_are_one_line(run: Run, args: tuple[str, ...], message: str) -> None:
    code, _out, err = run(*args)
    assert code == 2
    assert err.startswith("tracker: error: ") and message in err and len(err.splitlines()) == 1
