"""`tracker user`, `tracker feed url`, `tracker link` and `tracker serve --help` end to end."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine
from webkit import NOW, Clock, World

from tracker.cli import cli
from tracker.store.db import make_engine, upgrade
from tracker.web.accounts import authenticate
from tracker.web.links import read_token


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("TRACKER_DATABASE_URL", "TRACKER_WEB_SECRET", "TRACKER_WEB_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.fixture
def seeded(workdir: Path) -> Engine:
    engine = make_engine("sqlite:///tracker.db")
    upgrade(engine)
    World.build(engine, Clock(NOW))
    return engine


def tracker(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=stdin, catch_exceptions=False)


def test_user_add_list_passwd_disable(seeded: Engine) -> None:
    added = tracker(
        "user", "add", "kurator", "--role", "coordinator", "--roadmap", "alpha",
        "--roadmap", "beta", "--name", "Кураторова К.К.", "--password-stdin",
        stdin="пароль-куратора\n",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "account kurator (coordinator, sees alpha, beta) created" in added.output
    assert authenticate(seeded, "kurator", "пароль-куратора") is not None
    listed = tracker("user", "list").output
    assert "kurator\tcoordinator\talpha,beta\tactive\tКураторова К.К." in listed
    assert "admin\tadmin\t*\tactive\tИванова И.И." in listed
    prompted = tracker("user", "passwd", "kurator", stdin="новый-пароль-9\nновый-пароль-9\n")
    assert prompted.exit_code == 0 and "password of kurator changed" in prompted.output
    assert authenticate(seeded, "kurator", "новый-пароль-9") is not None
    assert tracker("user", "disable", "kurator").exit_code == 0
    assert "disabled 20" in tracker("user", "list").output
    assert authenticate(seeded, "kurator", "новый-пароль-9") is None
    assert tracker("user", "disable", "kurator", "--enable").exit_code == 0
    assert authenticate(seeded, "kurator", "новый-пароль-9") is not None


BAD_ADDS = {
    "coordinator without roadmaps": (
        ["x1", "--role", "coordinator"], "a coordinator needs at least one --roadmap"),
    "unknown roadmap": (
        ["x2", "--role", "coordinator", "--roadmap", "gamma"], "no roadmap 'gamma'"),
    "short password": (["x3", "--role", "admin"], "at least 8 characters"),
    "existing login": (["admin", "--role", "admin"], "an account 'admin' already exists"),
    "bad login": (["не латиница", "--role", "admin"], "bad login"),
}  # fmt: skip


@pytest.mark.parametrize(("args", "message"), BAD_ADDS.values(), ids=BAD_ADDS.keys())
def test_bad_user_add_is_one_line(seeded: Engine, args: list[str], message: str) -> None:
    password = "short\n" if "x3" in args else "достаточно-длинный\n"
    result = CliRunner().invoke(cli, ["user", "add", *args, "--password-stdin"], input=password)
    assert result.exit_code == 2, result.output
    assert message in result.stderr and "Traceback" not in result.output


def test_passwd_of_unknown_account(seeded: Engine) -> None:
    result = CliRunner().invoke(cli, ["user", "passwd", "nobody", "--password-stdin"], input="x\n")
    assert result.exit_code == 2 and "no account 'nobody'" in result.stderr


def test_user_list_without_accounts(workdir: Path) -> None:
    assert tracker("db", "upgrade").exit_code == 0
    assert "no accounts yet" in tracker("user", "list").output


def test_feed_url_is_stable_until_renewed(seeded: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_WEB_BASE_URL", "https://tracker.example.org/")
    first = tracker("feed", "url", "МКУ ГИМЦ").output.strip()
    assert first.startswith("https://tracker.example.org/feed/") and first.endswith(".ics")
    assert tracker("feed", "url", "мку гимц").output.strip() == first
    renewed = tracker("feed", "url", "МКУ ГИМЦ", "--new").output.strip()
    assert renewed != first
    missing = CliRunner().invoke(cli, ["feed", "url", "Сидоров"])
    assert missing.exit_code == 2 and "no executor matches" in missing.stderr


def test_link_prints_a_working_item_link(seeded: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_WEB_SECRET", "z" * 40)
    url = tracker("link", "beta:1", "--for", "Петров П.П.").output.strip()
    assert url.startswith("http://127.0.0.1:8080/i/")
    from datetime import UTC, datetime

    claim = read_token("z" * 40, url.rsplit("/", 1)[1], datetime.now(UTC))
    world = World(seeded, Clock(NOW), None, "")  # type: ignore[arg-type]
    assert claim.occurrence_id == world.occurrence("beta:1")
    assert claim.recipient_key == world.recipient()


def test_serve_has_help() -> None:
    result = tracker("serve", "--help")
    assert result.exit_code == 0 and "--port" in result.output


def test_serve_serves_the_pages(seeded: Engine, workdir: Path) -> None:
    import os
    import socket
    import subprocess
    import sys
    import time

    import httpx

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "TRACKER_DATABASE_URL": f"sqlite:///{workdir / 'tracker.db'}"}
    server = subprocess.Popen(
        [sys.executable, "-m", "tracker", "serve", "--port", str(port)],
        cwd=workdir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        page = None
        for _attempt in range(200):
            try:
                page = httpx.get(f"http://127.0.0.1:{port}/login", timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stdout and server.stdout.read()
                time.sleep(0.1)
        assert page is not None and page.status_code == 200
        assert "Вход для координаторов" in page.text
    finally:
        server.terminate()
        server.wait(20)
