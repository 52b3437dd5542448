"""Reminders: notifications made and the outbox of messages (issue 5).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

#: Copied, not imported: a migration must not change when the models do.
OPEN_OCCURRENCE_SQL = "status IN ('planned', 'in_progress') AND archived_at IS NULL"


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("message_id", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("recipient_key", sa.String(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=True),
        sa.Column("to_addrs", sa.JSON(), nullable=False),
        sa.Column("subject", sa.String(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("html", sa.String(), nullable=False),
        sa.Column("timezone", sa.String(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("not_before", sa.DateTime(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.Column("lease_until", sa.DateTime(), nullable=True),
        sa.Column("claimed_by", sa.String(), nullable=True),
        sa.Column("last_error", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("failed_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "state IN ('pending', 'sending', 'sent', 'failed', 'superseded')",
            name="ck_outbox_state",
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"], ["executor.id"], name="fk_outbox_recipient_id_executor"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.UniqueConstraint("key", name="uq_outbox_key"),
        sa.UniqueConstraint("message_id", name="uq_outbox_message_id"),
    )
    op.create_index("ix_outbox_state_next_attempt_at", "outbox", ["state", "next_attempt_at"])
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("occurrence_id", sa.Integer(), nullable=True),
        sa.Column("recipient_key", sa.String(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("stage", sa.String(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("send_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["occurrence_id"], ["occurrence.id"], name="fk_notification_occurrence_id_occurrence"
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"], ["executor.id"], name="fk_notification_recipient_id_executor"
        ),
        sa.ForeignKeyConstraint(
            ["outbox_id"], ["outbox.id"], name="fk_notification_outbox_id_outbox"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_notification"),
        sa.UniqueConstraint("key", name="uq_notification_key"),
    )
    op.create_index("ix_notification_occurrence_id", "notification", ["occurrence_id"])
    op.create_index("ix_notification_outbox_id", "notification", ["outbox_id"])
    op.create_table(
        "planner_mark",
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("until", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_planner_mark"),
    )
    # Open, current occurrences by due date: what overdue/due-soon/open and the planner walk.
    open_occurrence = sa.text(OPEN_OCCURRENCE_SQL)
    op.create_index(
        "ix_occurrence_open_due",
        "occurrence",
        ["effective_due", "activity_id"],
        sqlite_where=open_occurrence,
        postgresql_where=open_occurrence,
    )


def downgrade() -> None:
    op.drop_index("ix_occurrence_open_due", "occurrence")
    op.drop_table("planner_mark")
    op.drop_table("notification")
    op.drop_table("outbox")
