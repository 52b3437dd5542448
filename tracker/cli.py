"""Command-line interface: thin wrappers that parse arguments, call the layers, print.

Heavy stacks (database, scheduler, mail) are imported inside the commands that need them, so
``tracker parse`` starts fast. Every :class:`~tracker.errors.TrackerError` becomes one line on
standard error and its exit code; nothing a user typed wrong ends in a traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from functools import wraps
from typing import IO, Any, ParamSpec, TypeVar

import click

from tracker.errors import TrackerError, UsageError
from tracker.terms.model import Expansion, Kind, Period

P = ParamSpec("P")
R = TypeVar("R")


def reports_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn a TrackerError into one line on stderr and the error's exit code."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except TrackerError as error:
            click.echo(f"tracker: error: {error}", err=True)
            sys.exit(error.exit_code)
        except BrokenPipeError:
            sys.exit(0)

    return wrapper


class PeriodType(click.ParamType):  # type: ignore[type-arg]
    name = "START:END"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, Period):
            return value
        try:
            return Period.parse(str(value))
        except UsageError as error:
            self.fail(str(error), param, ctx)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="tracker")
@click.option(
    "--config",
    "config_path",
    metavar="PATH",
    default=None,
    help="Read settings from this TOML file (default: ./config.toml if present).",
)
@click.pass_context
def cli(ctx: click.Context, config_path: str | None) -> None:
    """Track deadlines of Russian administrative roadmaps and remind the people responsible."""
    ctx.meta["tracker.config"] = config_path


def _read_lines(path: str) -> Iterator[str]:
    stream: IO[str]
    if path == "-":
        stream = sys.stdin
    else:
        try:
            stream = open(path, encoding="utf-8")  # noqa: SIM115 - closed below
        except OSError as error:
            raise UsageError(f"cannot read {path}: {error.strerror}") from None
    try:
        for line in stream:
            yield line.rstrip("\r\n")
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not UTF-8 text", hint="save it as UTF-8") from None
    finally:
        if stream is not sys.stdin:
            stream.close()


def _format_human(result: Expansion) -> str:
    from tracker.render_dates import format_window

    lines = [f"фраза:   {result.text}", f"вид:     {result.kind.value}"]
    if result.rule:
        lines.append(f"правило: {result.rule}")
    if result.kind is Kind.ERROR:
        lines.append(f"ошибка:  {result.error}")
    for window in result.windows:
        lines.append(f"  • {format_window(window)}")
    for warning in result.warnings:
        lines.append(f"внимание: {warning}")
    return "\n".join(lines)


@cli.command("parse")
@click.option(
    "--period",
    "period",
    type=PeriodType(),
    required=True,
    help="The roadmap's period, START:END in ISO dates, e.g. 2022-01-01:2024-12-31.",
)
@click.option(
    "--jsonl",
    "jsonl",
    metavar="FILE",
    default=None,
    help="Read one phrase per line from FILE ('-' for stdin); print one JSON object per line.",
)
@click.argument("phrase", required=False)
@reports_errors
def parse_command(period: Period, jsonl: str | None, phrase: str | None) -> None:
    """Expand a deadline PHRASE (or every line of --jsonl FILE) into due dates over a period."""
    from tracker.terms import expand

    if jsonl is not None:
        if phrase is not None:
            raise UsageError("give either a PHRASE or --jsonl FILE, not both")
        out = sys.stdout
        dumps = json.dumps
        for line in _read_lines(jsonl):
            out.write(dumps(expand(line, period).to_json(), ensure_ascii=False))
            out.write("\n")
        return
    if phrase is None:
        raise UsageError(
            "no phrase given",
            hint='try: tracker parse --period 2022-01-01:2024-12-31 "IV квартал 2022 г."',
        )
    result = expand(phrase, period)
    click.echo(_format_human(result))
    if result.kind is Kind.ERROR:
        sys.exit(2)


# --- configuration and the store (issue 4) ------------------------------------------------------


def _settings() -> Any:
    """The settings for this invocation: ``--config``, ./config.toml, defaults, environment."""
    from tracker.config import load_settings

    ctx = click.get_current_context()
    root = ctx.find_root()
    cached = root.meta.get("tracker.settings")
    if cached is None:
        cached = load_settings(root.meta.get("tracker.config"))
        root.meta["tracker.settings"] = cached
    return cached


@cli.group("config")
def config_group() -> None:
    """Show the settings in effect, or the documented example file."""


@config_group.command("show")
@reports_errors
def config_show_command() -> None:
    """Print every setting in effect (secrets masked) and where it came from."""
    from tracker.config import describe

    settings = _settings()
    click.echo(f"# from {settings.source or 'embedded defaults'} and TRACKER_* variables")
    for name, value in describe(settings):
        click.echo(f"{name} = {value}")


@config_group.command("example")
def config_example_command() -> None:
    """Print config.example.toml: every key with its default and a comment."""
    from tracker.config import example_toml

    click.echo(example_toml(), nl=False)


# --- roadmap import (issue 3) --------------------------------------------------------------------


@cli.command("import")
@click.argument("path", metavar="PATH")
@click.option(
    "--period",
    "period",
    type=PeriodType(),
    default=None,
    help="The roadmap's period, START:END in ISO dates. Needed when the document states none;"
    " wins over the one it states.",
)
@click.option(
    "--timezone",
    "timezone",
    metavar="TZ",
    default=None,
    help="The roadmap's IANA time zone, e.g. Asia/Krasnoyarsk (default: [policy] timezone).",
)
@click.option(
    "-o",
    "--output",
    "output",
    metavar="FILE",
    default=None,
    help="Write the schedule file to FILE, e.g. schedules/NAME.toml (default: print it).",
)
@click.option("--force", "force", is_flag=True, help="Replace FILE if it already exists.")
@click.option(
    "--json", "as_json", is_flag=True, help="Print the import as JSON (see schedules/README.md)."
)
@reports_errors
def import_command(
    path: str,
    period: Period | None,
    timezone: str | None,
    output: str | None,
    force: bool,
    as_json: bool,
) -> None:
    """Read a roadmap document (PATH: .txt copied from Word/PDF, .docx, .xlsx or .csv) and write
    its schedule file. Rows whose deadline cannot be read are kept and listed at the end."""
    from pathlib import Path

    from tracker.roadmap import schedule_file
    from tracker.roadmap.importer import import_roadmap
    from tracker.roadmap.report import roadmap_json, unreadable_summary

    target = Path(output) if output else None
    if target is not None and target.exists() and not force:
        raise UsageError(f"{target} already exists", hint="pass --force to replace it")
    zone = timezone or _settings().policy.timezone
    slug = target.stem if target is not None else None
    roadmap = import_roadmap(Path(path), period=period, timezone=zone, slug=slug)
    if target is not None:
        schedule_file.write(roadmap, target, force=force)
    if as_json:
        click.echo(json.dumps(roadmap_json(roadmap), ensure_ascii=False, indent=2))
    else:
        if target is None:
            click.echo(schedule_file.dumps(roadmap), nl=False)
        for warning in roadmap.warnings:
            click.echo(f"tracker: warning: {warning}", err=True)
    if target is not None:
        click.echo(
            f"tracker: wrote {target}: {len(roadmap.activities)} activities, "
            f"{len(roadmap.sections)} sections, period {roadmap.period}",
            err=True,
        )
    for line in unreadable_summary(roadmap):
        click.echo(f"tracker: {line}" if not line.startswith(" ") else line, err=True)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="tracker")
