"""Messages: Jinja2 templates in ``templates/`` rendered with Russian dates and plurals (Babel).

Each kind has three templates: ``{kind}-subject.txt.j2``, ``{kind}.txt.j2`` and
``{kind}.html.j2``; partials start with ``_``. Templates see :class:`~jinja2.StrictUndefined`,
so a misspelt variable is an error, and :func:`check` renders every kind on sample data so that
error shows at start-up (``tracker check``), not when a message is due.

The contexts are plain dictionaries built by the pure helpers :func:`context_for_batch`,
:func:`context_for_digest` and :func:`context_for_test`; ``docs/reminders.md`` lists their
variables for people who edit the templates.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from babel import Locale
from babel.dates import format_date, format_time

from tracker.config import PolicySettings
from tracker.errors import ConfigError
from tracker.notify.digest_view import digest_extra
from tracker.notify.model import (
    Batch,
    DigestFacts,
    FailureFacts,
    ItemFacts,
    MessageKind,
    Notification,
    Person,
)
from tracker.render_dates import format_day

__all__ = [
    "SIGNATURE",
    "Rendered",
    "Renderer",
    "TemplateProblem",
    "context_for_batch",
    "context_for_digest",
    "context_for_test",
    "default_templates_dir",
    "plural",
    "resolve_templates_dir",
    "template_names",
]

SIGNATURE = "Система контроля сроков tracker"

_RU = Locale("ru")

#: Russian headings of the groups of a grouped message, most urgent first.
HEADINGS: dict[MessageKind, str] = {
    MessageKind.ESCALATION: "Просрочено на {days} и более",
    MessageKind.OVERDUE: "Срок исполнения истёк",
    MessageKind.DUE_TODAY: "Срок исполнения — сегодня",
    MessageKind.REMINDER: "Приближается срок исполнения",
    MessageKind.CHECKIN: "Запрос сведений о ходе выполнения",
}

_STATUS = {"planned": "запланировано", "in_progress": "в работе"}


class TemplateProblem(ConfigError):
    """A template is missing, does not parse, or uses a variable its context lacks."""


@dataclass(frozen=True, slots=True)
class Rendered:
    """One message: a one-line subject, a plain-text body and an HTML body."""

    subject: str
    text: str
    html: str


# --- filters -----------------------------------------------------------------------------------


@lru_cache(maxsize=1024)
def plural_word(n: int, one: str, few: str, many: str) -> str:
    """The form of a Russian noun for ``n`` by Babel's plural rules (one / few / many)."""
    form = _RU.plural_form(n)
    if form == "one":
        return one
    if form == "many":
        return many
    return few  # "few", and "other" for fractions («1,5 дня»)


def plural(n: int, one: str, few: str, many: str) -> str:
    """«1 мероприятие», «3 мероприятия», «5 мероприятий»."""
    return f"{n} {plural_word(n, one, few, many)}"


def days(n: int) -> str:
    """«1 день», «3 дня», «5 дней», «21 день»."""
    return plural(n, "день", "дня", "дней")


def day(value: date) -> str:
    """«1 июня 2023 г.»"""
    return format_day(value)


def weekday(value: date) -> str:
    """«понедельник»"""
    return str(format_date(value, "EEEE", locale="ru"))


def moment(value: datetime, timezone: str | None = None) -> str:
    """«13 января 2025 г., 09:00» in ``timezone`` (default: the value's own zone)."""
    local = value.astimezone(ZoneInfo(timezone)) if timezone else value
    return f"{format_day(local.date())}, {format_time(local, 'HH:mm', locale='ru')}"


def quoted(value: str) -> str:
    """«…» around a title, unless it is quoted already; quotes inside become „…“, as Russian
    typography nests them («План „Дорожная карта“ …»)."""
    text = value.strip()
    if text.startswith("«") and text.endswith("»") and text.count("«") == 1:
        return text
    return "«" + text.replace("«", "„").replace("»", "“") + "»"


def first_upper(value: str) -> str:
    """The first letter in upper case, the rest untouched (unlike Jinja's ``capitalize``)."""
    return value[:1].upper() + value[1:]


