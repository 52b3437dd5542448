"""The executors file (``schedules/executors.toml``) and matching responsible names to it.

Each ``[[executor]]`` is a person or an organisation::

    [[executor]]
    name = "МКУ ГИМЦ в системе образования города Дивногорска"
    kind = "organisation"            # or "person" (the default)
    role = "методический центр"      # free text: the position (должность) or role
    organisation = "Управление образования"  # where a person works (free text)
    aliases = ["МКУ ГИМЦ"]           # other spellings used in the roadmaps
    emails = ["gimc@divnogorsk.example.org"]
    timezone = "Asia/Krasnoyarsk"    # default: [policy] timezone
    roadmaps = ["divnogorsk-2022"]   # the names match only in these roadmaps; default: all
    coordinates = ["divnogorsk-2022"]  # coordinator of these roadmaps

A name matches after :func:`normalize` (case, ё/е, quotes, spaces and trailing dots do not
count). A roadmap-scoped entry wins over a global one with the same name.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from tracker.errors import InputError
from tracker.timezones import is_zone

KINDS = ("person", "organisation")
_KEYS = {
    "name", "kind", "role", "organisation", "aliases", "emails", "timezone", "roadmaps",
    "coordinates",
}  # fmt: skip
_QUOTES = str.maketrans("", "", "«»\"'“”„`")


def normalize(name: str) -> str:
    """The form names are compared in: «Бычкова О. И.» and «бычкова о.и» are the same."""
    text = name.translate(_QUOTES).casefold().replace("ё", "е")
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"(?<=\.) (?=\w\.)", "", text)
    return text.rstrip(" .,;:")


@dataclass(frozen=True, slots=True)
class ExecutorEntry:
    """One ``[[executor]]`` of the executors file."""

    name: str
    kind: str = "person"
    role: str | None = None
    aliases: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    timezone: str | None = None
    roadmaps: tuple[str, ...] = ()
    coordinates: tuple[str, ...] = ()
    organisation: str | None = None

    @property
    def key(self) -> str:
        return normalize(self.name)

    def spellings(self) -> tuple[str, ...]:
        return (self.key, *(normalize(alias) for alias in self.aliases))


def _strings(value: object, what: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"{what} must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _entry(raw: object) -> ExecutorEntry:
    if not isinstance(raw, dict):
        raise ValueError("must be a table")
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise ValueError(f"unknown key {unknown[0]!r} (known: {', '.join(sorted(_KEYS))})")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValueError("needs a name")
    kind = raw.get("kind", "person")
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    role = raw.get("role")
    if role is not None and not isinstance(role, str):
        raise ValueError("role must be a string")
    organisation = raw.get("organisation")
    if organisation is not None and not isinstance(organisation, str):
        raise ValueError("organisation must be a string")
    emails = _strings(raw.get("emails", []), "emails")
    for email in emails:
        if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
            raise ValueError(f"bad e-mail address {email!r}")
    timezone = raw.get("timezone")
    if timezone is not None and not is_zone(str(timezone)):
        raise ValueError(f"unknown time zone {timezone!r}")
    return ExecutorEntry(
        name=name.strip(),
        kind=kind,
        role=role,
        aliases=_strings(raw.get("aliases", []), "aliases"),
        emails=emails,
        timezone=timezone,
        roadmaps=_strings(raw.get("roadmaps", []), "roadmaps"),
        coordinates=_strings(raw.get("coordinates", []), "coordinates"),
        organisation=organisation,
    )


def parse_executors(data: Mapping[str, object], origin: str) -> list[ExecutorEntry]:
    """Validate the parsed TOML of an executors file."""
    extra = sorted(set(data) - {"executor"})
    if extra:
        raise InputError(f"{origin}: unknown top-level key {extra[0]!r}", hint="use [[executor]]")
    raw_entries = data.get("executor", [])
    if not isinstance(raw_entries, list):
        raise InputError(f"{origin}: executor must be an array of tables ([[executor]])")
    entries: list[ExecutorEntry] = []
    for number, raw in enumerate(raw_entries, start=1):
        try:
            entries.append(_entry(raw))
        except ValueError as error:
            label = raw.get("name") if isinstance(raw, dict) else None
            where = f"executor {number}" + (f" «{label}»" if isinstance(label, str) else "")
            raise InputError(f"{origin}: {where}: {error}") from None
    _check_unique(entries, origin)
    return entries


def _check_unique(entries: Iterable[ExecutorEntry], origin: str) -> None:
    seen: dict[tuple[str, str], str] = {}
    keys: set[str] = set()
    for entry in entries:
        if entry.key in keys:
            raise InputError(f"{origin}: executor «{entry.name}» is listed twice")
        keys.add(entry.key)
        for spelling in set(entry.spellings()):
            for scope in entry.roadmaps or ("*",):
                other = seen.get((spelling, scope))
                if other is not None:
                    raise InputError(
                        f"{origin}: «{spelling}» names both «{other}» and «{entry.name}»",
                        hint="scope one of them with roadmaps = [...]",
                    )
                seen[(spelling, scope)] = entry.name


def load_executors(path: Path) -> list[ExecutorEntry]:
    """Read an executors file; a missing file is an empty list."""
    if not path.exists():
        return []
    try:
        with path.open("rb") as stream:
            data = tomllib.load(stream)
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"{path}: not valid TOML: {error}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot read: {error}") from None
    return parse_executors(data, str(path))


@dataclass(frozen=True, slots=True)
class Known:
    """An executor as the matcher sees it."""

    id: int
    name: str
    spellings: tuple[str, ...]
    roadmaps: tuple[str, ...]
    coordinates: tuple[str, ...]


class NameIndex:
    """Responsible names → executor ids, per roadmap: what sync matches a plan's names with.

    Not to be confused with :class:`tracker.notify.facts.Directory`, the recipients (people,
    roadmaps and their coordinators) that the planning pass writes to."""

    def __init__(self, known: Iterable[Known]) -> None:
        self.known = list(known)
        self._scoped: dict[tuple[str, str], int] = {}
        self._global: dict[str, int] = {}
        for item in self.known:
            for spelling in item.spellings:
                if item.roadmaps:
                    for slug in item.roadmaps:
                        self._scoped.setdefault((spelling, slug), item.id)
                else:
                    self._global.setdefault(spelling, item.id)

    def match(self, name: str, slug: str) -> int | None:
        key = normalize(name)
        found = self._scoped.get((key, slug))
        return found if found is not None else self._global.get(key)

    def coordinators(self, slug: str, names: Iterable[str]) -> list[int]:
        """The roadmap's coordinators: those named in its file, then those who claim it."""
        ids: list[int] = []
        for name in names:
            found = self.match(name, slug)
            if found is not None and found not in ids:
                ids.append(found)
        for item in self.known:
            if slug in item.coordinates and item.id not in ids:
                ids.append(item.id)
        return ids
