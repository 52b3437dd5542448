"""Commands of the web layer, registered on :data:`tracker.cli.common.cli`.

Import heavy libraries inside the commands, never at module level: `tracker parse` must stay
light (a test checks which modules it imports).
"""

from __future__ import annotations

import sys
from datetime import date
from typing import Any

import click

from tracker.cli.common import IsoDate, app, cli, reports_errors
from tracker.errors import InputError, UsageError


@cli.command("serve")
@click.option("--host", "host", metavar="ADDRESS", help="Listen on ADDRESS (default [web] host).")
@click.option(
    "--port", "port", type=int, metavar="PORT", help="Listen on PORT (default [web] port)."
)
@click.option(
    "--workers",
    "workers",
    type=click.IntRange(1, 64),
    metavar="N",
    help="Server processes (default: one per CPU, at most 4).",
)
@reports_errors
def serve_command(host: str | None, port: int | None, workers: int | None) -> None:
    """Serve the web pages: curators' item links, the coordinator board, calendar feeds."""
    import os

    import uvicorn

    from tracker.web.admin_drafts import drafts_folder
    from tracker.web.serving import CONFIG_VARIABLE, default_processes

    settings = app().settings
    host = host or settings.web.host
    port = port or settings.web.port
    processes = workers or default_processes()
    click.echo(
        f"tracker: serving http://{host}:{port} with {processes} process(es) "
        f"(links use {settings.web.base_url})"
    )
    if processes == 1:
        from tracker.web.app import create_app

        asgi = create_app(
            settings, app().engine(), clock=app().clock, drafts=drafts_folder(settings.database.url)
        )
        uvicorn.run(asgi, host=host, port=port, log_level="info", proxy_headers=True)
        return
    from tracker.web.signing import signing_secret

    # here, before any worker starts: the schema is checked, the signing key stored once
    signing_secret(app().engine(), settings.web, app().now())
    drafts_folder(settings.database.url)
    config = click.get_current_context().find_root().meta.get("tracker.config")
    os.environ[CONFIG_VARIABLE] = os.path.abspath(config) if config else ""
    # each worker's threads would each grow a malloc arena of their own: two are enough
    os.environ.setdefault("MALLOC_ARENA_MAX", "2")
    uvicorn.run(
        "tracker.web.serving:worker_app",
        factory=True,
        workers=processes,
        host=host,
        port=port,
        log_level="info",
        proxy_headers=True,
    )


def _password(password_stdin: bool) -> str:
    if password_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise UsageError("no password on standard input")
        return line
    password: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


@cli.group("user")
def user_group() -> None:
    """Board accounts: add, list, change a password, disable or enable."""


@user_group.command("add")
@click.argument("login")
@click.option(
    "--role",
    "role",
    type=click.Choice(("admin", "coordinator")),
    required=True,
    help="admin sees every roadmap; coordinator only its --roadmap ones.",
)
@click.option(
    "--roadmap",
    "roadmaps",
    multiple=True,
    metavar="SLUG",
    help="A roadmap the coordinator sees (repeat for more).",
)
@click.option("--name", "name", metavar="NAME", help="Shown on the pages and in the history.")
@click.option(
    "--password-stdin", "password_stdin", is_flag=True, help="Read the password from stdin."
)
@reports_errors
def user_add_command(
    login: str, role: str, roadmaps: tuple[str, ...], name: str | None, password_stdin: bool
) -> None:
    """Create a board account LOGIN; the password is asked for (or read from stdin)."""
    from tracker.store.models import AccountRole
    from tracker.web.accounts import add_account, check_password_rules

    engine = app().engine()
    password = _password(password_stdin)
    check_password_rules(password)
    account = add_account(
        engine,
        login,
        password,
        role=AccountRole(role),
        roadmaps=roadmaps,
        name=name,
        now=app().now(),
    )
    seen = ", ".join(account.roadmaps) if account.roadmaps else "every roadmap"
    click.echo(f"account {account.login} ({account.role.value}, sees {seen}) created")


