"""Docs stay honest: every command has help text and appears in the README."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from tracker.cli import cli, load_all
from tracker.cli.common import COMMAND_MODULES

load_all()

README = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")


def _commands() -> list[tuple[str, click.Command]]:
    out: list[tuple[str, click.Command]] = []
    for name, command in sorted(cli.commands.items()):
        out.append((name, command))
        if isinstance(command, click.Group):
            out.extend((f"{name} {sub}", c) for sub, c in sorted(command.commands.items()))
    return out


@pytest.mark.parametrize(("name", "command"), _commands(), ids=[n for n, _ in _commands()])
def test_command_has_help_and_is_in_readme(name: str, command: click.Command) -> None:
    assert (command.help or command.short_help or "").strip(), f"{name} has no help text"
    top = name.split()[0]
    assert f"`tracker {top}" in README or f"`{top}`" in README, f"README does not mention {name}"


def test_readme_quick_start_has_the_two_commands() -> None:
    assert "<!-- main-command -->" in README
    assert "<!-- test-command -->" in README


def test_every_command_is_in_the_lazy_table() -> None:
    """The lazy group finds each command in the module that defines it, and only real ones."""
    defined = {name: command.callback.__module__ for name, command in cli.commands.items()}
    assert {n: m.rsplit(".", 1)[1] for n, m in defined.items() if m} == COMMAND_MODULES
