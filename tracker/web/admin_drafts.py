"""A plan being imported in the browser: what was read, the admin's corrections, the diff.

A :class:`Draft` lives from the upload until Save (or until it is a day old) in the server's
memory, or in a private folder that every server process shares (``tracker serve``): nothing
is written to the schedules or the database before Save. Corrections are kept the way the
schedule file keeps them: a phrase the admin rewrote is ``override_phrase`` next to the
deadline as written, dates given by hand or «без срока» are ``override_windows``. Names
confirmed as a directory entry become that entry's aliases when saved, so the plan keeps its
own spelling and later imports match.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import secrets
import stat
import tempfile
import threading
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path

from tracker.errors import ConfigError, InputError
from tracker.roadmap.importer import read_deadline
from tracker.roadmap.model import Activity, Roadmap
from tracker.roadmap.people_match import Candidate, NameMatch, match_names
from tracker.store.people import PersonFields
from tracker.terms import Expansion, Kind, Period, Window

#: Drafts older than this are forgotten.
LIFETIME = timedelta(hours=24)
#: Drafts kept at most (the oldest go first).
CAPACITY = 50
SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
#: The note a fixed title leaves in the schedule file; a re-import finds it there.
_TITLE_NOTE = "название исправлено при импорте; в документе: «{}»"

KIND_LABELS = {
    Kind.ONCE: "один раз",
    Kind.RECURRING: "повторяется",
    Kind.CONTINUOUS: "постоянно",
    Kind.UNSCHEDULED: "без срока",
    Kind.ERROR: "нет дат",
}


@dataclass(slots=True)
class Draft:
    id: str
    account_id: int
    created: datetime
    source: str  # the uploaded file's name
    roadmap: Roadmap
    previous: Roadmap | None  # the saved schedule file of the same slug, if any
    target: str | None  # that file's name in the schedules folder
    aliases: dict[str, list[str]] = field(default_factory=dict)  # entry name → plan spellings
    new_people: list[PersonFields] = field(default_factory=list)

    def activity(self, index: int, key: str) -> Activity:
        """Row ``index``, if it is still the row the page showed (its number is ``key``)."""
        rows = self.roadmap.activities
        if not 0 <= index < len(rows) or rows[index].key != key:
            raise InputError("строка изменилась; обновите страницу")
        return rows[index]


class Drafts:
    """The drafts of one app, by id; each belongs to the account that uploaded it.

    With a ``folder`` they are kept there, one file each, so that every server process
    (``tracker serve --workers N``) sees them; without one, in this process's memory. A handler
    that changed a draft calls :meth:`keep`.
    """

    def __init__(self, folder: Path | None = None) -> None:
        self._items: dict[str, Draft] = {}
        self._lock = threading.Lock()
        self.folder = folder

    def add(self, account_id: int, now: datetime, source: str, roadmap: Roadmap,
            previous: Roadmap | None, target: str | None) -> Draft:  # fmt: skip
        draft = Draft(secrets.token_urlsafe(16), account_id, now, source, roadmap, previous, target)
        with self._lock:
            self._forget(now)
            ids = self._ids()
            while len(ids) >= CAPACITY:
                oldest = min(ids, key=lambda k: ids[k])
                self._remove(oldest)
                del ids[oldest]
            self._items[draft.id] = draft
            self._write(draft)
        return draft

    def get(self, draft_id: str, account_id: int, now: datetime) -> Draft | None:
        with self._lock:
            self._forget(now)
            draft = self._read(draft_id)
        return draft if draft is not None and draft.account_id == account_id else None

    def keep(self, draft: Draft) -> None:
        """Store ``draft`` as it is now (a no-op in memory: the object is the draft)."""
        with self._lock:
            if draft.id in self._ids():
                self._write(draft)

    def drop(self, draft_id: str) -> None:
        with self._lock:
            self._remove(draft_id)

    # --- storage: a dict, or files named «<created, unix seconds>-<id>.draft» ---

    def _path(self, draft_id: str, created: datetime) -> Path:
        assert self.folder is not None
        return self.folder / f"{int(created.timestamp())}-{draft_id}.draft"

    def _files(self) -> dict[str, Path]:
        assert self.folder is not None
        found: dict[str, Path] = {}
        for path in self.folder.glob("*.draft"):
            created, _dash, draft_id = path.stem.partition("-")
            if created.isdigit() and _ID.fullmatch(draft_id):
                found[draft_id] = path
        return found

    def _ids(self) -> dict[str, float]:
        """Every draft's id → its creation time (unix seconds)."""
        if self.folder is None:
            return {k: d.created.timestamp() for k, d in self._items.items()}
        return {k: float(p.stem.partition("-")[0]) for k, p in self._files().items()}

    def _write(self, draft: Draft) -> None:
        if self.folder is None:
            return
        path = self._path(draft.id, draft.created)
        temporary = path.with_suffix(".tmp")
        temporary.write_bytes(pickle.dumps(draft, protocol=pickle.HIGHEST_PROTOCOL))
        temporary.replace(path)

    def _read(self, draft_id: str) -> Draft | None:
        if self.folder is None:
            return self._items.get(draft_id)
        if not _ID.fullmatch(draft_id):
            return None
        path = self._files().get(draft_id)
        try:
            data = path.read_bytes() if path is not None else None
        except FileNotFoundError:  # dropped by another process meanwhile
            data = None
        if data is None:
            return None
        draft = pickle.loads(data)  # our own file, in a folder only this user may write
        assert isinstance(draft, Draft)
        return draft

    def _remove(self, draft_id: str) -> None:
        self._items.pop(draft_id, None)
        if self.folder is not None and _ID.fullmatch(draft_id):
            path = self._files().get(draft_id)
            if path is not None:
                path.unlink(missing_ok=True)

    def _forget(self, now: datetime) -> None:
        limit = (now - LIFETIME).timestamp()
        for key in [k for k, created in self._ids().items() if created < limit]:
            self._remove(key)