FILTERS: dict[str, Callable[..., str]] = {
    "first_upper": first_upper,
    "day": day,
    "days": days,
    "plural": plural,
    "plural_word": plural_word,
    "weekday": weekday,
    "moment": moment,
    "quoted": quoted,
}


# --- the renderer ------------------------------------------------------------------------------


def template_names(kind: MessageKind | str) -> tuple[str, str, str]:
    """The subject, text and HTML template names of ``kind``."""
    name = MessageKind(kind).value
    return f"{name}-subject.txt.j2", f"{name}.txt.j2", f"{name}.html.j2"


def default_templates_dir() -> Path:
    """The templates shipped with tracker (``templates/`` of the source tree)."""
    return Path(__file__).resolve().parents[2] / "templates"


def resolve_templates_dir(configured: Path) -> Path:
    """``[mail] templates`` as a folder: the configured one when it exists; the shipped
    templates when the default ``templates`` is not in the working directory."""
    if configured.is_dir() or configured != Path("templates"):
        return configured
    return default_templates_dir()


def _where(error: BaseException) -> str:
    """``name:line`` of the innermost template frame in ``error``'s traceback, if any."""
    if isinstance(error, jinja2.TemplateSyntaxError):
        return f"{(error.name or error.filename or '').removeprefix(_ESCAPED)}:{error.lineno}"
    found = ""
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename.endswith(".j2"):
            found = f"{Path(frame.filename).name}:{frame.lineno}"
    return found


#: A text template imported into an HTML one is compiled a second time under this prefix, escaped.
_ESCAPED = "html:"
_TEXT = (".txt.j2", ".txt")


def _autoescape(name: str | None) -> bool:
    """Escaping is the rule: every template is escaped but a text one (``*.txt.j2``), and a text
    partial imported into an escaped template is escaped there too (its macros return markup)."""
    return name is None or name.startswith(_ESCAPED) or not name.endswith(_TEXT)


class _Loader(jinja2.FileSystemLoader):
    """Templates from a folder; ``html:NAME`` is ``NAME`` (compiled escaped)."""

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        return super().get_source(environment, template.removeprefix(_ESCAPED))


class _Environment(jinja2.Environment):
    """Sends a text template imported by an escaped template to its escaped copy, so a macro
    of ``_macros.txt.j2`` called from an HTML message escapes titles and names."""

    def join_path(self, template: str, parent: str) -> str:
        if _autoescape(parent) and not _autoescape(template):
            return _ESCAPED + template
        return template

    def getattr(self, obj: Any, attribute: str) -> Any:
        """``item.title`` of a context dict is its key, looked up first: Jinja's own order
        (the attribute, then the key) raises and catches an AttributeError for each of the
        thousands of such lookups in a long message. A key named like a dict method
        (``group.items``) thus gives the value, which is what a template means by it."""
        if type(obj) is dict:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


class Renderer:
    """Renders messages from the templates in ``templates_dir``.

    ``render`` raises :class:`TemplateProblem` (a :class:`~tracker.errors.ConfigError`) naming
    the template and line of any error.
    """

    def __init__(self, templates_dir: Path) -> None:
        self.templates_dir = Path(templates_dir)
        self.env = _Environment(
            loader=_Loader(str(self.templates_dir)),
            undefined=jinja2.StrictUndefined,
            autoescape=_autoescape,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            auto_reload=True,  # a template edited while the daemon runs is read again
        )
        self.env.filters.update(FILTERS)
        self.env.globals["signature"] = SIGNATURE

    def _render(self, name: str, context: Mapping[str, Any]) -> str:
        try:
            return self.env.get_template(name).render(context)
        except jinja2.TemplateNotFound as error:
            missing = error.name or name
            raise TemplateProblem(
                f"{self.templates_dir / str(missing)}: template not found"
            ) from None
        except jinja2.TemplateError as error:
            where = _where(error) or name
            raise TemplateProblem(f"{self.templates_dir}/{where}: {error.message}") from None
        except (TypeError, ValueError, AttributeError, KeyError) as error:
            where = _where(error) or name
            raise TemplateProblem(f"{self.templates_dir}/{where}: {error}") from None

    @classmethod
    def shared(cls, templates_dir: Path) -> Renderer:
        """The process's renderer for ``templates_dir``: each planning pass of a daemon would
        otherwise compile every template again. A file changed since is compiled anew."""
        return _shared(Path(templates_dir).resolve())

    def render(self, kind: MessageKind | str, context: Mapping[str, object]) -> Rendered:
        """Subject (one line), text and HTML of a message of ``kind``."""
        subject_name, text_name, html_name = template_names(kind)
        subject = " ".join(self._render(subject_name, context).split())
        text = "\n".join(line.rstrip() for line in self._render(text_name, context).splitlines())
        html = self._render(html_name, context)
        return Rendered(subject=subject, text=text.strip("\n") + "\n", html=html)


