"""A roadmap document → a :class:`~tracker.roadmap.model.Roadmap`: the import pipeline.

read the document (``tables``) → find the plan (``detect``) → read the document's facts
(``document``) → split the executors (``responsible``) → read every deadline with the phrase
language. A row whose deadline cannot be read is kept, with kind ``error`` and the message.
"""

from __future__ import annotations

from pathlib import Path

from tracker.errors import InputError, UsageError
from tracker.roadmap.detect import find_plan
from tracker.roadmap.document import read_facts
from tracker.roadmap.model import Activity, Roadmap
from tracker.roadmap.readers.pdf import Progress
from tracker.roadmap.responsible import Executors, split_executors
from tracker.roadmap.slug import slug_from_name
from tracker.roadmap.tables import read_document
from tracker.terms import Expansion, Kind, Period, expand
from tracker.timezones import is_zone

DEFAULT_TIMEZONE = "Europe/Moscow"
PERIOD_HINT = "pass it with --period START:END, e.g. --period 2022-01-01:2024-12-31"


def check_timezone(name: str) -> str:
    """``name`` if it is an IANA time zone («Asia/Krasnoyarsk»), else a UsageError."""
    if not is_zone(name):
        raise UsageError(
            f"unknown time zone {name!r}", hint="use an IANA name such as Europe/Moscow"
        )
    return name


def read_deadline(text: str, period: Period) -> Expansion:
    """The phrase language's reading of one deadline; never raises."""
    if not text.strip():
        return Expansion(text=text, kind=Kind.ERROR, error="the row has no deadline")
    try:
        return expand(text, period)
    except Exception as error:  # one bad row must not stop a 2,000-row import
        return Expansion(text=text, kind=Kind.ERROR, error=f"the phrase reader failed: {error}")


def import_roadmap(
    path: Path,
    *,
    period: Period | None = None,
    timezone: str | None = None,
    slug: str | None = None,
    progress: Progress | None = None,
) -> Roadmap:
    """Read the roadmap document at ``path``.

    ``period`` overrides the one the document states; without either this is an InputError:
    a period is never guessed. Nothing is written anywhere. ``progress`` is told (pages read,
    pages in all) while a PDF is read.
    """
    zone = check_timezone(timezone) if timezone else DEFAULT_TIMEZONE
    document = read_document(path, progress)
    plan = find_plan(document)
    facts = read_facts(plan.before, plan.headings)
    warnings = [*document.warnings, *facts.warnings, *plan.warnings]
    if period is None:
        if facts.period is None:
            raise InputError(
                f"{path}: the document states no period (such as «на период 2022-2024 гг.» "
                "or «на 2022-2023 учебный год»), and a period is never guessed",
                hint=PERIOD_HINT,
            )
        period = facts.period
    elif facts.period is not None and facts.period != period:
        warnings.append(
            f"the document states the period «{facts.period_text}» = {facts.period}; "
            f"--period {period} is used instead"
        )
    title = facts.title
    if title is None:
        title = path.stem
        warnings.append(f"no title found above the plan; the file name {title!r} is used")
    executors = Executors()
    activities = [
        Activity(
            number=row.number,
            title=row.title,
            deadline=row.deadline,
            section=row.section,
            result=row.result,
            responsible=executors.canonical(split_executors(row.responsible)),
            expansion=read_deadline(row.deadline, period),
            source_row=row.line,
            source=row.origin,
            notes=row.notes,
        )
        for row in plan.rows
    ]
    section_titles: dict[str, str] = {}
    for section in plan.sections:
        if section.key in section_titles:
            warnings.append(f"{section.origin}: section {section.key} appears twice")
        section_titles.setdefault(section.key, section.title)
    return Roadmap(
        slug=slug or slug_from_name(path.stem),
        title=title,
        period=period,
        timezone=zone,
        issuer=facts.issuer,
        document_number=facts.number,
        document_date=facts.date,
        sections=list(section_titles),
        section_titles=section_titles,
        activities=activities,
        warnings=warnings,
        source=path.name,
    )
