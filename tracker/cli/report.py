"""Coordinators' commands: `report` (the execution report in xlsx, docx, csv or html) and
`reopen` (undo a done or cancelled mark)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from tracker.cli.common import IsoDate, actor, app, cli, reports_errors
from tracker.errors import UsageError

_FORMATS = ("xlsx", "docx", "csv", "html")


@cli.command("report")
@click.option("--roadmap", "roadmap", metavar="SLUG", help="Only this roadmap (default: all).")
@click.option("--from", "start", type=IsoDate(), help="Due dates from DATE (default: any).")
@click.option("--to", "end", type=IsoDate(), help="Due dates up to DATE (default: any).")
@click.option(
    "--on",
    "on",
    type=IsoDate(),
    help="«По состоянию на» DATE (default: today in [policy] timezone).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(_FORMATS),
    default=None,
    help="xlsx, docx, csv or html (default: from the extension of -o).",
)
@click.option(
    "-o", "--output", "output", metavar="FILE", required=True, help="Write the report here."
)
@reports_errors
def report_command(
    roadmap: str | None,
    start: date | None,
    end: date | None,
    on: date | None,
    fmt: str | None,
    output: str,
) -> None:
    """The execution report «Информация о ходе исполнения плана мероприятий»: one row per
    occurrence due in the span, with its mark of execution, and the discipline figures per
    executor (на контроле = в срок + с нарушением + просрочено + в работе)."""
    from zoneinfo import ZoneInfo

    from tracker.report import build_report, render

    path = Path(output)
    fmt = fmt or path.suffix.lstrip(".").lower()
    if fmt not in _FORMATS:
        raise UsageError(f"unknown report format {fmt!r}", hint="--format xlsx|docx|csv|html")
    if start and end and start > end:
        raise UsageError(f"--from {start} is after --to {end}")
    settings = app().settings
    day = on or app().now().astimezone(ZoneInfo(settings.policy.timezone)).date()
    report = build_report(app().engine(), day, roadmap=roadmap, start=start, end=end)
    data = render(report, fmt)
    try:
        path.write_bytes(data)
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror}") from None
    total = report.discipline.total
    click.echo(
        f"{path}: {len(report.rows)} строк, {report.as_of}; на контроле {total.controlled}: "
        f"в срок {total.on_time}, с нарушением {total.late}, просрочено {total.overdue}, "
        f"в работе {total.pending}"
    )


@cli.command("reopen")
@click.argument("ref", metavar="ROADMAP:NUMBER")
@click.option(
    "--due",
    "due",
    type=IsoDate(),
    help="Which occurrence (its due date); default: the one marked done or cancelled last.",
)
@click.option("--by", "by", metavar="NAME", help="Who did it (default: your login).")
@click.option("--comment", "comment", metavar="TEXT", help="Why it is reopened.")
@reports_errors
def reopen_command(ref: str, due: date | None, by: str | None, comment: str | None) -> None:
    """Undo a done or cancelled mark of ROADMAP:NUMBER: it is open (planned) again, and the
    history records who reopened it and why."""
    from tracker.store.changes import reopen
    from tracker.store.present import describe_change

    change = reopen(app().engine(), ref, now=app().now(), actor=actor(by), due=due, comment=comment)
    click.echo(describe_change(change))
