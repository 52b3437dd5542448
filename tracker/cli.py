"""Command-line interface: thin wrappers that parse arguments, call the layers, print.

Heavy stacks (database, scheduler, mail) are imported inside the commands that need them, so
``tracker parse`` starts fast. Every :class:`~tracker.errors.TrackerError` becomes one line on
standard error and its exit code; nothing a user typed wrong ends in a traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator
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


JSONL_CHUNK = 2000


def _jsonl_chunk(lines: list[str], period: Period) -> str:
    from tracker.terms import expand

    dumps = json.dumps
    return "".join(
        dumps(expand(line, period).to_json(), ensure_ascii=False) + "\n" for line in lines
    )


def _chunks(lines: Iterator[str], size: int) -> Iterator[list[str]]:
    chunk: list[str] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _expand_jsonl(lines: Iterator[str], period: Period) -> Iterator[str]:
    """Expand line by line, in input order; large inputs are spread over the CPU cores."""
    import multiprocessing
    import os
    from functools import partial
    from itertools import chain, islice

    chunks = _chunks(lines, JSONL_CHUNK)
    head = list(islice(chunks, 2))  # one chunk is not worth starting workers for
    everything = chain(head, chunks)
    work = partial(_jsonl_chunk, period=period)
    workers = min(os.cpu_count() or 1, 4)
    if len(head) < 2 or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield from map(work, everything)
        return
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        yield from pool.imap(work, everything)


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
        for text in _expand_jsonl(_read_lines(jsonl), period):
            sys.stdout.write(text)
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


class IsoDate(click.ParamType):  # type: ignore[type-arg]
    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from datetime import date

        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"{value!r} is not a date YYYY-MM-DD", param, ctx)


def _now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)


def _engine(*, check: bool = True) -> Any:
    """The configured database; ``check`` refuses an out-of-date schema."""
    from tracker.store.db import make_engine, require_current

    settings = _settings()
    engine = make_engine(settings.database.url, timeout=settings.database.timeout)
    if check:
        require_current(engine)
    return engine


def _actor(name: str | None) -> str:
    if name:
        return name
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@cli.group("db")
def db_group() -> None:
    """The database schema: apply migrations, show the revision."""


@db_group.command("upgrade")
@reports_errors
def db_upgrade_command() -> None:
    """Create or migrate the database schema to this tracker's version."""
    from tracker.store.db import safe_url, upgrade

    engine = _engine(check=False)
    before, after = upgrade(engine)
    where = safe_url(engine.url.render_as_string(hide_password=True))
    if before == after:
        click.echo(f"{where}: schema is up to date ({after})")
    else:
        click.echo(f"{where}: schema {before or 'none'} → {after}")


@db_group.command("current")
@reports_errors
def db_current_command() -> None:
    """Print the schema revision of the database and whether it is current."""
    from tracker.store.db import SCHEMA_REVISION, current_revision

    found = current_revision(_engine(check=False))
    state = "current" if found == SCHEMA_REVISION else "run `tracker db upgrade`"
    click.echo(f"{found or 'none'} (this tracker needs {SCHEMA_REVISION}: {state})")


def _load_schedule(path: Any) -> Any:
    import importlib

    try:
        schedule_file = importlib.import_module("tracker.roadmap.schedule_file")
    except ImportError:
        raise UsageError(
            "cannot read schedule files: tracker.roadmap.schedule_file is missing"
        ) from None
    return schedule_file.load(path)


@cli.command("sync")
@click.argument("folder", metavar="[DIR]", required=False)
@reports_errors
def sync_command(folder: str | None) -> None:
    """Load every schedule file in DIR (default [schedules] dir) and executors.toml into the
    database. Running it twice changes nothing; removed activities are archived."""
    from pathlib import Path

    from tracker.errors import InputError
    from tracker.store.plan import SyncPolicy
    from tracker.store.present import sync_lines
    from tracker.store.sync import sync_directory

    settings = _settings()
    directory = Path(folder) if folder else settings.schedules.dir
    policy = SyncPolicy(shift=settings.policy.shift, checkin=settings.policy.checkin)
    report = sync_directory(
        _engine(),
        directory,
        load=_load_schedule,
        executors_file=directory / settings.schedules.executors,
        policy=policy,
        now=_now(),
    )
    for line in sync_lines(report):
        click.echo(line)
    if report.failed:
        raise InputError(f"{len(report.failed)} file(s) could not be synced; see above")


#: Rows a `tracker status` table shows unless --limit says otherwise.
TABLE_LIMIT = 200

_STATES = ("overdue", "due-soon", "open", "done", "cancelled", "needs-dates", "all")


