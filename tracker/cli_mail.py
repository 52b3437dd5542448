"""Commands of the mail layer, registered on :data:`tracker.cli.cli`.

Import heavy libraries inside the commands, never at module level: `tracker parse` must stay
light (a test checks which modules it imports).
"""

from __future__ import annotations

import click

from tracker.cli import _now, _settings, reports_errors
from tracker.cli import cli as cli  # the group these commands join


@cli.command("check")
@reports_errors
def check_command() -> None:
    """Check the configuration and the message templates: every template is rendered on sample
    data, so a template error shows now rather than when a message is due."""
    from tracker.calendar import russian_calendar
    from tracker.errors import ConfigError
    from tracker.notify.model import MessageKind
    from tracker.notify.policy import calendar_warnings
    from tracker.notify.render import check, resolve_templates_dir

    settings = _settings()
    click.echo(f"ok: configuration ({settings.source or 'embedded defaults'})")
    folder = resolve_templates_dir(settings.mail.templates)
    problems = check(folder, settings.policy)
    if problems:
        more = len(problems) - 1
        hint = f"and {more} more problem{'s' if more > 1 else ''}" if more else None
        raise ConfigError(problems[0], hint=hint)
    click.echo(f"ok: templates in {folder} ({len(MessageKind)} kinds render on sample data)")
    year = _now().year
    warnings = calendar_warnings([year], russian_calendar())
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    if not warnings:
        click.echo(f"ok: working-day calendar for {year}")
