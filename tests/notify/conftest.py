"""Fixtures for the delivery tests: the store on SQLite and PostgreSQL, a real SMTP server.

The store fixtures (``postgres``, ``db_url``, ``engine``) come from ``tests/conftest.py``; the
SMTP servers come from :mod:`mailserver` (aiosmtpd on
127.0.0.1 with a trustme certificate, STARTTLS or implicit TLS, AUTH, and a fault script).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import mailserver
import pytest


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
