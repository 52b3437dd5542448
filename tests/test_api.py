"""The public API is small and explicit; this pins it."""

from __future__ import annotations

import tracker
from tracker.errors import (
    ConfigError,
    InputError,
    PhraseError,
    SendError,
    StoreError,
    TrackerError,
    UsageError,
)


def test_public_names_are_pinned() -> None:
    assert set(tracker.__all__) >= {
        "ConfigError",
        "Expansion",
        "InputError",
        "Kind",
        "Period",
        "PhraseError",
        "SendError",
        "StoreError",
        "TrackerError",
        "UsageError",
        "Window",
        "__version__",
        "expand",
        "load_settings",
        "Settings",
        "make_engine",
        "upgrade",
        "status_rows",
        "StatusQuery",
        "change_status",
        "plan_pass",
        "PlanReport",
        "send_pass",
        "SendReport",
    }
    for name in tracker.__all__:
        assert hasattr(tracker, name), name


def test_import_tracker_stays_light() -> None:
    import subprocess
    import sys

    code = (
        "import sys, tracker; print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('sqlalchemy', 'jinja2', 'aiosmtplib', 'apscheduler', 'starlette')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_every_error_is_a_tracker_error_with_an_exit_code() -> None:
    codes = {}
    for cls in (UsageError, InputError, PhraseError, ConfigError, StoreError):
        assert issubclass(cls, TrackerError)
        codes[cls.__name__] = cls.exit_code
    assert codes == {
        "UsageError": 2,
        "InputError": 2,
        "PhraseError": 2,
        "ConfigError": 3,
        "StoreError": 4,
    }
    assert SendError("x", permanent=True).permanent
    assert not SendError("x", permanent=False).permanent
    assert str(InputError("bad file", hint="fix it")) == "bad file (fix it)"