#: What a draft id looks like (``secrets.token_urlsafe(16)``).
_ID = re.compile(r"[A-Za-z0-9_-]{22}")


def drafts_folder(database_url: str) -> Path:
    """A private folder for the drafts of the server of ``database_url``, shared by its
    processes: in the system's temporary folder, readable and writable by this user only."""
    digest = hashlib.blake2b(database_url.encode(), digest_size=8).hexdigest()
    folder = Path(tempfile.gettempdir()) / f"tracker-drafts-{os.getuid()}-{digest}"
    folder.mkdir(mode=0o700, exist_ok=True)
    found = folder.lstat()
    if found.st_uid != os.getuid() or stat.S_IMODE(found.st_mode) & 0o077 or folder.is_symlink():
        raise ConfigError(f"draft folder {folder} is not private to this user")
    return folder


# --- corrections --------------------------------------------------------------------------------


def reread(activity: Activity, period: Period) -> None:
    activity.expansion = read_deadline(activity.effective_phrase, period)


def set_period(draft: Draft, period: Period, timezone: str, slug: str, title: str) -> None:
    if not SLUG.fullmatch(slug):
        raise InputError("имя файла: латинские буквы в нижнем регистре, цифры, «-» и «_»")
    if not title.strip():
        raise InputError("у плана должно быть название")
    roadmap = draft.roadmap
    roadmap.period, roadmap.timezone, roadmap.slug = period, timezone, slug
    roadmap.title = title.strip()
    for activity in roadmap.activities:
        reread(activity, period)


def set_phrase(draft: Draft, activity: Activity, phrase: str) -> None:
    """Read ``phrase`` instead of the deadline as written (empty: the written one again)."""
    phrase = phrase.strip()
    activity.override_phrase = phrase if phrase and phrase != activity.deadline else None
    activity.override_windows = None
    assert draft.roadmap.period is not None
    reread(activity, draft.roadmap.period)


def set_windows(activity: Activity, windows: list[Window]) -> None:
    """Use these dates as they are; an empty list marks the row «без срока»."""
    activity.override_windows = windows


_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})|(\d{4})-(\d{2})-(\d{2})")
_FILLER = re.compile(r"^(?:[\s–—.-]|\bс\b|\bпо\b|\bдо\b)*$")


