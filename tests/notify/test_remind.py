"""The planning pass end to end: seed roadmaps in the store → policy → messages → outbox → mail.

On SQLite and PostgreSQL: a pass is idempotent, two planners at once never make a notification
twice, and the planner mark (which reads only occurrences with a newly ready stage) makes
exactly what the policy makes over every open occurrence. On a real SMTP server (STARTTLS and
AUTH): a scripted quarter of one seed roadmap, compared recipient by recipient, subject by
subject and body by body with a reviewed golden file.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, func, select

from tracker.calendar import russian_calendar
from tracker.cli import cli
from tracker.config import Settings, load_settings
from tracker.notify import facts
from tracker.notify.outbox import KEY_COLUMNS, read_stored
from tracker.notify.policy import digest_notifications, plan
from tracker.notify.remind import plan_pass
from tracker.notify.send import send_now
from tracker.roadmap.schedule_file import load
from tracker.store.plan import SyncPolicy
from tracker.store.sync import sync_directory
from tracker.store.tables import ACTIVITY as A
from tracker.store.tables import NOTIFICATION as NT
from tracker.store.tables import OPEN_PREDICATE, OUTBOX
from tracker.web.mail_links import item_links

ROOT = Path(__file__).resolve().parents[2]
SCHEDULES = ROOT / "schedules"
GOLDEN = Path(__file__).resolve().parent / "golden"
SYNCED_AT = datetime(2022, 1, 10, 6, 0, tzinfo=UTC)
#: A fixed signing key, so the item links in the golden transcript do not change.
WEB_SECRET = "golden-transcript-signing-key-0123456789"


def schedules(folder: Path, *names: str) -> Path:
    """A schedules folder with these seed files (all five when none are named)."""
    target = folder / "schedules"
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(SCHEDULES / "executors.toml", target)
    for path in SCHEDULES.glob("*.toml"):
        if path.name != "executors.toml" and (not names or path.stem in names):
            shutil.copy(path, target)
    return target


def settings_for(folder: Path, **env: str) -> Settings:
    fixed = {"TRACKER_MAIL_DIR": str(folder / "mail"), "TRACKER_WEB_SECRET": WEB_SECRET}
    return load_settings(env={**fixed, **env}, cwd=folder)


def synced(engine: Engine, folder: Path, *names: str) -> Settings:
    settings = settings_for(folder)
    directory = schedules(folder, *names)
    report = sync_directory(
        engine,
        directory,
        load=load,
        executors_file=directory / "executors.toml",
        policy=SyncPolicy(shift=settings.policy.shift, checkin=settings.policy.checkin),
        now=SYNCED_AT,
    )
    assert not report.failed
    return settings


def made(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return {read_stored(row).key for row in conn.execute(select(*KEY_COLUMNS))}


def moments(start: datetime, end: datetime, step: timedelta) -> Iterator[datetime]:
    moment = start
    while moment <= end:
        yield moment
        moment += step


# --- idempotence and concurrency, both databases ------------------------------------------------


def test_a_pass_is_idempotent_and_queues_one_row_per_message(
    engine: Engine, tmp_path: Path
) -> None:
    settings = synced(engine, tmp_path)
    now = datetime(2022, 5, 20, 7, 0, tzinfo=UTC)
    first = plan_pass(engine, settings, now)
    assert first.made > 0 and first.notifications >= first.made
    again = plan_pass(engine, settings, now)
    assert (again.made, again.notifications) == (0, 0)
    with engine.connect() as conn:
        rows = conn.execute(select(func.count()).select_from(OUTBOX)).scalar_one()
        unlinked = conn.execute(
            select(func.count())
            .select_from(NT)
            .where(NT.c.outbox_id.is_(None), NT.c.send_at <= now)
        ).scalar_one()
    assert rows == first.made
    assert unlinked == 0  # every notification whose time came went into a queued message


def test_a_dry_run_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    settings = synced(engine, tmp_path)
    now = datetime(2022, 5, 20, 7, 0, tzinfo=UTC)
    preview = plan_pass(engine, settings, now, dry_run=True)
    assert preview.made > 0 and made(engine) == set()
    real = plan_pass(engine, settings, now)
    assert [m.subject for m in real.messages] == [m.subject for m in preview.messages]


def test_two_planners_at_once_make_each_notification_once(engine: Engine, tmp_path: Path) -> None:
    settings = synced(engine, tmp_path)
    now = datetime(2022, 5, 20, 7, 0, tzinfo=UTC)
    reports = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def planner() -> None:
        try:
            start.wait()
            reports.append(plan_pass(engine, settings, now))
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=planner) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    total = sum(report.notifications for report in reports)
    assert total == len(made(engine))  # nothing made twice, nothing lost
    with engine.connect() as conn:
        waiting = conn.execute(
            select(func.count())
            .select_from(NT)
            .where(NT.c.outbox_id.is_(None), NT.c.send_at <= now)
        ).scalar_one()
        messages = conn.execute(select(func.count()).select_from(OUTBOX)).scalar_one()
    assert waiting == 0  # every notification whose time came is in exactly one message
    assert messages == sum(report.made for report in reports)
    with engine.connect() as conn:  # no message without notifications, none left half made
        empty = conn.execute(
            select(func.count())
            .select_from(OUTBOX)
            .where(
                OUTBOX.c.kind != "digest",
                ~OUTBOX.c.id.in_(select(NT.c.outbox_id).where(NT.c.outbox_id.is_not(None))),
            )
        ).scalar_one()
        states = set(conn.execute(select(OUTBOX.c.state)).scalars())
    assert empty == 0 and states == {"pending"}


# --- the planner mark reads only what can be new, and misses nothing -----------------------------


def _everything(engine: Engine, settings: Settings, now: datetime) -> set[str]:
    """What the policy makes at ``now`` when it is shown every open occurrence."""
    calendar = russian_calendar()
    with engine.connect() as conn:
        directory = facts.load_directory(conn, settings)
        statement = facts.select_items(OPEN_PREDICATE, A.c.archived_at.is_(None))
        items = facts.items_of(conn, directory, conn.execute(statement).all())
        done = {read_stored(row).key for row in conn.execute(select(*KEY_COLUMNS))}
    recipients = [p for info in directory.roadmaps.values() for p in info.coordinators]
    wanted = plan(items, done, now, settings.policy, calendar)
    wanted += digest_notifications(recipients, done, now, settings.policy, calendar)
    return {n.key for n in wanted if n.recipient.emails}


def _walk(engine: Engine, tmp_path: Path, step_hours: int) -> None:
    """Plan at every step of 24 days around the end of a quarter; compare with the policy."""
    settings = synced(engine, tmp_path)
    start = datetime(2022, 8, 25, 0, 30, tzinfo=UTC)
    for now in moments(start, start + timedelta(days=24), timedelta(hours=step_hours)):
        expected = _everything(engine, settings, now)
        before = made(engine)
        plan_pass(engine, settings, now)
        assert made(engine) - before == expected, now


def test_the_planner_mark_makes_exactly_what_the_policy_makes_over_everything(
    engine: Engine, tmp_path: Path
) -> None:
    _walk(engine, tmp_path, 24)


def test_the_planner_mark_misses_nothing_in_fine_steps(tmp_path: Path) -> None:
    """Every five hours: stages become ready between passes in every zone (SQLite only, for
    time: the daily walk above runs on both databases)."""
    from tracker.store.db import make_engine, upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'walk.db'}")
    upgrade(engine)
    try:
        _walk(engine, tmp_path, 5)
    finally:
        engine.dispose()


# --- the command ---------------------------------------------------------------------------------


def test_remind_twice_for_the_same_moment_sends_nothing_the_second_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith("TRACKER_"):
            monkeypatch.delenv(name)
    schedules(tmp_path)
    runner = CliRunner()
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
    assert runner.invoke(cli, ["sync"]).exit_code == 0
    first = runner.invoke(cli, ["remind", "--now", "2022-05-20T10:00"])
    assert first.exit_code == 0, first.output
    files = sorted((tmp_path / "outbox").rglob("*.eml"))
    assert files and f"send: {len(files)} sent to outbox" in first.output
    assert "sent: #1 to " in first.output
    # Its mail carries signed links, as the daemon's does: the item page and the pause page.
    sent = files[0].read_text(encoding="utf-8")
    assert "List-Unsubscribe:" in sent and "/pause/" in sent
    second = runner.invoke(cli, ["remind", "--now", "2022-05-20T10:00"])
    assert second.exit_code == 0, second.output
    assert "plan: 0 notifications in 0 messages" in second.output
    assert "send: nothing to send" in second.output
    assert sorted((tmp_path / "outbox").rglob("*.eml")) == files
    preview = runner.invoke(cli, ["remind", "--now", "2022-05-27T10:00", "--dry-run"])
    assert "would queue" in preview.output
    assert sorted((tmp_path / "outbox").rglob("*.eml")) == files


# --- a scripted quarter over a real SMTP server ---------------------------------------------------


def _transcript(received: list[tuple[datetime, object]], zone: str) -> str:
    parts = []
    for at, message in received:
        parts.append(
            "\n".join(
                [
                    f"=== {at.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M} {zone}",
                    f"To: {', '.join(message.rcpt_tos)}",  # type: ignore[attr-defined]
                    f"Subject: {message.message['Subject']}",  # type: ignore[attr-defined]
                    "",
                    message.text.rstrip(),  # type: ignore[attr-defined]
                    "",
                ]
            )
        )
    return "\n".join(parts)


def test_a_scripted_quarter_of_one_seed_roadmap_over_smtp(
    tmp_path: Path, smtp_server: object
) -> None:
    """Ilovlya's roadmap (Europe/Volgograd) from July to September 2022, a tick every three
    hours: every message, its recipients, subject and text, and the hour it arrived."""
    from tracker.store.db import make_engine, upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'quarter.db'}")
    upgrade(engine)
    synced(engine, tmp_path, "ilovlya")
    settings = settings_for(tmp_path, **smtp_server.env())  # type: ignore[attr-defined]
    received: list[tuple[datetime, object]] = []
    start = datetime(2022, 7, 1, 0, 0, tzinfo=UTC)
    links = item_links(engine, settings, start)
    for now in moments(start, datetime(2022, 9, 30, 21, 0, tzinfo=UTC), timedelta(hours=3)):
        plan_pass(engine, settings, now, link_maker=links)
        report = send_now(engine, settings, now)
        assert report.failed == 0
        arrived = smtp_server.received[len(received) :]  # type: ignore[attr-defined]
        # messages of one tick go out over parallel connections: their order is not fixed
        arrived = sorted(arrived, key=lambda m: (m.rcpt_tos, m.message["Subject"], m.text))
        received += [(now, message) for message in arrived]
    engine.dispose()
    zone = "Europe/Volgograd"
    for at, _ in received:  # never at night, never on a day off, in the recipients' zone
        local = at.astimezone(ZoneInfo(zone))
        assert 9 <= local.hour < 18 and russian_calendar().is_working_day(local.date()), local
    text = _transcript(received, zone)
    golden = GOLDEN / "ilovlya-2022-q3.txt"
    if os.environ.get("TRACKER_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")
