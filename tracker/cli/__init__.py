"""Command-line interface: thin wrappers that parse arguments, call the layers, print.

One module per group of commands, each registering on :data:`tracker.cli.common.cli`; this
package imports them all and gives the console-script entry point. Modules import only
:mod:`tracker.cli.common` and the layers below, never each other, so there are no cycles.
"""

from __future__ import annotations

from tracker.cli import (  # noqa: F401 - imported to register their commands
    daemon,
    importing,
    logins,
    mail,
    parse,
    people,
    remind,
    report,
    settings,
    store,
    web,
)
from tracker.cli.common import cli

__all__ = ["cli", "main"]


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="tracker")