@lru_cache(maxsize=8)
def _shared(templates_dir: Path) -> Renderer:
    return Renderer(templates_dir)


# --- contexts ----------------------------------------------------------------------------------


def _greeting(person: Person) -> str:
    if person.organisation or not person.name or "@" in person.name:
        return "Уважаемые коллеги!"
    return f"Уважаемый(ая) {person.name}!"


def _person(person: Person) -> dict[str, object]:
    return {
        "name": person.name,
        "emails": list(person.emails),
        "timezone": person.timezone,
        "organisation": person.organisation,
        "greeting": _greeting(person),
    }


def _item(
    item: ItemFacts,
    today: date,
    *,
    recipient: Person | None = None,
    kind: MessageKind | None = None,
    link: str | None = None,
) -> dict[str, object]:
    """One item for the templates; days are counted from ``today`` (the recipient's day)."""
    due = item.effective_due
    days_left = days_late = None
    if due is not None:
        delta = (due - today).days
        if item.is_open and delta < 0:
            days_late = -delta
        elif item.is_open:
            days_left = delta
    executors = [person.name for person in item.executors]
    others = [p.name for p in item.executors if recipient is None or p.key != recipient.key]
    return {
        "roadmap": item.roadmap,
        "roadmap_title": item.roadmap_title,
        "number": item.number,
        "title": item.title,
        "section": item.section,
        "result": item.result,
        "checkin": item.is_checkin,
        "start": item.start if item.start != due else None,
        "due": due,
        "original_due": item.due if item.due is not None and item.due != due else None,
        "days_left": days_left,
        "days_late": days_late,
        "done_late": item.days_late,
        "completed_on": item.completed_on,
        "status": _STATUS.get(item.status or "", item.status or ""),
        "lead": executors[0] if executors else None,
        "executors": executors,
        "co_executors": others,
        "link": link,
        "kind": kind.value if kind else None,
    }


def _heading(kind: MessageKind, settings: PolicySettings) -> str:
    return HEADINGS[kind].format(days=days(settings.escalate_after_days))


def _sort_item(entry: dict[str, Any]) -> tuple[date, str, str]:
    return (entry["due"] or date.max, entry["roadmap"], entry["number"])


def _summary(entries: list[dict[str, Any]], kind: MessageKind) -> dict[str, object]:
    """Count, nearest due and (for one item) number of a group: what a subject line needs."""
    dues = [entry["due"] for entry in entries if entry["due"] is not None]
    return {
        "kind": kind.value,
        "count": len(entries),
        "first_due": min(dues) if dues else None,
        "same_due": len(set(dues)) <= 1,
        "number": entries[0]["number"] if entries else None,
    }


#: At most this many items of each kind are listed in one message (the earliest due first); the
#: rest are counted. A list of hundreds helps nobody, and the counts stay exact.
MESSAGE_ITEMS = 50


