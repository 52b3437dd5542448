"""What `tracker run --once` prints: what the cycle synced, planned and sent, to whom, and where
the mail went."""

from __future__ import annotations

from collections import Counter
from typing import Any

from tracker.config import Settings
from tracker.daemon.once import Cycle

#: Sent messages listed one by one; more are counted.
SHOWN = 30


def _sync_line(report: Any) -> str:
    outcomes = Counter(f.outcome for f in report.files)
    parts = ", ".join(f"{n} {outcome}" for outcome, n in sorted(outcomes.items())) or "none"
    line = f"sync: {len(report.files)} schedule files ({parts})"
    if report.failed:
        line += f"; {len(report.failed)} could not be synced"
    if report.warnings:
        count = len(report.warnings)
        line += f"; {count} warning{'s' if count != 1 else ''} (see `tracker sync`)"
    return line


def cycle_lines(cycle: Cycle, settings: Settings) -> list[str]:
    """A short summary: one line per step, then each message sent and where the mail is."""
    lines = [f"cycle at {cycle.now:%Y-%m-%d %H:%M} UTC"]
    if cycle.sync is not None:
        lines.append(_sync_line(cycle.sync))
    plan = cycle.plan
    lines.append(f"plan: {plan.notifications} notifications in {plan.made} messages")
    lines += [f"  warning: {warning}" for warning in plan.warnings]
    send = cycle.send
    lines.append(f"send: {send.summary()}")
    if send.halted:
        lines.append(f"  stopped early: {send.halted}")
    sent = [line for line in send.lines if line.outcome.value == "sent"]
    for line in sent[:SHOWN]:
        lines.append(f"  → {', '.join(line.to)}: {line.subject}")
    if len(sent) > SHOWN:
        lines.append(f"  … and {len(sent) - SHOWN} more")
    for line in send.lines:
        if line.outcome.value in ("failed", "retry"):
            lines.append(f"  ✗ {', '.join(line.to)}: {line.subject}: {line.error}")
    if settings.mail.transport == "file":
        folder = settings.mail.dir.resolve()
        files = sum(1 for _ in folder.rglob("*.eml")) if folder.is_dir() else 0
        lines.append(f"mail: {len(sent)} written now; {files} .eml files in {folder}/")
    else:
        lines.append(f"mail: {len(sent)} sent through {settings.smtp.host}:{settings.smtp.port}")
    return lines
