"""What every command module shares: the ``tracker`` group, the application context, the
error wrapper and the parameter types.

Command modules (one per group of commands) import from here and register on :data:`cli`;
:mod:`tracker.cli` imports them all. Heavy stacks (database, scheduler, mail) are imported
inside the commands that need them, so ``tracker parse`` starts fast. Every
:class:`~tracker.errors.TrackerError` becomes one line on standard error and its exit code;
nothing a user typed wrong ends in a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import wraps
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import click

from tracker.context import AppContext
from tracker.errors import TrackerError, UsageError
from tracker.terms.model import Period

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from tracker.web.mail_links import MailLinks

P = ParamSpec("P")
R = TypeVar("R")


def reports_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn a TrackerError into one line on stderr and the error's exit code."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except TrackerError as error:
            click.echo(f"tracker: error: {error}", err=True)
            sys.exit(error.exit_code)
        except BrokenPipeError:
            sys.exit(0)

    return wrapper


class PeriodType(click.ParamType):  # type: ignore[type-arg]
    name = "START:END"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, Period):
            return value
        try:
            return Period.parse(str(value))
        except UsageError as error:
            self.fail(str(error), param, ctx)


#: The module of :mod:`tracker.cli` that defines each top-level command. A module is imported only
#: when one of its commands is run or listed, so ``tracker parse`` loads no other command's
#: code; ``tests/test_docs.py`` checks that the table names every command and only those.
COMMAND_MODULES: dict[str, str] = {
    "parse": "parse",
    "config": "settings",
    "db": "settings",
    "import": "importing",
    "sync": "store",
    "status": "store",
    "done": "store",
    "start": "store",
    "cancel": "store",
    "extend": "store",
    "history": "store",
    "report": "report",
    "reopen": "report",
    "people": "people",
    "remind": "remind",
    "check": "mail",
    "send-test": "mail",
    "outbox": "mail",
    "run": "daemon",
    "health": "daemon",
    "serve": "web",
    "user": "web",
    "feed": "web",
    "link": "web",
    "logins": "logins",
}


class LazyGroup(click.Group):
    """A group whose commands are imported from :data:`COMMAND_MODULES` on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | COMMAND_MODULES.keys())

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMAND_MODULES.get(cmd_name)
        if cmd_name not in self.commands and module is not None:
            import importlib

            importlib.import_module(f"tracker.cli.{module}")
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="tracker")
@click.option(
    "--config",
    "config_path",
    metavar="PATH",
    default=None,
    help="Read settings from this TOML file (default: ./config.toml if present).",
)
@click.pass_context
def cli(ctx: click.Context, config_path: str | None) -> None:
    """Track deadlines of Russian administrative roadmaps and remind the people responsible."""
    ctx.meta["tracker.config"] = config_path


def app() -> AppContext:
    """The application context of this invocation, built on first use from ``--config``,
    ./config.toml, the defaults and the environment, and closed when the command ends."""
    root = click.get_current_context().find_root()
    if not isinstance(root.obj, AppContext):
        from tracker.config import load_settings

        root.obj = AppContext(settings=load_settings(root.meta.get("tracker.config")))
        root.call_on_close(root.obj.close)
    return root.obj


def mail_links(engine: Engine) -> MailLinks:
    """Signed item and pause links for the mail a command sends, valid from the real now (so a
    pass at a simulated moment, ``--now 2022-09-12T10:00``, does not send expired links)."""
    from tracker.web.mail_links import item_links

    context = app()
    return item_links(engine, context.settings, context.now(), clock=context.clock)


def actor(name: str | None) -> str:
    """Who does a change: ``name``, or the login of the user running the command."""
    if name:
        return name
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


class IsoDate(click.ParamType):  # type: ignore[type-arg]
    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from datetime import date

        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            pass
        day = russian_day(str(value))
        if day is None:
            self.fail(
                f"{value!r} is not a date YYYY-MM-DD (15.03.2024 and «15 марта 2024» work too)",
                param,
                ctx,
            )
        return day


_NUMERIC_DAY = r"(\d{1,2})\.(\d{1,2})\.(\d{4})"
_WORDED_DAY = r"(\d{1,2})\s+([а-яё.]+)\s+(\d{4})(?:\s*(?:г\.?|года))?"


def russian_day(text: str) -> date | None:
    """One calendar day written the Russian way («15.03.2024», «15 марта 2024 г.»); the month
    names come from the phrase lexicon. None when the text is not such a day."""
    import re

    text = text.strip().lower()
    if found := re.fullmatch(_NUMERIC_DAY, text):
        day, month, year = (int(part) for part in found.groups())
    elif found := re.fullmatch(_WORDED_DAY, text):
        from tracker.terms.lexer import lexicon

        kind, value = lexicon().words.get(found.group(2).rstrip("."), ("", 0))
        if kind != "month" or not isinstance(value, int):
            return None
        day, month, year = int(found.group(1)), value, int(found.group(3))
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


class IsoDateTime(click.ParamType):  # type: ignore[type-arg]
    """An ISO date and time; without an offset it is read in ``[policy] timezone``."""

    name = "ISO-DATETIME"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from datetime import datetime

        if isinstance(value, datetime):
            return value
        text = str(value).strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            moment = None
        if moment is None or len(text) <= 10:
            self.fail(
                f"{value!r} is not a date and time: give e.g. 2022-10-03T10:00 (in [policy] "
                "timezone) or 2022-10-03T07:00Z",
                param,
                ctx,
            )
        return moment


def aware(moment: datetime) -> datetime:
    """``moment`` in UTC; a naive one is read in ``[policy] timezone``."""
    from zoneinfo import ZoneInfo

    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(app().settings.policy.timezone))
    return moment.astimezone(UTC)
