"""What ``tracker import --preview`` shows, and the progress bar of a long read.

The preview is a table a person can check an import against at a glance: number, the title's
start, the deadline as written, what it was read as (dates, or the error in red) and the
executors. Its words are Russian: it is read by the admin who imports the plan.
"""

from __future__ import annotations

import time
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from tracker.render_dates import format_window
from tracker.roadmap.model import Activity, Roadmap
from tracker.terms import Kind

_TITLE = 60
_SHOWN_WINDOWS = 3
_KINDS = {
    Kind.ONCE: "",
    Kind.RECURRING: "повторяется: ",
    Kind.CONTINUOUS: "постоянно: ",
    Kind.UNSCHEDULED: "без срока",
}


def _start(text: str, most: int = _TITLE) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= most else flat[: most - 1] + "…"


def reading(activity: Activity) -> Text:
    """The deadline's reading: its dates («с 1 июня 2023 г. по 30 июня 2023 г.»), or the error."""
    expansion = activity.expansion
    if activity.kind is Kind.ERROR:
        error = (expansion.error if expansion else None) or "срок не прочитан"
        return Text(error, style="bold red")
    windows = activity.windows
    if not windows:
        return Text(_KINDS.get(activity.kind, "") or "без срока", style="yellow")
    shown = "; ".join(format_window(window) for window in windows[:_SHOWN_WINDOWS])
    more = len(windows) - _SHOWN_WINDOWS
    if more > 0:
        shown += f"; и ещё {more}"
    return Text(_KINDS.get(activity.kind, "") + shown)


def preview_table(roadmap: Roadmap) -> Table:
    """The import as a table of its activities, one row each."""
    table = Table(
        title=f"{roadmap.title} — {len(roadmap.activities)} мероприятий, период {roadmap.period}",
        show_lines=False,
        expand=True,
    )
    table.add_column("№", no_wrap=True)
    table.add_column("Мероприятие", ratio=3)
    table.add_column("Срок, как написан", ratio=2)
    table.add_column("Прочитан как", ratio=3)
    table.add_column("Исполнители", ratio=2)
    for activity in roadmap.activities:
        number = f"{activity.section}.{activity.number}" if activity.section else activity.number
        table.add_row(
            number,
            _start(activity.title),
            activity.deadline or Text("нет срока", style="red"),
            reading(activity),
            ", ".join(activity.responsible),
        )
    return table


def print_preview(roadmap: Roadmap, console: Console | None = None) -> None:
    """Print the preview, then the warnings, in yellow."""
    console = console or Console()
    console.print(preview_table(roadmap))
    for warning in roadmap.warnings:
        console.print(Text(f"предупреждение: {warning}", style="yellow"))


class PageProgress:
    """A progress callback for a document's pages: draws a bar on stderr, but only once the read
    has taken more than ``delay`` seconds (a short import shows nothing)."""

    def __init__(self, delay: float = 1.0, console: Console | None = None) -> None:
        self.delay = delay
        self.console = console or Console(stderr=True)
        self.started = time.monotonic()
        self.bar: Progress | None = None
        self.task: TaskID | None = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            if time.monotonic() - self.started < self.delay or done >= total:
                return
            self.bar = Progress(
                TextColumn("чтение страниц"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=self.console,
                transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task("pages", total=total)
        assert self.task is not None
        self.bar.update(self.task, completed=done, total=total)

    def __enter__(self) -> PageProgress:
        self.started = time.monotonic()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self.bar is not None:
            self.bar.stop()
