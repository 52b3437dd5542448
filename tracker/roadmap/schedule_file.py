"""Schedule files: a :class:`~tracker.roadmap.model.Roadmap` as TOML people read and edit.

One ``[[activity]]`` table per row, the deadline phrase verbatim, what the phrase language read
(``kind``, ``rule``, ``windows``) shown for review, and two keys for corrections:
``override_phrase`` (read instead of the deadline) and ``override_windows`` (used as they are).
The format is documented in ``schedules/README.md``.

On load every deadline (or ``override_phrase``) is read again by the phrase language: the
computed keys in the file are for people; if they no longer match, a warning says so. Writing is
atomic: a temporary file in the same folder, then a rename; an existing file is only replaced
with ``force``.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

import tomli_w

from tracker.atomic import write_text_atomically
from tracker.errors import InputError, UsageError
from tracker.roadmap.importer import check_timezone, read_deadline
from tracker.roadmap.model import Activity, Roadmap
from tracker.roadmap.slug import LONGEST as SLUG_LONGEST
from tracker.roadmap.slug import RULE as SLUG_RULE
from tracker.roadmap.slug import is_slug
from tracker.terms import Kind, Period, Window
from tracker.terms.model import FIRST_YEAR, LAST_YEAR

FORMAT = 1

_HEADER = """\
# Schedule file for tracker (format {format}): one roadmap, written by `tracker import`{source}
# and read by `tracker sync`. Edit it by hand; the format is described in schedules/README.md.
#
# Every [[activity]] keeps its deadline phrase exactly as the document writes it. Below it,
# kind / rule / windows show what the phrase language read; they are recomputed when the file
# is loaded and are here only for review. To correct an activity, uncomment and fill in one of:
#   override_phrase = "IV квартал 2022 г."        read this phrase instead of `deadline`
#   override_windows = [{{ start = 2022-10-01, due = 2022-12-31 }}]   use these dates as they are
"""

_TOP_KEYS = (
    "format", "slug", "title", "issuer", "timezone", "source", "coordinators", "warnings",
    "document", "period", "section", "activity",
)  # fmt: skip
_ACTIVITY_KEYS = (
    "number", "section", "title", "result", "deadline", "responsible", "source_row", "source",
    "notes",
    "kind", "rule", "windows", "warnings", "error", "override_phrase", "override_windows",
)  # fmt: skip

# The schema of every value: what type it is and how long it may be. Text is TOML text, never a
# number coerced to text; a longer value, or a list with more items, is refused by name.
_TOP_TEXT = {"title": 2_000, "issuer": 2_000, "timezone": 64, "source": 4_096}
_TOP_LISTS = {"coordinators": (1_000, 500), "warnings": (100_000, 10_000)}  # items, characters
_DOCUMENT_TEXT = {"number": 200}
_SECTION_TEXT = {"label": 2_000, "title": 2_000}
_ACTIVITY_TEXT = {
    "number": 64, "section": 2_000, "title": 20_000, "result": 20_000, "deadline": 2_000,
    "override_phrase": 2_000, "kind": 32, "rule": 2_000, "error": 10_000, "source": 200,
}  # fmt: skip
_ACTIVITY_LISTS = {
    "responsible": (1_000, 2_000), "notes": (1_000, 10_000), "warnings": (1_000, 10_000),
}  # fmt: skip
_LONGEST_WINDOWS = 10_000
_LARGEST_ROW = 10**9


# --- writing ----------------------------------------------------------------------------------


def _toml(values: Mapping[str, Any]) -> str:
    """``key = value`` lines for the non-empty ``values``, in order."""
    kept = {key: value for key, value in values.items() if value is not None}
    if not kept:
        return ""
    # a carriage return would not survive a multi-line string (TOML folds CRLF to LF there)
    multiline = not any("\r" in text for text in _strings(kept))
    return tomli_w.dumps(kept, multiline_strings=multiline)


def _strings(value: Any) -> Iterator[str]:
    """Every string inside ``value`` (nested mappings and lists included)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def _window(window: Window) -> dict[str, date]:
    out: dict[str, date] = {}
    if window.start is not None:
        out["start"] = window.start
    out["due"] = window.due
    return out


