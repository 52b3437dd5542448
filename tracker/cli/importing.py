"""`tracker import`: read a roadmap document and write its schedule file."""

from __future__ import annotations

import json

import click

from tracker.cli.common import PeriodType, app, cli, reports_errors
from tracker.errors import UsageError
from tracker.terms.model import Period


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
    zone = timezone or app().settings.policy.timezone
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

