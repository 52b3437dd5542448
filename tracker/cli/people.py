"""`tracker people …`: the people directory (``[schedules] executors``) from the command line.

The same functions as the admins' web page (:mod:`tracker.store.people`); the file keeps its
comments. The commands change the file only: `tracker sync` (or the daemon) loads it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from tracker.cli.common import app, cli, reports_errors

if TYPE_CHECKING:
    from tracker.store.people import PersonFields

_SYNC_HINT = "run `tracker sync` to load it into the database"


def _path() -> Path:
    return app().settings.schedules.executors_path


@cli.group("people")
def people_group() -> None:
    """The people directory: ФИО, e-mail, organisation, position and aliases of executors."""


@people_group.command("list")
@reports_errors
def list_command() -> None:
    """List the directory: name, e-mail, organisation, position, aliases."""
    from tracker.store.people import list_people

    for entry in list_people(_path()):
        parts = [
            entry.name + (" (организация)" if entry.kind == "organisation" else ""),
            ", ".join(entry.emails) or "—",
            entry.organisation or "—",
            entry.role or "—",
        ]
        if entry.aliases:
            parts.append("также: " + "; ".join(entry.aliases))
        click.echo(" | ".join(parts))


def _fields(
    name: str | None,
    emails: tuple[str, ...],
    organisation: str | None,
    position: str | None,
    aliases: tuple[str, ...],
    kind: str | None,
) -> PersonFields:
    from tracker.store.people import PersonFields

    return PersonFields(
        name=name,
        emails=emails or None,
        organisation=organisation,
        role=position,
        aliases=aliases or None,
        kind=kind,
    )


_email = click.option("--email", "emails", multiple=True, metavar="ADDRESS",
                      help="An e-mail address (repeat for several).")  # fmt: skip
_organisation = click.option("--organisation", "organisation", metavar="TEXT",
                             help="Where the person works.")  # fmt: skip
_position = click.option("--position", "position", metavar="TEXT",
                         help="The position (должность) or role.")  # fmt: skip
_alias = click.option("--alias", "aliases", multiple=True, metavar="TEXT",
                      help="Another spelling plans use, e.g. «Бычкова О.И.» (repeat).")  # fmt: skip
_kind = click.option("--kind", "kind", type=click.Choice(("person", "organisation")),
                     default=None, help="A person (default) or an organisation.")  # fmt: skip


@people_group.command("add")
@click.argument("name")
@_email
@_organisation
@_position
@_alias
@_kind
@reports_errors
def add_command(
    name: str,
    emails: tuple[str, ...],
    organisation: str | None,
    position: str | None,
    aliases: tuple[str, ...],
    kind: str | None,
) -> None:
    """Add NAME (ФИО or an organisation) to the directory."""
    from tracker.store.people import add_people

    add_people(_path(), [_fields(name, emails, organisation, position, aliases, kind)])
    click.echo(f"tracker: added «{name}» to {_path()}; {_SYNC_HINT}", err=True)


@people_group.command("edit")
@click.argument("name")
@click.option("--name", "new_name", metavar="TEXT", help="A new name (ФИО).")
@_email
@_organisation
@_position
@_alias
@_kind
@reports_errors
def edit_command(
    name: str,
    new_name: str | None,
    emails: tuple[str, ...],
    organisation: str | None,
    position: str | None,
    aliases: tuple[str, ...],
    kind: str | None,
) -> None:
    """Change the entry NAME (or one of its aliases): the options given replace its values."""
    from tracker.store.people import edit_person

    edit_person(_path(), name, _fields(new_name, emails, organisation, position, aliases, kind))
    click.echo(f"tracker: changed «{name}» in {_path()}; {_SYNC_HINT}", err=True)


@people_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@reports_errors
def import_command(file: str) -> None:
    """Add or update people from FILE (.csv or .xlsx; first row: ФИО, e-mail, Организация,
    Должность, Псевдонимы)."""
    from tracker.errors import InputError
    from tracker.store.people import import_people, read_people

    try:
        data = Path(file).read_bytes()
    except OSError as error:
        raise InputError(f"cannot read {file}: {error.strerror}") from None
    report = import_people(_path(), read_people(file, data))
    click.echo(
        f"tracker: {len(report.added)} added, {len(report.updated)} updated, "
        f"{report.unchanged} unchanged in {_path()}; {_SYNC_HINT}",
        err=True,
    )


@people_group.command("export")
@click.option("-o", "--output", "output", metavar="FILE", default=None,
              help="Write the CSV to FILE (default: print it).")  # fmt: skip
@reports_errors
def export_command(output: str | None) -> None:
    """Print the directory as CSV (UTF-8; the columns `tracker people import` reads)."""
    from tracker.store.people import export_people, list_people

    text = export_people(list_people(_path()))
    if output:
        Path(output).write_text("\ufeff" + text, encoding="utf-8", newline="")
        click.echo(f"tracker: wrote {output}", err=True)
    else:
        click.echo(text, nl=False)