@cli.command("status")
@click.option("--roadmap", "roadmap", metavar="R", help="Only this roadmap (its slug).")
@click.option("--executor", "executor", metavar="E", help="Only what E does (name or alias).")
@click.option(
    "--state",
    "state",
    type=click.Choice(_STATES),
    default="open",
    show_default=True,
    help="overdue, due-soon, open (planned or in progress), done, cancelled, needs-dates, all.",
)
@click.option("--before", "before", type=IsoDate(), help="Due on or before DATE.")
@click.option("--after", "after", type=IsoDate(), help="Due on or after DATE.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("table", "json", "csv")),
    default="table",
    show_default=True,
    help="A rich table, or JSON / CSV for machines.",
)
@click.option(
    "--today",
    "today",
    type=IsoDate(),
    help="Count as if today were DATE (default: today in each roadmap's time zone).",
)
@click.option(
    "--limit",
    "limit",
    type=click.IntRange(min=0),
    default=None,
    help=f"Show at most N rows, earliest due first; 0 for all "
    f"(default: {TABLE_LIMIT} in a table, all in JSON and CSV).",
)
@reports_errors
def status_command(
    roadmap: str | None,
    executor: str | None,
    state: str,
    before: Any,
    after: Any,
    fmt: str,
    today: Any,
    limit: int | None,
) -> None:
    """What is overdue, due soon, open, done or needs dates, as a table, JSON or CSV."""
    from tracker.store.present import render_status
    from tracker.store.status import State, StatusQuery, count_rows, iter_status_rows

    settings = _settings()
    query = StatusQuery(
        now=_now(),
        state=State(state),
        roadmap=roadmap,
        executor=executor,
        before=before,
        after=after,
        today=today,
        due_soon_days=settings.policy.due_soon_days,
        limit=(TABLE_LIMIT if fmt == "table" else None) if limit is None else (limit or None),
    )
    engine = _engine()
    rows: Iterable[Any] = iter_status_rows(engine, query)
    total = None
    if query.limit is not None:  # count all only when the limit cut something off
        rows = list(rows)
        total = count_rows(engine, query) if len(rows) == query.limit else None
    render_status(rows, fmt, sys.stdout, total)


def _status_change(
    to: str, ref: str, due: Any, by: str | None, comment: str | None, on: Any
) -> None:
    from tracker.store.changes import change_status
    from tracker.store.models import Status
    from tracker.store.present import describe_change

    change = change_status(
        _engine(),
        ref,
        Status(to),
        now=_now(),
        actor=_actor(by),
        due=due,
        comment=comment,
        completed_on=on,
    )
    click.echo(describe_change(change))


_REF = click.argument("ref", metavar="ROADMAP:NUMBER")
_DUE = click.option(
    "--due",
    "due",
    type=IsoDate(),
    help="Which occurrence (its due date); default: the earliest open one.",
)
_BY = click.option("--by", "by", metavar="NAME", help="Who did it (default: your login).")
_COMMENT = click.option("--comment", "comment", metavar="TEXT", help="Why, or what was done.")


@cli.command("done")
@_REF
@_DUE
@_BY
@_COMMENT
@click.option(
    "--on",
    "on",
    type=IsoDate(),
    help="Completed on DATE (default: today in the roadmap's time zone).",
)
@reports_errors
def done_command(ref: str, due: Any, by: str | None, comment: str | None, on: Any) -> None:
    """Mark an occurrence of ROADMAP:NUMBER done; the completion date shows lateness."""
    _status_change("done", ref, due, by, comment, on)


@cli.command("start")
@_REF
@_DUE
@_BY
@_COMMENT
@reports_errors
def start_command(ref: str, due: Any, by: str | None, comment: str | None) -> None:
    """Mark an occurrence of ROADMAP:NUMBER in progress."""
    _status_change("in_progress", ref, due, by, comment, None)


@cli.command("cancel")
@_REF
@_DUE
@_BY
@_COMMENT
@reports_errors
def cancel_command(ref: str, due: Any, by: str | None, comment: str | None) -> None:
    """Cancel an occurrence of ROADMAP:NUMBER (it will not be reminded of)."""
    _status_change("cancelled", ref, due, by, comment, None)


@cli.command("extend")
@_REF
@_DUE
@click.option("--to", "to", type=IsoDate(), required=True, help="The new due date.")
@click.option("--reason", "reason", metavar="TEXT", required=True, help="Why it moved.")
@click.option("--by", "by", metavar="NAME", help="Who approved it (default: your login).")
@reports_errors
def extend_command(ref: str, due: Any, to: Any, reason: str, by: str | None) -> None:
    """Перенос срока: move the due date of an occurrence of ROADMAP:NUMBER, with a reason."""
    from tracker.store.changes import extend
    from tracker.store.present import describe_change

    change = extend(
        _engine(),
        ref,
        to,
        reason=reason,
        approved_by=_actor(by),
        now=_now(),
        shift=_settings().policy.shift,
        due=due,
    )
    click.echo(describe_change(change))


@cli.command("history")
@_REF
@_DUE
@click.option(
    "--format", "fmt", type=click.Choice(("table", "json")), default="table", show_default=True
)
@reports_errors
def history_command(ref: str, due: Any, fmt: str) -> None:
    """Who changed what and when for ROADMAP:NUMBER (or one occurrence with --due)."""
    from tracker.store.changes import history
    from tracker.store.present import history_json, history_table

    target, rows = history(_engine(), ref, due)
    (history_json if fmt == "json" else history_table)(target, rows, sys.stdout)


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
    roadmap = import_roadmap(Path(path), period=period, timezone=zone)
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


# Commands of the later layers live in their own modules and join the group on import.
from tracker import cli_daemon, cli_mail, cli_remind, cli_web  # noqa: E402, F401


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="tracker")
