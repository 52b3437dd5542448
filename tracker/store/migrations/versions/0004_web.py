"""Web: accounts, extension requests and feed secrets (issue 7).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("login", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("roadmaps", sa.JSON(), nullable=False),
        sa.Column("password_hash", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("disabled_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("role IN ('admin', 'coordinator')", name="ck_web_account_role"),
        sa.PrimaryKeyConstraint("id", name="pk_web_account"),
        sa.UniqueConstraint("login", name="uq_web_account_login"),
    )
    op.create_table(
        "extension_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurrence_id", sa.Integer(), nullable=False),
        sa.Column("requested_by", sa.String(), nullable=False),
        sa.Column("recipient_key", sa.String(), nullable=False),
        sa.Column("current_due", sa.Date(), nullable=False),
        sa.Column("new_due", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("decided_by", sa.String(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decision_comment", sa.String(), nullable=True),
        sa.CheckConstraint(
            "state IN ('pending', 'approved', 'declined')", name="ck_extension_request_state"
        ),
        sa.ForeignKeyConstraint(
            ["occurrence_id"],
            ["occurrence.id"],
            name="fk_extension_request_occurrence_id_occurrence",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_extension_request"),
    )
    op.create_index("ix_extension_request_occurrence_id", "extension_request", ["occurrence_id"])
    op.create_table(
        "feed_secret",
        sa.Column("executor_id", sa.Integer(), nullable=False),
        sa.Column("secret", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["executor_id"], ["executor.id"], name="fk_feed_secret_executor_id_executor"
        ),
        sa.PrimaryKeyConstraint("executor_id", name="pk_feed_secret"),
        sa.UniqueConstraint("secret", name="uq_feed_secret_secret"),
    )
    op.create_table(
        "web_key",
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("value", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_web_key"),
    )


def downgrade() -> None:
    for table in ("web_key", "feed_secret", "extension_request", "web_account"):
        op.drop_table(table)