@user_group.command("list")
@reports_errors
def user_list_command() -> None:
    """List board accounts: login, name, role, roadmaps, state."""
    from tracker.web.accounts import list_accounts

    accounts = list_accounts(app().engine())
    if not accounts:
        click.echo("no accounts yet: tracker user add LOGIN --role admin")
        return
    for account in accounts:
        seen = ",".join(account.roadmaps) if account.roadmaps else "*"
        state = f"disabled {account.disabled_at:%Y-%m-%d}" if account.disabled_at else "active"
        click.echo(f"{account.login}\t{account.role.value}\t{seen}\t{state}\t{account.name}")


@user_group.command("passwd")
@click.argument("login")
@click.option(
    "--password-stdin", "password_stdin", is_flag=True, help="Read the password from stdin."
)
@reports_errors
def user_passwd_command(login: str, password_stdin: bool) -> None:
    """Set a new password for LOGIN; its open sessions end."""
    from tracker.web.accounts import find_account, set_password

    engine = app().engine()
    if find_account(engine, login) is None:
        raise InputError(f"no account {login!r}", hint="see `tracker user list`")
    set_password(engine, login, _password(password_stdin))
    click.echo(f"password of {login} changed")


@user_group.command("disable")
@click.argument("login")
@click.option("--enable", "enable", is_flag=True, help="Enable the account again instead.")
@reports_errors
def user_disable_command(login: str, enable: bool) -> None:
    """Disable LOGIN (it cannot log in; open sessions end), or --enable it again."""
    from tracker.web.accounts import set_disabled

    set_disabled(app().engine(), login, None if enable else app().now())
    click.echo(f"account {login} {'enabled' if enable else 'disabled'}")


def _executor(engine: Any, name: str) -> tuple[int, str]:
    from sqlalchemy import select

    from tracker.store.status import executor_ids
    from tracker.store.tables import EXECUTOR

    ids = executor_ids(engine, name)
    with engine.connect() as conn:
        rows = conn.execute(
            select(EXECUTOR.c.id, EXECUTOR.c.name).where(EXECUTOR.c.id.in_(ids))
        ).all()
    if len(rows) > 1:
        names = "; ".join(row.name for row in rows[:5])
        raise InputError(f"{name!r} matches {len(rows)} executors: {names}", hint="be exact")
    return int(rows[0].id), str(rows[0].name)


@cli.group("feed")
def feed_group() -> None:
    """Executors' iCalendar feeds (secret URLs a calendar app subscribes to)."""


@feed_group.command("url")
@click.argument("executor", metavar="EXECUTOR")
@click.option("--new", "renew", is_flag=True, help="Replace the secret: the old URL stops working.")
@reports_errors
def feed_url_command(executor: str, renew: bool) -> None:
    """Print the secret iCalendar URL of EXECUTOR (name or alias); made on first use."""
    from tracker.web.feeds import feed_secret, feed_url

    engine = app().engine()
    executor_id, _name = _executor(engine, executor)
    secret = feed_secret(engine, executor_id, app().now(), renew=renew)
    click.echo(feed_url(app().settings.web.base_url, secret))


@cli.command("link")
@click.argument("ref", metavar="ROADMAP:NUMBER")
@click.option("--for", "recipient", metavar="EXECUTOR", required=True, help="Whose link it is.")
@click.option(
    "--due", "due", type=IsoDate(), help="Which occurrence (its due date); default: earliest open."
)
@reports_errors
def link_command(ref: str, recipient: str, due: date | None) -> None:
    """Print a signed item link for ROADMAP:NUMBER, as the reminders send it, for EXECUTOR."""
    from tracker.store.changes import _pick, resolve
    from tracker.web.signing import item_link, signing_secret

    engine = app().engine()
    settings = app().settings
    executor_id, _name = _executor(engine, recipient)
    with engine.connect() as conn:
        row, _picked = _pick(conn, resolve(conn, ref), due)
    now = app().now()
    secret = signing_secret(engine, settings.web, now)
    click.echo(item_link(settings.web, secret, int(row.id), f"executor:{executor_id}", now))