def _activity(activity: Activity) -> str:
    expansion = activity.expansion
    written = _toml(
        {
            "number": activity.number,
            "section": activity.section,
            "title": activity.title,
            "result": activity.result,
            "deadline": activity.deadline,
            "responsible": list(activity.responsible),
            "source_row": activity.source_row,
            "source": activity.source,
            "notes": list(activity.notes) or None,
        }
    )
    computed = _toml(
        {
            "kind": expansion.kind.value if expansion else Kind.ERROR.value,
            "rule": expansion.rule if expansion and expansion.rule else None,
            "windows": [_window(w) for w in expansion.windows] if expansion else [],
            "warnings": list(expansion.warnings) if expansion and expansion.warnings else None,
            "error": expansion.error if expansion and expansion.kind is Kind.ERROR else None,
        }
    )
    overrides = _toml(
        {
            "override_phrase": activity.override_phrase,
            "override_windows": (
                [_window(w) for w in activity.override_windows]
                if activity.override_windows is not None
                else None
            ),
        }
    )
    parts = ["[[activity]]\n", written, "# read by the phrase language (recomputed on load):\n"]
    parts.append(computed)
    if activity.override_phrase is None:
        parts.append('# override_phrase = ""\n')
    if activity.override_windows is None:
        parts.append("# override_windows = []\n")
    parts.append(overrides)
    return "".join(parts)


def dumps(roadmap: Roadmap) -> str:
    """The schedule file text for ``roadmap``."""
    if roadmap.period is None:
        raise InputError(f"roadmap {roadmap.slug!r} has no period; a schedule file needs one")
    source = f" from {roadmap.source}" if roadmap.source else ""
    parts = [_HEADER.format(format=FORMAT, source=source), "\n"]
    parts.append(
        _toml(
            {
                "format": FORMAT,
                "slug": roadmap.slug,
                "title": roadmap.title,
                "issuer": roadmap.issuer,
                "timezone": roadmap.timezone,
                "source": roadmap.source,
                "coordinators": list(roadmap.coordinators),
                "warnings": list(roadmap.warnings) or None,
            }
        )
    )
    document = _toml({"number": roadmap.document_number, "date": roadmap.document_date})
    if document:
        parts.append("\n[document]\n" + document)
    parts.append("\n[period]\n" + _toml({"start": roadmap.period.start, "end": roadmap.period.end}))
    for key in roadmap.sections:
        parts.append(
            "\n[[section]]\n" + _toml({"label": key, "title": roadmap.section_titles.get(key, key)})
        )
    for activity in roadmap.activities:
        parts.append("\n" + _activity(activity))
    text = "".join(parts)
    _check_reads_back(text, roadmap)
    return text


def _check_reads_back(text: str, roadmap: Roadmap) -> None:
    """Refuse to write what :func:`loads` would refuse (a 200,000-character title, a slug that
    is not one): the complaint names the roadmap's source and the place, not a file never
    written."""
    origin = roadmap.source or roadmap.slug
    marker = Path("\x00")
    try:
        loads(text, marker, phrases=False)
    except InputError as error:
        detail = error.message.removeprefix(f"{marker}:").strip()
        raise InputError(
            f"{origin}: cannot be written as a schedule file: {detail}",
            hint="shorten or correct it in the document",
        ) from None


def write(roadmap: Roadmap, path: Path, *, force: bool = False) -> None:
    """Write ``roadmap`` to ``path`` atomically; an existing file is replaced only with ``force``.

    The text goes to a temporary file in the same folder, which is synced and then renamed over
    ``path``: a reader sees the old file or the new one, never half of one.
    """
    text = dumps(roadmap)
    path = Path(path)
    if path.is_dir():
        raise UsageError(
            f"{path} is a directory", hint="give a file name, e.g. schedules/NAME.toml"
        )
    if path.exists() and not force:
        raise UsageError(f"{path} already exists", hint="pass --force to replace it")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"cannot write {path}: the folder {folder} does not exist")
    write_text_atomically(path, text, replace=force)


# --- reading ----------------------------------------------------------------------------------


