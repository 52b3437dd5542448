"""An item notification's key as three integers; outbox drafts (issue 18).

* ``notification``: an item notification is made once per (occurrence, recipient, stage code)
  — a unique index of three integers (``stage_code``: the kind and stage as one integer, see
  :func:`tracker.notify.model.stage_code`) instead of the formatted string ``key``, which only
  digests keep now. The index leads with the occurrence, so the occurrence index goes. An
  item's row no longer repeats what its integers say (recipient key, kind, stage) nor the
  moment of its pass: those columns are a digest's only.
* ``outbox``: the state ``draft`` — a message the planning pass is putting together; its
  notifications link to it as they are made.
* ``occurrence``: the open ones by window start, for the planning pass's candidates; per
  activity, the open ones by due date and the done ones by completion date, for a digest's
  lists.

Existing rows get their code, and item rows lose their string key.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

#: Copied, not imported: a migration must not change when the models do.
_KIND_CODES = {"reminder": 0, "due_today": 1, "overdue": 2, "escalation": 3, "checkin": 4}
_STATES_BEFORE = "state IN ('pending', 'sending', 'sent', 'failed', 'superseded')"
_OPEN_SQL = "status IN ('planned', 'in_progress') AND archived_at IS NULL"
_DONE_SQL = "status = 'done' AND archived_at IS NULL"
#: (name, columns, where) of the occurrence indexes added
_OCCURRENCE_INDEXES = (
    ("ix_occurrence_open_start", ["start"], _OPEN_SQL),
    ("ix_occurrence_open_activity_due", ["activity_id", "effective_due"], _OPEN_SQL),
    ("ix_occurrence_done_activity_completed", ["activity_id", "completed_on"], _DONE_SQL),
)
_STATES_AFTER = "state IN ('pending', 'sending', 'sent', 'failed', 'superseded', 'draft')"


def _stage_code(kind: str, stage: str) -> int:
    head, _, day = stage.partition("@")
    ordinal = date.fromisoformat(day).toordinal()
    if head.startswith("start-"):
        form, number = 0, int(head[6:])
    elif head.startswith("due-"):
        form, number = 1, int(head[4:])
    elif head == "due":
        form, number = 2, 0
    else:
        form, number = 3, int(head)
    return (((_KIND_CODES[kind] << 2 | form) << 16 | number) << 20) | ordinal


def _stage_of_code(code: int) -> tuple[str, str]:
    ordinal = code & (1 << 20) - 1
    number = code >> 20 & (1 << 16) - 1
    form = code >> 36 & 3
    kind = next(name for name, value in _KIND_CODES.items() if value == code >> 38)
    head = ("start-{n}", "due-{n}", "due", "{n}")[form].format(n=number)
    return kind, f"{head}@{date.fromordinal(ordinal).isoformat()}"


def _outbox_states(check: str) -> None:
    """Replace the outbox's state check. Its name goes through the naming convention, as in
    0002 (so it is ``ck_outbox_ck_outbox_state`` in the database); on SQLite the table is
    copied with the new check only."""
    with op.batch_alter_table("outbox") as batch:
        batch.drop_constraint("ck_outbox_state", type_="check")
        batch.create_check_constraint("ck_outbox_state", sa.text(check))


def upgrade() -> None:
    with op.batch_alter_table("notification") as batch:
        batch.add_column(sa.Column("stage_code", sa.BigInteger(), nullable=True))
        for name in ("key", "recipient_key", "kind", "stage"):
            batch.alter_column(name, existing_type=sa.String(), nullable=True)
        batch.alter_column("created_at", existing_type=sa.DateTime(), nullable=True)
        batch.drop_index("ix_notification_occurrence_id")
    bind = op.get_bind()
    rows = bind.execute(
        sa.text("SELECT id, kind, stage FROM notification WHERE occurrence_id IS NOT NULL")
    ).all()
    codes = [{"id": row.id, "code": _stage_code(row.kind, row.stage)} for row in rows]
    if codes:
        bind.execute(
            sa.text(
                "UPDATE notification SET stage_code = :code, key = NULL, recipient_key = NULL, "
                "kind = NULL, stage = NULL, created_at = NULL WHERE id = :id"
            ),
            codes,
        )
    op.create_index(
        "ux_notification_item",
        "notification",
        ["occurrence_id", "recipient_id", "stage_code"],
        unique=True,
    )
    _outbox_states(_STATES_AFTER)
    for name, columns, where in _OCCURRENCE_INDEXES:
        op.create_index(
            name,
            "occurrence",
            columns,
            sqlite_where=sa.text(where),
            postgresql_where=sa.text(where),
        )


def downgrade() -> None:
    for name, _columns, _where in _OCCURRENCE_INDEXES:
        op.drop_index(name, table_name="occurrence")
    bind = op.get_bind()
    bind.execute(
        sa.text(
            "UPDATE notification SET outbox_id = NULL WHERE outbox_id IN "
            "(SELECT id FROM outbox WHERE state = 'draft')"
        )
    )
    bind.execute(sa.text("DELETE FROM outbox WHERE state = 'draft'"))
    _outbox_states(_STATES_BEFORE)
    op.drop_index("ux_notification_item", table_name="notification")
    rows = bind.execute(
        sa.text(
            "SELECT id, occurrence_id, recipient_id, stage_code FROM notification "
            "WHERE stage_code IS NOT NULL"
        )
    ).all()
    parts = []
    for row in rows:
        kind, stage = _stage_of_code(row.stage_code)
        recipient = f"executor:{row.recipient_id}"
        parts.append(
            {"id": row.id, "key": f"{kind}:{stage}:{row.occurrence_id}:{recipient}",
             "recipient": recipient, "kind": kind, "stage": stage}
        )  # fmt: skip
    if parts:
        bind.execute(
            sa.text(
                "UPDATE notification SET key = :key, recipient_key = :recipient, kind = :kind, "
                "stage = :stage, created_at = send_at WHERE id = :id"
            ),
            parts,
        )
    with op.batch_alter_table("notification") as batch:
        batch.create_index("ix_notification_occurrence_id", ["occurrence_id"])
        for name in ("key", "recipient_key", "kind", "stage"):
            batch.alter_column(name, existing_type=sa.String(), nullable=False)
        batch.alter_column("created_at", existing_type=sa.DateTime(), nullable=False)
        batch.drop_column("stage_code")
