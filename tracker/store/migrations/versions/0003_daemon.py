"""The daemon: one row per daemon process, its heartbeat and its last passes (issue 6).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "worker",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("host", sa.String(), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("last_tick_at", sa.DateTime(), nullable=False),
        sa.Column("stopped_at", sa.DateTime(), nullable=True),
        sa.Column("ticks", sa.Integer(), nullable=False),
        sa.Column("last_planned", sa.Integer(), nullable=False),
        sa.Column("last_superseded", sa.Integer(), nullable=False),
        sa.Column("last_sent", sa.Integer(), nullable=False),
        sa.Column("last_failed", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_worker"),
    )
    op.create_index("ix_worker_last_tick_at", "worker", ["last_tick_at"])


def downgrade() -> None:
    op.drop_table("worker")