class _Reader:
    """Checks one schedule file's values; every complaint names the file and the place."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, message: str) -> InputError:
        place = f" {where}:" if where else ""
        return InputError(f"{self.path}:{place} {message}")

    def keys(self, table: Mapping[str, Any], allowed: Iterable[str], where: str) -> None:
        allowed = tuple(allowed)
        for key in table:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise self.fail(where, f"unknown key {key!r}{hint}")

    def text(
        self, table: Mapping[str, Any], key: str, where: str, *, required: bool, longest: int
    ) -> Any:
        value = table.get(key)
        if value is None:
            if required:
                raise self.fail(where, f"{key!r} is missing")
            return None
        if not isinstance(value, str):
            hint = f' (write it in quotes: {key} = "{value}")' if _scalar(value) else ""
            raise self.fail(where, f"{key!r} must be text, not {_kind(value)}{hint}")
        if len(value) > longest:
            raise self.fail(
                where, f"{key!r} is {len(value):,} characters long; at most {longest:,} are allowed"
            )
        return value

    def texts(
        self, table: Mapping[str, Any], key: str, where: str, *, limits: tuple[int, int]
    ) -> list[str]:
        most, longest = limits
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self.fail(where, f"{key!r} must be a list of text")
        if len(value) > most:
            raise self.fail(
                where, f"{key!r} has {len(value):,} items; at most {most:,} are allowed"
            )
        for number, item in enumerate(value, start=1):
            if len(item) > longest:
                raise self.fail(
                    where,
                    f"{key!r} item #{number} is {len(item):,} characters long; "
                    f"at most {longest:,} are allowed",
                )
        return list(value)

    def slug(self, data: Mapping[str, Any]) -> str:
        """The roadmap's slug: the ``slug`` key, else the file's name; either must be a slug."""
        if "slug" not in data:
            stem = self.path.stem
            if not is_slug(stem):
                raise self.fail(
                    "",
                    f"the file name {_short(stem)!r} is not a usable slug; "
                    f'add slug = "…" ({SLUG_RULE})',
                )
            return stem
        value: str = self.text(data, "slug", "", required=True, longest=10**9)
        if not value:
            raise self.fail("", "'slug' is empty; leave it out to use the file's name")
        if len(value) > SLUG_LONGEST:
            raise self.fail(
                "", f"'slug' is {len(value):,} characters long; at most {SLUG_LONGEST} are allowed"
            )
        if not is_slug(value):
            raise self.fail("", f"'slug' {_short(value)!r} is not a slug: use {SLUG_RULE}")
        return value

    def day(self, table: Mapping[str, Any], key: str, where: str, *, required: bool) -> Any:
        value = table.get(key)
        if value is None:
            if required:
                raise self.fail(where, f"{key!r} is missing")
            return None
        if isinstance(value, datetime):
            raise self.fail(where, f"{key!r} must be a date (YYYY-MM-DD), not a date and time")
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise self.fail(where, f"{key!r} must be a date written YYYY-MM-DD, not {value!r}")

    def table(self, data: Mapping[str, Any], key: str, where: str) -> dict[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            raise self.fail(where, f"{key!r} must be a table ([{key}])")
        return value

    def tables(self, data: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise self.fail("", f"{key!r} must be written as [[{key}]] tables")
        return value

    def windows(self, table: Mapping[str, Any], key: str, where: str) -> list[Window] | None:
        value = table.get(key)
        if value is None:
            return None
        if not isinstance(value, list):
            raise self.fail(where, f"{key!r} must be a list like [{{ start = …, due = … }}]")
        if len(value) > _LONGEST_WINDOWS:
            raise self.fail(
                where,
                f"{key!r} has {len(value):,} windows; at most {_LONGEST_WINDOWS:,} are allowed",
            )
        out: list[Window] = []
        for number, item in enumerate(value, start=1):
            at = f"{where}, {key} #{number}"
            if not isinstance(item, dict):
                raise self.fail(at, "a window must be written { start = YYYY-MM-DD, due = … }")
            self.keys(item, ("start", "due"), at)
            due = self.day(item, "due", at, required=True)
            start = self.day(item, "start", at, required=False)
            for day in (start, due):
                if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
                    raise self.fail(
                        at, f"{day} lies outside the years {FIRST_YEAR}–{LAST_YEAR} tracker plans"
                    )
            if start is not None and start > due:
                raise self.fail(at, f"starts after it is due ({start} > {due})")
            out.append(Window(due, start))
        return out


def _short(text: str, most: int = 40) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


def _scalar(value: object) -> bool:
    return isinstance(value, int | float | date) and not isinstance(value, bool)


_KINDS: dict[type, str] = {
    bool: "true/false", int: "a number", float: "a number", list: "a list",
    date: "a date", datetime: "a date and time",
}  # fmt: skip


def _kind(value: object) -> str:
    return _KINDS.get(type(value), "a table" if isinstance(value, dict) else type(value).__name__)


def loads(text: str, path: Path, *, phrases: bool = True) -> Roadmap:
    """The roadmap in schedule file ``text`` (``path`` names it in messages).

    Without ``phrases`` the deadlines are checked as text but not read (no expansions): what
    :func:`dumps` uses to check that a file it writes reads back."""
    reader = _Reader(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"{path}: not valid TOML: {error}") from None
    except RecursionError:  # tomllib reads nested arrays and tables recursively
        raise InputError(f"{path}: not valid TOML: arrays or tables nested too deeply") from None
    reader.keys(data, _TOP_KEYS, "")
    version = data.get("format", FORMAT)
    if version != FORMAT:
        raise reader.fail(
            "", f"format {version!r} is not one this tracker reads (it reads {FORMAT})"
        )
    timezone = reader.text(data, "timezone", "", required=True, longest=_TOP_TEXT["timezone"])
    try:
        check_timezone(timezone)
    except UsageError as error:
        raise reader.fail("", f"timezone: {error.message}") from None
    span = reader.table(data, "period", "")
    reader.keys(span, ("start", "end"), "[period]")
    start = reader.day(span, "start", "[period]", required=True)
    end = reader.day(span, "end", "[period]", required=True)
    if end < start:
        raise reader.fail("[period]", f"ends before it starts ({start} > {end})")
    period = Period(start, end)
    if start.year < FIRST_YEAR or end.year > LAST_YEAR:
        raise reader.fail(
            "[period]",
            f"{start}:{end} lies outside the years {FIRST_YEAR}–{LAST_YEAR} tracker plans; "
            "correct the period",
        )
    document = reader.table(data, "document", "")
    reader.keys(document, ("number", "date"), "[document]")
    roadmap = Roadmap(
        slug=reader.slug(data),
        title=reader.text(data, "title", "", required=True, longest=_TOP_TEXT["title"]),
        period=period,
        timezone=timezone,
        issuer=reader.text(data, "issuer", "", required=False, longest=_TOP_TEXT["issuer"]),
        document_number=reader.text(
            document, "number", "[document]", required=False, longest=_DOCUMENT_TEXT["number"]
        ),
        document_date=reader.day(document, "date", "[document]", required=False),
        coordinators=reader.texts(data, "coordinators", "", limits=_TOP_LISTS["coordinators"]),
        warnings=reader.texts(data, "warnings", "", limits=_TOP_LISTS["warnings"]),
        source=reader.text(data, "source", "", required=False, longest=_TOP_TEXT["source"]),
    )
    for number, section in enumerate(reader.tables(data, "section"), start=1):
        where = f"section #{number}"
        reader.keys(section, ("label", "title"), where)
        label = reader.text(section, "label", where, required=True, longest=_SECTION_TEXT["label"])
        roadmap.sections.append(label)
        roadmap.section_titles[label] = (
            reader.text(section, "title", where, required=False, longest=_SECTION_TEXT["title"])
            or label
        )
    first: dict[tuple[str | None, str], int] = {}
    for number, table in enumerate(reader.tables(data, "activity"), start=1):
        activity = _read_activity(reader, table, number, period, roadmap.warnings, phrases)
        key = (activity.section, activity.number)
        if key in first:
            within = f" in section {activity.section!r}" if activity.section is not None else ""
            raise reader.fail(
                f"activity #{number}",
                f"number {activity.number!r}{within} is already used by activity #{first[key]}; "
                "give each activity its own number",
            )
        first[key] = number
        roadmap.activities.append(activity)
    return roadmap


def _read_activity(
    reader: _Reader,
    table: Mapping[str, Any],
    index: int,
    period: Period,
    warnings: list[str],
    phrases: bool,
) -> Activity:
    where = f"activity #{index}"
    reader.keys(table, _ACTIVITY_KEYS, where)

    def text(key: str, *, required: bool = False) -> Any:
        return reader.text(table, key, where, required=required, longest=_ACTIVITY_TEXT[key])

    def texts(key: str) -> list[str]:
        return reader.texts(table, key, where, limits=_ACTIVITY_LISTS[key])

    number = text("number", required=True)
    where = f"activity #{index} (number {_short(number)})"
    source_row = table.get("source_row")
    if source_row is not None and (
        isinstance(source_row, bool)
        or not isinstance(source_row, int)
        or not 0 <= source_row <= _LARGEST_ROW
    ):
        raise reader.fail(where, "'source_row' must be a whole number (a line or row)")
    activity = Activity(
        number=number,
        title=text("title", required=True),
        deadline=text("deadline", required=True),
        section=text("section"),
        result=text("result"),
        responsible=texts("responsible"),
        override_phrase=text("override_phrase"),
        override_windows=reader.windows(table, "override_windows", where),
        source_row=source_row,
        source=text("source"),
        notes=texts("notes"),
    )
    text("rule")
    text("error")
    texts("warnings")
    shown_kind = text("kind")
    shown_windows = reader.windows(table, "windows", where)
    if not phrases:
        return activity
    activity.expansion = read_deadline(activity.effective_phrase, period)
    fresh = activity.expansion
    if (shown_kind is not None and shown_kind != fresh.kind.value) or (
        shown_windows is not None and tuple(shown_windows) != fresh.windows
    ):
        warnings.append(
            f"{where}: the kind/windows in the file differ from what «{activity.effective_phrase}» "
            "reads as now; the new reading is used (pin dates with override_windows)"
        )
    return activity


def load(path: Path) -> Roadmap:
    """Read the schedule file at ``path``; a broken file is an InputError naming what is wrong."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such schedule file") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text", hint="save it as UTF-8") from None
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror}") from None
    return loads(text, path)
