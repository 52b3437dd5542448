"""Web: a session generation per account (logout ends sessions server-side) and the log of
login attempts that throttling counts (issue 17).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("web_account") as batch:
        batch.add_column(
            sa.Column("session_generation", sa.Integer(), nullable=False, server_default="0")
        )
    op.create_table(
        "login_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("login", sa.String(), nullable=False),
        sa.Column("address", sa.String(), nullable=False),
        sa.Column("outcome", sa.String(), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('ok', 'wrong', 'throttled')", name="ck_login_attempt_outcome"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_login_attempt"),
    )
    op.create_index("ix_login_attempt_login_at", "login_attempt", ["login", "at"])
    op.create_index("ix_login_attempt_address_at", "login_attempt", ["address", "at"])


def downgrade() -> None:
    op.drop_table("login_attempt")
    with op.batch_alter_table("web_account") as batch:
        batch.drop_column("session_generation")
