"""`tracker logins`: the board's login attempts and who is being throttled, for admins.

Import heavy libraries inside the command, never at module level: `tracker parse` must stay
light (a test checks which modules it imports).
"""

from __future__ import annotations

import click

from tracker.cli.common import app, cli, reports_errors

OUTCOMES = {"ok": "вход", "wrong": "неверно", "throttled": "задержан"}


@cli.command("logins")
@click.option("--login", "login", metavar="LOGIN", help="Only the attempts on this login.")
@click.option(
    "--limit", "limit", type=click.IntRange(1), default=30, show_default=True,
    help="Show at most this many attempts, newest first.",
)  # fmt: skip
@reports_errors
def logins_command(login: str | None, limit: int) -> None:
    """Show recent board login attempts and the logins and addresses throttled now."""
    from tracker.web.throttle import WINDOW, recent_attempts, under_pressure

    engine = app().engine()
    now = app().now()
    zone = app().settings.policy.timezone
    from zoneinfo import ZoneInfo

    local = ZoneInfo(zone)
    pressure = under_pressure(engine, now)
    minutes = int(WINDOW.total_seconds() // 60)
    if pressure:
        click.echo(f"Неудачные попытки за {minutes} мин:")
        for item in pressure:
            kind = "логин" if item.kind == "login" else "адрес"
            wait = f", задержка ещё {item.waits} с" if item.waits else ""
            click.echo(f"  {kind} {item.name}: {item.failures}{wait}")
    else:
        click.echo(f"Неудачных попыток за {minutes} мин нет.")
    attempts = recent_attempts(engine, limit=limit, login=login)
    if not attempts:
        click.echo("Попыток входа нет.")
        return
    click.echo("Последние попытки:")
    for attempt in attempts:
        at = attempt.at.astimezone(local).strftime("%d.%m.%Y %H:%M:%S")
        outcome = OUTCOMES.get(attempt.outcome, attempt.outcome)
        click.echo(f"  {at}\t{outcome}\t{attempt.login}\t{attempt.address}")
