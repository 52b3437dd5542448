"""What ``tracker import`` shows: the documented JSON shape and the unreadable-rows summary."""

from __future__ import annotations

from tracker.roadmap.model import Activity, Roadmap
from tracker.terms import Kind


def activity_json(activity: Activity) -> dict[str, object]:
    """One activity: as written, plus what the phrase language read (``error`` only if unread)."""
    expansion = activity.expansion
    out: dict[str, object] = {
        "number": activity.number,
        "section": activity.section,
        "title": activity.title,
        "result": activity.result,
        "deadline": activity.deadline,
        "responsible": list(activity.responsible),
        "kind": activity.kind.value,
        "windows": [window.to_json() for window in activity.windows],
        "warnings": [*activity.notes, *(expansion.warnings if expansion else ())],
    }
    if activity.kind is Kind.ERROR:
        out["error"] = (expansion.error if expansion else None) or "the deadline was not read"
    return out


def roadmap_json(roadmap: Roadmap) -> dict[str, object]:
    """The import as JSON: the shape documented in ``schedules/README.md``."""
    return {
        "title": roadmap.title,
        "issuer": roadmap.issuer,
        "document": {
            "number": roadmap.document_number,
            "date": roadmap.document_date.isoformat() if roadmap.document_date else None,
        },
        "period": (
            {"start": roadmap.period.start.isoformat(), "end": roadmap.period.end.isoformat()}
            if roadmap.period
            else None
        ),
        "sections": [
            {"label": key, "title": roadmap.section_titles.get(key, key)}
            for key in roadmap.sections
        ],
        "activities": [activity_json(activity) for activity in roadmap.activities],
        "warnings": list(roadmap.warnings),
    }


def unreadable(roadmap: Roadmap) -> list[Activity]:
    """The activities whose deadline the phrase language could not read."""
    return [activity for activity in roadmap.activities if activity.kind is Kind.ERROR]


def unreadable_summary(roadmap: Roadmap) -> list[str]:
    """Lines for standard error: every row whose deadline could not be read, and why."""
    rows = unreadable(roadmap)
    if not rows:
        return []
    lines = [
        f"{len(rows)} of {len(roadmap.activities)} rows have a deadline that could not be read "
        "(kept with kind 'error'; correct them with override_phrase or override_windows):"
    ]
    textual = (roadmap.source or "").lower().endswith((".txt", ".csv", ".tsv"))
    unit = "line" if textual else "row"
    for activity in rows:
        where = f" ({unit} {activity.source_row})" if activity.source_row else ""
        section = f"{activity.section} / " if activity.section else ""
        error = activity.expansion.error if activity.expansion else None
        lines.append(
            f"  {section}{activity.number}{where}: «{activity.deadline}» — {error or 'not read'}"
        )
    return lines
