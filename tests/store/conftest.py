"""Store fixtures: a syncer of built roadmaps (the databases come from tests/conftest.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from storekit import Syncer


@pytest.fixture
def sync(engine: Engine) -> Syncer:
    return Syncer(engine)
