"""Command-line interface: thin wrappers that parse arguments, call the layers, print.

One module per group of commands, each registering on :data:`tracker.cli.common.cli`; the group
imports a module only when one of its commands is used (``common.COMMAND_MODULES``), so
``tracker parse`` starts fast. Modules import only :mod:`tracker.cli.common` and the layers
below, never each other, so there are no cycles.
"""

from __future__ import annotations

from tracker.cli.common import cli

__all__ = ["cli", "load_all", "main"]


def load_all() -> None:
    """Import every command module, so that :data:`cli` holds every command (docs, tests)."""
    import importlib

    from tracker.cli.common import COMMAND_MODULES

    for module in sorted(set(COMMAND_MODULES.values())):
        importlib.import_module(f"tracker.cli.{module}")


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="tracker")
