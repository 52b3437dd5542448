"""`tracker config` and `tracker db`: the settings in effect and the database schema."""

from __future__ import annotations

import click

from tracker.cli.common import app, cli, reports_errors


@cli.group("config")
def config_group() -> None:
    """Show the settings in effect, or the documented example file."""


@config_group.command("show")
@reports_errors
def config_show_command() -> None:
    """Print every setting in effect (secrets masked) and where it came from."""
    from tracker.config import describe

    settings = app().settings
    click.echo(f"# from {settings.source or 'embedded defaults'} and TRACKER_* variables")
    for name, value in describe(settings):
        click.echo(f"{name} = {value}")


@config_group.command("example")
def config_example_command() -> None:
    """Print config.example.toml: every key with its default and a comment."""
    from tracker.config import example_toml

    click.echo(example_toml(), nl=False)


@cli.group("db")
def db_group() -> None:
    """The database schema: apply migrations, show the revision."""


@db_group.command("upgrade")
@reports_errors
def db_upgrade_command() -> None:
    """Create or migrate the database schema to this tracker's version."""
    from tracker.store.db import safe_url, upgrade

    engine = app().engine(check=False)
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

    found = current_revision(app().engine(check=False))
    state = "current" if found == SCHEMA_REVISION else "run `tracker db upgrade`"
    click.echo(f"{found or 'none'} (this tracker needs {SCHEMA_REVISION}: {state})")
