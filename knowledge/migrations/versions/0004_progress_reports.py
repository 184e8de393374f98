"""progress reports: chats bound to units, reports per row and period, their audit log, published periods

Revision ID: 0004_progress_reports
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_progress_reports"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Only new tables: documents, reminders and their data are left untouched.
    op.create_table(
        "progress_bindings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("chat_type", sa.String(length=20), nullable=False),
        sa.Column("chat_title", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("requested_by", sa.BigInteger(), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("chat_id", "unit"),
    )
    op.create_index("ix_progress_bindings_chat_id", "progress_bindings", ["chat_id"])
    op.create_index("ix_progress_bindings_unit", "progress_bindings", ["unit"])
    op.create_table(
        "progress_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document", sa.String(length=100), nullable=False),
        sa.Column("row_id", sa.String(length=20), nullable=False),
        sa.Column("unit", sa.String(length=200), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("percent", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("reported_by", sa.String(length=100), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("document", "row_id", "unit", "period"),
    )
    op.create_index("ix_progress_reports_period", "progress_reports",
                    ["document", "period", "row_id", "unit", "reported_at"])  # covering: who reported, index only
    op.create_index("ix_progress_reports_message", "progress_reports", ["chat_id", "message_id"])
    op.create_table(
        "progress_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("document", sa.String(length=100), nullable=False),
        sa.Column("unit", sa.String(length=200), nullable=False),
        sa.Column("row_id", sa.String(length=20), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("percent", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_progress_events_period", "progress_events", ["document", "period"])
    op.create_index("ix_progress_events_at", "progress_events", ["at"])
    op.create_table(
        "progress_published",
        sa.Column("document", sa.String(length=100), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("published_by", sa.String(length=100), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("document", "period"),
    )


def downgrade() -> None:
    op.drop_table("progress_published")
    op.drop_index("ix_progress_events_at", "progress_events")
    op.drop_index("ix_progress_events_period", "progress_events")
    op.drop_table("progress_events")
    op.drop_index("ix_progress_reports_message", "progress_reports")
    op.drop_index("ix_progress_reports_period", "progress_reports")
    op.drop_table("progress_reports")
    op.drop_index("ix_progress_bindings_unit", "progress_bindings")
    op.drop_index("ix_progress_bindings_chat_id", "progress_bindings")
    op.drop_table("progress_bindings")