def parse_windows(text: str) -> list[Window]:
    """«01.10.2022 – 31.12.2022; 15.03.2023» → windows (a start is optional)."""
    windows: list[Window] = []
    for part in re.split(r"[;\n,]+", text):
        if not part.strip():
            continue
        days = [_day(found, part) for found in _DATE.finditer(part)]
        if not _FILLER.match(_DATE.sub(" ", part)) or not 1 <= len(days) <= 2:
            raise InputError(f"не понятны даты «{part.strip()}»: пишите 01.10.2022 – 31.12.2022")
        if len(days) == 1:
            windows.append(Window(days[0]))
        elif days[0] <= days[1]:
            windows.append(Window(days[1], days[0]))
        else:
            raise InputError(f"«{part.strip()}»: начало позже срока")
    if not windows:
        raise InputError("даты не заданы: пишите 31.12.2022 или 01.10.2022 – 31.12.2022")
    return windows


def _day(found: re.Match[str], part: str) -> date:
    day, month, year, iso_year, iso_month, iso_day = found.groups()
    try:
        if day:
            return date(int(year), int(month), int(day))
        return date(int(iso_year), int(iso_month), int(iso_day))
    except ValueError:
        raise InputError(f"нет такой даты «{found.group(0)}» в «{part.strip()}»") from None


def set_title(activity: Activity, title: str) -> None:
    title = title.strip()
    if not title:
        raise InputError("у мероприятия должно быть название")
    if title != activity.title:
        if not any(n.startswith(_TITLE_NOTE[:30]) for n in activity.notes):
            activity.notes.append(_TITLE_NOTE.format(activity.title))
        activity.title = title


def split(draft: Draft, index: int, number: str, title: str, deadline: str) -> None:
    """Insert a new row after ``index``: the part of a row the import glued onto it."""
    number, title = number.strip(), title.strip()
    if not number or not title:
        raise InputError("у новой строки должны быть номер и название")
    if any(a.key == number for a in draft.roadmap.activities):
        raise InputError(f"строка с номером {number} уже есть")
    original = draft.roadmap.activities[index]
    added = Activity(
        number=number,
        title=title,
        deadline=deadline.strip(),
        section=original.section,
        responsible=list(original.responsible),
        notes=[f"отделено при импорте от строки {original.number}"],
    )
    assert draft.roadmap.period is not None
    reread(added, draft.roadmap.period)
    draft.roadmap.activities.insert(index + 1, added)


def merge_next(draft: Draft, index: int) -> None:
    """Join row ``index + 1`` onto row ``index`` (a row the import broke in two)."""
    rows = draft.roadmap.activities
    if index + 1 >= len(rows):
        raise InputError("за этой строкой нет следующей")
    first, second = rows[index], rows.pop(index + 1)
    first.title = f"{first.title} {second.title}".strip()
    first.deadline = f"{first.deadline} {second.deadline}".strip()
    first.result = " ".join(x for x in (first.result, second.result) if x) or None
    first.responsible = list(dict.fromkeys([*first.responsible, *second.responsible]))
    first.notes = [*first.notes, f"объединено при импорте со строкой {second.number}"]
    assert draft.roadmap.period is not None
    reread(first, draft.roadmap.period)


# --- executors ----------------------------------------------------------------------------------


def directory_with_draft(draft: Draft, entries: list[Candidate]) -> list[Candidate]:
    """The directory as it will be after Save: pending aliases and new people included."""
    out = [replace(c, aliases=(*c.aliases, *draft.aliases.get(c.name, ()))) for c in entries]
    out.extend(Candidate(p.name or "", p.aliases or (), "новый") for p in draft.new_people)
    return out


def executor_matches(draft: Draft, entries: list[Candidate]) -> list[NameMatch]:
    names = [name for activity in draft.roadmap.activities for name in activity.responsible]
    return match_names(names, directory_with_draft(draft, entries))


def confirm(draft: Draft, spelling: str, entry: str, entries: list[Candidate]) -> None:
    """The plan's ``spelling`` names directory ``entry``: it becomes an alias on Save."""
    pending = {p.name for p in draft.new_people}
    if entry in pending:
        for position, person in enumerate(draft.new_people):
            if person.name == entry:
                aliases = (*(person.aliases or ()), spelling)
                draft.new_people[position] = replace(person, aliases=aliases)
        return
    if entry not in {c.name for c in entries}:
        raise InputError(f"в справочнике нет «{entry}»")
    draft.aliases.setdefault(entry, []).append(spelling)


