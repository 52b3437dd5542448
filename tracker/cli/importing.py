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
@click.option(
    "--preview",
    "preview",
    is_flag=True,
    help="Print a table of the rows as read (number, title, deadline, its reading, executors)"
    " instead of the schedule file; nothing is written.",
)
@click.option(
    "--strict",
    "strict",
    is_flag=True,
    help="Fail (exit 1, nothing written) if the import has any warning, e.g. a row that looks"
    " glued.",
)
@reports_errors
def import_command(
    path: str,
    period: Period | None,
    timezone: str | None,
    output: str | None,
    force: bool,
    as_json: bool,
    preview: bool = False,
    strict: bool = False,
) -> None:
    """Read a roadmap document (PATH: .docx, .xlsx, .pdf with a text layer, .html, .csv, or .txt
    copied from Word, PDF or a web page) and write its schedule file. Rows whose deadline
    cannot be read are kept and listed at the end."""
    from pathlib import Path

    from tracker.errors import TrackerError
    from tracker.roadmap import schedule_file
    from tracker.roadmap.importer import import_roadmap
    from tracker.roadmap.preview import PageProgress, print_preview
    from tracker.roadmap.report import roadmap_json, unreadable_summary

    target = Path(output) if output else None
    if target is not None and target.exists() and not force:
        raise UsageError(f"{target} already exists", hint="pass --force to replace it")
    zone = timezone or app().settings.policy.timezone
    with PageProgress() as progress:
        roadmap = import_roadmap(Path(path), period=period, timezone=zone, progress=progress)
    if preview:
        print_preview(roadmap)
        target = None
    notes = [f"{a.source}: {note}" for a in roadmap.activities for note in a.notes]
    problems = [*roadmap.warnings, *(note for note in notes if "glued" not in note)]
    if strict and problems:
        if not preview:
            for warning in problems:
                click.echo(f"tracker: warning: {warning}", err=True)
        raise TrackerError(
            f"{path}: {len(problems)} warning(s) and --strict: nothing written",
            hint="check the rows named above, fix the document or import without --strict",
        )
    if preview:
        return
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
