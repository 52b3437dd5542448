"""Executors' organisation (discipline per organisation) and recipients' mail pauses (the
signed List-Unsubscribe link, carried by the outbox row) (issue 16).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("executor") as batch:
        batch.add_column(sa.Column("organisation", sa.String(), nullable=True))
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("list_unsubscribe", sa.String(), nullable=True))
    op.create_table(
        "mail_pause",
        sa.Column("address", sa.String(), nullable=False),
        sa.Column("until", sa.DateTime(), nullable=True),
        sa.Column("digests", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("address", name="pk_mail_pause"),
    )


def downgrade() -> None:
    op.drop_table("mail_pause")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("list_unsubscribe")
    with op.batch_alter_table("executor") as batch:
        batch.drop_column("organisation")
