"""Migration 0008 (issue 18): item notifications get their integer key, digests keep theirs,
the outbox learns the draft state; and back."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from alembic import command
from sqlalchemy import Engine, insert, text

from tracker.notify.model import MessageKind, stage_code
from tracker.store.db import _alembic_config, make_engine, upgrade
from tracker.store.tables import ACTIVITY, EXECUTOR, OCCURRENCE, ROADMAP

ROWS = [  # (key, occurrence, recipient, kind, stage)
    ("overdue:3@2022-05-31:1:executor:1", 1, 1, "overdue", "3@2022-05-31"),
    ("reminder:due-7@2022-05-31:1:executor:1", 1, 1, "reminder", "due-7@2022-05-31"),
    ("checkin:start-3@2022-06-01:2:executor:1", 2, 1, "checkin", "start-3@2022-06-01"),
    ("digest:2022-W22:-:executor:1", None, 1, "digest", "2022-W22"),
]


def _seed(engine: Engine) -> None:
    """A roadmap, an activity with two occurrences, an executor and notifications made by the
    schema before: every item key a formatted string (0008 leaves these tables' columns)."""
    with engine.begin() as conn:
        conn.execute(insert(ROADMAP).values(id=1, slug="r", title="R", timezone="Europe/Moscow"))
        conn.execute(
            insert(ACTIVITY).values(
                id=1, roadmap_id=1, key="1", number="1", title="A", deadline="май 2022",
                kind="once",
            )
        )  # fmt: skip
        for ident in (1, 2):
            conn.execute(
                insert(OCCURRENCE).values(
                    id=ident, activity_id=1, due=date(2022, 5, 31), effective_due=date(2022, 5, 31)
                )
            )
        conn.execute(insert(EXECUTOR).values(id=1, key="и", name="И"))
        for key, occurrence, recipient, kind, stage in ROWS:
            conn.execute(
                text(
                    "INSERT INTO notification (key, occurrence_id, recipient_key, recipient_id, "
                    "kind, stage, day, send_at, created_at) VALUES (:key, :occurrence, "
                    "'executor:1', :recipient, :kind, :stage, :day, :at, :at)"
                ),
                {"key": key, "occurrence": occurrence, "recipient": recipient, "kind": kind,
                 "stage": stage, "day": date(2022, 6, 1), "at": datetime(2022, 6, 1, 6)},
            )  # fmt: skip


def test_item_keys_become_integers_and_come_back(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        upgrade(engine, "0007")
        _seed(engine)
        upgrade(engine)
        with engine.connect() as conn:
            stored = conn.execute(
                text("SELECT key, kind, stage, recipient_key, stage_code, created_at "
                     "FROM notification ORDER BY id")
            ).all()  # fmt: skip
        for (key, _occurrence, _recipient, kind, stage), row in zip(ROWS, stored, strict=True):
            if kind == "digest":
                assert (row.key, row.kind, row.stage, row.stage_code) == (key, kind, stage, None)
            else:  # what its integers say is not repeated
                assert (row.key, row.kind, row.stage, row.recipient_key) == (None,) * 4
                assert row.created_at is None
                assert row.stage_code == stage_code(MessageKind(kind), stage)
        with (  # the same item stage again: refused by the integer key
            engine.begin() as conn,
            pytest.raises(Exception, match=r"(?i)unique"),
            conn.begin_nested(),
        ):
            if True:
                conn.execute(text(
                        "INSERT INTO notification (occurrence_id, recipient_key, recipient_id, "
                        f"stage_code, kind, stage, day, send_at, created_at) VALUES (1, "
                        f"'executor:1', 1, {stored[0].stage_code}, 'overdue', '3@2022-05-31', "
                        "'2022-06-01', '2022-06-01 06:00:00', '2022-06-01 06:00:00')"
                    ))  # fmt: skip
        with engine.begin() as conn:  # a draft is a state of the outbox now
            conn.execute(text(
                "INSERT INTO outbox (key, message_id, kind, recipient_key, to_addrs, subject, "
                "text, html, timezone, state, attempts, not_before, next_attempt_at, "
                "created_at) VALUES ('d', 'm', 'reminder', 'executor:1', '[]', '', '', '', "
                "'UTC', 'draft', 0, '2022-06-01', '2022-06-01', '2022-06-01')"
            ))  # fmt: skip
        with engine.begin() as conn:
            command.downgrade(_alembic_config(conn), "0007")
        with engine.connect() as conn:
            keys = conn.execute(text("SELECT key FROM notification ORDER BY id")).scalars().all()
        assert keys == [key for key, *_ in ROWS]
        with engine.connect() as conn:  # drafts do not survive going back
            assert conn.execute(text("SELECT count(*) FROM outbox")).scalar() == 0
    finally:
        engine.dispose()