def context_for_batch(
    batch: Batch,
    items_by_id: Mapping[int, ItemFacts],
    now: datetime,
    settings: PolicySettings,
    *,
    link: Callable[[Notification, ItemFacts], str | None] | None = None,
) -> dict[str, object]:
    """The template context of a grouped message (kinds reminder … checkin).

    ``items_by_id`` maps occurrence ids to facts; every notification of ``batch`` must have
    one. ``link`` (optional) gives each item's signed «отметить выполнение» address.
    Days left and late count from ``batch.day``, the recipient's local day.
    """
    groups: dict[MessageKind, list[tuple[dict[str, Any], Notification, ItemFacts]]] = {}
    for notification in batch.notifications:
        if notification.occurrence_id is None:
            raise ValueError(f"{notification.key}: an item message needs an occurrence")
        item = items_by_id.get(notification.occurrence_id)
        if item is None:
            raise ValueError(f"{notification.key}: no facts for occurrence")
        entry = _item(item, batch.day, recipient=batch.recipient, kind=notification.kind, link=None)
        groups.setdefault(notification.kind, []).append((entry, notification, item))
    ordered = sorted(groups, key=lambda kind: -kind.urgency)
    group_list: list[dict[str, Any]] = []
    items: list[dict[str, Any]] = []
    main: list[dict[str, Any]] = []
    for kind in ordered:
        parts = sorted(groups[kind], key=lambda part: _sort_item(part[0]))
        for entry, notification, item in parts[:MESSAGE_ITEMS]:  # links for what is shown
            entry["link"] = link(notification, item) if link else None
        group_list.append(
            {
                "kind": kind.value,
                "heading": _heading(kind, settings),
                "items": [entry for entry, _, _ in parts[:MESSAGE_ITEMS]],
                "more": max(0, len(parts) - MESSAGE_ITEMS),
            }
        )
        items += [entry for entry, _, _ in parts]
        main = main or [entry for entry, _, _ in parts]  # the most urgent kind, all of it
    roadmaps = sorted({entry["roadmap_title"] for entry in items})
    return {
        "kind": batch.kind.value,
        "recipient": _person(batch.recipient),
        "greeting": _greeting(batch.recipient),
        "day": batch.day,
        "now": now,
        "groups": group_list,
        "items": items,
        "count": len(items),
        "main": _summary(main, batch.kind) if group_list else None,
        "all": _summary(items, batch.kind),
        "roadmaps": roadmaps,
        "has_links": any(entry["link"] for entry in items),
        "escalate_after_days": settings.escalate_after_days,
        "overdue_every_days": settings.overdue_every_days,
        "signature": SIGNATURE,
    }


def _by_executor(items: Iterable[ItemFacts], today: date) -> list[dict[str, Any]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        lead = item.executors[0].name if item.executors else "Исполнитель не указан"
        groups.setdefault(lead, []).append(_item(item, today))
    return [
        {"executor": name, "items": sorted(entries, key=_sort_item)}
        for name, entries in sorted(groups.items())
    ]


def _failure(failure: FailureFacts, timezone: str) -> dict[str, object]:
    return {
        "recipient": failure.recipient,
        "subject": failure.subject,
        "error": failure.error,
        "at": moment(failure.at, timezone),
    }


def context_for_digest(facts: DigestFacts, *, due_soon_days: int = 14) -> dict[str, object]:
    """The template context of a coordinator's (or admin's) weekly digest."""
    today = facts.day
    person = facts.recipient

    def items(values: Iterable[ItemFacts]) -> list[dict[str, Any]]:
        return sorted((_item(item, today) for item in values), key=_sort_item)

    overdue = items(facts.overdue)
    every = (*facts.overdue, *facts.due_soon, *facts.done_late, *facts.needs_dates)
    return {
        "kind": MessageKind.DIGEST.value,
        "recipient": _person(person),
        "greeting": _greeting(person),
        "day": today,
        "since": facts.since,
        "roadmaps": [{"slug": r.slug, "title": r.title} for r in facts.roadmaps],
        "overdue": overdue,
        "overdue_by_executor": _by_executor(facts.overdue, today),
        "due_soon": items(facts.due_soon),
        "due_soon_days": due_soon_days,
        "done_late": items(facts.done_late),
        "needs_dates": items(facts.needs_dates),
        "failures": [_failure(f, person.timezone) for f in facts.failures],
        "show_roadmap": len({item.roadmap for item in every}) > 1 or len(facts.roadmaps) > 1,
        "empty": facts.is_empty,
        "signature": SIGNATURE,
        **digest_extra(facts),
    }


def context_for_test(recipient: Person, now: datetime, sender: str = "") -> dict[str, object]:
    """The template context of the `tracker send-test` message."""
    return {
        "kind": MessageKind.TEST.value,
        "recipient": _person(recipient),
        "greeting": _greeting(recipient),
        "now": now,
        "sent_at": moment(now, recipient.timezone),
        "sender": sender,
        "signature": SIGNATURE,
    }
