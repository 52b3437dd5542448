"""One spec of every configuration key: TOML file + ``TRACKER_<SECTION>_<KEY>`` → frozen settings.

The same :data:`SPEC` validates a file, reads the environment and writes ``config.example.toml``
(:func:`example_toml`); a test keeps the committed example equal to what the spec generates.

Where the settings come from, later wins:

1. the embedded defaults below (a SQLite file ``tracker.db`` and ``./schedules`` in the working
   directory, mail written as ``.eml`` files to ``./outbox``);
2. the file given by ``tracker --config PATH``, else ``./config.toml`` when it exists;
3. environment variables ``TRACKER_<SECTION>_<KEY>``, e.g. ``TRACKER_DATABASE_URL``.

Relative paths are relative to the working directory. Nothing here is heavier than the standard
library, so every command can read its settings cheaply.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import time
from pathlib import Path
from typing import Any

from tracker.calendar import Shift
from tracker.errors import ConfigError
from tracker.timezones import is_zone

ENV_PREFIX = "TRACKER_"
DEFAULT_FILE = "config.toml"

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
RHYTHMS = ("monthly", "quarterly", "halfyearly", "yearly", "none")


# --- settings: what the rest of tracker reads ------------------------------------------------


@dataclass(frozen=True, slots=True)
class DatabaseSettings:
    url: str
    timeout: float


@dataclass(frozen=True, slots=True)
class SchedulesSettings:
    dir: Path
    executors: str

    @property
    def executors_path(self) -> Path:
        return self.dir / self.executors


@dataclass(frozen=True, slots=True)
class MailSettings:
    transport: str
    dir: Path
    sender: str
    admins: tuple[str, ...]
    max_attempts: int
    templates: Path


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str
    port: int
    starttls: bool
    tls: bool
    username: str
    password: str
    timeout: float
    connections: int
    ca_file: str


@dataclass(frozen=True, slots=True)
class PolicySettings:
    timezone: str
    shift: Shift
    remind_days: tuple[int, ...]
    before_start_days: tuple[int, ...]
    working_days: bool
    overdue_every_days: int
    escalate_after_days: int
    checkin: str
    due_soon_days: int
    digest_weekday: str
    digest_time: time
    send_from: time
    send_until: time


@dataclass(frozen=True, slots=True)
class DaemonSettings:
    plan_every: int
    send_every: int
    lease_seconds: int
    watch: bool
    log_format: str
    stale_after: int
    max_pending: int
    stop_timeout: int


@dataclass(frozen=True, slots=True)
class WebSettings:
    host: str
    port: int
    base_url: str
    secret: str
    link_days: int
    session_hours: int
    upload_mb: int


@dataclass(frozen=True, slots=True)
class Settings:
    """Every setting, by section. ``source`` names the file read, if any."""

    database: DatabaseSettings
    schedules: SchedulesSettings
    mail: MailSettings
    smtp: SmtpSettings
    policy: PolicySettings
    daemon: DaemonSettings
    web: WebSettings
    source: Path | None = None


# --- value parsers: TOML values or environment strings → typed values --------------------------
# Each raises ValueError whose text completes «expected …, got …».


Parser = Callable[[object], Any]


def _text(value: object) -> str:
    if isinstance(value, str):
        return value
    raise ValueError("a string")


def _path(value: object) -> Path:
    text = _text(value).strip()
    if not text:
        raise ValueError("a path")
    return Path(text)


def _integer(low: int, high: int | None = None) -> Parser:
    what = f"a whole number from {low}" + (f" to {high}" if high is not None else " up")

    def parse(value: object) -> int:
        if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValueError(what)
        if value < low or (high is not None and value > high):
            raise ValueError(what)
        return value

    return parse


def _seconds(value: object) -> float:
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            raise ValueError("a number of seconds") from None
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ValueError("a number of seconds above 0")
    return float(value)


_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


def _boolean(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise ValueError("true or false")


def _day_list(value: object) -> tuple[int, ...]:
    items: Sequence[object]
    if isinstance(value, str):
        items = [part for part in value.replace(" ", "").split(",") if part]
    elif isinstance(value, list):
        items = value
    else:
        raise ValueError("a list of whole numbers of days, e.g. [14, 3, 1]")
    one = _integer(0)
    try:
        days = [one(item) for item in items]
    except ValueError:
        raise ValueError("a list of whole numbers of days, e.g. [14, 3, 1]") from None
    return tuple(sorted(set(days), reverse=True))


def _address_list(value: object) -> tuple[str, ...]:
    items: Sequence[object]
    if isinstance(value, str):
        items = [part.strip() for part in value.split(",") if part.strip()]
    elif isinstance(value, list):
        items = value
    else:
        raise ValueError("a list of e-mail addresses")
    if not all(isinstance(item, str) and "@" in item for item in items):
        raise ValueError("a list of e-mail addresses")
    return tuple(str(item) for item in items)


def _address(value: object) -> str:
    text = _text(value).strip()
    if "@" not in text:
        raise ValueError("an e-mail address")
    return text


def _choice(*options: str) -> Parser:
    def parse(value: object) -> str:
        if isinstance(value, str) and value.strip().lower() in options:
            return value.strip().lower()
        raise ValueError("one of " + ", ".join(options))

    return parse


def _shift(value: object) -> Shift:
    return Shift(_choice(*(s.value for s in Shift))(value))


def _clock(value: object) -> time:
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    if isinstance(value, str) and re.fullmatch(r"\s*\d{1,2}:\d{2}\s*", value):
        hours, minutes = (int(part) for part in value.split(":"))
        if hours < 24 and minutes < 60:
            return time(hours, minutes)
    raise ValueError("a time of day HH:MM, e.g. 09:00")


def _timezone(value: object) -> str:
    text = _text(value).strip()
    if not is_zone(text):
        raise ValueError("an IANA time zone, e.g. Europe/Moscow")
    return text


def _web_url(value: object) -> str:
    text = _text(value).strip().rstrip("/")
    if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", text):
        raise ValueError("an http:// or https:// address, e.g. https://tracker.example.org")
    return text


def _signing_secret(value: object) -> str:
    text = _text(value).strip()
    if text and len(text) < 32:
        raise ValueError("at least 32 characters, or empty to generate one")
    return text


def _url(value: object) -> str:
    text = _text(value).strip()
    if not re.match(r"^(sqlite|postgresql)(\+\w+)?://", text):
        raise ValueError("a database URL: sqlite:///FILE or postgresql+psycopg://USER@HOST/DB")
    return text


# --- the spec -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Key:
    """One configuration key: where it lives, its default, how to read it, what it means."""

    section: str
    name: str
    default: Any
    parse: Parser
    doc: str
    attr: str = ""
    secret: bool = False

    @property
    def field(self) -> str:
        return self.attr or self.name

    @property
    def env(self) -> str:
        return f"{ENV_PREFIX}{self.section}_{self.name}".upper()


SECTIONS: dict[str, tuple[type, str]] = {
    "database": (DatabaseSettings, "Where the store lives."),
    "schedules": (SchedulesSettings, "Where the schedule files (one TOML file per roadmap) live."),
    "mail": (MailSettings, "How messages leave: .eml files in a folder, or SMTP."),
    "smtp": (SmtpSettings, 'The SMTP server, used when [mail] transport = "smtp".'),
    "policy": (PolicySettings, "When to remind, whom and how: the reminder policy."),
    "daemon": (DaemonSettings, "The service started by `tracker run`."),
    "web": (WebSettings, "The web pages for curators and coordinators."),
}

SPEC: tuple[Key, ...] = (
    Key("database", "url", "sqlite:///tracker.db", _url,
        "SQLAlchemy URL: sqlite:///FILE (relative to the working directory) or\n"
        "postgresql+psycopg://USER:PASSWORD@HOST:PORT/DB."),
    Key("database", "timeout", 30.0, _seconds,
        "Seconds to wait for a locked SQLite file or a PostgreSQL connection."),
    Key("schedules", "dir", "schedules", _path,
        "Folder of schedule files (*.toml), read by `tracker sync` and watched by the daemon."),
    Key("schedules", "executors", "executors.toml", _text,
        "File inside the schedules folder that lists executors: names, aliases, addresses."),
    Key("mail", "transport", "file", _choice("file", "smtp"),
        "\"file\" writes .eml files to [mail] dir; \"smtp\" sends through [smtp]."),
    Key("mail", "dir", "outbox", _path,
        "Folder for .eml files when transport = \"file\"."),
    Key("mail", "from", "tracker@example.org", _address,
        "Sender address of every message.", attr="sender"),
    Key("mail", "admins", [], _address_list,
        "Addresses of the tracker's admins: they get the «нужны сроки» list in the digest."),
    Key("mail", "max_attempts", 10, _integer(1, 100),
        "Tries per message before it is marked failed; retries wait 1, 2, 4 … minutes,\n"
        "at most an hour, and only within [policy] send_from … send_until."),
    Key("mail", "templates", "templates", _path,
        "Folder of the message templates (Jinja2), which admins may edit: {kind}-subject.txt.j2,\n"
        "{kind}.txt.j2 and {kind}.html.j2 per kind. `tracker check` renders them all on sample\n"
        "data. When the default folder is missing, the templates shipped with tracker are used."),
    Key("smtp", "host", "localhost", _text, "SMTP server host name."),
    Key("smtp", "port", 587, _integer(1, 65535), "SMTP server port (587 STARTTLS, 465 TLS)."),
    Key("smtp", "starttls", True, _boolean, "Upgrade the connection with STARTTLS."),
    Key("smtp", "tls", False, _boolean,
        "Implicit TLS from the first byte (port 465); excludes starttls."),
    Key("smtp", "username", "", _text, "Login for AUTH; empty means no AUTH."),
    Key("smtp", "password", "", _text,
        "Password for AUTH; better set TRACKER_SMTP_PASSWORD than write it here.", secret=True),
    Key("smtp", "timeout", 30.0, _seconds, "Seconds before a silent server counts as failed."),
    Key("smtp", "connections", 2, _integer(1, 64),
        "At most this many connections to the server at once."),
    Key("smtp", "ca_file", "", _text,
        "PEM file of certificate authorities to trust besides the system's; empty for none."),
    Key("policy", "timezone", "Europe/Moscow", _timezone,
        "Time zone of roadmaps and executors that do not name their own."),
    Key("policy", "shift", "next", _shift,
        "A due date on a non-working day: \"next\" working day (Civil Code, art. 193),\n"
        "\"previous\" working day (office-work rule) or \"none\" (keep it)."),
    Key("policy", "remind_days", [14, 3, 1], _day_list,
        "Remind this many days before the due date."),
    Key("policy", "before_start_days", [1], _day_list,
        "Remind this many days before a window opens; [] for no such reminder."),
    Key("policy", "working_days", False, _boolean,
        "Count the reminder days above as working days instead of calendar days."),
    Key("policy", "overdue_every_days", 7, _integer(1),
        "Repeat the overdue reminder every this many days until the item is done."),
    Key("policy", "escalate_after_days", 14, _integer(1),
        "After this many days overdue, write to the roadmap's coordinator as well."),
    Key("policy", "checkin", "quarterly", _choice(*RHYTHMS),
        "Rhythm of check-ins for continuous activities: " + ", ".join(RHYTHMS) + "."),
    Key("policy", "due_soon_days", 14, _integer(1),
        "\"Due soon\" means due within this many days (status, digest)."),
    Key("policy", "digest_weekday", "monday", _choice(*WEEKDAYS),
        "Day of the coordinator digest."),
    Key("policy", "digest_time", "09:00", _clock,
        "Time of the coordinator digest, in the coordinator's time zone."),
    Key("policy", "send_from", "09:00", _clock,
        "Send no message before this time in the recipient's time zone."),
    Key("policy", "send_until", "18:00", _clock,
        "Send no message after this time in the recipient's time zone."),
    Key("daemon", "plan_every", 300, _integer(1),
        "Seconds between planning passes (notifications into the outbox)."),
    Key("daemon", "send_every", 60, _integer(1), "Seconds between passes that drain the outbox."),
    Key("daemon", "lease_seconds", 300, _integer(1),
        "A claimed outbox row returns to the queue after this many seconds without a result."),
    Key("daemon", "watch", True, _boolean,
        "Sync the schedules folder when its files change, without a restart."),
    Key("daemon", "log_format", "text", _choice("text", "json"),
        "One log line per action: \"text\" or \"json\"."),
    Key("daemon", "stale_after", 1800, _integer(1),
        "`tracker health` fails when the daemon has not ticked for this many seconds."),
    Key("daemon", "max_pending", 500, _integer(1),
        "`tracker health` fails when more outbox rows than this wait to be sent."),
    Key("daemon", "stop_timeout", 30, _integer(1),
        "On SIGTERM, wait this many seconds for sends in flight; rows still claimed after\n"
        "that return to the queue when their lease ends."),
    Key("web", "host", "127.0.0.1", _text, "Address the web pages listen on."),
    Key("web", "port", 8080, _integer(1, 65535), "Port the web pages listen on."),
    Key("web", "base_url", "http://127.0.0.1:8080", _web_url,
        "Address people open the pages at: links in e-mails and feed URLs start with it.\n"
        "Behind a proxy, the public https:// address; https makes the cookies Secure."),
    Key("web", "secret", "", _signing_secret,
        "Key that signs item links, login sessions and form tokens (32+ characters).\n"
        "Empty: one is generated on first use and kept in the database (table web_key),\n"
        "so the daemon and the web server share it. Changing it voids every link sent.",
        secret=True),
    Key("web", "link_days", 60, _integer(1, 366),
        "An item link in an e-mail works for this many days after it is made."),
    Key("web", "session_hours", 12, _integer(1, 720),
        "A coordinator's login lasts this many hours."),
    Key("web", "upload_mb", 20, _integer(1, 500),
        "Largest roadmap document or people list an admin may upload, in megabytes."),
)  # fmt: skip

_BY_NAME: dict[tuple[str, str], Key] = {(key.section, key.name): key for key in SPEC}


# --- loading -----------------------------------------------------------------------------------


def _fail(where: str, key: Key, error: ValueError, value: object) -> ConfigError:
    shown = "***" if key.secret else repr(value)
    return ConfigError(f"{where}: expected {error}, got {shown}")


def _read_file(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as stream:
            return tomllib.load(stream)
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such configuration file") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigError(
            f"{path}: not UTF-8 text", hint="save the configuration file as UTF-8"
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None


def _from_file(path: Path, data: Mapping[str, Any], values: dict[tuple[str, str], Any]) -> None:
    for section, table in data.items():
        if section not in SECTIONS:
            raise ConfigError(
                f"{path}: unknown section [{section}]", hint="known: " + ", ".join(SECTIONS)
            )
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [{section}] must be a table of keys")
        for name, value in table.items():
            key = _BY_NAME.get((section, name))
            if key is None:
                known = ", ".join(k.name for k in SPEC if k.section == section)
                raise ConfigError(f"{path}: unknown key [{section}] {name}", hint=f"known: {known}")
            try:
                values[(section, name)] = key.parse(value)
            except ValueError as error:
                raise _fail(f"{path}: [{section}] {name}", key, error, value) from None


def _from_env(env: Mapping[str, str], values: dict[tuple[str, str], Any]) -> None:
    by_env = {key.env: key for key in SPEC}
    for variable, value in env.items():
        if not variable.startswith(ENV_PREFIX):
            continue
        key = by_env.get(variable)
        if key is None:
            section = variable[len(ENV_PREFIX) :].split("_", 1)[0].lower()
            if section in SECTIONS:
                known = ", ".join(k.env for k in SPEC if k.section == section)
                raise ConfigError(f"unknown setting {variable}", hint=f"known: {known}")
            continue
        try:
            values[(key.section, key.name)] = key.parse(value)
        except ValueError as error:
            raise _fail(variable, key, error, value) from None


def _check(settings: Settings, origin: str) -> None:
    if settings.smtp.tls and settings.smtp.starttls:
        raise ConfigError(
            f"{origin}: [smtp] tls and starttls are both true",
            hint="use tls = true for port 465, starttls = true for port 587, not both",
        )
    if settings.policy.send_from >= settings.policy.send_until:
        raise ConfigError(f"{origin}: [policy] send_from must come before send_until")


def _defaults() -> dict[tuple[str, str], Any]:
    return {(key.section, key.name): key.parse(key.default) for key in SPEC}


def _build(values: Mapping[tuple[str, str], Any], source: Path | None) -> Settings:
    sections: dict[str, Any] = {}
    for section, (cls, _doc) in SECTIONS.items():
        keys = [key for key in SPEC if key.section == section]
        sections[section] = cls(**{key.field: values[(section, key.name)] for key in keys})
    settings = Settings(**sections, source=source)
    _check(settings, str(source) if source else "configuration")
    return settings


def load_settings(
    path: Path | str | None = None,
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Settings:
    """Read the settings: defaults, then the file, then ``TRACKER_*`` environment variables.

    ``path`` is ``--config``; without it ``./config.toml`` is read when it exists.
    """
    values = _defaults()
    source: Path | None = None
    if path is not None:
        source = Path(path)
    elif (candidate := (cwd or Path.cwd()) / DEFAULT_FILE).is_file():
        source = candidate
    if source is not None:
        _from_file(source, _read_file(source), values)
    _from_env(os.environ if env is None else env, values)
    return _build(values, source)


def default_settings() -> Settings:
    """The embedded defaults, ignoring any file and the environment."""
    return _build(_defaults(), None)


# --- the example file --------------------------------------------------------------------------


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        import json

        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    raise TypeError(f"no TOML form for {value!r}")


def example_toml() -> str:
    """``config.example.toml``: every key with its default, its variable and a comment."""
    lines = [
        "# tracker configuration: every key, with its default.",
        "#",
        "# tracker reads the file given by `tracker --config PATH`, else ./config.toml if it",
        "# exists, else uses these defaults. Each key can be overridden by an environment",
        "# variable TRACKER_<SECTION>_<KEY> (lists as comma-separated values), e.g.",
        "# TRACKER_DATABASE_URL or TRACKER_SMTP_PASSWORD. Relative paths are relative to the",
        "# working directory. Generated from tracker/config.py: `tracker config example`.",
    ]
    for section, (_cls, doc) in SECTIONS.items():
        lines += ["", f"# {doc}", f"[{section}]"]
        for key in (key for key in SPEC if key.section == section):
            lines.append("")
            lines += [f"# {line}" for line in key.doc.splitlines()]
            lines.append(f"# Environment: {key.env}")
            lines.append(f"{key.name} = {_toml_value(key.default)}")
    return "\n".join(lines) + "\n"


def describe(settings: Settings) -> list[tuple[str, str]]:
    """``[section] key`` → value as text, secrets masked: for `tracker config show`."""
    out: list[tuple[str, str]] = []
    for key in SPEC:
        value = getattr(getattr(settings, key.section), key.field)
        if key.secret and value:
            text = "***"
        elif isinstance(value, tuple):
            text = ", ".join(str(item) for item in value)
        elif isinstance(value, time):
            text = value.strftime("%H:%M")
        else:
            text = str(value)
        out.append((f"[{key.section}] {key.name}", text))
    return out


def _spec_matches_settings() -> None:
    for section, (cls, _doc) in SECTIONS.items():
        wanted = {f.name for f in fields(cls)}
        named = {key.field for key in SPEC if key.section == section}
        if wanted != named:  # pragma: no cover - a programming error caught at import
            raise AssertionError(f"[{section}] spec and {cls.__name__} differ: {wanted ^ named}")


_spec_matches_settings()
