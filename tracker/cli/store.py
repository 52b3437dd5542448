"""Store commands: `sync` the schedule files, `status`, and the status changes (`done`,
`start`, `cancel`, `extend`) with their `history`."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from datetime import date
from typing import Any

import click

from tracker.cli.common import IsoDate, actor, app, cli, reports_errors
from tracker.errors import UsageError


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

    settings = app().settings
    directory = Path(folder) if folder else settings.schedules.dir
    policy = SyncPolicy(shift=settings.policy.shift, checkin=settings.policy.checkin)
    report = sync_directory(
        app().engine(),
        directory,
        load=_load_schedule,
        executors_file=directory / settings.schedules.executors,
        policy=policy,
        now=app().now(),
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
    before: date | None,
    after: date | None,
    fmt: str,
    today: date | None,
    limit: int | None,
) -> None:
    """What is overdue, due soon, open, done or needs dates, as a table, JSON or CSV."""
    from tracker.store.present import render_status
    from tracker.store.status import State, StatusQuery, count_rows, iter_status_rows

    settings = app().settings
    query = StatusQuery(
        now=app().now(),
        state=State(state),
        roadmap=roadmap,
        executor=executor,
        before=before,
        after=after,
        today=today,
        due_soon_days=settings.policy.due_soon_days,
        limit=(TABLE_LIMIT if fmt == "table" else None) if limit is None else (limit or None),
    )
    engine = app().engine()
    rows: Iterable[Any] = iter_status_rows(engine, query)
    total = None
    if query.limit is not None:  # count all only when the limit cut something off
        rows = list(rows)
        total = count_rows(engine, query) if len(rows) == query.limit else None
    render_status(rows, fmt, sys.stdout, total)


def _status_change(
    to: str, ref: str, due: date | None, by: str | None, comment: str | None, on: date | None
) -> None:
    from tracker.store.changes import change_status
    from tracker.store.models import Status
    from tracker.store.present import describe_change

    change = change_status(
        app().engine(),
        ref,
        Status(to),
        now=app().now(),
        actor=actor(by),
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
def done_command(
    ref: str, due: date | None, by: str | None, comment: str | None, on: date | None
) -> None:
    """Mark an occurrence of ROADMAP:NUMBER done; the completion date shows lateness."""
    _status_change("done", ref, due, by, comment, on)


@cli.command("start")
@_REF
@_DUE
@_BY
@_COMMENT
@reports_errors
def start_command(ref: str, due: date | None, by: str | None, comment: str | None) -> None:
    """Mark an occurrence of ROADMAP:NUMBER in progress."""
    _status_change("in_progress", ref, due, by, comment, None)


@cli.command("cancel")
@_REF
@_DUE
@_BY
@_COMMENT
@reports_errors
def cancel_command(ref: str, due: date | None, by: str | None, comment: str | None) -> None:
    """Cancel an occurrence of ROADMAP:NUMBER (it will not be reminded of)."""
    _status_change("cancelled", ref, due, by, comment, None)


@cli.command("extend")
@_REF
@_DUE
@click.option("--to", "to", type=IsoDate(), required=True, help="The new due date.")
@click.option("--reason", "reason", metavar="TEXT", required=True, help="Why it moved.")
@click.option("--by", "by", metavar="NAME", help="Who approved it (default: your login).")
@reports_errors
def extend_command(ref: str, due: date | None, to: date, reason: str, by: str | None) -> None:
    """Перенос срока: move the due date of an occurrence of ROADMAP:NUMBER, with a reason."""
    from tracker.store.changes import extend
    from tracker.store.present import describe_change

    change = extend(
        app().engine(),
        ref,
        to,
        reason=reason,
        approved_by=actor(by),
        now=app().now(),
        shift=app().settings.policy.shift,
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
def history_command(ref: str, due: date | None, fmt: str) -> None:
    """Who changed what and when for ROADMAP:NUMBER (or one occurrence with --due)."""
    from tracker.store.changes import history
    from tracker.store.present import history_json, history_table

    target, rows = history(app().engine(), ref, due)
    (history_json if fmt == "json" else history_table)(target, rows, sys.stdout)