def add_person(draft: Draft, spelling: str, person: PersonFields) -> None:
    """A new directory entry for the plan's ``spelling`` (written on Save)."""
    if not person.name:
        raise InputError("укажите ФИО или название организации")
    if person.emails:
        for email in person.emails:
            if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
                raise InputError(f"неверный адрес электронной почты «{email}»")
    aliases = () if person.name == spelling else (spelling,)
    draft.new_people.append(replace(person, aliases=aliases))


# --- what the page shows ------------------------------------------------------------------------


def expansion_of(activity: Activity) -> Expansion | None:
    return activity.expansion


def needs_dates(activity: Activity) -> bool:
    return activity.kind is Kind.ERROR


def has_warnings(activity: Activity) -> bool:
    return bool(activity.expansion and activity.expansion.warnings) or bool(activity.notes)


def review_order(roadmap: Roadmap) -> list[int]:
    """Row indexes: rows without dates first, then rows with warnings, then the rest."""
    rows = roadmap.activities
    return sorted(
        range(len(rows)),
        key=lambda i: (0 if needs_dates(rows[i]) else 1 if has_warnings(rows[i]) else 2, i),
    )


def window_text(window: Window) -> str:
    if window.start is not None and window.start != window.due:
        return f"{window.start:%d.%m.%Y} – {window.due:%d.%m.%Y}"
    return f"до {window.due:%d.%m.%Y}"


def unread_part(error: str | None) -> str | None:
    """The part of the phrase the reader did not understand («не понято: «абракадабре»»)."""
    found = re.search(r"«([^«»]+)»", error or "")
    return found.group(1) if found else None


@dataclass(frozen=True, slots=True)
class Change:
    key: str
    title: str
    what: list[str]


@dataclass(slots=True)
class Diff:
    added: list[Activity] = field(default_factory=list)
    removed: list[Activity] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    unchanged: int = 0

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def diff(old: Roadmap, new: Roadmap) -> Diff:
    """What saving ``new`` over ``old`` changes, row by row (rows are matched by number)."""
    before = {a.key: a for a in old.activities}
    after = {a.key: a for a in new.activities}
    out = Diff()
    for key, activity in after.items():
        previous = before.get(key)
        if previous is None:
            out.added.append(activity)
            continue
        what = []
        if previous.title != activity.title:
            what.append(f"название: «{previous.title}» → «{activity.title}»")
        if previous.effective_phrase != activity.effective_phrase:
            what.append(f"срок: «{previous.effective_phrase}» → «{activity.effective_phrase}»")
        if previous.windows != activity.windows:
            old_dates = "; ".join(window_text(w) for w in previous.windows[:4]) or "нет"
            new_dates = "; ".join(window_text(w) for w in activity.windows[:4]) or "нет"
            what.append(f"даты: {old_dates} → {new_dates}")
        if previous.responsible != activity.responsible:
            what.append(
                f"исполнители: {', '.join(previous.responsible) or '—'} → "
                f"{', '.join(activity.responsible) or '—'}"
            )
        if what:
            out.changed.append(Change(key, activity.title, what))
        else:
            out.unchanged += 1
    out.removed = [a for key, a in before.items() if key not in after]
    return out


def keep_corrections(new: Roadmap, old: Roadmap) -> int:
    """Carry the saved file's corrections onto the same rows of a newer import: a fixed title
    while the document's title is the one it replaced, the overrides while the deadline is the
    same. Returns how many rows kept a correction."""
    before = {a.key: a for a in old.activities}
    kept = 0
    for activity in new.activities:
        previous = before.get(activity.key)
        if previous is None:
            continue
        note = _TITLE_NOTE.format(activity.title)
        if previous.title != activity.title and note in previous.notes:
            activity.title = previous.title
            activity.notes.append(note)
            kept += 1
        if previous.deadline != activity.deadline:
            continue
        if previous.override_phrase is None and previous.override_windows is None:
            continue
        activity.override_phrase = previous.override_phrase
        activity.override_windows = previous.override_windows
        if new.period is not None:
            reread(activity, new.period)
        kept += 1
    return kept


def next_dates(activity: Activity, today: date, count: int = 3) -> list[Window]:
    """The activity's next ``count`` windows not yet due on ``today``."""
    return [w for w in activity.windows if w.due >= today][:count]
