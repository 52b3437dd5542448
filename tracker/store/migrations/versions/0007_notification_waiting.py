"""The planning pass's waiting notifications found by index (issue 18).

A pass composes the notifications not yet in a message whose ``send_at`` has come. After a
cold pass hundreds of thousands wait for their recipients' sending hours; without this partial
index every tick scanned them all to find none due. (``outbox_id`` leads, so that SQLite's
planner, which prefers an equality, takes this index over ``ix_notification_outbox_id``.)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

#: Copied, not imported: a migration must not change when the models do.
WAITING_SQL = "outbox_id IS NULL"


def upgrade() -> None:
    op.create_index(
        "ix_notification_waiting",
        "notification",
        ["outbox_id", "send_at"],
        sqlite_where=sa.text(WAITING_SQL),
        postgresql_where=sa.text(WAITING_SQL),
    )


def downgrade() -> None:
    op.drop_index("ix_notification_waiting", table_name="notification")
