"""Rendered board pages kept in memory, safe against every write.

A page is kept under a key the caller builds from what the page shows: the account's role,
name and visible roadmaps, the query string, the minute of "now" (dates and «просрочено»
follow the clock) and the **data version** — one small query over the tables the board reads
that changes with every write to them:

* ``roadmap``: every slug, fingerprint, ``synced_at`` and archive mark (a sync that changes a
  plan rewrites its roadmap row: activities, occurrences and assignments change only with it);
* ``status_change``, ``extension``, ``extension_request``: the latest ids (every status change,
  extension, request and decision adds a history row), and the latest decision time;
* ``occurrence``: the latest id and the count (occurrences added outside a plan change);
* ``executor``: every name, kind, organisation, alias list and archive mark, joined into one
  string (the directory sync rewrites executors in place; the table is small).

The page is rendered once with a placeholder form token (:data:`tracker.web.render.FORM_TOKEN`);
every response gets the visitor's own token put in. Entries are bounded in number and in size,
least recently used first out. Each process keeps its own cache; the version comes from the
database, so several server processes and the CLI never leave a page stale.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Hashable

from sqlalchemy import Engine, ScalarSelect, String, cast, func, literal, select

from tracker.store.tables import EXECUTOR as EX
from tracker.store.tables import EXTENSION as EXT
from tracker.store.tables import EXTENSION_REQUEST as ER
from tracker.store.tables import OCCURRENCE as OC
from tracker.store.tables import ROADMAP as RM
from tracker.store.tables import STATUS_CHANGE as SC

#: Pages kept at most, and their total size in characters.
ENTRIES = 256
CHARACTERS = 16 * 1024 * 1024  # str of Cyrillic: 2 bytes a character, so 32 MB at most


def _executors_text() -> ScalarSelect[str]:
    parts = [
        EX.c.name,
        EX.c.kind,
        func.coalesce(EX.c.organisation, literal("")),
        func.coalesce(cast(EX.c.aliases, String), literal("")),
        func.coalesce(cast(EX.c.archived_at, String), literal("")),
    ]
    row = parts[0]
    for part in parts[1:]:
        row = row + literal("\x1f") + part
    return select(func.aggregate_strings(row, "\x1e")).scalar_subquery()


def _roadmaps_text() -> ScalarSelect[str]:
    row = (
        RM.c.slug
        + literal("\x1f")
        + func.coalesce(RM.c.fingerprint, literal(""))
        + literal("\x1f")
        + func.coalesce(cast(RM.c.synced_at, String), literal(""))
        + literal("\x1f")
        + func.coalesce(cast(RM.c.archived_at, String), literal(""))
    )
    return select(func.aggregate_strings(row, "\x1e")).scalar_subquery()


_VERSION = select(
    _roadmaps_text(),
    select(func.max(SC.c.id)).scalar_subquery(),
    select(func.max(EXT.c.id)).scalar_subquery(),
    select(func.max(ER.c.id)).scalar_subquery(),
    select(func.max(ER.c.decided_at)).scalar_subquery(),
    select(func.max(OC.c.id)).scalar_subquery(),
    select(func.count()).select_from(OC).scalar_subquery(),
    _executors_text(),
)


def data_version(engine: Engine) -> str:
    """A short digest that changes whenever the board's data does (one query)."""
    with engine.connect() as conn:
        row = conn.execute(_VERSION).one()
    return hashlib.blake2b(repr(tuple(row)).encode(), digest_size=16).hexdigest()


class PageCache:
    """A bounded LRU of rendered pages, shared by the threads of one process."""

    def __init__(self, entries: int = ENTRIES, characters: int = CHARACTERS) -> None:
        self.entries = entries
        self.characters = characters
        self._pages: OrderedDict[Hashable, str] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> str | None:
        with self._lock:
            found = self._pages.get(key)
            if found is None:
                self.misses += 1
                return None
            self._pages.move_to_end(key)
            self.hits += 1
            return found

    def put(self, key: Hashable, html: str) -> None:
        if len(html) > self.characters:
            return
        with self._lock:
            old = self._pages.pop(key, None)
            if old is not None:
                self._size -= len(old)
            self._pages[key] = html
            self._size += len(html)
            while len(self._pages) > self.entries or self._size > self.characters:
                _key, dropped = self._pages.popitem(last=False)
                self._size -= len(dropped)

    def __len__(self) -> int:
        return len(self._pages)

    @property
    def size(self) -> int:
        """Characters kept."""
        return self._size
