"""tracker: deadline tracking and reminders for Russian administrative roadmaps."""

from tracker.errors import (
    ConfigError,
    InputError,
    PhraseError,
    SendError,
    StoreError,
    TrackerError,
    UsageError,
)
from tracker.terms import Expansion, Kind, Period, Window, expand

__version__ = "0.1.0"

__all__ = [
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
]
