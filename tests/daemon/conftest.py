"""Daemon fixtures: the store's databases (SQLite and a real, throwaway PostgreSQL) and helpers.

The store's fixtures (``postgres``, ``db_url``, ``engine``) come from ``tests/conftest.py`` and
the SMTP server is the delivery tests' ``mailserver``, rather than copies, so the folders share
one way of making them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import mailserver  # the delivery tests' real SMTP server
import pytest

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent


@pytest.fixture
def smtp_server(tmp_path: Path) -> Iterator[mailserver.SmtpServer]:
    """aiosmtpd on 127.0.0.1: STARTTLS required, then AUTH (a trustme certificate)."""
    with mailserver.running("starttls", tmp_path) as server:
        yield server


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'tracker.db'}"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A working folder for CLI runs: no config.toml, TRACKER_* variables cleared."""
    for name in list(__import__("os").environ):
        if name.startswith("TRACKER_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    yield tmp_path
