"""Daemon logging: one line per action, with its counts, as text or JSON.

Every action logs through :func:`action` with an ``event`` name (``plan``, ``send``, ``sync``,
``start``, ``stop``…) and counts; the text form is ``plan: 12 notifications in 5 messages``, the
JSON form one object per line with ``at`` (real time), ``level``, ``event``, ``message``,
``now`` (the daemon's clock, which differs from ``at`` under a simulated clock) and the counts.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import IO, Any

LOGGER_NAME = "tracker.daemon"


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(message)s", "%Y-%m-%dT%H:%M:%S%z")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: at, level, event, message, now and the action's counts."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="seconds"),
            "level": record.levelname.lower(),
            "event": getattr(record, "event", record.name),
            "message": record.getMessage(),
        }
        now = getattr(record, "now", None)
        if now is not None:
            data["now"] = now
        counts = getattr(record, "counts", None)
        if counts:
            data.update(counts)
        if record.exc_info and record.levelno >= logging.ERROR:
            data["error_type"] = record.exc_info[0].__name__ if record.exc_info[0] else None
            data["traceback"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


def setup_logging(fmt: str, stream: IO[str] | None = None, level: int = logging.INFO) -> None:
    """Route ``tracker.daemon`` to ``stream`` (stderr) as ``fmt`` (``text`` or ``json``)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    logger = logging.getLogger(LOGGER_NAME)
    logger.handlers[:] = [handler]
    logger.setLevel(level)
    # APScheduler would log two lines per run ("Running job…", "executed successfully"); the
    # daemon logs missed and skipped runs itself, in one line.
    logging.getLogger("apscheduler").setLevel(logging.ERROR)


def logger() -> logging.Logger:
    return logging.getLogger(LOGGER_NAME)


def action(
    event: str,
    message: str,
    *,
    now: datetime | None = None,
    counts: Mapping[str, int | str] | None = None,
    level: int = logging.INFO,
    exc_info: bool = False,
) -> None:
    """Log one action: ``event: message``; ``counts`` become JSON fields. ``exc_info`` adds
    the traceback of the exception being handled (for failures nobody raised on purpose)."""
    logger().log(
        level,
        f"{event}: {message}",
        exc_info=exc_info,
        extra={
            "event": event,
            "now": now.isoformat(timespec="seconds") if now else None,
            "counts": dict(counts or {}),
        },
    )
