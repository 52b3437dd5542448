"""Fixtures for the delivery tests: the store on SQLite and PostgreSQL, a real SMTP server.

The store fixtures (``postgres``, ``db_url``, ``engine``) are the store tests' own, loaded from
``tests/store/conftest.py``; the SMTP servers come from :mod:`mailserver` (aiosmtpd on
127.0.0.1 with a trustme certificate, STARTTLS or implicit TLS, AUTH, and a fault script).
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
STORE_TESTS = HERE.parent / "store"
for folder in (HERE, STORE_TESTS):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import mailserver  # noqa: E402


def _store_fixtures() -> object:
    spec = importlib.util.spec_from_file_location("store_conftest", STORE_TESTS / "conftest.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_store = _store_fixtures()
postgres = _store.postgres  # type: ignore[attr-defined]
db_url = _store.db_url  # type: ignore[attr-defined]
engine = _store.engine  # type: ignore[attr-defined]


@pytest.fixture
def smtp_server(tmp_path: Path) -> Iterator[mailserver.SmtpServer]:
    """STARTTLS required, then AUTH as mailserver.USERNAME."""
    with mailserver.running("starttls", tmp_path) as server:
        yield server


@pytest.fixture
def smtps_server(tmp_path: Path) -> Iterator[mailserver.SmtpServer]:
    """Implicit TLS from the first byte, then AUTH."""
    with mailserver.running("tls", tmp_path) as server:
        yield server
