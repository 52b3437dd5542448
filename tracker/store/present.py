"""How store results look on a terminal: rich tables, JSON, CSV and one-line reports."""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date
from typing import IO

from tracker.store.changes import Change, HistoryRow, Target
from tracker.store.status import EVENT_LABELS, FIELDS, LABELS, StatusRow
from tracker.store.sync import SyncReport

FORMATS = ("table", "json", "csv")

_STYLES = {
    "overdue": "bold red",
    "due-soon": "yellow",
    "done": "green",
    "cancelled": "dim",
    "needs-dates": "magenta",
}


def short(day: date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else "—"


def _due_cell(row: StatusRow) -> str:
    if row.effective_due is None:
        return "—"
    text = short(row.effective_due)
    if row.extended_due is not None:
        text += f"\nперенос с {short(row.due)}"
    elif row.due is not None and row.due != row.effective_due:
        text += f"\nплан {short(row.due)}"
    return text


def _state_cell(row: StatusRow) -> str:
    label = LABELS.get(row.state, row.state)
    late = row.days_late
    if row.state == "overdue" and late:
        return f"{label} на {late} дн."
    if row.state == "done" and row.completed_on:
        return f"{label} {short(row.completed_on)}" + (f", позже на {late} дн." if late else "")
    return label


def status_table(rows: Iterable[StatusRow], stream: IO[str], total: int | None = None) -> None:
    """A rich table; ``total`` (when the rows were limited) is how many matched in all."""
    from rich.console import Console
    from rich.table import Table

    table = Table(show_lines=False, header_style="bold", expand=False)
    table.add_column("Срок", no_wrap=True)
    table.add_column("Состояние", no_wrap=True)
    table.add_column("Мероприятие", no_wrap=True)
    table.add_column("Наименование", ratio=3, overflow="fold")
    table.add_column("Исполнители", ratio=2, overflow="fold")
    rows = list(rows)
    for row in rows:
        style = _STYLES.get(row.state, "")
        title = row.title if len(row.title) <= 70 else row.title[:69] + "…"
        if row.occurrence_kind == "checkin":
            title = f"[отчёт] {title}"
        table.add_row(
            _due_cell(row),
            f"[{style}]{_state_cell(row)}[/]" if style else _state_cell(row),
            row.ref,
            title,
            "\n".join(row.executors) or "—",
        )
    console = Console(file=stream, width=max(Console(file=stream).width, 120))
    console.print(table)
    counts = Counter(row.state for row in rows)
    parts = [f"{LABELS.get(state, state)}: {count}" for state, count in counts.most_common()]
    if total is not None and total > len(rows):
        console.print(
            f"Показаны первые {len(rows)} из {total} (по сроку); все строки: --limit 0, "
            "или --format csv / json"
        )
        console.print(f"Среди показанных: {'; '.join(parts)}")
        return
    console.print(f"Всего {len(rows)}" + (f" ({'; '.join(parts)})" if parts else ""))


def status_json(rows: Iterable[StatusRow], stream: IO[str], total: int | None = None) -> None:
    """A JSON array, written row by row (the rows may be streamed from the database)."""
    stream.write("[")
    separator = "\n "
    for row in rows:
        stream.write(separator)
        stream.write(json.dumps(row.to_json(), ensure_ascii=False))
        separator = ",\n "
    stream.write("\n]\n" if separator != "\n " else "]\n")


def status_csv(rows: Iterable[StatusRow], stream: IO[str], total: int | None = None) -> None:
    writer = csv.writer(stream)
    writer.writerow(FIELDS)
    for row in rows:
        record = row.to_json()
        record["executors"] = "; ".join(row.executors)
        writer.writerow(["" if record[key] is None else record[key] for key in FIELDS])


def render_status(
    rows: Iterable[StatusRow], fmt: str, stream: IO[str], total: int | None = None
) -> None:
    {"table": status_table, "json": status_json, "csv": status_csv}[fmt](rows, stream, total)


def describe_change(change: Change) -> str:
    """One line (two when an occurrence was picked) that says what was changed."""
    from tracker.render_dates import format_day

    target = change.target
    window = f"срок {format_day(change.effective_due)}"
    if change.start and change.start != change.due:
        window = f"с {format_day(change.start)}, {window}"
    title = target.title if len(target.title) <= 80 else target.title[:79] + "…"
    head = f"{target.roadmap}:{target.key} «{title}», {window}"
    if change.new_due is not None:
        tail = f"срок перенесён на {format_day(change.new_due)}"
        if change.new_effective_due and change.new_effective_due != change.new_due:
            tail += f" (с учётом нерабочих дней — {format_day(change.new_effective_due)})"
    else:
        tail = f"{LABELS[change.from_status]} → {LABELS[change.to_status]}"
        if change.completed_on:
            tail += f", {format_day(change.completed_on)}"
            if change.days_late:
                tail += f", с опозданием на {change.days_late} дн."
    lines = [f"{head}: {tail}"]
    if change.picked:
        lines.append("(взят самый ранний открытый срок; другой выбирается через --due ДАТА)")
    return "\n".join(lines)


def history_table(target: Target, rows: Sequence[HistoryRow], stream: IO[str]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{target.roadmap}:{target.key} «{target.title}»", header_style="bold")
    for title in ("Когда (UTC)", "Срок", "Кто", "Что", "Комментарий"):
        table.add_column(title, overflow="fold")
    for row in rows:
        what = EVENT_LABELS.get(row.event, row.event)
        if row.event == "status":
            what = f"{LABELS.get(row.from_status or '', row.from_status)} → "
            what += LABELS.get(row.to_status or "", row.to_status or "")
        elif row.old_due or row.new_due:
            what += f": {short(row.old_due)} → {short(row.new_due)}"
        table.add_row(
            row.at.strftime("%Y-%m-%d %H:%M"), short(row.due), row.actor, what, row.comment or ""
        )
    console = Console(file=stream, width=max(Console(file=stream).width, 110))
    console.print(table if rows else f"{target.roadmap}:{target.key}: истории пока нет")


def history_json(target: Target, rows: Sequence[HistoryRow], stream: IO[str]) -> None:
    document = {
        "ref": f"{target.roadmap}:{target.key}",
        "title": target.title,
        "history": [row.to_json() for row in rows],
    }
    json.dump(document, stream, ensure_ascii=False, indent=1)
    stream.write("\n")


def sync_lines(report: SyncReport) -> list[str]:
    """What a person wants to read after a sync: changes, failures, warnings, a total."""
    lines: list[str] = []
    if report.executors.error:
        lines.append(report.executors.summary())
    elif any(report.executors.counts.values()):
        lines.append(report.executors.summary().replace(": unchanged", ":"))
    lines += [f.summary() for f in report.files if f.outcome != "unchanged"]
    lines += [f"warning: {warning}" for warning in report.warnings]
    outcomes = Counter(f.outcome for f in report.files)
    parts = [f"{count} {outcome}" for outcome, count in sorted(outcomes.items())]
    lines.append(f"{len(report.files)} schedule files: " + (", ".join(parts) or "none"))
    return lines
