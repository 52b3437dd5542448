"""Daemon fixtures: the store's databases (SQLite and a real, throwaway PostgreSQL) and helpers.

The store's fixtures (``postgres``, ``db_url``, ``engine``) are loaded from
``tests/store/conftest.py`` and the SMTP server is the delivery tests' ``mailserver``, rather
than copies, so the folders share one way of making them.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tracker.config import Settings, default_settings

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent


def _load(name: str, path: Path) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    sys.path.insert(0, str(path.parent))
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


_store = _load("tracker_tests_store_conftest", TESTS / "store" / "conftest.py")
postgres = _store.postgres
db_url = _store.db_url
engine = _store.engine

if str(TESTS / "notify") not in sys.path:
    sys.path.insert(0, str(TESTS / "notify"))
import mailserver  # noqa: E402  (the delivery tests' real SMTP server)


@pytest.fixture
def smtp_server(tmp_path: Path) -> Iterator[mailserver.SmtpServer]:
    """aiosmtpd on 127.0.0.1: STARTTLS required, then AUTH (a trustme certificate)."""
    with mailserver.running("starttls", tmp_path) as server:
        yield server


def settings_with(base: Settings | None = None, **sections: dict[str, Any]) -> Settings:
    """Settings with some keys replaced: ``settings_with(daemon={"plan_every": 1})``."""
    settings = base or default_settings()
    changes = {
        name: replace(getattr(settings, name), **values) for name, values in sections.items()
    }
    return replace(settings, **changes)


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
