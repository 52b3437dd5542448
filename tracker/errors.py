"""One exception tree for everything tracker reports to a user.

Each class carries the process exit code the CLI uses; the CLI prints ``str(error)`` as one
line and never a traceback.
"""

from __future__ import annotations


class TrackerError(Exception):
    """Base of every error tracker reports to a user."""

    exit_code: int = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message} ({self.hint})"
        return self.message


class UsageError(TrackerError):
    """Bad command-line arguments or options."""

    exit_code = 2


class InputError(TrackerError):
    """A user's file or value could not be read (phrase, document, schedule file)."""

    exit_code = 2


class PhraseError(InputError):
    """A deadline phrase could not be read; ``part`` names what was not understood."""

    def __init__(self, message: str, *, part: str | None = None, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.part = part


class ConfigError(TrackerError):
    """A bad configuration key or value."""

    exit_code = 3


class StoreError(TrackerError):
    """The database is unreachable, out of date or refused a change."""

    exit_code = 4


class SendError(TrackerError):
    """Delivery of a message failed; ``permanent`` says whether retrying can help."""

    exit_code = 5

    def __init__(self, message: str, *, permanent: bool, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.permanent = permanent
