"""The store: roadmaps, activities, occurrences, executors, history and extensions.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

APPEND_ONLY = ("status_change", "extension")


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), nullable=False)


def _archived() -> sa.Column[datetime]:
    return sa.Column("archived_at", sa.DateTime(), nullable=True)


def upgrade() -> None:
    op.create_table(
        "executor",
        _id(),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=True),
        sa.Column("timezone", sa.String(), nullable=True),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("emails", sa.JSON(), nullable=False),
        sa.Column("roadmaps", sa.JSON(), nullable=False),
        sa.Column("coordinates", sa.JSON(), nullable=False),
        _archived(),
        sa.PrimaryKeyConstraint("id", name="pk_executor"),
        sa.UniqueConstraint("key", name="uq_executor_key"),
    )
    op.create_table(
        "roadmap",
        _id(),
        sa.Column("slug", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("timezone", sa.String(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("issuer", sa.String(), nullable=True),
        sa.Column("document_number", sa.String(), nullable=True),
        sa.Column("document_date", sa.Date(), nullable=True),
        sa.Column("source", sa.String(), nullable=True),
        sa.Column("fingerprint", sa.String(), nullable=False),
        sa.Column("synced_at", sa.DateTime(), nullable=True),
        _archived(),
        sa.PrimaryKeyConstraint("id", name="pk_roadmap"),
        sa.UniqueConstraint("slug", name="uq_roadmap_slug"),
    )
    op.create_table(
        "roadmap_coordinator",
        sa.Column("roadmap_id", sa.Integer(), nullable=False),
        sa.Column("executor_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["executor_id"], ["executor.id"], name="fk_roadmap_coordinator_executor_id_executor"
        ),
        sa.ForeignKeyConstraint(
            ["roadmap_id"], ["roadmap.id"], name="fk_roadmap_coordinator_roadmap_id_roadmap"
        ),
        sa.PrimaryKeyConstraint("roadmap_id", "executor_id", name="pk_roadmap_coordinator"),
    )
    op.create_table(
        "activity",
        _id(),
        sa.Column("roadmap_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("number", sa.String(), nullable=False),
        sa.Column("section", sa.String(), nullable=True),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("result", sa.String(), nullable=True),
        sa.Column("deadline", sa.String(), nullable=False),
        sa.Column("rule", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("source_row", sa.Integer(), nullable=True),
        sa.Column("fingerprint", sa.String(), nullable=False),
        _archived(),
        sa.ForeignKeyConstraint(
            ["roadmap_id"], ["roadmap.id"], name="fk_activity_roadmap_id_roadmap"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_activity"),
        sa.UniqueConstraint("roadmap_id", "key", name="uq_activity_roadmap_id_key"),
    )
    op.create_table(
        "activity_executor",
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("executor_id", sa.Integer(), nullable=True),
        sa.Column("lead", sa.Boolean(), nullable=False),
        sa.Column("stand_in", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"], ["activity.id"], name="fk_activity_executor_activity_id_activity"
        ),
        sa.ForeignKeyConstraint(
            ["executor_id"], ["executor.id"], name="fk_activity_executor_executor_id_executor"
        ),
        sa.PrimaryKeyConstraint("activity_id", "position", name="pk_activity_executor"),
    )
    op.create_index("ix_activity_executor_executor_id", "activity_executor", ["executor_id"])
    op.create_table(
        "occurrence",
        _id(),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("start", sa.Date(), nullable=True),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("extended_due", sa.Date(), nullable=True),
        sa.Column("effective_due", sa.Date(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=True),
        _archived(),
        sa.CheckConstraint(
            "status IN ('planned', 'in_progress', 'done', 'cancelled')",
            name="ck_occurrence_status",
        ),
        sa.ForeignKeyConstraint(
            ["activity_id"], ["activity.id"], name="fk_occurrence_activity_id_activity"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_occurrence"),
    )
    op.create_index("ix_occurrence_activity_id", "occurrence", ["activity_id"])
    op.create_index("ix_occurrence_status_effective_due", "occurrence", ["status", "effective_due"])
    op.create_table(
        "status_change",
        _id(),
        sa.Column("occurrence_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("event", sa.String(), nullable=False),
        sa.Column("from_status", sa.String(), nullable=True),
        sa.Column("to_status", sa.String(), nullable=True),
        sa.Column("old_due", sa.Date(), nullable=True),
        sa.Column("new_due", sa.Date(), nullable=True),
        sa.Column("comment", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(
            ["occurrence_id"], ["occurrence.id"], name="fk_status_change_occurrence_id_occurrence"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_status_change"),
    )
    op.create_index("ix_status_change_occurrence_id", "status_change", ["occurrence_id"])
    op.create_table(
        "extension",
        _id(),
        sa.Column("occurrence_id", sa.Integer(), nullable=False),
        sa.Column("original_due", sa.Date(), nullable=False),
        sa.Column("new_due", sa.Date(), nullable=False),
        sa.Column("approved_by", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["occurrence_id"], ["occurrence.id"], name="fk_extension_occurrence_id_occurrence"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_extension"),
    )
    op.create_index("ix_extension_occurrence_id", "extension", ["occurrence_id"])
    _append_only_triggers()


def _append_only_triggers() -> None:
    """History rows can be added, never changed or removed, whoever connects."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION tracker_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"
        )
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION tracker_append_only()"
            )
        return
    for table in APPEND_ONLY:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )


def downgrade() -> None:
    for table in ("extension", "status_change", "occurrence", "activity_executor"):
        op.drop_table(table)
    for table in ("activity", "roadmap_coordinator", "roadmap", "executor"):
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS tracker_append_only()")
