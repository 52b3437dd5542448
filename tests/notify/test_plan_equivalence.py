"""The streamed planning pass makes what the pass before it made (issue 18).

On a 1/20-scale copy of the soak benchmark's database (50 roadmaps × 100 activities, the
benchmark's own generator and moment), the benchmark's three passes — cold, five minutes later,
the next morning — are run on SQLite and on PostgreSQL. Each message (kind, recipient,
addresses, subject, text, HTML, sending time), the items each message carries (occurrence and
stage of every notification it took) and the pass counts are compared with a golden recorded
from the pass before streaming (commit b26369b). ``TRACKER_UPDATE_GOLDEN=1`` rewrites it.
"""

from __future__ import annotations

import hashlib
import os
import sys
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine, select

from tracker.config import load_settings
from tracker.notify.remind import plan_pass
from tracker.roadmap.schedule_file import load
from tracker.store.plan import SyncPolicy
from tracker.store.sync import sync_directory
from tracker.store.tables import NOTIFICATION as NT
from tracker.store.tables import OUTBOX

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
GOLDEN = Path(__file__).resolve().parent / "golden" / "plan-equivalence-1-20.txt"
ROADMAPS, ACTIVITIES = 50, 100  # the soak benchmark's 1000 × 100, at 1/20


def _bench() -> tuple[object, object]:
    sys.path.insert(0, str(BENCHMARKS))
    try:
        from store_bench import NOW, generate
    finally:
        sys.path.remove(str(BENCHMARKS))
    return NOW, generate


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def transcript(engine: Engine, lines_by_pass: list[list[str]]) -> str:
    """The passes' counts, then every message with the items it carries, in a fixed order."""
    out: list[str] = []
    for number, lines in enumerate(lines_by_pass, 1):
        out.append(f"pass {number}: {lines[-1]}")
    with engine.connect() as conn:
        carried: dict[int, list[str]] = {}
        for row in conn.execute(select(NT.c.outbox_id, NT.c.occurrence_id, NT.c.stage)):
            if row.outbox_id is not None:
                carried.setdefault(row.outbox_id, []).append(f"{row.occurrence_id}/{row.stage}")
        messages = []
        for row in conn.execute(select(OUTBOX)):
            items = sorted(carried.get(row.id, []))
            # a digest's body is the digest's own business (not the pass's): its day is compared
            body = (
                "(digest)"
                if row.kind == "digest"
                else f"«{row.subject}» text {_sha(row.text)} html {_sha(row.html)}"
            )
            messages.append(
                f"{row.kind} {row.recipient_key} {','.join(row.to_addrs)} "
                f"at {row.not_before:%Y-%m-%d %H:%M} {body} "
                f"{len(items)} items {_sha(chr(10).join(items))}"
            )
    out += sorted(messages)
    return "\n".join(out) + "\n"


def test_the_streamed_pass_makes_the_same_messages_as_before(
    engine: Engine, tmp_path: Path
) -> None:
    now, generate = _bench()
    folder = tmp_path / "schedules"
    generate(folder, ROADMAPS, ACTIVITIES)  # type: ignore[operator]
    settings = load_settings(env={"TRACKER_MAIL_DIR": str(tmp_path / "mail")}, cwd=tmp_path)
    report = sync_directory(
        engine,
        folder,
        load=load,
        executors_file=folder / "executors.toml",
        policy=SyncPolicy(shift=settings.policy.shift, checkin=settings.policy.checkin),
        now=now,  # type: ignore[arg-type]
    )
    assert not report.failed
    moments = [now, now + timedelta(minutes=5), now + timedelta(days=1)]  # type: ignore[operator]
    lines = [plan_pass(engine, settings, moment).lines() for moment in moments]
    text = transcript(engine, lines)
    if os.environ.get("TRACKER_UPDATE_GOLDEN") == "1" and engine.dialect.name == "sqlite":
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")
