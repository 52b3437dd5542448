"""Commands of the mail layer, registered on :data:`tracker.cli.common.cli`.

Import heavy libraries inside the commands, never at module level: `tracker parse` must stay
light (a test checks which modules it imports).
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from tracker.cli.common import app, cli, reports_errors
from tracker.errors import UsageError

_OUTBOX_STATES = ("pending", "sending", "sent", "failed", "superseded")


@cli.command("send-test")
@click.argument("address")
@reports_errors
def send_test_command(address: str) -> None:
    """Send one test message to ADDRESS through the configured transport, now: checks the
    [mail] and [smtp] settings (host, port, TLS, AUTH)."""
    from tracker.notify.send import send_test_now

    if "@" not in address:
        raise UsageError(f"{address!r} is not an e-mail address")
    where = send_test_now(app().settings, address.strip(), app().now())
    click.echo(f"sent a test message to {address.strip()} via {where}")


def _when(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value is not None else ""


def _outbox_json(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "state": row.state,
        "kind": row.kind,
        "to": list(row.to_addrs),
        "subject": row.subject,
        "attempts": row.attempts,
        "next_attempt_at": row.next_attempt_at.isoformat(),
        "sent_at": row.sent_at.isoformat() if row.sent_at else None,
        "failed_at": row.failed_at.isoformat() if row.failed_at else None,
        "claimed_by": row.claimed_by,
        "last_error": row.last_error,
        "message_id": row.message_id,
        "key": row.key,
    }


def _outbox_table(rows: list[Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(header_style="bold")
    for title in ("id", "state", "tries", "when (UTC)", "to", "subject", "last error"):
        table.add_column(title, overflow="fold")
    for row in rows:
        when = {"sent": row.sent_at, "failed": row.failed_at}.get(row.state, row.next_attempt_at)
        table.add_row(
            str(row.id),
            row.state,
            str(row.attempts),
            _when(when),
            "\n".join(row.to_addrs),
            row.subject,
            row.last_error or "",
        )
    console = Console(file=sys.stdout, width=max(Console(file=sys.stdout).width, 120))
    console.print(table if rows else "the outbox has no such rows")


@cli.group("outbox", invoke_without_command=True)
@click.option(
    "--state", "state", type=click.Choice(_OUTBOX_STATES), help="Only rows in this state."
)
@click.option(
    "--limit", "limit", type=click.IntRange(1), default=50, show_default=True, help="At most N."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("table", "json")),
    default="table",
    show_default=True,
    help="A table, or JSON for machines.",
)
@click.pass_context
@reports_errors
def outbox_group(ctx: click.Context, state: str | None, limit: int, fmt: str) -> None:
    """List the outbox, newest first (`tracker outbox retry ID` sends a row again)."""
    if ctx.invoked_subcommand is not None:
        return
    from tracker.notify.outbox import list_rows

    rows = list_rows(app().engine(), state, limit=limit)
    if fmt == "json":
        click.echo(json.dumps([_outbox_json(row) for row in rows], ensure_ascii=False, indent=1))
    else:
        _outbox_table(rows)


@outbox_group.command("retry")
@click.argument("row_id", metavar="ID", type=int)
@click.option("--force", "force", is_flag=True, help="Send it again even if it was sent.")
@click.option(
    "--queue-only", "queue_only", is_flag=True, help="Queue it for the next send pass only."
)
@reports_errors
def outbox_retry_command(row_id: int, force: bool, queue_only: bool) -> None:
    """Send outbox row ID again: a failed or superseded row (or, with --force, a sent one) is
    queued and sent now through the configured transport, within the sending hours."""
    from tracker.errors import SendError
    from tracker.notify.outbox import retry
    from tracker.notify.send import send_now

    engine, settings, now = app().engine(), app().settings, app().now()
    retry(engine, row_id, now, force=force)
    if queue_only:
        click.echo(f"outbox row {row_id} is queued for the next send pass")
        return
    report = send_now(engine, settings, now, only=[row_id])
    for line in report.lines:
        error = f": {line.error}" if line.error else ""
        click.echo(f"outbox row {line.id} → {', '.join(line.to)}: {line.outcome.value}{error}")
    if not report.lines:
        click.echo(f"outbox row {row_id} is queued for the next send pass")
    if report.failed or report.retried:
        raise SendError(f"outbox row {row_id} was not sent", permanent=bool(report.failed))


@cli.command("check")
@reports_errors
def check_command() -> None:
    """Check the configuration and the message templates: every template is rendered on sample
    data, so a template error shows now rather than when a message is due."""
    from tracker.calendar import russian_calendar
    from tracker.errors import ConfigError
    from tracker.notify.model import MessageKind
    from tracker.notify.policy import calendar_warnings
    from tracker.notify.render import resolve_templates_dir
    from tracker.notify.template_check import check

    settings = app().settings
    click.echo(f"ok: configuration ({settings.source or 'embedded defaults'})")
    folder = resolve_templates_dir(settings.mail.templates)
    problems = check(folder, settings.policy)
    if problems:
        more = len(problems) - 1
        hint = f"and {more} more problem{'s' if more > 1 else ''}" if more else None
        raise ConfigError(problems[0], hint=hint)
    click.echo(f"ok: templates in {folder} ({len(MessageKind)} kinds render on sample data)")
    year = app().now().year
    warnings = calendar_warnings([year], russian_calendar())
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    if not warnings:
        click.echo(f"ok: working-day calendar for {year}")
