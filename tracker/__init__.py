"""tracker: deadline tracking and reminders for Russian administrative roadmaps.

The public API, by layer (the data flows top to bottom):

* phrases: :func:`expand` a deadline phrase over a :class:`Period` into :class:`Window` s;
* settings: :func:`load_settings` → :class:`Settings`;
* store: :func:`make_engine`, :func:`upgrade`, :func:`status_rows` (:class:`StatusQuery`),
  :func:`change_status`;
* reminders: :func:`plan_pass` (store → policy → outbox) and :func:`send_pass` (outbox → mail);
* errors: :class:`TrackerError` and its subclasses, each with an exit code.

Only the phrase language and the errors are imported eagerly; the rest load on first use, so
``import tracker`` (and ``tracker parse``) stays light.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from tracker.config import Settings, load_settings
    from tracker.notify.remind import PlanReport, plan_pass
    from tracker.notify.send import SendReport, send_pass
    from tracker.store.changes import change_status
    from tracker.store.db import make_engine, upgrade
    from tracker.store.status import StatusQuery, status_rows

__version__ = "0.1.0"

#: Names loaded on first use, and the module each comes from.
_LAZY = {
    "Settings": "tracker.config",
    "load_settings": "tracker.config",
    "PlanReport": "tracker.notify.remind",
    "plan_pass": "tracker.notify.remind",
    "SendReport": "tracker.notify.send",
    "send_pass": "tracker.notify.send",
    "change_status": "tracker.store.changes",
    "make_engine": "tracker.store.db",
    "upgrade": "tracker.store.db",
    "StatusQuery": "tracker.store.status",
    "status_rows": "tracker.store.status",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'tracker' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "ConfigError",
    "Expansion",
    "InputError",
    "Kind",
    "Period",
    "PhraseError",
    "PlanReport",
    "SendError",
    "SendReport",
    "Settings",
    "StatusQuery",
    "StoreError",
    "TrackerError",
    "UsageError",
    "Window",
    "__version__",
    "change_status",
    "expand",
    "load_settings",
    "make_engine",
    "plan_pass",
    "send_pass",
    "status_rows",
    "upgrade",
]
