"""`tracker remind`: one planning and sending pass, registered on :data:`tracker.cli.common.cli`.

Heavy libraries are imported inside the command (see tests/test_cli_parse.py).
"""

from __future__ import annotations

from datetime import datetime

import click

from tracker.cli.common import IsoDateTime, app, aware, cli, mail_links, reports_errors


@cli.command("remind")
@click.option(
    "--now",
    "now",
    type=IsoDateTime(),
    help="Plan and send as if it were this moment (default: the clock); without an offset it "
    "is read in [policy] timezone.",
)
@click.option(
    "--dry-run",
    "dry_run",
    is_flag=True,
    help="Show what would be queued and sent; change nothing, send nothing.",
)
@reports_errors
def remind_command(now: datetime | None, dry_run: bool) -> None:
    """Run one pass: queue the reminders, overdue notices, escalations and digests due now,
    then send what the outbox holds for now, and say what went to whom."""
    from tracker.notify.remind import plan_pass
    from tracker.notify.send import send_now

    settings = app().settings
    engine = app().engine()
    moment = aware(now) if now is not None else app().now()
    # A dry run changes nothing, not even the signing key that links would need.
    links = None if dry_run else mail_links(engine)
    report = plan_pass(engine, settings, moment, dry_run=dry_run, link_maker=links)
    for line in report.lines():
        click.echo(line)
    if dry_run:
        return
    sent = send_now(engine, settings, moment)
    for row in sent.lines:
        note = f" ({row.error})" if row.error else ""
        click.echo(f"{row.outcome.value}: #{row.id} to {', '.join(row.to)}: «{row.subject}»{note}")
    where = f" to {settings.mail.dir}" if settings.mail.transport == "file" else ""
    click.echo(f"send: {sent.summary()}{where}")
